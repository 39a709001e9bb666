import json
import logging

from logistics_contract.content import content_hash

from odoo import _, fields, models
from odoo.exceptions import UserError

KINDS = [
    ("partners", "Ship-to Addresses"),
    ("products", "Products"),
    ("carrier_services", "Carrier Services"),
]
STATES = [
    ("pending", "Pending"),
    ("sent", "Acknowledged"),
    ("conflict", "Conflict"),
    ("failed", "Failed"),
    ("invalid", "Invalid"),
]
_logger = logging.getLogger(__name__)

CONFLICT_ACTIVITY = "logistics_master_data.mail_activity_type_master_data_conflict"


class LogisticsMasterDataState(models.Model):
    """What one TMS endpoint holds of one master record: the hash of the content it
    last acknowledged, its version there, and the change on its way.

    A record travels when its content hash differs from the one last sent; a conflict
    (the TMS holds another version than the one Odoo's change is based on) waits for
    a person, with the difference, and is never overwritten silently.
    """

    _name = "logistics.master.data.state"
    _description = "Master Data Record at an Endpoint"
    _inherit = ["mail.thread", "mail.activity.mixin", "logistics.related.record.mixin"]
    _order = "write_date desc, id desc"
    _rec_name = "key"

    kind = fields.Selection(selection=KINDS, required=True, index=True, readonly=True)
    model = fields.Char(string="Related Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Related Record ID", model_field="model", required=True, index=True, readonly=True
    )
    key = fields.Char(
        required=True, readonly=True, help="The record's key at the TMS, as orders name it."
    )
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="endpoint_id.company_id", store=True, index=True, readonly=True
    )
    state = fields.Selection(
        selection=STATES, required=True, default="pending", index=True, readonly=True, tracking=True
    )
    sent_hash = fields.Char(
        readonly=True, copy=False, help="Hash of the content the TMS last acknowledged."
    )
    pending_hash = fields.Char(
        readonly=True, copy=False, help="Hash of the content on its way, or in conflict."
    )
    pending_data = fields.Text(readonly=True, copy=False, help="The content on its way (JSON).")
    tms_version = fields.Integer(
        string="TMS Version", readonly=True, copy=False, help="Version the TMS holds."
    )
    tms_data_hash = fields.Char(
        string="TMS Data Hash",
        readonly=True,
        copy=False,
        help="Hash of the data the TMS reported holding in its version, when it reported it.",
    )
    last_sent_date = fields.Datetime(
        string="Last Acknowledged", readonly=True, copy=False, help="When the TMS last took it."
    )
    message_id = fields.Many2one(
        comodel_name="logistics.outbound.message",
        string="Last Message",
        readonly=True,
        ondelete="set null",
        copy=False,
    )
    tms_answer = fields.Text(string="TMS Answer", readonly=True, copy=False)
    error = fields.Text(readonly=True, copy=False, help="Why the record was not taken.")
    resend_after_answer = fields.Boolean(
        readonly=True,
        copy=False,
        help="The record changed again while a change was on its way: sent once the TMS answered.",
    )
    conflict_detail = fields.Text(
        readonly=True, copy=False, help="Odoo's content against the TMS's, field by field."
    )

    _sql_constraints = [
        (
            "record_endpoint_unique",
            "unique(endpoint_id, model, res_id)",
            "A record has one state per endpoint.",
        ),
    ]

    def action_send_odoo_version(self):
        """Resolve a conflict by sending Odoo's current content over the TMS's version."""
        self.env["logistics.master.data.sync"]._assert_may_send()
        for state in self:
            if state.state != "conflict":
                raise UserError(_("Only a record in conflict is resolved this way."))
            record = state._get_related_record()
            if not record:
                raise UserError(_("The record %(key)s no longer exists.", key=state.key))
            state.sudo().message_post(
                body=_(
                    "Odoo's version sent over the TMS's version %(version)s.",
                    version=state.tms_version,
                )
            )
            sync = self.env["logistics.master.data.sync"].sudo()
            sync._send(state.kind, state.endpoint_id, record, resolve=True)
            sync._release_waiting_shipments(state.company_id)
        return True

    def _set_invalid(self, digest, data, error):
        """The record's content breaks the contract: it waits, with the reason, until
        someone corrects it (its next change is checked again)."""
        problems = ", ".join(
            f"{'.'.join(map(str, item['loc']))}: {item['msg']}" for item in error.errors()
        )
        _logger.warning(
            "Master data %s not sent to %s: %s", self.key, self.endpoint_id.name, problems
        )
        self.write(
            {
                "state": "invalid",
                "pending_hash": digest,
                "pending_data": json.dumps(data, sort_keys=True),
                "error": problems,
            }
        )

    def _set_failed(self, error):
        self.write({"state": "failed", "error": error})

    def _get_related_record(self):
        self.ensure_one()
        if self.model not in self.env:
            return None
        return self.env[self.model].sudo().browse(self.res_id).exists() or None

    def _set_conflict(self, result, owner):
        """The TMS holds another version: keep Odoo's change aside, show the
        difference, and ask the domain's exception owner to decide."""
        self.ensure_one()
        held = result.get("held")
        detail = self._describe_difference(result.get("version"), held or {})
        self.write(
            {
                "state": "conflict",
                "tms_version": result.get("version") or self.tms_version,
                "tms_data_hash": content_hash(held) if held is not None else False,
                "conflict_detail": detail,
                "error": False,
            }
        )
        self.activity_unlink([CONFLICT_ACTIVITY])
        self.activity_schedule(
            CONFLICT_ACTIVITY,
            summary=_(
                "%(endpoint)s holds another version of %(key)s",
                endpoint=self.endpoint_id.name,
                key=self.key,
            ),
            note=detail,
            user_id=owner.id,
        )

    def _holds_other_data(self, data):
        """Whether the TMS reported other data than ``data`` for the version it holds: one
        version of a record is one content, so a report of it saying something else is no
        repetition of the first."""
        self.ensure_one()
        return bool(self.tms_data_hash) and self.tms_data_hash != content_hash(data)

    def _describe_difference(self, version, held):
        """The TMS's version against the one Odoo's change was based on, then
        ``field: Odoo value, TMS value`` for each field that differs."""
        ours = json.loads(self.pending_data or "{}")
        lines = [
            _(
                "%(field)s: Odoo %(ours)s, TMS %(theirs)s",
                field=name,
                ours=json.dumps(ours.get(name)),
                theirs=json.dumps(held.get(name)),
            )
            for name in sorted(set(ours) | set(held))
            if ours.get(name) != held.get(name)
        ]
        header = _(
            "The TMS holds version %(version)s; Odoo's change was based on version %(base)s.",
            version=version or "?",
            base=self.tms_version or _("none"),
        )
        return "\n".join([header, *lines])
