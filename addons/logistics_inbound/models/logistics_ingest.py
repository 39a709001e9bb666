import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from logistics_contract import x12
from logistics_contract.content import (
    content_hash,
    describe_differences,
    dump_parsed,
    event_content,
    load_exact,
)
from logistics_contract.envelope import Refusal
from logistics_contract.storable import (
    LONE_SURROGATE_REASON,
    is_storable,
    lone_surrogate_location,
)
from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..canonical import (
    amount_problem,
    format_location,
    utc_naive,
    validate_envelope,
    validate_event,
)
from ..paths import extract_events, source_location
from .logistics_inbound_profile import MATCH_KEYS

_logger = logging.getLogger(__name__)

BRIDGE_GROUP = "logistics_inbound.group_logistics_bridge"
# The transaction as a whole must be retried (the bridge does) on these.
RETRYABLE_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)
INGEST_CONTEXT = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    # The milestone timeline is the record of every state change a source
    # reports; a tracking message per change would double it at ingest cost.
    "tracking_disable": True,
}
# When one forwarded event yields several (a split document), its answer is
# the most severe of theirs.
RESULT_SEVERITY = ("duplicate", "processed", "needs_review", "conflict", "rejected")
TMS_EVENT_FORMAT = "tms-event"
CONFLICT_REASON = "conflicting duplicate kept for review"
X12_FORMAT = "x12-214"
# The key of a split element's content holding what its profile read outside the element.
OUTSIDE_ELEMENT = "outside_element"


@dataclass
class Plan:
    """What one valid, new event will change once applied."""

    raw: dict
    event: object  # canonical.CanonicalEvent
    content: object = None  # what the event says (logistics_contract.content)
    index: int = 0
    record: object = None  # existing logistics.inbound.event when reprocessing
    inbound: object = None  # the inbox record once applied
    shipment: object = None
    mapping: object = None
    carrier: object = None
    refusal: str = None  # why the event may not be applied at all (another company's shipment)
    currencies: dict = field(default_factory=dict)
    review: list = field(default_factory=list)
    # Written on the milestone, the inbox record and the log: decided once, when resolved.
    times: dict = None
    correlation_id: str = None
    answer: dict = None

    @cached_property
    def content_hash(self):
        """The hash of ``content``: compared with the kept event's and stored with it."""
        return content_hash(self.content)


def _answer(event_id, result, reason=None):
    return {"event_id": event_id, "result": result, "reason": reason}


