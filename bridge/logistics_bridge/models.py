"""Boundary models: the inbound event envelope and the records kept in the inbox.

Idempotency key: when a request carries a single event object, its ``webhook-id``
header is the key (as Standard Webhooks prescribes) *and* its ``event_id`` is one
too, so a redelivery is caught by either. For a JSON array, one ``webhook-id``
covers several events, so each element's ``event_id`` is its key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
)

from .endpoints import FORMAT_JSON, FORMAT_X12_214

EventType = Literal["status", "planning", "pod", "charges"]
# Raw formats are stored with their format name as event_type: Odoo's inbound profile maps
# them to a canonical type, the bridge only keeps them and orders them per shipment.
RAW_FORMATS: tuple[str, ...] = (FORMAT_JSON, FORMAT_X12_214)
RAW_SCHEMA_VERSION = "raw-1"
STATES: tuple[str, ...] = ("pending", "forwarded", "rejected", "failed")

# How far ahead of its receipt an event may say it happened (clock skew, time zones).
MAX_OCCURRED_AHEAD = timedelta(days=1)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# pydantic would also read a string of digits as unix time; the contract says ISO 8601.
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}", re.ASCII)


def _identifier(value: str) -> str:
    """Keys and references are matched and shown: never blank, never control characters."""
    if not value.strip():
        raise ValueError("must not be blank")
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    if not value.isprintable():
        # Format (e.g. U+200B), private-use and unassigned code points and line/paragraph
        # separators would be shown as nothing or as a box, and compare unlike they look.
        raise ValueError(
            "must be printable text (no format, private-use or unassigned characters,"
            " no separator other than the space)"
        )
    return value


def _iso_text(value: Any) -> Any:
    if not isinstance(value, str) or not _ISO_DATETIME.match(value):
        raise ValueError("must be an ISO 8601 date-time string with a timezone offset")
    return value


def _not_far_ahead(value: datetime) -> datetime:
    if value - datetime.now(UTC) > MAX_OCCURRED_AHEAD:
        raise ValueError("is more than a day in the future")
    return value


Key = Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(_identifier)]
Reference = Annotated[
    str, StringConstraints(min_length=1, max_length=128), AfterValidator(_identifier)
]
Version = Annotated[
    str, StringConstraints(min_length=1, max_length=32), AfterValidator(_identifier)
]
OccurredAt = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_not_far_ahead)]


class EventEnvelope(BaseModel):
    """One TMS callback event; unknown top-level keys are refused by name, payload is free."""

    model_config = ConfigDict(extra="forbid")

    event_id: Key
    event_type: EventType
    shipment_reference: Reference
    occurred_at: OccurredAt
    payload: dict[str, Any] = Field(default_factory=dict)
    correlation_id: Key | None = None
    schema_version: Version = "1"


EVENT_LIST = TypeAdapter(list[EventEnvelope])


@dataclass(slots=True)
class NewEvent:
    """An authenticated, validated event about to be stored (plain dataclass: hot path)."""

    endpoint: str
    event_id: str
    webhook_id: str | None
    event_type: str
    shipment_reference: str
    occurred_at: str
    payload_json: str
    correlation_id: str
    schema_version: str
    received_at: datetime
    traceparent: str | None = None  # the request's W3C traceparent, when valid


class StoredEvent(BaseModel):
    """An inbox row as the forwarder and the CLI see it."""

    id: int
    endpoint: str
    event_id: str
    event_type: str
    shipment_reference: str
    occurred_at: str
    payload_json: str
    correlation_id: str
    schema_version: str
    received_at: str
    state: str
    attempts: int
    result: str | None = None
    reason: str | None = None
    traceparent: str | None = None

    def to_odoo(self) -> dict[str, Any]:
        """The event dict of the ``logistics.ingest.ingest_events`` contract
        (``traceparent`` only when the request carried a valid one)."""
        if self.event_type in RAW_FORMATS:
            event = {
                "event_id": self.event_id,
                "format": self.event_type,
                "received_at": self.received_at,
                "correlation_id": self.correlation_id,
                "document": json.loads(self.payload_json),
            }
        else:
            event = {
                "event_id": self.event_id,
                "event_type": self.event_type,
                "shipment_reference": self.shipment_reference,
                "occurred_at": self.occurred_at,
                "payload": json.loads(self.payload_json),
                "correlation_id": self.correlation_id,
                "schema_version": self.schema_version,
                "received_at": self.received_at,
            }
        if self.traceparent:
            event["traceparent"] = self.traceparent
        return event


@dataclass(slots=True)
class AddResult:
    """Outcome of storing one event: newly accepted or a duplicate of a stored one."""

    event_id: str
    status: Literal["accepted", "duplicate"]
    correlation_id: str

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form for the HTTP answer."""
        return {
            "event_id": self.event_id,
            "status": self.status,
            "correlation_id": self.correlation_id,
        }


class OdooAnswer(BaseModel):
    """One element of Odoo's answer to ``ingest_events``."""

    model_config = ConfigDict(extra="ignore")

    event_id: str
    result: str
    reason: str | None = None


class InboxStatus(BaseModel):
    """What ``status`` reports about the inbox."""

    counts: dict[str, int]
    oldest_pending_received_at: str | None
    oldest_pending_age_seconds: float | None
    last_odoo_error: str | None
    last_odoo_error_at: str | None
