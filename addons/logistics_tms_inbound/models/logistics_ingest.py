import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..contract import format_location, validate_event
from ..paths import extract_event, source_location

_logger = logging.getLogger(__name__)

BRIDGE_GROUP = "logistics_tms_inbound.group_logistics_bridge"
# The transaction as a whole must be retried (the bridge does) on these.
RETRYABLE_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)
INGEST_CONTEXT = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    # The milestone timeline is the record of every state change the TMS
    # reports; a tracking message per change would double it at ingest cost.
    "tracking_disable": True,
    "logistics_tms_write": True,
}


@dataclass
class Plan:
    """What one valid, new event will change once applied."""

    raw: dict
    event: object  # contract.TmsEventV1
    index: int = 0
    record: object = None  # existing logistics.inbound.event when reprocessing
    inbound: object = None  # the inbox record once applied
    shipment: object = None
    mapping: object = None
    carrier: object = None
    currencies: dict = field(default_factory=dict)
    review: list = field(default_factory=list)
    answer: dict = None


def _answer(event_id, result, reason=None):
    return {"event_id": event_id, "result": result, "reason": reason}


def _raw_event_id(raw):
    value = raw.get("event_id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _utc_naive(value):
    return value.astimezone(UTC).replace(tzinfo=None) if value else False


class LogisticsIngest(models.AbstractModel):
    """Entry point of the bridge: TMS events become governed milestones and updates."""

    _name = "logistics.ingest"
    _description = "Inbound Event Ingestion"

    @api.model
    def ingest_events(self, endpoint_code, events):
        """Apply a batch of events forwarded by the bridge for one endpoint.

        Contract (fixed, see docs/tms-event-v1.md): ``events`` is a list of
        event dicts in forwarding order; the answer is a list in the same order
        of ``{"event_id", "result", "reason"}`` with result ``processed``,
        ``duplicate``, ``rejected`` or ``needs_review``. Problems of one event
        are answered for that event and never raised, since the bridge treats
        an exception as a transport failure and retries the whole batch. Only
        members of the Logistics Bridge group may call this; they have no other
        rights, so the work is done as superuser after the check.
        """
        if not self.env.user.has_group(BRIDGE_GROUP):
            raise AccessError(_("Only the Logistics Bridge may ingest events."))
        if not isinstance(events, list):
            raise UserError(_("ingest_events expects a list of events."))
        endpoint = (
            self.env["logistics.endpoint"]
            .sudo()
            .search(
                [
                    ("code", "=", endpoint_code),
                    ("company_id", "in", self.env.user.company_ids.ids),
                ],
                limit=1,
            )
        )
        if not endpoint:
            reason = f"endpoint: no active endpoint with code {endpoint_code!r}"
            return [_answer(_raw_event_id(raw), "rejected", reason) for raw in events]
        ingest = self.sudo().with_company(endpoint.company_id).with_context(**INGEST_CONTEXT)
        return ingest._ingest(endpoint.with_env(ingest.env), events)

    # Preparation: validation and resolution, no writes except rejection logs.

    def _ingest(self, endpoint, events):
        answers = [None] * len(events)
        logs = []
        plans, rejections = self._prepare(endpoint, list(enumerate(events)), logs)
        for index, answer in rejections.items():
            answers[index] = answer
        existing = set(
            self.env["logistics.inbound.event"]
            .search(
                [
                    ("endpoint_id", "=", endpoint.id),
                    ("external_event_id", "in", [p.event.event_id for p in plans]),
                ]
            )
            .mapped("external_event_id")
        )
        new_plans = []
        for plan in plans:
            if plan.event.event_id in existing:
                answers[plan.index], entry = self._log_entry(endpoint, plan, "duplicate")
                logs.append(entry)
            else:
                existing.add(plan.event.event_id)
                new_plans.append(plan)
        self._resolve(endpoint, new_plans)
        for plan in self._apply_isolated(endpoint, new_plans):
            answers[plan.index] = plan.answer
        self.env["logistics.integration.log"]._record_exchanges(logs)
        return answers

    def _reprocess_inbound(self, endpoint, inbound_events):
        """Apply stored events again (after a mapping or shipment was added).

        The outcome of each is on its record and in the integration log; an
        event that no longer validates is logged as rejected and keeps waiting.
        """
        logs = []
        plans, _rejections = self._prepare(
            endpoint, [(rec.id, rec._get_raw_event()) for rec in inbound_events], logs
        )
        self.env["logistics.integration.log"]._record_exchanges(logs)
        records = {rec.id: rec for rec in inbound_events}
        for plan in plans:
            plan.record = records[plan.index]
        self._resolve(endpoint, plans)
        self._apply_isolated(endpoint, plans)

    def _prepare(self, endpoint, indexed_events, logs):
        """Validate each ``(index, event)``; log the invalid ones.

        Returns the plans of the valid events and ``{index: answer}`` of the others.
        """
        scalar_paths, charge_paths = endpoint._get_inbound_profile()._get_paths()
        now = datetime.now(UTC)
        plans, rejections = [], {}
        for index, raw in indexed_events:
            if not isinstance(raw, dict):
                reasons = ["event: must be a JSON object"]
            else:
                data, sources = extract_event(raw, scalar_paths, charge_paths)
                event, errors = validate_event(data, now)
                reasons = [
                    f"{source_location(loc, sources, format_location(loc))}: {message}"
                    for loc, message in errors
                ]
                if not reasons:
                    plans.append(Plan(raw=raw, event=event, index=index))
                    continue
            answer, entry = self._rejection_entry(endpoint, raw, reasons)
            logs.append(entry)
            rejections[index] = answer
        return plans, rejections

    def _resolve(self, endpoint, plans):
        """Find shipment, canonical event, carrier and currencies of every plan at once."""
        events = [plan.event for plan in plans]
        references = {event.shipment_reference for event in events}
        shipments = {}
        if references:
            for shipment in self.env["logistics.shipment"].search(
                [
                    ("company_id", "=", endpoint.company_id.id),
                    "|",
                    ("tms_reference", "in", list(references)),
                    ("name", "in", list(references)),
                ]
            ):
                shipments[shipment.name] = shipment
                if shipment.tms_reference:
                    shipments[shipment.tms_reference] = shipment
        carrier_names = {e.payload.carrier for e in events if e.payload.carrier}
        carriers = {}
        if carrier_names:
            for carrier in self.env["delivery.carrier"].search(
                [
                    ("name", "in", list(carrier_names)),
                    ("company_id", "in", [False, endpoint.company_id.id]),
                ]
            ):
                carriers.setdefault(carrier.name, carrier)
        currency_codes = {c.currency for e in events for c in e.payload.charges}
        currencies = {}
        if currency_codes:
            currencies = {
                c.name: c
                for c in self.env["res.currency"].search([("name", "in", list(currency_codes))])
            }
        table = endpoint._get_status_mapping_table() if plans else {}
        for plan in plans:
            payload = plan.event.payload
            # A person may have linked a waiting event to its shipment by hand.
            plan.shipment = shipments.get(plan.event.shipment_reference) or (
                plan.record.shipment_id if plan.record else None
            )
            if not plan.shipment:
                plan.review.append(
                    f"shipment_reference: no shipment {plan.event.shipment_reference!r}"
                )
            if payload.status_code:
                plan.mapping = table.get((payload.status_code, payload.status_detail or "")) or (
                    table.get((payload.status_code, ""))
                )
                if not plan.mapping:
                    plan.review.append(
                        f"payload.status_code: no mapping for code {payload.status_code!r}"
                        + (f" detail {payload.status_detail!r}" if payload.status_detail else "")
                    )
            if payload.carrier:
                plan.carrier = carriers.get(payload.carrier)
                if not plan.carrier:
                    plan.review.append(f"payload.carrier: no carrier named {payload.carrier!r}")
            for index, charge in enumerate(payload.charges):
                currency = currencies.get(charge.currency)
                if not currency:
                    plan.review.append(
                        f"payload.charges[{index}].currency: {charge.currency!r} is not "
                        "a currency of this database"
                    )
                plan.currencies[charge.currency] = currency

    # Application: every event in its own savepoint.

    def _apply_isolated(self, endpoint, plans):
        """Apply plans; one failing event never undoes the others.

        The batch is tried in one savepoint first (the common case: fast,
        batched writes); if anything fails, each event is applied in a
        savepoint of its own, and an event that still fails is kept for review
        with the error instead of being lost.
        """
        if not plans:
            return []
        if len(plans) > 1:
            error = self._try_apply(endpoint, plans)
            if error is None:
                return plans
            _logger.info(
                "A batch of %d inbound events fell back to one savepoint per event: %s",
                len(plans),
                error,
            )
        for plan in plans:
            error = self._try_apply(endpoint, [plan])
            if error is not None:
                _logger.warning("Inbound event %s failed: %s", plan.event.event_id, error)
                self._keep_failed(endpoint, plan, error)
        return plans

    def _try_apply(self, endpoint, plans):
        """Apply ``plans`` in a savepoint; return the error that rolled it back, or None."""
        try:
            with self.env.cr.savepoint():
                self._apply(endpoint, plans)
                # Recompute here, in the ingest context: the savepoint's own
                # flush would recompute in the request's context, with tracking.
                self.env.flush_all()
        except RETRYABLE_ERRORS:
            raise
        # The bridge contract: a per-event failure is answered, never raised.
        except Exception as exc:  # noqa: BLE001
            return exc
        return None

    def _keep_failed(self, endpoint, plan, exc):
        """Keep an event whose application failed for review, with the error."""
        plan.review = [f"processing failed: {exc}"]
        plan.shipment = plan.shipment if plan.shipment and plan.shipment.exists() else None
        second = self._try_apply(endpoint, [plan])
        if second is not None:
            plan.answer, entry = self._rejection_entry(endpoint, plan.raw, [f"event: {second}"])
            self.env["logistics.integration.log"]._record_exchanges([entry])

    def _apply(self, endpoint, plans):
        """Write milestones, inbox records, side effects and log records of ``plans``."""
        ready = [plan for plan in plans if not plan.review]
        with_milestone = [plan for plan in ready if plan.mapping]
        milestones = self.env["logistics.milestone"].create(
            [self._prepare_milestone_vals(endpoint, plan) for plan in with_milestone]
        )
        milestone_of = dict(zip([id(p) for p in with_milestone], milestones, strict=True))
        new_vals = []
        for plan in plans:
            vals = self._prepare_inbound_vals(endpoint, plan, milestone_of.get(id(plan)))
            if plan.record:
                plan.record.write(vals)
            else:
                new_vals.append(vals)
        # The inbox record is its own audit trail (and the log); no chatter noise.
        inbox = self.env["logistics.inbound.event"].with_context(tracking_disable=True)
        created = iter(inbox.create(new_vals))
        for plan in plans:
            plan.inbound = plan.record or next(created)
        for plan in ready:
            self._apply_side_effects(endpoint, plan, milestone_of.get(id(plan)))
        entries = []
        for plan in plans:
            if plan.review:
                plan.inbound._schedule_review("\n".join(plan.review))
            result = "needs_review" if plan.review else "processed"
            plan.answer, entry = self._log_entry(endpoint, plan, result)
            entries.append(entry)
        self.env["logistics.integration.log"]._record_exchanges(entries)
        return plans

    def _apply_side_effects(self, endpoint, plan, milestone):
        event, shipment = plan.event, plan.shipment
        payload = event.payload
        planning = {}
        if payload.planning_reference:
            planning["tms_reference"] = payload.planning_reference
        if plan.carrier:
            planning["carrier_id"] = plan.carrier.id
        if payload.eta:
            planning["estimated_date"] = _utc_naive(payload.eta)
        if planning:
            shipment._apply_tms_planning(planning)
        if payload.pod:
            shipment._apply_proof_of_delivery(
                signed_by=payload.pod.signed_by,
                signed_at=_utc_naive(payload.pod.signed_at),
                document_reference=payload.pod.document_reference,
            )
        if payload.charges:
            shipment._apply_tms_charges(payload.charges, plan.currencies, endpoint)

    def _prepare_milestone_vals(self, endpoint, plan):
        event = plan.event
        return {
            "shipment_id": plan.shipment.id,
            "event_type_id": plan.mapping.event_type_id.id,
            "raw_code": event.payload.status_code,
            "raw_detail": event.payload.status_detail,
            "endpoint_id": endpoint.id,
            **self._event_times(event),
            "location": event.payload.location,
            "external_event_id": event.event_id,
            "customer_visible": plan.mapping._get_customer_visible(),
            "action_required": plan.mapping.action_required,
        }

    @api.model
    def _event_times(self, event):
        """When the event happened (the carrier's time if given) and when the bridge got it."""
        return {
            "event_time": _utc_naive(event.payload.event_time or event.occurred_at),
            "received_time": _utc_naive(event.received_at) or fields.Datetime.now(),
        }

    def _prepare_inbound_vals(self, endpoint, plan, milestone):
        event = plan.event
        return {
            "endpoint_id": endpoint.id,
            "external_event_id": event.event_id,
            "event_type": event.event_type,
            "shipment_reference": event.shipment_reference,
            "shipment_id": plan.shipment.id if plan.shipment else False,
            "milestone_id": milestone.id if milestone else False,
            "raw_code": event.payload.status_code,
            "raw_detail": event.payload.status_detail,
            **self._event_times(event),
            "correlation_id": self._correlation_of(plan),
            "schema_version": event.schema_version,
            "state": "needs_review" if plan.review else "processed",
            "review_reason": "\n".join(plan.review) or False,
            # Kept only while the event waits: it is what reprocessing reads.
            "raw_event": json.dumps(plan.raw, default=str) if plan.review else False,
        }

    # Traceability

    @api.model
    def _correlation_of(self, plan):
        """The shipment's correlation id ties the callback to the order's export."""
        if plan.shipment and plan.shipment.correlation_id:
            return plan.shipment.correlation_id
        return plan.event.correlation_id

    def _log_entry(self, endpoint, plan, result):
        """The answer for ``plan`` and its integration-log entry (vals, payload, response)."""
        reason = "\n".join(plan.review) if result == "needs_review" else None
        if result == "duplicate":
            reason = "event already received"
        record = plan.inbound if result != "duplicate" else None
        vals = {
            "direction": "inbound",
            "endpoint_id": endpoint.id,
            "operation": f"inbound {plan.event.event_type}",
            "external_identifier": plan.event.event_id,
            "idempotency_key": f"{endpoint.code}:{plan.event.event_id}",
            "correlation_id": self._correlation_of(plan),
            "schema_version": plan.event.schema_version,
            "event_type_id": plan.mapping.event_type_id.id if plan.mapping else False,
            "model": "logistics.inbound.event" if record else False,
            "res_id": record.id if record else False,
            "state": result,
            "error": reason,
        }
        return _answer(_raw_event_id(plan.raw), result, reason), (vals, plan.raw, None)

    def _rejection_entry(self, endpoint, raw, reasons):
        """The "rejected" answer for a raw event and its integration-log entry."""
        reason = "; ".join(reasons)
        is_dict = isinstance(raw, dict)
        vals = {
            "direction": "inbound",
            "endpoint_id": endpoint.id,
            "operation": f"inbound {raw.get('event_type')}" if is_dict else "inbound",
            "external_identifier": _raw_event_id(raw) or False,
            "correlation_id": (raw.get("correlation_id") if is_dict else None) or False,
            "state": "rejected",
            "error": reason,
        }
        payload = raw if is_dict else {"event": raw}
        return _answer(_raw_event_id(raw), "rejected", reason), (vals, payload, None)
