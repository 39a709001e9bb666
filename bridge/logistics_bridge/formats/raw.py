"""Building blocks shared by the raw formats: raw events, and the answer to what the contract
refuses."""

from __future__ import annotations

from logistics_contract import x12
from logistics_contract.content import dump_parsed
from logistics_contract.documents import DocumentEvent
from logistics_contract.envelope import Refusal

from ..exceptions import (
    RequestRejected,
    SchemaViolation,
    X12EnvelopeInvalid,
    X12Malformed,
    X12Unsupported,
)
from ..models import RAW_SCHEMA_VERSION, NewEvent
from .decoder import RequestContext

# The HTTP answer to each kind of refusal; any other is a 422 validation_failed.
_ANSWERS: dict[type[Refusal], type[RequestRejected]] = {
    x12.X12Malformed: X12Malformed,
    x12.X12EnvelopeInvalid: X12EnvelopeInvalid,
    x12.X12Unsupported: X12Unsupported,
}


def raw_event(
    request: RequestContext,
    format_name: str,
    event: DocumentEvent,
    delivery_id: str | None = None,
) -> NewEvent:
    """A raw-format event ready for ``Inbox.add`` (its event id and shipment key checked
    by the contract)."""
    return NewEvent(
        endpoint=request.endpoint,
        event_id=event.event_id,
        webhook_id=delivery_id,
        format=format_name,
        ordering_key=event.shipment_key,
        event_type=None,
        shipment_reference=None,
        occurred_at=request.received_at.isoformat(),
        payload_json=dump_parsed(event.document),
        correlation_id=request.correlation_id,
        schema_version=RAW_SCHEMA_VERSION,
        received_at=request.received_at,
        traceparent=request.traceparent,
    )


def refused(refusal: Refusal) -> RequestRejected:
    """The HTTP refusal of what the contract refuses, naming the same fields."""
    answer = _ANSWERS.get(type(refusal), SchemaViolation)
    return answer(str(refusal), fields=refusal.fields)
