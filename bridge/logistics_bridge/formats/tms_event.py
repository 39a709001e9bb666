"""The ``tms-event`` format: the bridge's own envelope (``logistics_contract.envelope``), one
event object or an array of them, each validated field by field; a 422 names every field
that is wrong (the first ``MAX_REPORTED_ERRORS``).

A TMS endpoint also takes the TMS's master data change notification
(``logistics_contract.master_data``, told apart by its ``"schema": "tms-master-data"``):
kept as one event of format ``tms-master-data``, forwarded raw, in order per kind."""

from __future__ import annotations

from typing import Any

from logistics_contract.content import dump_parsed
from logistics_contract.envelope import (
    ENVELOPE_LIST,
    MAX_EVENTS_PER_REQUEST,
    TmsEventEnvelope,
)
from logistics_contract.master_data import FORMAT as MASTER_DATA_FORMAT
from logistics_contract.master_data import TmsMasterDataChangedV1, is_notification
from pydantic import ValidationError

from ..endpoints import FORMAT_TMS_EVENT
from ..exceptions import SchemaViolation
from ..models import NewEvent
from .decoder import Decoded, RequestContext, load_body, new_correlation_id

# Problems listed in a 422 answer (and its log line); the rest are counted, not listed.
MAX_REPORTED_ERRORS = 50


class TmsEventDecoder:
    """Decoder of ``tms-event`` endpoints (no settings of its own)."""

    format = FORMAT_TMS_EVENT
    content_types = ("application/json",)

    def decode(self, body: bytes, request: RequestContext) -> Decoded:
        """Every envelope of the body, or none if one is wrong; or the body's master data
        change notification."""
        document = load_body(body)
        if is_notification(document):
            return Decoded([_notification_event(document, request)])
        envelopes, is_array = _parse(document)
        return Decoded(
            [
                NewEvent(
                    endpoint=request.endpoint,
                    event_id=envelope.event_id,
                    # One delivery id covers one event only; an array has several.
                    webhook_id=None if is_array else request.delivery_id,
                    format=FORMAT_TMS_EVENT,
                    ordering_key=envelope.shipment_reference,
                    event_type=envelope.event_type,
                    shipment_reference=envelope.shipment_reference,
                    occurred_at=envelope.occurred_at.isoformat(),
                    payload_json=dump_parsed(envelope.payload),
                    correlation_id=envelope.correlation_id or _correlation_id(request, is_array),
                    schema_version=envelope.schema_version,
                    received_at=request.received_at,
                    traceparent=request.traceparent,
                )
                for envelope in envelopes
            ]
        )


def _correlation_id(request: RequestContext, in_array: bool) -> str:
    """The correlation id of an envelope without its own: the request's X-Correlation-ID,
    else one of its own (each envelope of an array is a business event in its own right;
    a single envelope has the one made for its request)."""
    if request.correlation_from_header or not in_array:
        return request.correlation_id
    return new_correlation_id()


def _notification_event(document: dict[str, Any], request: RequestContext) -> NewEvent:
    try:
        notification = TmsMasterDataChangedV1.model_validate(document)
    except ValidationError as exc:
        raise _schema_violation(exc, in_array=False) from None
    return NewEvent(
        endpoint=request.endpoint,
        event_id=notification.notification_id,
        webhook_id=request.delivery_id,
        format=MASTER_DATA_FORMAT,
        ordering_key=notification.ordering_key(),
        event_type=None,
        shipment_reference=None,
        occurred_at=notification.occurred_at.isoformat(),
        payload_json=dump_parsed(document),
        correlation_id=notification.correlation_id or request.correlation_id,
        schema_version=str(notification.schema_version),
        received_at=request.received_at,
        traceparent=request.traceparent,
    )


def _parse(document: Any) -> tuple[list[TmsEventEnvelope], bool]:
    if isinstance(document, dict):
        try:
            return [TmsEventEnvelope.model_validate(document)], False
        except ValidationError as exc:
            raise _schema_violation(exc, in_array=False) from None
    if isinstance(document, list):
        if not document:
            raise SchemaViolation("the event array is empty", fields=["(body)"])
        if len(document) > MAX_EVENTS_PER_REQUEST:
            raise SchemaViolation(
                f"the event array holds {len(document)} events;"
                f" at most {MAX_EVENTS_PER_REQUEST} per request",
                fields=["(body)"],
            )
        try:
            return ENVELOPE_LIST.validate_python(document), True
        except ValidationError as exc:
            raise _schema_violation(exc, in_array=True) from None
    raise SchemaViolation("body must be an event object or an array of them", fields=["(body)"])


def _field_name(loc: tuple[Any, ...], in_array: bool) -> str:
    parts = list(loc)
    name = ""
    if in_array and parts and isinstance(parts[0], int):
        name = f"[{parts.pop(0)}]"
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "(body)"


def _error_message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] == "timezone_aware":
        return "must carry a timezone offset"
    return str(error["msg"]).removeprefix("Value error, ")


def _schema_violation(exc: ValidationError, in_array: bool) -> SchemaViolation:
    """The first ``MAX_REPORTED_ERRORS`` problems by field, plus how many more there are."""
    errors = exc.errors(include_input=False, include_url=False)
    fields: dict[str, None] = {}  # insertion-ordered set: linear however many errors
    details = []
    for error in errors[:MAX_REPORTED_ERRORS]:
        name = _field_name(tuple(error["loc"]), in_array)
        fields[name] = None
        details.append(f"{name}: {_error_message(error)}")
    if len(errors) > MAX_REPORTED_ERRORS:
        details.append(f"and {len(errors) - MAX_REPORTED_ERRORS} more problem(s)")
    return SchemaViolation("; ".join(details), fields=list(fields))
