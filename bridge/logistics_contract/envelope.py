"""The ``tms-event`` v1 envelope: what a TMS posts to the bridge and the bridge forwards.

The bridge validates every posted envelope with ``TmsEventEnvelope`` and answers 422 to
what it refuses; Odoo validates every canonical event with a model derived from
``ForwardedTmsEvent`` (the envelope plus the bridge's metadata), so nothing the bridge
accepted is refused later for its envelope. The payload is free here: what it must hold
depends on the inbound profile that reads it in Odoo.

The key rule (``Key``) holds for every id the bridge stores, whatever the format.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
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
    ValidationError,
)

SCHEMA_VERSION = "1"
EventType = Literal["status", "planning", "pod", "charges"]
# Events one request may carry, whatever its format: enough for any batch a partner sends,
# few enough to validate, store and answer in bounded time.
MAX_EVENTS_PER_REQUEST = 1000
# How far ahead of its receipt an event may say it happened (clock skew, time zones).
MAX_OCCURRED_AHEAD = timedelta(days=1)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# pydantic would also read a string of digits as unix time; the contract says ISO 8601.
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class Refusal(ValueError):
    """Input the contract refuses; ``fields`` name where (paths, settings or segments)."""

    def __init__(self, message: str, fields: list[str]) -> None:
        super().__init__(message)
        self.fields = fields


def _identifier(value: str) -> str:
    """Keys and references are matched and shown: never blank, never control characters,
    one spelling (NFC) for one text."""
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
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        # "café" composed and decomposed are one text but two strings: keys are compared as
        # strings, so both spellings would be two events, or two shipments' references.
        raise ValueError(
            "must be in Unicode normalization form NFC (composed characters, as most systems"
            " write them)"
        )
    return value


def _iso_text(value: Any) -> Any:
    if not isinstance(value, str) or not _ISO_DATETIME.match(value):
        raise ValueError("must be an ISO 8601 date-time string with a timezone offset")
    return value


def _iso_date_text(value: Any) -> Any:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be an ISO 8601 date string (YYYY-MM-DD)")
    return value


def _has_utc_instant(value: datetime) -> datetime:
    try:
        value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is in the year 0 in UTC
        side = "before the year 1" if value.year == 1 else "after the year 9999"
        raise ValueError(f"is {side} in UTC, where times are kept") from None
    return value


def _not_far_ahead(value: datetime) -> datetime:
    if value - datetime.now(UTC) > MAX_OCCURRED_AHEAD:
        raise ValueError("is more than a day in the future")
    return value


Key = Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(_identifier)]
Reference = Annotated[
    str, StringConstraints(min_length=1, max_length=128), AfterValidator(_identifier)
]
# ISO 8601 text of a time with its offset that lies in the years 1 to 9999 once in UTC, as
# Odoo keeps it (never a number read as unix time: 1 or "+5" would be a time in 1970).
UtcInstant = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_has_utc_instant)]
OccurredAt = Annotated[UtcInstant, AfterValidator(_not_far_ahead)]
# A calendar day as ISO 8601 text (a number is no day: it would be read as unix time).
IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
# W3C Trace Context level 1; the bridge forwards only a valid one (ids not all zeros).
Traceparent = Annotated[
    str, StringConstraints(pattern=r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
]
_KEY = TypeAdapter(Key)


def check_key(name: str, value: str) -> str:
    """``value`` if it obeys the key rule; else a ``Refusal`` of field ``name``."""
    try:
        return _KEY.validate_python(value)
    except ValidationError as exc:
        reason = exc.errors(include_input=False, include_url=False)[0]["msg"]
        raise Refusal(
            f"{name} {value[:40]!r}: {reason.removeprefix('Value error, ')}", fields=[name]
        ) from None


class TmsEventEnvelope(BaseModel):
    """One TMS event as posted to the bridge; unknown top-level keys are refused by name."""

    model_config = ConfigDict(extra="forbid")

    event_id: Key = Field(description="With the endpoint, the idempotency key.")
    event_type: EventType
    shipment_reference: Reference = Field(
        description="The TMS planning reference or the Odoo shipment reference."
    )
    occurred_at: OccurredAt
    payload: dict[str, Any] = Field(default_factory=dict)
    correlation_id: Key | None = None
    schema_version: Literal["1"] = SCHEMA_VERSION


class ForwardedTmsEvent(TmsEventEnvelope):
    """The envelope as the bridge forwards it to Odoo: with the bridge's metadata."""

    received_at: UtcInstant | None = Field(
        default=None, description="When the bridge received the event."
    )
    traceparent: Traceparent | None = Field(
        default=None,
        description="W3C traceparent of the request that brought the event to the bridge.",
    )


ENVELOPE_LIST = TypeAdapter(list[TmsEventEnvelope])
