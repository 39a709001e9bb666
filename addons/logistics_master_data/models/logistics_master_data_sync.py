import hashlib
import json
import logging
from collections import Counter

from pydantic import ValidationError

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.logistics_integration import outbound

from ..contract import RECORD_MODELS, SCHEMA_NAME, SCHEMA_VERSION, TmsMasterDataV1

_logger = logging.getLogger(__name__)

#: The data-ownership domain, the model and the exchange type code of each kind.
DOMAINS = {
    "partners": "master_partners",
    "products": "master_products",
    "carrier_services": "master_carrier_services",
}
MODELS = {
    "partners": "res.partner",
    "products": "product.product",
    "carrier_services": "delivery.carrier",
}
EXCHANGE_TYPES = {
    "partners": "tms_master_partners",
    "products": "tms_master_products",
    "carrier_services": "tms_master_carrier_services",
}
PATH = "/v1/master-data/{kind}"
BATCH_SIZE_PARAM = "logistics_master_data.batch_size"
DEFAULT_BATCH_SIZE = 200
MANAGER_GROUP = "logistics_integration.group_logistics_manager"


class LogisticsMasterDataSync(models.AbstractModel):
    """Sends master data to the TMS endpoints of each company: only the records whose
    content changed since the TMS last acknowledged it, one message per batch of
    records (``logistics_master_data.batch_size``, 200 by default).

    The batches of the three data domains (``data/logistics_batch_data.xml``) run on
    the ownership matrix's windows; *Send now* runs them at once, on the matrix row or
    on chosen records.
    """

    _name = "logistics.master.data.sync"
    _description = "Master Data Sync"

    # ------------------------------------------------------------------
    # Batches (logistics.batch) and Send now
    # ------------------------------------------------------------------

    @api.model
    def _batch_partners(self, companies, window):
        return self._run_window("partners", companies, window)

    @api.model
    def _batch_products(self, companies, window):
        return self._run_window("products", companies, window)

    @api.model
    def _batch_carrier_services(self, companies, window):
        return self._run_window("carrier_services", companies, window)

    @api.model
    def _run_window(self, kind, companies, window):
        """Send the records of ``kind`` changed in ``window`` to every TMS endpoint of
        ``companies``: ``(summary, complete)`` for the batch run."""
        counts = Counter()
        for company in companies:
            endpoints = self._get_endpoints(company, kind)
            if not endpoints:
                continue
            records = self._candidates(kind, company, window[0])
            for endpoint in endpoints:
                counts.update(self._send(kind, endpoint, records))
        return self._summary(kind, counts), True

    @api.model
    def _summary(self, kind, counts):
        label = dict(self.env["logistics.master.data.state"]._fields["kind"].selection)[kind]
        return _(
            "%(kind)s: %(sent)s sent in %(messages)s messages, %(unchanged)s unchanged, "
            "%(invalid)s invalid, %(conflict)s waiting in conflict.",
            kind=label,
            sent=counts["sent"],
            messages=counts["messages"],
            unchanged=counts["unchanged"],
            invalid=counts["invalid"],
            conflict=counts["conflict"],
        )

    @api.model
    def _assert_may_send(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only Logistics Managers and Integration Administrators may send master data.")
            )

    @api.model
    def _send_now(self, records):
        """*Send now* on chosen partners, products (or templates) or delivery methods:
        their changes go to the TMS endpoints of their company (of the current
        companies for shared records) at once. Returns a notification."""
        self._assert_may_send()
        if records._name == "product.template":
            records = records.product_variant_ids
        kind = next(kind for kind, model in MODELS.items() if model == records._name)
        counts = Counter()
        for company in self.env.companies:
            mine = records.filtered(lambda r, c=company: not r.company_id or r.company_id == c)
            for endpoint in self._get_endpoints(company, kind) if mine else ():
                counts.update(self.sudo()._send(kind, endpoint, mine.sudo()))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Master data"),
                "message": self._summary(kind, counts),
                "type": "success" if not counts["invalid"] else "warning",
                "sticky": False,
            },
        }

    # ------------------------------------------------------------------
    # Selection
    # ------------------------------------------------------------------

    @api.model
    def _get_endpoints(self, company, kind):
        """The active TMS endpoints of ``company`` with the exchange type of ``kind``."""
        exchange_types = (
            self.env["logistics.exchange.type"]
            .sudo()
            .search(
                [
                    ("code", "=", EXCHANGE_TYPES[kind]),
                    ("direction", "=", "outbound"),
                    ("endpoint_id.kind", "=", "tms"),
                    ("endpoint_id.active", "=", True),
                    ("endpoint_id.company_id", "=", company.id),
                ]
            )
        )
        return exchange_types.endpoint_id.sorted("id")

    @api.model
    def _candidates(self, kind, company, since):
        """The records of ``kind`` of ``company`` (or shared) written since ``since``."""
        own = [("company_id", "in", [False, company.id])]
        if kind == "partners":
            return (
                self.env["res.partner"]
                .sudo()
                .search(
                    own
                    + [
                        ("write_date", ">=", since),
                        "|",
                        ("customer_rank", ">", 0),
                        ("type", "=", "delivery"),
                    ]
                )
            )
        if kind == "products":
            return (
                self.env["product.product"]
                .sudo()
                .search(
                    own
                    + [
                        ("type", "=", "consu"),
                        "|",
                        ("write_date", ">=", since),
                        ("product_tmpl_id.write_date", ">=", since),
                    ]
                )
            )
        carriers = (
            self.env["delivery.carrier"]
            .sudo()
            .with_context(active_test=False)
            .search(own + [("write_date", ">=", since)])
        )
        # An archived delivery method travels (as inactive) only to a TMS that has it.
        known = self._states(carriers).filtered("sent_hash")
        return carriers.filtered(lambda c: c.active or c.id in known.mapped("res_id"))

    @api.model
    def _states(self, records, endpoint=None):
        domain = [("model", "=", records._name), ("res_id", "in", records.ids)]
        if endpoint:
            domain.append(("endpoint_id", "=", endpoint.id))
        return self.env["logistics.master.data.state"].sudo().search(domain)

    @api.model
    def _missing_for_shipment(self, shipment, endpoint):
        """``{kind: records}`` the order of ``shipment`` names and ``endpoint`` never
        acknowledged (the ship-to address, the products, the carrier service), for
        the kinds the endpoint receives."""
        carrier = shipment.carrier_id or shipment.sale_order_id.carrier_id
        named = {
            "partners": shipment.partner_id,
            "products": shipment.picking_id.move_ids.filtered(
                lambda m: m.state != "cancel" and m.product_id.type == "consu"
            ).product_id,
            "carrier_services": carrier,
        }
        missing = {}
        for kind, records in named.items():
            if not records or endpoint not in self._get_endpoints(endpoint.company_id, kind):
                continue
            known = self._states(records, endpoint).filtered("sent_hash").mapped("res_id")
            unknown = records.filtered(lambda r, known=known: r.id not in known)
            if unknown:
                missing[kind] = unknown.sudo()
        return missing

    # ------------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------------

    @api.model
    def _prepare(self, kind, record):
        """``(key, data)`` of ``record`` in the ``tms-master-data`` v1 contract."""
        return getattr(self, f"_prepare_{kind}")(record)

    @staticmethod
    def _text(value):
        return (value or "").strip() or None

    @api.model
    def _prepare_partners(self, partner):
        text = self._text
        return f"odoo-{partner.id}", {
            "name": text(partner.name) or text(partner.commercial_partner_id.name) or "",
            "parent_key": f"odoo-{partner.parent_id.id}" if partner.parent_id else None,
            "street": text(partner.street),
            "street2": text(partner.street2),
            "city": text(partner.city),
            "zip": text(partner.zip),
            "state_code": text(partner.state_id.code),
            "country_code": text(partner.country_id.code),
            "phone": text(partner.phone or partner.mobile),
            "email": text(partner.email),
        }

    @api.model
    def _prepare_products(self, product):
        text = self._text
        key = text(product.default_code or product.barcode) or f"odoo-{product.id}"
        return key, {
            "name": text(product.display_name) or "",
            "weight_kg": round(product.weight or 0.0, 3),
            "volume_m3": round(product.volume or 0.0, 4),
            "length_cm": round(product.logistics_length_cm or 0.0, 1),
            "width_cm": round(product.logistics_width_cm or 0.0, 1),
            "height_cm": round(product.logistics_height_cm or 0.0, 1),
            "dangerous_goods": bool(product.logistics_dangerous_goods),
            "un_number": text(product.logistics_un_number),
            "hs_code": text(product.hs_code),
        }

    @api.model
    def _prepare_carrier_services(self, carrier):
        text = self._text
        code = text(carrier.logistics_carrier_code or carrier.name) or ""
        level = text(carrier.logistics_service_level)
        return f"{code}:{level}" if level else code, {
            "name": text(carrier.name) or "",
            "carrier_code": code,
            "service_level": level,
            "active": bool(carrier.active),
        }

    @api.model
    def _hash(self, key, data):
        return hashlib.sha256(outbound.dumps({"key": key, "data": data}).encode()).hexdigest()

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    @api.model
    def _send(self, kind, endpoint, records, resolve=False):
        """Queue the records of ``records`` whose content ``endpoint`` does not hold
        yet, in batches; ``resolve`` sends a record in conflict over the TMS's version.

        A record whose change is still on its way is sent again once the TMS
        acknowledged the change before (never two of its changes in flight); a
        record in conflict waits for a person. Returns the counts
        (sent, messages, unchanged, invalid, conflict).
        """
        company = endpoint.company_id
        records = records.filtered(lambda r: not r.company_id or r.company_id == company)
        states = {state.res_id: state for state in self._states(records, endpoint)}
        counts = Counter()
        entries = []
        for record in records:
            state = states.get(record.id)
            key, data = self._prepare(kind, record)
            digest = self._hash(key, data)
            skip = self._skip_reason(state, digest, resolve)
            if skip:
                counts[skip] += 1
                continue
            state = state or self._create_state(kind, endpoint, record, key)
            entry = {"key": key, "base_version": state.tms_version or None, "data": data}
            try:
                RECORD_MODELS[kind].model_validate(entry)
            except ValidationError as err:
                state._set_invalid(digest, data, err)
                counts["invalid"] += 1
                continue
            entries.append((state, entry, digest))
        size = self._batch_size()
        for start in range(0, len(entries), size):
            chunk = entries[start : start + size]
            self._enqueue_batch(kind, endpoint, chunk)
            counts["sent"] += len(chunk)
            counts["messages"] += 1
        return counts

    @api.model
    def _skip_reason(self, state, digest, resolve):
        """Why a record with content hash ``digest`` is not sent now, or None."""
        if not state or resolve:
            return None
        if state.state == "conflict":
            return "conflict"
        if state.state == "sent" and state.sent_hash == digest:
            return "unchanged"
        if state.state == "invalid" and state.pending_hash == digest:
            return "invalid"
        if state.state == "pending" and state.message_id.state == "pending":
            if state.pending_hash != digest:
                state.resend_after_answer = True
            return "unchanged"
        return None

    @api.model
    def _create_state(self, kind, endpoint, record, key):
        return (
            self.env["logistics.master.data.state"]
            .sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(
                {
                    "kind": kind,
                    "model": record._name,
                    "res_id": record.id,
                    "key": key,
                    "endpoint_id": endpoint.id,
                }
            )
        )

    @api.model
    def _batch_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param(BATCH_SIZE_PARAM)
        try:
            return max(1, int(value or DEFAULT_BATCH_SIZE))
        except ValueError:
            _logger.warning(
                "%s is not a number (%r): using %s", BATCH_SIZE_PARAM, value, DEFAULT_BATCH_SIZE
            )
            return DEFAULT_BATCH_SIZE

    @api.model
    def _enqueue_batch(self, kind, endpoint, chunk):
        """One message with the records of ``chunk`` (``(state, entry, hash)``)."""
        records = [entry for _state, entry, _digest in chunk]
        digest = hashlib.sha256(outbound.dumps(records).encode()).hexdigest()
        batch_id = f"MD-{kind}-{digest[:16]}"
        payload = {
            "schema": SCHEMA_NAME,
            "schema_version": SCHEMA_VERSION,
            "kind": kind,
            "batch_id": batch_id,
            "records": records,
        }
        TmsMasterDataV1.model_validate(payload)
        outbox = self.env["logistics.outbound.message"]
        message = outbox._enqueue(
            endpoint,
            EXCHANGE_TYPES[kind],
            self.env["logistics.master.data.state"],
            payload,
            PATH.format(kind=kind),
            idempotency_key=f"{outbox._idempotency_key_prefix()}-{batch_id}-e{endpoint.id}",
            correlation_id=batch_id,
            description=_(
                "%(count)s %(kind)s to %(endpoint)s (%(batch)s)",
                count=len(records),
                kind=kind,
                endpoint=endpoint.name,
                batch=batch_id,
            ),
        )
        if message.state == "failed":
            # The same batch failed before: this send is its replay, same key.
            message._replay(reason=_("Master data sent again"))
        for state, entry, state_digest in chunk:
            state.write(
                {
                    "state": "pending",
                    "pending_hash": state_digest,
                    "pending_data": json.dumps(entry["data"], sort_keys=True),
                    "message_id": message.id,
                    "error": False,
                    "resend_after_answer": False,
                }
            )
        return message

    # ------------------------------------------------------------------
    # Answers (logistics.master.data.handler)
    # ------------------------------------------------------------------

    @api.model
    def _acknowledge(self, state, result):
        """The TMS took (or already held) ``state``'s change in ``result.version``."""
        was_conflict = state.state == "conflict" or state.activity_ids
        state.write(
            {
                "state": "sent",
                "sent_hash": state.pending_hash,
                "tms_version": result.version,
                # The TMS holds Odoo's content in that version, not what it reported before.
                "tms_data_hash": False,
                "last_sent_date": fields.Datetime.now(),
                "tms_answer": result.status,
                "error": False,
                "conflict_detail": False,
            }
        )
        if was_conflict:
            state.activity_feedback(
                ["logistics_master_data.mail_activity_type_master_data_conflict"],
                feedback=_("The TMS took Odoo's version (version %s).", result.version),
            )

    @api.model
    def _release_waiting_shipments(self, company):
        """Shipments of ``company`` waiting for master data try their export again:
        each leaves once nothing it names is missing."""
        waiting = (
            self.env["logistics.shipment"]
            .sudo()
            .search([("master_data_waiting", "=", True), ("company_id", "=", company.id)])
        )
        waiting._tms_sync()
