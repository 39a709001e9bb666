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

from .endpoints import FORMAT_TMS_EVENT

# The schema version of a raw document (json, x12-214): Odoo's inbound profile maps it to a
# canonical event, the bridge only keeps it and orders it per shipment.
RAW_SCHEMA_VERSION = "raw-1"
STATES: tuple[str, ...] = ("pending", "forwarded", "rejected", "failed")


@dataclass(slots=True)
class NewEvent:
    """An authenticated, validated event about to be stored (plain dataclass: hot path)."""

    endpoint: str
    event_id: str
    webhook_id: str | None
    format: str  # the endpoint format that read it: tms-event, json, x12-214
    ordering_key: str  # an endpoint's events of one key are forwarded in receipt order
    event_type: str | None  # the envelope's; None for a raw document (Odoo maps it)
    shipment_reference: str | None  # the envelope's; None for a raw document
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
    format: str
    ordering_key: str
    event_type: str | None  # None for a raw document
    shipment_reference: str | None  # None for a raw document
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
        if self.format != FORMAT_TMS_EVENT:
            event = {
                "event_id": self.event_id,
                "format": self.format,
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
    event_format: str,
    event_type: str | None,
    shipment_reference: str | None,
    occurred_at: str,
    payload_json: str,
    schema: str,
) -> str:
    """The content hash (``logistics_contract.content``) of an event as the inbox keeps it:
    of the whole envelope for a tms-event, of the document for a raw format (without the
    elements of its transmission, ``logistics_contract.content.TRANSMISSION_ONLY``)."""
    payload = load_exact(payload_json)
    if event_format != FORMAT_TMS_EVENT:
        return content_hash(event_content({"format": event_format, "document": payload}))
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
        event.format,
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
