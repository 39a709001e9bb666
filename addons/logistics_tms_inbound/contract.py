"""The versioned inbound TMS event contract (v1).

The generic TMS profile reads every field from where the canonical event
(``logistics_inbound.canonical``) puts it, so for a TMS the wire format *is*
the canonical event, published as JSON Schema in
``docs/schemas/tms-event.v1.schema.json``, with the route and appointment fields
of ``RouteFields`` that a TMS may add to any event's payload.
"""

from logistics_contract.envelope import UtcInstant
from logistics_contract.published import contract_config
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from odoo.addons.logistics_inbound.canonical import (
    CanonicalEvent,
    EventPayload,
    Text,
    number_input,
)

# Free text, as the canonical model's (no NUL: the database cannot store it).
Reason = Text
# Odoo keeps these numbers in integer columns: a larger one could never be written.
MAX_INTEGER = 2**31 - 1


class RouteFields(BaseModel):
    """Where the shipment is on its delivery route and the delivery appointment: optional
    payload fields of any TMS event (applied when delivery appointments are installed)."""

    model_config = ConfigDict(extra="ignore")

    appointment_start: UtcInstant | None = Field(
        default=None, description="Start of the delivery window the event confirms or sets."
    )
    appointment_end: UtcInstant | None = Field(
        default=None, description="End of the delivery window; with appointment_start."
    )
    appointment_reason: Reason | None = Field(
        default=None, description="Why the window was set, moved or missed."
    )
    appointment_booking: int | None = Field(
        default=None,
        ge=1,
        le=MAX_INTEGER,
        description="The booking the event answers: the booking_version of the "
        "tms-appointment v1 booking, echoed.",
    )
    stop_sequence: int | None = Field(
        default=None,
        ge=1,
        le=MAX_INTEGER,
        description="The shipment's stop on the vehicle's route (1 = first).",
    )
    stops_total: int | None = Field(
        default=None, ge=1, le=MAX_INTEGER, description="How many stops the route has."
    )
    stops_before: int | None = Field(
        default=None,
        ge=0,
        le=MAX_INTEGER,
        description="Stops still to be served before the shipment's.",
    )

    _check_numbers = field_validator(
        "appointment_booking", "stop_sequence", "stops_total", "stops_before", mode="before"
    )(number_input)

    @model_validator(mode="after")
    def _check_consistent(self):
        if (self.appointment_start is None) != (self.appointment_end is None):
            missing = "appointment_end" if self.appointment_end is None else "appointment_start"
            raise ValueError(f"{missing} is required with the other end of the window")
        if self.appointment_start and self.appointment_end <= self.appointment_start:
            raise ValueError("appointment_end must be after appointment_start")
        if self.stop_sequence and self.stops_total and self.stop_sequence > self.stops_total:
            raise ValueError("stop_sequence cannot be greater than stops_total")
        return self

    def has_route(self):
        """Whether these fields say anything about the route (stop or stops)."""
        return self.stop_sequence is not None or self.stops_before is not None

    def has_window(self):
        return self.appointment_start is not None


class TmsEventPayloadV1(EventPayload, RouteFields):
    """A TMS event's payload: the canonical fields and the route and appointment fields."""

    model_config = ConfigDict(extra="allow")


class TmsEventV1(CanonicalEvent):
    """One inbound TMS event, version 1."""

    model_config = contract_config("TMS event v1", "tms-event.v1.schema.json", extra="forbid")

    payload: TmsEventPayloadV1 = Field(default_factory=TmsEventPayloadV1)


def json_schema():
    """The published JSON Schema of the contract."""
    return TmsEventV1.model_json_schema()
