"""The ``tms-appointment`` v1 contract, as pydantic v2 models.

Odoo asks the TMS which delivery windows (slots) it can offer a shipment's consignee
(``TmsSlotRequestV1``, answered by ``TmsSlotResponseV1``), and books the one the
customer picks (``TmsAppointmentBookingV1``, through the outbox). The TMS confirms a
booking later with a callback milestone (``tms-event`` v1). These models are the
published contract: ``docs/schemas/tms-appointment*.v1.schema.json`` are generated
from them and a test keeps them equal.
"""

from datetime import datetime
from typing import Annotated, Literal

from logistics_contract.envelope import UtcInstant
from logistics_contract.published import contract_config
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from odoo.addons.logistics_tms_export.contract import StrictModel

SCHEMA_NAME = "tms-appointment"
SCHEMA_VERSION = 1

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class Destination(StrictModel):
    """Where the delivery is made, as precisely as a slot needs."""

    country_code: CountryCode = Field(description="ISO 3166-1 alpha-2")
    zip: str | None = None
    city: str | None = None


class ShipmentDocument(StrictModel):
    """What every ``tms-appointment`` request names: the contract and the shipment."""

    schema_name: Literal["tms-appointment"] = Field(default=SCHEMA_NAME, alias="schema")
    schema_version: Literal[1] = SCHEMA_VERSION
    order_reference: Text = Field(description="Odoo's shipment reference")
    planning_reference: Text | None = Field(default=None, description="The TMS's reference")
    correlation_id: Text


class TmsSlotRequestV1(ShipmentDocument):
    """Which delivery windows can the TMS offer this shipment?"""

    model_config = contract_config(
        "tms-appointment v1 slot request", "tms-appointment.v1", extra="forbid"
    )

    ship_to: Destination
    earliest: datetime = Field(description="No window may end before this moment")


class Slot(BaseModel):
    """One delivery window the TMS offers."""

    model_config = ConfigDict(extra="allow")

    slot_id: Text = Field(description="The TMS's identifier of the window")
    # ISO text with an offset, as every time the TMS sends: a number is no time.
    window_start: UtcInstant
    window_end: UtcInstant

    @model_validator(mode="after")
    def _check_window(self):
        if self.window_end <= self.window_start:
            raise ValueError("window_end must be after window_start")
        return self


class TmsSlotResponseV1(BaseModel):
    """What the TMS answers (200): the windows it offers, possibly none."""

    model_config = contract_config(
        "tms-appointment v1 slot response", "tms-appointment-slots.v1", extra="allow"
    )

    slots: list[Slot] = Field(default_factory=list)


class TmsAppointmentBookingV1(ShipmentDocument):
    """The window the consignee chose (or changed to); the TMS confirms it by callback."""

    model_config = contract_config(
        "tms-appointment v1 booking", "tms-appointment-booking.v1", extra="forbid"
    )

    booking_version: int = Field(
        ge=1, description="1 for the first choice, then one more per change"
    )
    slot_id: Text
    window_start: datetime
    window_end: datetime
    reason: Text | None = Field(default=None, description="Why the window was chosen or changed")
    requested_by: Literal["customer", "staff"] = "customer"
