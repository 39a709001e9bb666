from odoo import _, api, fields, models


class LogisticsEventType(models.Model):
    """A canonical milestone: the one vocabulary every source is mapped onto."""

    _name = "logistics.event.type"
    _description = "Canonical Logistics Event"
    _order = "rank, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable technical code used in payloads and mappings, e.g. in_transit.",
    )
    rank = fields.Integer(
        required=True,
        help="Position in the lifecycle. A shipment never moves to a lower rank "
        "than the one it has reached.",
    )
    category = fields.Selection(
        selection=[
            ("progress", "Progress"),
            ("terminal", "Terminal"),
            ("exception", "Exception"),
            ("administrative", "Administrative"),
        ],
        required=True,
        default="progress",
        help="Progress and terminal events move the shipment forward; an exception "
        "holds it until a later progress event resolves it; administrative events "
        "(order confirmed, invoice approved) enter the timeline without changing "
        "the transport state.",
    )
    customer_visible = fields.Boolean(
        help="Whether customers may see this milestone in the portal and by e-mail."
    )
    customer_label = fields.Char(
        translate=True,
        help="Wording shown to customers; never an internal code.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A canonical event code must be unique."),
    ]

    @api.constrains("code")
    def _check_code(self):
        # Codes travel in payloads and mappings: "In Transit " beside "in_transit" would
        # be a second milestone no source is mapped onto.
        for event_type in self:
            self.env["logistics.endpoint"]._assert_technical_code(
                event_type.code, _("Canonical event")
            )
