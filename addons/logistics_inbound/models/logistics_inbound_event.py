import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .logistics_inbound_profile import DOCUMENT_FORMATS

EVENT_TYPES = [
    ("status", "Status"),
    ("planning", "Planning"),
    ("pod", "Proof of Delivery"),
    ("charges", "Charges"),
]


class LogisticsInboundEvent(models.Model):
    """The inbox: one record per event a source reported, stored in the same
    transaction as the business change it caused.

    (endpoint, external event id) is unique, so a redelivered event is
    recognised and answered as a duplicate without changing anything; one with
    other content under the same id is kept as a conflict for a person to
    decide on (``logistics.inbound.conflict``). Events
    that could not be applied yet (unmapped code, unknown shipment or carrier)
    wait here in "needs review" until configuration is fixed and they are
    reprocessed; rejected (malformed) events are only logged, so a corrected
    redelivery with the same id is still accepted.
    """

    _name = "logistics.inbound.event"
    _description = "Inbound Event"
    _inherit = ["mail.thread", "mail.activity.mixin", "logistics.bulk.create.mixin"]
    _order = "id desc"
    _rec_name = "external_event_id"
    _check_company_auto = True

    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint", required=True, index=True, ondelete="restrict"
    )
    # The endpoint's company, given by the ingest with the row (precompute, not readonly,
    # so the given value is kept): computed after the INSERT, it cost an UPDATE of every
    # ingested batch.
    company_id = fields.Many2one(
        comodel_name="res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        readonly=False,
        index=True,
    )
    exchange_type_id = fields.Many2one(
        comodel_name="logistics.exchange.type",
        readonly=True,
        ondelete="set null",
        help="The exchange type of this inbound exchange, when one is recorded.",
    )
    document_format = fields.Selection(
        selection=DOCUMENT_FORMATS, default="tms-event", readonly=True
    )
    external_event_id = fields.Char(string="Event ID", required=True, readonly=True)
    event_type = fields.Selection(selection=EVENT_TYPES, readonly=True)
    shipment_reference = fields.Char(readonly=True, index=True)
    shipment_id = fields.Many2one(
        comodel_name="logistics.shipment",
        index=True,
        readonly=True,
        ondelete="set null",
        check_company=True,
    )
    milestone_id = fields.Many2one(
        comodel_name="logistics.milestone", readonly=True, ondelete="set null"
    )
    raw_code = fields.Char(readonly=True, index=True)
    raw_detail = fields.Char(readonly=True)
    event_time = fields.Datetime(readonly=True)
    received_time = fields.Datetime(readonly=True)
    correlation_id = fields.Char(index=True, readonly=True)
    traceparent = fields.Char(
        string="Trace Parent",
        readonly=True,
        help="W3C traceparent of the sender's call, as the bridge received it: the trace "
        "this event continues.",
    )
    schema_version = fields.Char(readonly=True)
    state = fields.Selection(
        selection=[
            ("processed", "Processed"),
            ("needs_review", "Needs Review"),
            ("dismissed", "Dismissed"),
        ],
        required=True,
        index=True,
        readonly=True,
        tracking=True,
    )
    review_reason = fields.Text(readonly=True)
    raw_event = fields.Text(
        readonly=True,
        groups="logistics_integration.group_integration_admin",
        help="The event as forwarded, kept while it waits for review to reprocess it "
        "(the integration log keeps a masked copy of every event).",
    )

    content = fields.Text(
        readonly=True,
        groups="logistics_integration.group_integration_admin",
        help="What the event says, as JSON: the first side of a conflicting duplicate's "
        "difference.",
    )
    content_hash = fields.Char(
        readonly=True,
        help="Hash of the event's canonical content: the same event sent again has the "
        "same one, whatever its whitespace or key order.",
    )
    conflict_ids = fields.One2many(
        comodel_name="logistics.inbound.conflict",
        inverse_name="event_id",
        string="Conflicting Duplicates",
        readonly=True,
    )
    open_conflict_count = fields.Integer(compute="_compute_open_conflict_count")

    _sql_constraints = [
        (
            "external_event_unique",
            "unique(endpoint_id, external_event_id)",
            "This source already reported this event.",
        ),
    ]

    @api.model
    def _review_backlog(self, endpoints):
        """Per endpoint id of ``endpoints`` with a backlog: the events waiting for a
        person's review and when the oldest of them arrived; whoever asks sees the whole
        backlog (the Overview, the SLA and the metrics count it alike)."""
        groups = self.sudo()._read_group(
            [("state", "=", "needs_review"), ("endpoint_id", "in", endpoints.ids)],
            ["endpoint_id"],
            ["__count", "create_date:min"],
        )
        return {endpoint.id: (count, oldest) for endpoint, count, oldest in groups}

    @api.depends("endpoint_id.company_id")
    def _compute_company_id(self):
        for event in self:
            event.company_id = event.endpoint_id.company_id

    @api.depends("conflict_ids.state")
    def _compute_open_conflict_count(self):
        for event in self:
            event.open_conflict_count = len(
                event.conflict_ids.filtered(lambda c: c.state == "open")
            )

    def action_reprocess(self):
        """Button (form and list): apply waiting events again with today's configuration."""
        self.check_access("write")
        waiting = self.filtered(lambda e: e.state == "needs_review")
        waiting._reprocess()
        return True

    def action_link_shipment(self):
        """Button: apply waiting events to the shipment a person chose for them."""
        self.check_access("write")
        waiting = self.filtered(lambda e: e.state == "needs_review")
        if waiting.filtered(lambda e: not e.shipment_id):
            raise UserError(_("Shipment: choose the shipment the event belongs to first."))
        waiting._reprocess()
        for event in waiting:
            event._close_review(
                _(
                    "Linked to %(shipment)s by %(user)s.",
                    shipment=event.shipment_id.name,
                    user=self.env.user.name,
                )
            )
        return True

    def action_dismiss(self):
        """Button: a waiting event that needs no applying (test data, a foreign
        shipment) is set aside, kept for the record."""
        self.check_access("write")
        waiting = self.filtered(lambda e: e.state == "needs_review")
        waiting.write({"state": "dismissed"})
        for event in waiting:
            event._close_review(_("Dismissed by %(user)s.", user=self.env.user.name))
        return True

    def _close_review(self, note):
        self.ensure_one()
        self.message_post(body=note)
        if self.state != "needs_review":
            self.activity_ids.action_feedback(feedback=note)

    def _reprocess(self):
        """Run waiting events through mapping and resolution again."""
        ingest = self.env["logistics.ingest"].sudo()
        for endpoint in self.mapped("endpoint_id"):
            events = self.filtered(lambda e, ep=endpoint: e.endpoint_id == ep).sudo()
            ingest.with_company(endpoint.company_id)._reprocess_inbound(endpoint, events)

    def _get_raw_event(self):
        self.ensure_one()
        return json.loads(self.sudo().raw_event or "{}")

    def _get_open_action(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_inbound.logistics_inbound_event_action"
        )
        action["domain"] = [("id", "in", self.ids)]
        action["context"] = {}
        return action

    def _schedule_review(self, reason):
        """Ask whoever owns the endpoint's problems (see ``_get_failure_assignee``) to look."""
        for event in self:
            event.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Inbound event needs review"),
                note=reason,
                user_id=event.endpoint_id._get_failure_assignee(event).id,
            )
