import json
import os
import uuid
from datetime import timedelta

from logistics_contract.storable import escape_unstorable

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..masking import bounded_text, render_payload

LOG_STATES = [
    ("received", "Received"),
    ("processed", "Processed"),
    ("failed", "Failed"),
    ("rejected", "Rejected"),
    ("duplicate", "Duplicate"),
    ("needs_review", "Needs Review"),
]
# Counted in failure rates.
FAILURE_STATES = ("failed", "rejected", "needs_review")


def _new_identifiers(count):
    """``count`` random (version 4) UUIDs as text, drawn at once: the log takes one per
    record, hundreds per inbound batch."""
    data = bytearray(os.urandom(16 * count))
    data[6::16] = bytes(byte & 0x0F | 0x40 for byte in data[6::16])
    data[8::16] = bytes(byte & 0x3F | 0x80 for byte in data[8::16])
    hexa = data.hex()
    return [
        f"{hexa[o : o + 8]}-{hexa[o + 8 : o + 12]}-{hexa[o + 12 : o + 16]}-"
        f"{hexa[o + 16 : o + 20]}-{hexa[o + 20 : o + 32]}"
        for o in range(0, 32 * count, 32)
    ]


def _pretty_json(text):
    """Stored JSON, indented for reading; anything else (cut, not JSON) as it is."""
    if not text:
        return text
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return text


