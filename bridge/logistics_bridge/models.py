"""Boundary models: the records kept in the inbox (the envelope they come from is
``logistics_contract.envelope``'s).

Idempotency key: when a request carries a single event object, its ``webhook-id``
header is the key (as Standard Webhooks prescribes) *and* its ``event_id`` is one
too, so a redelivery is caught by either. For a JSON array, one ``webhook-id``
covers several events, so each element's ``event_id`` is its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from logistics_contract.content import content_hash, event_content, load_exact
from pydantic import BaseModel, ConfigDict

from .endpoints import FORMAT_JSON, FORMAT_X12_214

# Raw formats are stored with their format name as event_type: Odoo's inbound profile maps
# them to a canonical type, the bridge only keeps them and orders them per shipment.
RAW_FORMATS: tuple[str, ...] = (FORMAT_JSON, FORMAT_X12_214)
RAW_SCHEMA_VERSION = "raw-1"
STATES: tuple[str, ...] = ("pending", "forwarded", "rejected", "failed")


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
    conflict_of: int | None = None  # the inbox id of the event first received under this id

    def to_odoo(self) -> dict[str, Any]:
        """The event dict of the ``logistics.ingest.ingest_events`` contract
        (``traceparent`` only when the request carried a valid one)."""
        if self.event_type in RAW_FORMATS:
            event = {
                "event_id": self.event_id,
                "format": self.event_type,
                "received_at": self.received_at,
                "correlation_id": self.correlation_id,
                "document": load_exact(self.payload_json),
            }
        else:
            event = {
                "event_id": self.event_id,
                "event_type": self.event_type,
                "shipment_reference": self.shipment_reference,
                "occurred_at": self.occurred_at,
                "payload": load_exact(self.payload_json),
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
    status: Literal["accepted", "duplicate", "conflict"]
    correlation_id: str

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form for the HTTP answer."""
        answer = {
            "event_id": self.event_id,
            "status": self.status,
            "correlation_id": self.correlation_id,
        }
        if self.status == "conflict":
            answer["message"] = CONFLICT_MESSAGE
        return answer


CONFLICT_MESSAGE = "conflicting duplicate kept for review"


def stored_hash(
    event_type: str, shipment_reference: str, occurred_at: str, payload_json: str, schema: str
) -> str:
    """The content hash (``logistics_contract.content``) of an event as the inbox keeps it."""
    payload = load_exact(payload_json)
    if event_type in RAW_FORMATS:
        return content_hash(payload)
    return content_hash(
        event_content(
            {
                "event_type": event_type,
                "shipment_reference": shipment_reference,
                "occurred_at": occurred_at,
                "schema_version": schema,
                "payload": payload,
            }
        )
    )


def event_hash(event: NewEvent) -> str:
    """The content hash of an event about to be stored."""
    return stored_hash(
        event.event_type,
        event.shipment_reference,
        event.occurred_at,
        event.payload_json,
        event.schema_version,
    )


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