def _raw_event_id(raw):
    value = raw.get("event_id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _event_format(raw):
    """The format the bridge marked a forwarded event with (its tms-event envelope if none)."""
    value = raw.get("format") if isinstance(raw, dict) else None
    return value or TMS_EVENT_FORMAT


def split_content(element, outside):
    """The content of one event of a split document: the element, with what the profile
    read outside it (the set's shipment key), so that a resend changing only that part is
    a conflict, not a duplicate."""
    if not outside:
        return element
    return {"element": element, OUTSIDE_ELEMENT: outside}


def _combine_answers(raw, answers):
    """One answer for a forwarded event from the answers of the events it held."""
    if len(answers) == 1:
        return _answer(_raw_event_id(raw), answers[0]["result"], answers[0]["reason"])
    result = max((a["result"] for a in answers), key=RESULT_SEVERITY.index)
    reasons = [f"{a.get('item')}: {a['reason']}" for a in answers if a["reason"]]
    return _answer(_raw_event_id(raw), result, "\n".join(reasons) or None)


class LogisticsIngest(models.AbstractModel):
    """Entry point of the bridge: any source's events become governed milestones and updates."""

    _name = "logistics.ingest"
    _description = "Inbound Event Ingestion"

    @api.model
    def ingest_events(self, endpoint_code, events):
        """Apply a batch of events forwarded by the bridge for one endpoint.

        Contract (fixed, see docs/tms-event-v1.md and docs/raw-documents.md):
        ``events`` is a list of event dicts in forwarding order, tms-event
        envelopes or raw documents marked with ``"format"``; the answer is a
        list in the same order
        of ``{"event_id", "result", "reason"}`` with result ``processed``,
        ``duplicate``, ``rejected``, ``needs_review`` or ``conflict`` (an id
        already received with other content, kept for review). Problems of one event
        are answered for that event and never raised, since the bridge treats
        an exception as a transport failure and retries the whole batch. Only
        members of the Logistics Bridge group may call this; they have no other
        rights, so the work is done as superuser after the check.
        """
        if not self.env.user.has_group(BRIDGE_GROUP):
            raise AccessError(_("Only the Logistics Bridge may ingest events."))
        if not isinstance(events, list):
            raise UserError(_("ingest_events expects a list of events."))
        Endpoint = self.env["logistics.endpoint"].sudo()
        endpoint = Endpoint
        # A code PostgreSQL cannot compare (NUL, a lone surrogate) names no endpoint either.
        if isinstance(endpoint_code, str) and is_storable(endpoint_code):
            endpoint = Endpoint.browse(
                Endpoint._get_bridge_endpoint_id(endpoint_code, self.env.uid)
            )
        if not endpoint:
            reason = (
                f"endpoint: no active endpoint with code {endpoint_code!r} "
                "in the companies of this bridge user"
            )
            return [_answer(_raw_event_id(raw), "rejected", reason) for raw in events]
        ingest = self.sudo().with_company(endpoint.company_id).with_context(**INGEST_CONTEXT)
        return ingest._ingest(endpoint.with_env(ingest.env), events)

    # Preparation: validation and resolution, no writes except rejection logs.

    def _ingest(self, endpoint, events):
        answers = defaultdict(list)
        logs = []
        plans, rejections = self._prepare(endpoint, list(enumerate(events)), logs)
        for index, answer in rejections:
            answers[index].append(answer)
        # Refused like an invalid event, before duplicates are told apart: never kept.
        self._resolve(endpoint, plans)
        for plan in [p for p in plans if p.refusal]:
            answer, entry = self._rejection_entry(endpoint, plan.raw, [plan.refusal])
            answers[plan.index].append(dict(answer, item=plan.event.event_id))
            logs.append(entry)
        plans = [plan for plan in plans if not plan.refusal]
        kept = {
            record.external_event_id: record.content_hash
            for record in self.env["logistics.inbound.event"].search(
                [
                    ("endpoint_id", "=", endpoint.id),
                    ("external_event_id", "in", [p.event.event_id for p in plans]),
                ]
            )
        }
        new_plans, conflicts = [], []
        for plan in plans:
            event_id = plan.event.event_id
            if event_id not in kept:
                kept[event_id] = plan.content_hash
                new_plans.append(plan)
            # An event kept before contents were hashed cannot be compared: a duplicate.
            elif kept[event_id] and kept[event_id] != plan.content_hash:
                conflicts.append(plan)
            else:
                answer, entry = self._log_entry(endpoint, plan, "duplicate")
                answers[plan.index].append(answer)
                logs.append(entry)
        for plan in self._apply_isolated(endpoint, new_plans):
            answers[plan.index].append(plan.answer)
        # After the new events: a conflict may be with an event of this same batch.
        for plan in conflicts:
            answer, entry = self._keep_conflict(endpoint, plan)
            answers[plan.index].append(answer)
            logs.append(entry)
        self.env["logistics.integration.log"]._record_exchanges(logs)
        return [_combine_answers(raw, answers[index]) for index, raw in enumerate(events)]

    def _keep_conflict(self, endpoint, plan):
        """Keep ``plan`` (other content under a kept event id) for review; its answer
        ``conflict`` and its log entry (needs review) name the difference."""
        inbound = self.env["logistics.inbound.event"].search(
            [("endpoint_id", "=", endpoint.id), ("external_event_id", "=", plan.event.event_id)],
            limit=1,
        )
        difference = describe_differences(load_exact(inbound.content or "null"), plan.content)
        conflict = self.env["logistics.inbound.conflict"]._keep(
            inbound, plan.content_hash, difference, plan.raw
        )
        plan.inbound = conflict
        plan.review = [f"{CONFLICT_REASON}:\n{difference}"]
        answer, entry = self._log_entry(endpoint, plan, "needs_review")
        answer["result"] = "conflict"
        return answer, entry

    def _apply_conflict(self, endpoint, conflict):
        """Apply a conflict's content as the authoritative version of its event: through
        validation, resolution and application like any event, onto the event's record."""
        logs = []
        inbound = conflict.event_id
        plans, rejections = self._prepare(
            endpoint, [(inbound.id, json.loads(conflict.raw_event))], logs
        )
        self.env["logistics.integration.log"]._record_exchanges(logs)
        plans = [p for p in plans if p.event.event_id == inbound.external_event_id]
        if not plans:
            reasons = "; ".join(answer["reason"] or "" for _index, answer in rejections)
            raise UserError(_("The new content cannot be applied: %(why)s", why=reasons))
        for plan in plans:
            plan.record = inbound
        # The first content's milestone was wrong: the new one takes its place.
        superseded = inbound.milestone_id
        if superseded:
            inbound.message_post(
                body=_(
                    "Milestone %(milestone)s of %(time)s replaced by the applied content.",
                    milestone=superseded.event_type_id.display_name,
                    time=superseded.event_time,
                )
            )
            superseded.unlink()
        self._resolve(endpoint, plans)
        self._apply_isolated(endpoint, plans)

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
        # A split document yields all its events again; each record takes its own.
        plans = [p for p in plans if p.event.event_id == records[p.index].external_event_id]
        for plan in plans:
            plan.record = records[plan.index]
        self._resolve(endpoint, plans)
        self._apply_isolated(endpoint, plans)

    def _prepare(self, endpoint, indexed_events, logs):
        """Read and validate each ``(index, event)``; log the invalid ones.

        A forwarded event may hold several events (a document split by its
        profile); each becomes a plan, or a rejection, of the same index.
        Returns the plans of the valid events and ``[(index, answer)]`` of the others.
        """
        profile = endpoint._get_inbound_profile()
        rules = profile._get_ingest_rules() if profile else None
        now = datetime.now(UTC)
        plans, rejections = [], []
        for index, raw in indexed_events:
            for item_id, outcome in self._read_forwarded(endpoint, profile, rules, raw, now):
                if isinstance(outcome, Plan):
                    outcome.index = index
                    plans.append(outcome)
                    continue
                answer, entry = self._rejection_entry(endpoint, raw, outcome)
                answer["item"] = item_id
                logs.append(entry)
                rejections.append((index, answer))
        return plans, rejections

    def _read_forwarded(self, endpoint, profile, rules, raw, now):
        """``[(event id, Plan or reasons)]`` of the events one forwarded event holds;
        ``rules`` are the profile's (``logistics.inbound.profile._get_ingest_rules``)."""
        if not isinstance(raw, dict):
            return [(None, ["event: must be a JSON object"])]
        # The only check for lone surrogates (canonical fields check the NUL alone): over
        # the event as sent, keys included, so the reason names the sender's own path.
        if (loc := lone_surrogate_location(raw)) is not None:
            return [(None, [f"{format_location(loc)}: {LONE_SURROGATE_REASON}"])]
        if not profile:
            return [(None, [f"endpoint: {endpoint.code!r} has no inbound profile"])]
        profile_format, spec, _match_keys = rules
        document_format = _event_format(raw)
        if document_format != profile_format:
            return [
                (
                    None,
                    [
                        f"format: the inbound profile {profile.name!r} reads "
                        f"{profile_format!r}, this event is {document_format!r}"
                    ],
                )
            ]
        source = raw
        contents = None  # a document the profile splits: each element is an event's content
        if document_format == TMS_EVENT_FORMAT:
            errors = validate_envelope(raw)
            if errors:
                return [(None, [f"{format_location(loc)}: {message}" for loc, message in errors])]
        elif document_format == X12_FORMAT:
            try:
                source = dict(raw, document=x12.document_view(raw.get("document")))
            except Refusal as exc:
                return [(None, [f"document: {exc}"])]
        list_path = spec.list_path
        if list_path:
            elements = list_path.resolve(source)
            contents = elements if isinstance(elements, list) else None
        outcomes = []
        for position, extracted in enumerate(extract_events(source, spec)):
            event, errors = (None, [])
            if not extracted.errors:
                event, errors = validate_event(extracted.data, now)
            reasons = [
                f"{source_location(loc, extracted.sources, format_location(loc))}: {message}"
                for loc, message in extracted.errors + errors
            ]
            item_id = extracted.data.get("event_id")
            if reasons:
                outcomes.append((item_id, reasons))
            elif contents:
                content = split_content(contents[position], extracted.outside)
                outcomes.append((item_id, Plan(raw=raw, event=event, content=content)))
            else:
                outcomes.append((item_id, Plan(raw=raw, event=event, content=event_content(raw))))
        return outcomes

    def _resolve(self, endpoint, plans):
        """Find shipment, canonical event, carrier and currencies of every plan at once."""
        events = [plan.event for plan in plans]
        shipments, ambiguous, foreign = self._match_shipments(
            endpoint, {event.shipment_reference for event in events}
        )
        carriers = self.env["delivery.carrier"]._logistics_resolve(
            {event.payload.carrier for event in events}, endpoint
        )
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
            reference = plan.event.shipment_reference
            # A person may have linked a waiting event to its shipment by hand.
            plan.shipment = shipments.get(reference) or (
                plan.record.shipment_id if plan.record else None
            )
            if reference in ambiguous and not plan.shipment:
                plan.review.append(f"shipment_reference: {ambiguous[reference]}")
            elif reference in foreign and not plan.shipment:
                plan.refusal = (
                    f"shipment_reference: {reference!r} is a shipment of another company; "
                    f"endpoint {endpoint.code!r} only reaches shipments of "
                    f"{endpoint.company_id.name}"
                )
                # Kept events (reprocessed) wait with the reason instead.
                plan.review.append(plan.refusal)
            elif not plan.shipment:
                plan.review.append(f"shipment_reference: no shipment {reference!r}")
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
            inexact = []
            for index, charge in enumerate(payload.charges):
                currency = currencies.get(charge.currency)
                if not currency:
                    plan.review.append(
                        f"payload.charges[{index}].currency: {charge.currency!r} is not "
                        "a currency of this database"
                    )
                elif problem := amount_problem(charge.amount, currency.decimal_places):
                    inexact.append(f"payload.charges[{index}].amount: {problem}")
                plan.currencies[charge.currency] = currency
            if inexact:
                # Refused like a schema error: it would be stored otherwise than sent.
                plan.refusal = "; ".join(filter(None, [plan.refusal, *inexact]))
                plan.review.extend(inexact)
            plan.times = self._event_times(plan.event)
            plan.correlation_id = self._correlation_of(plan)

    def _match_shipments(self, endpoint, references):
        """Shipments of the endpoint's company per shipment key, by the profile's match order.

        Each key is looked up by the first rule of the order that finds it;
        returns ``({key: shipment}, {key: reason}, foreign)`` where the reasons
        name keys that rule found on several shipments (never guessed) and
        ``foreign`` holds the keys found on other companies' shipments only: an
        endpoint never touches those.
        """
        found, ambiguous, foreign = {}, {}, set()
        profile = endpoint._get_inbound_profile()
        keys = profile._get_ingest_rules()[2] if profile else ()
        Shipment = self.env["logistics.shipment"]
        for key in keys:
            pending = references - set(found) - set(ambiguous)
            if not pending:
                break
            field_path, label = MATCH_KEYS[key]
            by_value = defaultdict(lambda: Shipment)
            for shipment in Shipment.search([(field_path, "in", list(pending))]):
                values = set(shipment.mapped(field_path)) & pending
                if shipment.company_id != endpoint.company_id:
                    foreign |= values
                    continue
                for value in values:
                    by_value[value] |= shipment
            for value, matches in by_value.items():
                if len(matches) == 1:
                    found[value] = matches
                else:
                    ambiguous[value] = (
                        f"{value!r} is the {label} of {len(matches)} shipments: "
                        + ", ".join(matches.mapped("name"))
                    )
        return found, ambiguous, foreign - set(found) - set(ambiguous)

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
        plan.correlation_id = self._correlation_of(plan)
        second = self._try_apply(endpoint, [plan])
        if second is not None:
            plan.answer, entry = self._rejection_entry(endpoint, plan.raw, [f"event: {second}"])
            self.env["logistics.integration.log"]._record_exchanges([entry])

    def _apply(self, endpoint, plans):
        """Write milestones, inbox records, side effects and log records of ``plans``."""
        ready = [plan for plan in plans if not plan.review]
        with_milestone = [plan for plan in ready if plan.mapping]
        # A batch holds few codes: each line's values are read once, not once per event.
        mapping_values = (
            self.env["logistics.status.mapping"]
            .browse({plan.mapping.id for plan in with_milestone})
            ._get_milestone_values()
        )
        milestones = self.env["logistics.milestone"].create(
            [
                self._prepare_milestone_vals(endpoint, plan, mapping_values[plan.mapping.id])
                for plan in with_milestone
            ]
        )
        milestone_of = dict(zip([id(p) for p in with_milestone], milestones, strict=True))
        new_vals = []
        exchange_type_of = {
            document_format: endpoint._get_inbound_exchange_type(document_format).id
            for document_format in {_event_format(plan.raw) for plan in plans}
        }
        for plan in plans:
            vals = self._prepare_inbound_vals(endpoint, plan, milestone_of.get(id(plan)))
            vals["exchange_type_id"] = exchange_type_of[vals["document_format"]]
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
        """What an applied event changes beyond its milestone (extended per concern).

        An exception milestone asks a person by itself (``logistics.milestone.create``)."""

    def _prepare_milestone_vals(self, endpoint, plan, mapping_values):
        """The milestone of ``plan``; ``mapping_values`` are its status mapping's
        (``logistics.status.mapping._get_milestone_values``)."""
        event = plan.event
        return {
            "shipment_id": plan.shipment.id,
            **mapping_values,
            "raw_code": event.payload.status_code,
            "raw_detail": event.payload.status_detail,
            "endpoint_id": endpoint.id,
            **plan.times,
            "location": event.payload.location,
            "external_event_id": event.event_id,
        }

    @api.model
    def _event_times(self, event):
        """When the event happened (the carrier's time if given) and when the bridge got it."""
        return {
            "event_time": utc_naive(event.payload.event_time or event.occurred_at),
            "received_time": utc_naive(event.received_at) or fields.Datetime.now(),
        }

    def _prepare_inbound_vals(self, endpoint, plan, milestone):
        event = plan.event
        return {
            "endpoint_id": endpoint.id,
            "company_id": endpoint.company_id.id,
            "external_event_id": event.event_id,
            "event_type": event.event_type,
            "shipment_reference": event.shipment_reference,
            "shipment_id": plan.shipment.id if plan.shipment else False,
            "milestone_id": milestone.id if milestone else False,
            "raw_code": event.payload.status_code,
            "raw_detail": event.payload.status_detail,
            **plan.times,
            "correlation_id": plan.correlation_id,
            "traceparent": event.traceparent or False,
            "schema_version": event.schema_version,
            "document_format": _event_format(plan.raw),
            "state": "needs_review" if plan.review else "processed",
            "review_reason": "\n".join(plan.review) or False,
            # Parsed from the forwarded JSON: written by the C encoder unless it holds a Decimal.
            "content": dump_parsed(plan.content),
            "content_hash": plan.content_hash,
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
        vals = self.env["logistics.integration.log"]._prepare_exchange_vals(
            "inbound",
            result,
            endpoint=endpoint,
            record=plan.inbound if result != "duplicate" else None,
            event_type=plan.mapping.event_type_id if plan.mapping else None,
            summary=f"inbound {plan.event.event_type}",
            external_identifier=plan.event.event_id,
            idempotency_key=f"{endpoint.code}:{plan.event.event_id}",
            correlation_id=plan.correlation_id,
            schema_version=plan.event.schema_version,
            error=reason,
        )
        answer = dict(_answer(_raw_event_id(plan.raw), result, reason), item=plan.event.event_id)
        return answer, (vals, plan.raw, None)

    def _rejection_entry(self, endpoint, raw, reasons):
        """The "rejected" answer for a raw event and its integration-log entry."""
        reason = "; ".join(reasons)
        is_dict = isinstance(raw, dict)
        vals = self.env["logistics.integration.log"]._prepare_exchange_vals(
            "inbound",
            "rejected",
            endpoint=endpoint,
            summary=f"inbound {raw.get('event_type') or _event_format(raw)}"
            if is_dict
            else "inbound",
            external_identifier=_raw_event_id(raw) or False,
            correlation_id=(raw.get("correlation_id") if is_dict else None) or False,
            error=reason,
        )
        payload = raw if is_dict else {"event": raw}
        return _answer(_raw_event_id(raw), "rejected", reason), (vals, payload, None)
