import json

from logistics_contract import x12
from logistics_contract.documents import JsonDocuments
from logistics_contract.envelope import Refusal
from logistics_contract.safejson import MalformedJson, NumberOutOfRange, load_json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.logistics_ingest import TMS_EVENT_FORMAT, X12_FORMAT

JSON_FORMAT = "json"
# The endpoint's json-format settings (field of logistics.endpoint -> the bridge's name).
DOCUMENT_SETTINGS = {
    "event_id_path": "event_id_path",
    "ordering_key_path": "shipment_key_path",
    "split_path": "split_path",
}


class LogisticsInboundSample(models.TransientModel):
    """Try a profile on a pasted document: what it yields, nothing stored.

    The document first becomes the events the bridge would forward (with the
    bridge's own code: ids, split and refusals of ``logistics_contract``), then
    goes through the same reading, validation and resolution as
    ``ingest_events`` (shipment matching, status mapping, carrier, currencies),
    which only read; nothing is applied, logged or kept in the inbox.
    """

    _name = "logistics.inbound.sample"
    _description = "Try an Inbound Profile on a Sample"
    _order = "id desc"

    profile_id = fields.Many2one(
        comodel_name="logistics.inbound.profile", required=True, ondelete="cascade"
    )
    document_format = fields.Selection(related="profile_id.document_format")
    endpoint_id = fields.Many2one(
        comodel_name="logistics.endpoint",
        domain="[('logistics_inbound_profile_id', '=', profile_id)]",
        help="Whose status mapping and company apply; the profile's defaults in the "
        "current company when empty.",
    )
    sample = fields.Text(
        required=True,
        help="The document as the source sends it: JSON, or X12 text starting with ISA "
        "(or the bridge's segment JSON).",
    )
    line_ids = fields.One2many(
        comodel_name="logistics.inbound.sample.line", inverse_name="sample_id", readonly=True
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        profile = self.env["logistics.inbound.profile"].browse(values.get("profile_id"))
        if profile.exists() and "endpoint_id" in fields_list:
            values.setdefault("endpoint_id", profile.endpoint_ids[:1].id)
        return values

    def action_try(self):
        """Button: read the sample and show the canonical events and their outcome."""
        self.ensure_one()
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create(vals) for vals in self._prepare_line_vals()
        ]
        return {
            "type": "ir.actions.act_window",
            "name": self._dialog_title(self.profile_id, self.endpoint_id),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }

    @api.model
    def _dialog_title(self, profile, endpoint=None):
        """Title of the dialog: the endpoint whose settings apply, else the profile."""
        return _("Try a sample: %s", (endpoint or profile).display_name)

    def _get_endpoint(self):
        """The chosen endpoint, or an unsaved one using the profile in this company."""
        if self.endpoint_id:
            return self.endpoint_id
        return self.env["logistics.endpoint"].new(
            {
                "name": _("Sample"),
                "code": "sample",
                "company_id": self.env.company.id,
                "logistics_inbound_profile_id": self.profile_id.id,
            }
        )

    def _get_json_documents(self, endpoint):
        """How the bridge makes events of the endpoint's json documents."""
        settings = {
            argument: endpoint[name] or None
            for name, argument in DOCUMENT_SETTINGS.items()
            if name in endpoint._fields
        }
        try:
            return JsonDocuments.from_settings(**settings)
        except Refusal as exc:
            raise UserError(
                _("Endpoint %(code)s: %(error)s", code=endpoint.code, error=exc)
            ) from exc

    def _forwarded_events(self, endpoint):
        """The sample as the bridge would forward it (envelopes or raw documents)."""
        text = (self.sample or "").strip()
        received_at = fields.Datetime.now().isoformat() + "+00:00"
        document_format = self.profile_id.document_format
        if text.startswith("ISA"):
            try:
                _interchange, transactions = x12.shipment_status_events(text)
            except Refusal as exc:
                raise UserError(_("X12: %(error)s", error=exc)) from exc
            documents = [(t.event_id, t.document) for t in transactions]
            document_format = X12_FORMAT
        else:
            try:
                value = json.loads(text)
            except ValueError as exc:
                raise UserError(
                    _("The sample is neither X12 nor JSON: %(error)s", error=exc)
                ) from exc
            except RecursionError:
                value = None  # too deep for json.loads: the bridge's reading says so below
            try:
                # What the bridge refuses of a body (depth, duplicate keys, numbers no
                # float holds) is refused here with its reason, not read further.
                load_json(text.encode())
            except (MalformedJson, NumberOutOfRange) as exc:
                raise UserError(
                    _("The bridge would refuse this document: %(error)s", error=exc)
                ) from exc
            if document_format == TMS_EVENT_FORMAT:
                return value if isinstance(value, list) else [value]
            if document_format == JSON_FORMAT:
                try:
                    events = self._get_json_documents(endpoint).events(value, endpoint.code)
                except Refusal as exc:
                    raise UserError(
                        _("The bridge would refuse this document: %(error)s", error=exc)
                    ) from exc
                documents = [(event.event_id, event.document) for event in events]
            else:
                # The bridge's JSON of one X12 transaction set, as Odoo receives it.
                documents = [("sample-1", value)]
        return [
            {
                "event_id": event_id,
                "format": document_format,
                "received_at": received_at,
                "document": document,
            }
            for event_id, document in documents
        ]

    def _prepare_line_vals(self):
        ingest = self.env["logistics.ingest"].sudo()
        endpoint = self._get_endpoint().sudo()
        events = self._forwarded_events(endpoint)
        plans, rejections = ingest._prepare(endpoint, list(enumerate(events)), [])
        ingest._resolve(endpoint, plans)
        seen = set()
        if endpoint.id and plans:
            seen = set(
                self.env["logistics.inbound.event"]
                .sudo()
                .search(
                    [
                        ("endpoint_id", "=", endpoint.id),
                        ("external_event_id", "in", [p.event.event_id for p in plans]),
                    ]
                )
                .mapped("external_event_id")
            )
        lines = [
            {
                "sequence": index,
                "event_id": answer.get("item"),
                "outcome": "rejected",
                "reason": answer["reason"],
            }
            for index, answer in rejections
        ]
        for plan in plans:
            event = plan.event
            if plan.refusal:
                outcome = "rejected"  # even when already received, as ingest answers
            elif event.event_id in seen:
                outcome = "duplicate"
            else:
                outcome = "needs_review" if plan.review else "processed"
            lines.append(
                {
                    "sequence": plan.index,
                    "event_id": event.event_id,
                    "event_type": event.event_type,
                    "shipment_reference": event.shipment_reference,
                    "shipment_id": plan.shipment.id if plan.shipment else False,
                    "status_code": event.payload.status_code,
                    "status_detail": event.payload.status_detail,
                    "canonical_event_id": plan.mapping.event_type_id.id if plan.mapping else False,
                    "event_time": ingest._event_times(event)["event_time"],
                    "location": event.payload.location,
                    "outcome": outcome,
                    "reason": "\n".join(plan.review) or False,
                }
            )
        return sorted(lines, key=lambda vals: vals["sequence"])
