"""The canonical inbound event, as pydantic models.

Every source's document is turned into this shape by its inbound profile
(see ``paths.py``) and validated here, whatever the source: a TMS speaking the
project's ``tms-event`` v1 contract (which publishes this model as its wire
format), a carrier's tracking webhook or an X12 214 transaction set.
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

SCHEMA_VERSION = "1"
MAX_FUTURE = timedelta(days=1)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Reference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=255)]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
# W3C Trace Context level 1; the bridge forwards only a valid one (ids not all zeros).
Traceparent = Annotated[
    str, StringConstraints(pattern=r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
]
EventType = Literal["status", "planning", "pod", "charges"]
ChargeType = Literal["base_freight", "fuel_surcharge", "accessorial", "other"]


class ProofOfDelivery(BaseModel):
    """Who signed for the goods, when, and the document that proves it."""

    model_config = ConfigDict(extra="forbid")

    signed_by: Text
    signed_at: AwareDatetime
    document_reference: Reference


class ChargeLine(BaseModel):
    """One freight charge line as billed by the TMS or carrier."""

    model_config = ConfigDict(extra="forbid")

    external_id: Reference
    charge_type: ChargeType = "base_freight"
    amount: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    currency: CurrencyCode
    description: Text | None = None


class EventPayload(BaseModel):
    """What the event says; which parts are required depends on the event type."""

    model_config = ConfigDict(extra="allow")

    status_code: Code | None = None
    status_detail: Code | None = None
    event_time: AwareDatetime | None = Field(
        default=None, description="When it happened; defaults to occurred_at."
    )
    location: Text | None = None
    carrier: Text | None = Field(default=None, description="Carrier name as known in Odoo.")
    planning_reference: Reference | None = None
    eta: AwareDatetime | None = None
    pod: ProofOfDelivery | None = None
    charges: list[ChargeLine] = Field(default_factory=list)


class CanonicalEvent(BaseModel):
    """One inbound event in the canonical shape, version 1."""

    model_config = ConfigDict(extra="forbid")

    event_id: Identifier
    event_type: EventType
    shipment_reference: Reference = Field(
        description="The TMS planning reference or the Odoo shipment reference."
    )
    occurred_at: AwareDatetime
    payload: EventPayload
    correlation_id: Text | None = None
    schema_version: Literal["1"] = SCHEMA_VERSION
    received_at: AwareDatetime | None = None
    traceparent: Traceparent | None = Field(
        default=None,
        description="W3C traceparent of the request that brought the event to the bridge.",
    )


# Fields each event type cannot do without, checked after the schema.
REQUIRED_BY_TYPE = {
    "status": (("payload", "status_code"),),
    "pod": (("payload", "pod"),),
    "charges": (("payload", "charges"),),
}
PLANNING_FIELDS = ("planning_reference", "carrier", "eta")


def _business_errors(event, now):
    errors = []
    payload = event.payload
    for loc in REQUIRED_BY_TYPE.get(event.event_type, ()):
        if not getattr(payload, loc[-1]):
            errors.append((loc, f"required for {event.event_type} events"))
    if event.event_type == "planning" and not any(
        getattr(payload, name) for name in PLANNING_FIELDS
    ):
        errors.append(
            (
                ("payload", "planning_reference"),
                "planning events need a planning reference, a carrier or an ETA",
            )
        )
    for loc, value in (
        (("occurred_at",), event.occurred_at),
        (("payload", "event_time"), payload.event_time),
    ):
        if value and value - now > MAX_FUTURE:
            errors.append((loc, "lies more than a day in the future"))
    seen = set()
    for index, charge in enumerate(payload.charges):
        if charge.external_id in seen:
            errors.append((("payload", "charges", index, "external_id"), "repeated in this event"))
        seen.add(charge.external_id)
    return errors


def validate_event(data, now=None):
    """Validate canonical event data; return ``(event, errors)``.

    ``errors`` is a list of ``(location, message)`` where location is a tuple
    like ``("payload", "charges", 1, "amount")``; ``event`` is None when the
    schema itself failed.
    """
    now = now or datetime.now(UTC)
    try:
        event = CanonicalEvent.model_validate(data)
    except ValidationError as exc:
        return None, [(tuple(err["loc"]), err["msg"]) for err in exc.errors()]
    return event, _business_errors(event, now)


def utc_naive(value):
    """An aware datetime as the naive UTC value Odoo stores; False for None."""
    return value.astimezone(UTC).replace(tzinfo=None) if value else False


def format_location(loc):
    """``("payload", "charges", 1, "amount")`` -> ``payload.charges[1].amount``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "event"
