import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class LogisticsInboundConflict(models.Model):
    """Other content under an event id already received: kept, never applied by itself.

    A source that sends the same event id twice with different content has either
    corrected the event or made a mistake; only a person can tell which. The second
    content waits here, with its difference to the first, until someone keeps the
    first or applies the new one through the normal ingestion (so every milestone rule
    holds for it as for any event).
    """

    _name = "logistics.inbound.conflict"
    _description = "Conflicting Inbound Event"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _rec_name = "external_event_id"

    event_id = fields.Many2one(
        comodel_name="logistics.inbound.event",
        string="First Event",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    endpoint_id = fields.Many2one(related="event_id.endpoint_id", store=True, index=True)
    company_id = fields.Many2one(related="event_id.company_id", store=True, index=True)
    external_event_id = fields.Char(related="event_id.external_event_id", store=True)
    shipment_id = fields.Many2one(related="event_id.shipment_id")
    content_hash = fields.Char(required=True, readonly=True)
    difference = fields.Text(
        readonly=True,
        help="Each field that differs from the first event: field path: first → new.",
    )
    received_time = fields.Datetime(readonly=True)
    state = fields.Selection(
        selection=[
            ("open", "To Review"),
            ("kept_first", "First Kept"),
            ("applied", "New Applied"),
        ],
        default="open",
        required=True,
        index=True,
        readonly=True,
        tracking=True,
    )
    raw_event = fields.Text(
        readonly=True,
        groups="logistics_integration.group_integration_admin",
        help="The conflicting event as forwarded: what Apply the New One processes.",
    )

    _sql_constraints = [
        (
            "content_unique",
            "unique(event_id, content_hash)",
            "This conflicting content is already kept for review.",
        ),
    ]

    @api.model
    def _keep(self, inbound, content_hash, difference, raw):
        """The open conflict of ``inbound`` with this content, created (with a review
        activity for whoever owns the endpoint's problems) when it is new."""
        conflict = self.search(
            [("event_id", "=", inbound.id), ("content_hash", "=", content_hash)], limit=1
        )
        if conflict:
            return conflict
        conflict = self.create(
            {
                "event_id": inbound.id,
                "content_hash": content_hash,
                "difference": difference,
                "received_time": fields.Datetime.now(),
                "raw_event": json.dumps(raw, default=str),
            }
        )
        conflict.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Conflicting duplicate to review"),
            note=_(
                "Event %(event)s was received again with other content:\n%(difference)s",
                event=inbound.external_event_id,
                difference=difference,
            ),
            user_id=inbound.endpoint_id._get_failure_assignee(conflict).id,
        )
        return conflict

    def _open_only(self):
        self.check_access("write")
        if self.filtered(lambda c: c.state != "open"):
            raise UserError(_("This conflict was already decided."))
        return self

    def action_keep_first(self):
        """Button: the first content stands; the new one is kept for the record only."""
        for conflict in self._open_only():
            conflict.write({"state": "kept_first"})
            conflict._close(_("First content kept by %(user)s.", user=self.env.user.name))
        return True

    def action_apply_new(self):
        """Button: the new content is the authoritative version of the event."""
        ingest = self.env["logistics.ingest"].sudo()
        for conflict in self._open_only():
            endpoint = conflict.endpoint_id
            ingest.with_company(endpoint.company_id)._apply_conflict(endpoint, conflict.sudo())
            conflict.write({"state": "applied"})
            conflict._close(_("New content applied by %(user)s.", user=self.env.user.name))
        return True

    def _close(self, note):
        self.message_post(body=note)
        self.activity_ids.action_feedback(feedback=note)
        self.event_id.message_post(body=note)