class LogisticsIntegrationLog(models.Model):
    """One exchange with an external system, inbound or outbound.

    Records are written by the integration code only (as superuser) and are
    read-only for everybody: they are the audit trail.
    """

    _name = "logistics.integration.log"
    _inherit = ["logistics.related.record.mixin", "logistics.bulk.create.mixin"]
    _description = "Integration Log"
    _order = "create_date desc, id desc"
    _rec_name = "identifier"
    _bulk_record_defaults = ("identifier",)

    identifier = fields.Char(
        required=True,
        index=True,
        copy=False,
        readonly=True,
        default=lambda self: str(uuid.uuid4()),
    )
    external_identifier = fields.Char(
        index=True, readonly=True, help="The identifier the other system gave the message."
    )
    direction = fields.Selection(
        selection=[("inbound", "Inbound"), ("outbound", "Outbound")],
        required=True,
        readonly=True,
    )
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint", index=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    correlation_id = fields.Char(index=True, readonly=True)
    idempotency_key = fields.Char(index=True, readonly=True)
    model = fields.Char(string="Related Model", index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Related Record ID", model_field="model", index=True, readonly=True
    )
    event_type_id = fields.Many2one(
        comodel_name="logistics.event.type", string="Canonical Event", readonly=True
    )
    summary = fields.Char(
        readonly=True,
        help="What was exchanged, in a few words: an outbound message's exchange type code, "
        "an inbound event, or e.g. invoice posted.",
    )
    schema_version = fields.Char(readonly=True)
    state = fields.Selection(
        selection=LOG_STATES, required=True, default="received", index=True, readonly=True
    )
    # Codes and counters, not quantities: a grouped list must not add them up.
    attempt = fields.Integer(readonly=True, default=1, aggregator=None)
    http_status = fields.Integer(string="HTTP Status", readonly=True, aggregator=None)
    duration_ms = fields.Float(string="Duration (ms)", readonly=True, aggregator="avg")
    payload = fields.Text(readonly=True)
    response = fields.Text(readonly=True)
    payload_display = fields.Text(string="Payload (formatted)", compute="_compute_displays")
    response_display = fields.Text(string="Response (formatted)", compute="_compute_displays")
    error = fields.Text(readonly=True)
    replay_reason = fields.Text(
        readonly=True, help="Why a person sent this message again after its record was closed."
    )
    job_id = fields.Many2one(comodel_name="queue.job", readonly=True, ondelete="set null")
    outbound_message_id = fields.Many2one(
        comodel_name="logistics.outbound.message",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The outbox message this attempt delivered.",
    )
    # Set by _record_exchanges with the row (precompute, not readonly, so the given value
    # is kept): computed after the INSERT, it cost an UPDATE of every logged batch.
    is_failure = fields.Boolean(
        compute="_compute_is_failure",
        store=True,
        precompute=True,
        readonly=False,
        help="Failed, rejected or waiting for review: counted in failure rates.",
    )

    @api.depends("direction", "endpoint_id", "summary", "external_identifier", "record_name")
    def _compute_display_name(self):
        directions = dict(self._fields["direction"]._description_selection(self.env))
        for log in self:
            parts = [
                directions.get(log.direction),
                log.endpoint_id.name,
                log.summary,
                log.external_identifier or log.record_name,
            ]
            log.display_name = " · ".join(part for part in parts if part) or log.identifier

    @api.depends("payload", "response")
    def _compute_displays(self):
        for log in self:
            log.payload_display = _pretty_json(log.payload)
            log.response_display = _pretty_json(log.response)

    @api.depends("state")
    def _compute_is_failure(self):
        for log in self:
            log.is_failure = log.state in FAILURE_STATES

    @api.model
    def _prepare_exchange_vals(
        self,
        direction,
        state,
        *,
        endpoint=None,
        record=None,
        event_type=None,
        job=None,
        **values,
    ):
        """Values of one log record: every exchange is described here, inbound or outbound.

        ``endpoint``, ``record`` (what the exchange is about), ``event_type``
        and ``job`` are records or None. ``values`` are further fields of the
        log (``summary``, ``correlation_id``, ``idempotency_key``,
        ``external_identifier``, ``error``, ...), or ``model`` and ``res_id``
        when only a reference to the record is known. Pass the result with the
        payload and response to ``_record_exchange(s)``.
        """
        vals = {"direction": direction, "state": state}
        if endpoint:
            vals["endpoint_id"] = endpoint.id
        if record:
            vals.update(model=record._name, res_id=record.id)
        if event_type:
            vals["event_type_id"] = event_type.id
        if job:
            vals["job_id"] = job.id
        vals.update(values)
        return vals

    @api.model
    def _record_exchange(self, vals, payload=None, response=None):
        """Create a log record with payload and response masked and bounded.

        ``payload`` and ``response`` may be JSON-like data, JSON text or bytes;
        the masking rules of the current company apply before anything is stored.
        """
        return self._record_exchanges([(vals, payload, response)])

    @api.model
    def _record_exchanges(self, entries):
        """Create several log records at once; ``entries`` are (vals, payload, response).

        Same masking and bounds as ``_record_exchange``, with the rules of each
        company read once: the batch path of high-volume inbound traffic.
        """
        endpoints = self.env["logistics.endpoint"].sudo()
        # Per endpoint id (None: the current company's): a batch has one endpoint,
        # read once rather than for each of its hundreds of records.
        settings = {}
        values_list = []
        identifiers = iter(_new_identifiers(len(entries)))
        for vals, payload, response in entries:
            endpoint_id = vals.get("endpoint_id") or None
            if endpoint_id not in settings:
                company = (
                    endpoints.browse(endpoint_id).company_id if endpoint_id else self.env.company
                )
                settings[endpoint_id] = self._exchange_settings(company)
            company_id, rules, max_bytes = settings[endpoint_id]
            values = {
                name: escape_unstorable(value) if isinstance(value, str) else value
                for name, value in vals.items()
            }
            values.update(company_id=company_id, is_failure=vals.get("state") in FAILURE_STATES)
            values.setdefault("identifier", next(identifiers))
            if payload is not None:
                values["payload"] = render_payload(payload, rules, max_bytes)
            if response is not None:
                values["response"] = render_payload(response, rules, max_bytes)
            if values.get("error"):
                values["error"] = bounded_text(values["error"], max_bytes)
            values_list.append(values)
        return self.sudo().create(values_list)

    @api.model
    def _exchange_settings(self, company):
        """``(company id, masking rules, payload limit)`` of the records of ``company``."""
        return (
            company.id,
            self.env["logistics.masking.rule"].with_company(company)._get_rules("log"),
            self.env["res.company"]._logistics_log_payload_limit(company.id),
        )

    def action_replay(self):
        """Send the outbound message of this attempt again (same idempotency key)."""
        self.ensure_one()
        if not self.outbound_message_id:
            raise UserError(_("Only outbound attempts of an outbox message can be replayed."))
        return self.outbound_message_id.action_replay()

    def action_view_correlated(self):
        """Open every exchange of the same transaction."""
        self.ensure_one()
        return self._action_for_transaction(self.correlation_id)

    @api.model
    def _action_for_transaction(self, correlation_id):
        """The log filtered on one correlation id, without the default filters."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_integration.logistics_integration_log_action"
        )
        action["domain"] = [("correlation_id", "=", correlation_id)]
        action["name"] = action["display_name"] = _(
            "Transaction %(correlation)s", correlation=correlation_id
        )
        action["context"] = {}
        return action

    @api.model
    def _cron_purge_expired(self):
        """Delete log records older than each company's retention period.

        Records still waiting for a person's review are kept whatever their age.
        """
        companies = (
            self.env["res.company"].sudo().search([("logistics_log_retention_days", ">", 0)])
        )
        for company in companies:
            days = company.logistics_log_retention_days
            limit = fields.Datetime.now() - timedelta(days=days)
            self.sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("create_date", "<", limit),
                    ("state", "!=", "needs_review"),
                ]
            ).unlink()
