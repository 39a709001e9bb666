"""The canonical inbound event, as pydantic models.

Every source's document is turned into this shape by its inbound profile
(see ``paths.py``) and validated here, whatever the source: a TMS speaking the
project's ``tms-event`` v1 contract (which publishes this model as its wire
format), a carrier's tracking webhook or an X12 214 transaction set.

The envelope part is ``logistics_contract.envelope``'s, the model the bridge
validates posted events with: an event the bridge accepted is never refused
here for its envelope.
"""

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from logistics_contract.envelope import MAX_OCCURRED_AHEAD, ForwardedTmsEvent, UtcInstant
from logistics_contract.storable import require_no_nul
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

# Without it, the write fails and names no field. A lone surrogate is refused before any
# model reads the event (``logistics.ingest`` walks all of it, keys included, and names
# where it was sent), so a field checks the NUL alone.
Storable = AfterValidator(require_no_nul)


# Digits (with the currency's decimals) a monetary amount keeps exactly: Odoo rounds it to
# its currency through a double, exact up to 14 digits and off beyond (9999999999999.99
# becomes 10000000000000.00, 1e300 a different 301-digit number).
EXACT_DIGITS = 14


# A number's decimal text as data formats write it (a carrier's "7.50"), spaces around it
# allowed; not what only Python reads as a number ("1_000", "\u0663", "infinity").
_NUMBER_TEXT = re.compile(
    r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*", re.ASCII
)


def number_input(value):
    """A number, or its decimal text: never a boolean, which pydantic reads as 1 or 0
    (a ``mode="before"`` field validator: the published schema keeps its bounds)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    if isinstance(value, str) and not _NUMBER_TEXT.fullmatch(value):
        raise ValueError("must be a number or its decimal text (digits, a point, an exponent)")
    return value


def amount_problem(amount, decimal_places):
    """Why ``amount`` is out of the range Odoo keeps exactly in a currency of
    ``decimal_places``, or None. Decimals beyond the currency's are no problem: the amount
    is rounded to its currency, half-up, once."""
    limit = 10 ** (EXACT_DIGITS - decimal_places)
    if amount < limit:
        return None
    return (
        f"{amount!r} is out of range: with the currency's {decimal_places} decimals at most"
        f" {EXACT_DIGITS} digits are kept exactly (below {limit})"
    )


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    Storable,
]
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    Storable,
]
Reference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    Storable,
]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
ChargeType = Literal["base_freight", "fuel_surcharge", "accessorial", "other"]


class ProofOfDelivery(BaseModel):
    """Who signed for the goods, when, and the document that proves it: each as the
    source knows it (a signer without a document yet is still a proof)."""

    model_config = ConfigDict(extra="forbid")

    signed_by: Text | None = None
    signed_at: UtcInstant | None = None
    document_reference: Reference | None = None

    def is_empty(self):
        """True when it names nothing."""
        return not (self.signed_by or self.signed_at or self.document_reference)


class ChargeLine(BaseModel):
    """One freight charge line as billed by the TMS or carrier."""

    model_config = ConfigDict(extra="forbid")

    external_id: Reference
    charge_type: ChargeType = "base_freight"
    amount: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    currency: CurrencyCode
    description: Text | None = None

    _check_amount = field_validator("amount", mode="before")(number_input)


class EventPayload(BaseModel):
    """What the event says; which parts are required depends on the event type."""

    model_config = ConfigDict(extra="allow")

    status_code: Code | None = None
    status_detail: Code | None = None
    event_time: UtcInstant | None = Field(
        default=None, description="When it happened; defaults to occurred_at."
    )
    location: Text | None = None
    carrier: Text | None = Field(default=None, description="Carrier name as known in Odoo.")
    planning_reference: Reference | None = None
    tracking_number: Reference | None = Field(
        default=None,
        description="The carrier's tracking number of the delivery, for the customer's "
        "tracking link.",
    )
    eta: UtcInstant | None = None
    pod: ProofOfDelivery | None = None
    charges: list[ChargeLine] = Field(default_factory=list)


class CanonicalEvent(ForwardedTmsEvent):
    """One inbound event in the canonical shape, version 1: the forwarded envelope with a
    payload of canonical fields."""

    payload: EventPayload = Field(default_factory=EventPayload)


# Fields each event type cannot do without, checked after the schema.
REQUIRED_BY_TYPE = {
    "status": (("payload", "status_code"),),
    "charges": (("payload", "charges"),),
}
PLANNING_FIELDS = ("planning_reference", "carrier", "tracking_number", "eta")


def _business_errors(event, now):
    errors = []
    payload = event.payload
    for loc in REQUIRED_BY_TYPE.get(event.event_type, ()):
        if not getattr(payload, loc[-1]):
            errors.append((loc, f"required for {event.event_type} events"))
    if event.event_type == "pod" and (not payload.pod or payload.pod.is_empty()):
        errors.append(
            (
                ("payload", "pod"),
                "pod events need a signer, a signing time or a document reference",
            )
        )
    if event.event_type == "planning" and not any(
        getattr(payload, name) for name in PLANNING_FIELDS
    ):
        errors.append(
            (
                ("payload", "planning_reference"),
                "planning events need a planning reference, a carrier, a tracking number or an ETA",
            )
        )
    if payload.event_time and payload.event_time - now > MAX_OCCURRED_AHEAD:
        errors.append((("payload", "event_time"), "lies more than a day in the future"))
    seen = set()
    for index, charge in enumerate(payload.charges):
        if charge.external_id in seen:
            errors.append((("payload", "charges", index, "external_id"), "repeated in this event"))
        seen.add(charge.external_id)
    return errors


def _schema_errors(exc):
    return [(tuple(err["loc"]), err["msg"].removeprefix("Value error, ")) for err in exc.errors()]


def validate_envelope(raw):
    """Errors of a forwarded tms-event envelope, by the model the bridge accepted it with
    (an empty list when valid)."""
    try:
        ForwardedTmsEvent.model_validate(raw)
    except ValidationError as exc:
        return _schema_errors(exc)
    return []


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
        return None, _schema_errors(exc)
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
