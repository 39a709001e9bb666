from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LogisticsStatusMapping(models.Model):
    """Translates a source's raw status (and optional detail) to a canonical milestone.

    Lines belong to an endpoint, or to a profile as defaults for every endpoint
    using it; an endpoint line wins over a profile line, and a line with the
    exact detail wins over one without. Each endpoint's lines are kept per worker
    (``logistics.endpoint._get_status_mapping_ids``) until any line changes.
    """

    _name = "logistics.status.mapping"
    _inherit = ["logistics.cached.config.mixin"]
    _description = "Inbound Status Mapping"
    _order = "endpoint_id, profile_id, raw_code, raw_detail, id"

    endpoint_id = fields.Many2one(comodel_name="logistics.endpoint", ondelete="cascade", index=True)
    profile_id = fields.Many2one(
        comodel_name="logistics.inbound.profile", ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="endpoint_id.company_id", store=True, index=True)
    raw_code = fields.Char(required=True, help="Status code exactly as the source sends it.")
    raw_detail = fields.Char(
        help="Detail, sub-status or reason code; empty matches any detail.",
    )
    event_type_id = fields.Many2one(
        comodel_name="logistics.event.type",
        string="Canonical Event",
        required=True,
        ondelete="restrict",
    )
    customer_visibility = fields.Selection(
        selection=[
            ("canonical", "As the canonical event"),
            ("visible", "Visible"),
            ("hidden", "Hidden"),
        ],
        required=True,
        default="canonical",
        help="Whether milestones mapped by this line are shown to the customer.",
    )
    action_required = fields.Boolean(
        help="An exception somebody must act on (address issue, refusal, damage)."
    )
    note = fields.Char()
    waiting_count = fields.Integer(
        compute="_compute_waiting_count", help="Inbound events waiting for this code."
    )

    _sql_constraints = [
        (
            "code_unique",
            "unique(endpoint_id, profile_id, raw_code, raw_detail)",
            "This code and detail are already mapped.",
        ),
    ]

    @api.depends("raw_code", "raw_detail", "event_type_id", "profile_id", "endpoint_id")
    def _compute_display_name(self):
        for mapping in self:
            owner = mapping.profile_id or mapping.endpoint_id
            code = " / ".join(filter(None, [mapping.raw_code, mapping.raw_detail]))
            mapping.display_name = (
                f"{owner.display_name}: {code} → {mapping.event_type_id.display_name}"
            )

    def _compute_waiting_count(self):
        for mapping in self:
            mapping.waiting_count = len(mapping._get_waiting_events())

    @api.constrains("endpoint_id", "profile_id")
    def _check_owner(self):
        for mapping in self:
            if bool(mapping.endpoint_id) == bool(mapping.profile_id):
                raise ValidationError(
                    _("A status mapping belongs to either an endpoint or a profile.")
                )

    @api.constrains("endpoint_id", "profile_id", "raw_code", "raw_detail")
    def _check_unique_code(self):
        # The SQL constraint never fires: one of endpoint and profile is always empty, and
        # PostgreSQL holds empty values distinct.
        for mapping in self:
            twin = self.search_count(
                [
                    ("id", "!=", mapping.id),
                    ("endpoint_id", "=", mapping.endpoint_id.id),
                    ("profile_id", "=", mapping.profile_id.id),
                    ("raw_code", "=", mapping.raw_code),
                    ("raw_detail", "=", mapping.raw_detail or False),
                ],
                limit=1,
            )
            if twin:
                raise ValidationError(
                    _(
                        "Raw code %(code)r with detail %(detail)r is already mapped for %(owner)s.",
                        code=mapping.raw_code,
                        detail=mapping.raw_detail or "",
                        owner=(mapping.profile_id or mapping.endpoint_id).display_name,
                    )
                )

    def _get_customer_visible(self):
        """Whether a milestone mapped by this line is shown to the customer."""
        self.ensure_one()
        if self.customer_visibility == "canonical":
            return self.event_type_id.customer_visible
        return self.customer_visibility == "visible"

    def _get_milestone_values(self):
        """``{mapping id: values}`` these lines give the milestones they map."""
        return {
            mapping.id: {
                "event_type_id": mapping.event_type_id.id,
                "customer_visible": mapping._get_customer_visible(),
                "action_required": mapping.action_required,
            }
            for mapping in self
        }

    def action_reprocess_waiting(self):
        """Process again the events that waited for this mapping."""
        self.ensure_one()
        self.check_access("write")
        events = self._get_waiting_events()
        events._reprocess()
        return events._get_open_action()

    def _get_waiting_events(self):
        self.ensure_one()
        domain = [("state", "=", "needs_review"), ("raw_code", "=", self.raw_code)]
        if self.endpoint_id:
            domain.append(("endpoint_id", "=", self.endpoint_id.id))
        else:
            domain.append(("endpoint_id.logistics_inbound_profile_id", "=", self.profile_id.id))
        if self.raw_detail:
            domain.append(("raw_detail", "=", self.raw_detail))
        return self.env["logistics.inbound.event"].search(domain)
