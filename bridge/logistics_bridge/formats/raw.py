"""Building blocks shared by the raw formats: request context, decoder protocol, raw events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..models import RAW_SCHEMA_VERSION, NewEvent


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
    """A raw-format event ready for ``Inbox.add``."""
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
