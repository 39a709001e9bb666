"""Building blocks shared by the raw formats: request context, decoder protocol, raw events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from ..exceptions import SchemaViolation
from ..models import RAW_SCHEMA_VERSION, Key, NewEvent

# Events one request may carry, whatever its format: enough for any batch a partner sends,
# few enough to validate, store and answer in bounded time.
MAX_EVENTS_PER_REQUEST = 1000
_KEY = TypeAdapter(Key)


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What a decoder needs to know about the request besides its body."""

    endpoint: str
    received_at: datetime
    correlation_id: str
    delivery_id: str | None = None
    traceparent: str | None = None


@dataclass(slots=True)
class Decoded:
    """The events of one body, and the acknowledgement to answer with once they are stored."""

    events: list[NewEvent]
    acknowledgement: tuple[str, bytes] | None = None  # (Content-Type, body)


class Decoder(Protocol):
    """Turns one authenticated body into events (all or none: errors are ``RequestRejected``)."""

    format: str
    content_types: tuple[str, ...]

    def decode(self, body: bytes, request: RequestContext) -> Decoded:
        """Validate ``body`` and return its events; raise a ``RequestRejected`` otherwise."""


def raw_event(
    request: RequestContext,
    *,
    format_name: str,
    event_id: str,
    shipment_key: str,
    document: Any,
    delivery_id: str | None = None,
) -> NewEvent:
    """A raw-format event ready for ``Inbox.add``; its event id and shipment key obey the
    same rule as an envelope's keys (1 to 255 characters, not blank, no control character)."""
    for name, value in (("event_id", event_id), ("shipment key", shipment_key)):
        try:
            _KEY.validate_python(value)
        except ValidationError as exc:
            reason = exc.errors(include_input=False, include_url=False)[0]["msg"]
            raise SchemaViolation(
                f"{name} {value[:40]!r}: {reason.removeprefix('Value error, ')}", fields=[name]
            ) from None
    return NewEvent(
        endpoint=request.endpoint,
        event_id=event_id,
        webhook_id=delivery_id,
        event_type=format_name,
        shipment_reference=shipment_key,
        occurred_at=request.received_at.isoformat(),
        payload_json=json.dumps(document, separators=(",", ":"), ensure_ascii=False),
        correlation_id=request.correlation_id,
        schema_version=RAW_SCHEMA_VERSION,
        received_at=request.received_at,
        traceparent=request.traceparent,
    )
