"""The generic ``tms-order`` v1 contract, as pydantic v2 models.

These models are the published contract: ``docs/schemas/tms-order.v1.schema.json``
is generated from ``TmsOrderV1.model_json_schema()`` and a test keeps the two
equal. A TMS with another format gets its own adapter (see ``adapters.py``);
the validation rules here still decide whether a shipment may leave Odoo.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from logistics_contract.envelope import IsoDate, UtcInstant
from logistics_contract.published import contract_config
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SCHEMA_NAME = "tms-order"
SCHEMA_VERSION = 1

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class StrictModel(BaseModel):
    """A contract object: a field the contract does not name is an error."""

    model_config = ConfigDict(extra="forbid")


class Address(StrictModel):
    """Where the goods go (or come from)."""

    name: Text
    street: Text
    street2: str | None = None
    city: Text
    zip: Text
    state_code: str | None = None
    country_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = Field(
        description="ISO 3166-1 alpha-2"
    )


class Contact(StrictModel):
    """Who the driver calls: a name and a phone number or an e-mail address."""

    name: Text
    phone: str | None = None
    email: str | None = None

    @model_validator(mode="after")
    def _phone_or_email(self):
        if not (self.phone or "").strip() and not (self.email or "").strip():
            raise ValueError("a phone number or an e-mail address is required")
        return self


class OrderLine(StrictModel):
    """One product to move."""

    line_id: str
    product_code: Text
    description: str | None = None
    quantity: float = Field(gt=0)
    uom: str | None = None
    weight_kg: float = Field(gt=0, description="Gross weight of the line")


class CarrierPreference(StrictModel):
    """The carrier or service level the customer asked for, if any."""

    carrier_code: str | None = None
    service_level: str | None = None


class TmsOrderV1(StrictModel):
    """A transport order: what Odoo asks the TMS to plan."""

    model_config = contract_config("tms-order v1", "tms-order.v1", extra="forbid")

    schema_name: Literal["tms-order"] = Field(default=SCHEMA_NAME, alias="schema")
    schema_version: Literal[1] = SCHEMA_VERSION
    payload_version: int = Field(
        ge=1, description="1 for the first send, incremented by every update"
    )
    order_reference: Text = Field(description="Odoo's shipment reference")
    correlation_id: Text
    sale_order: str | None = None
    customer_reference: str | None = None
    requested_date: date | datetime
    ship_from: Address | None = None
    ship_to: Address
    contact: Contact
    lines: list[OrderLine] = Field(min_length=1)
    total_weight_kg: float = Field(gt=0)
    carrier_preference: CarrierPreference | None = None
    notes: str | None = None


class CarrierAssignment(BaseModel):
    code: str | None = None
    name: str | None = None


class TmsOrderResponseV1(BaseModel):
    """What the TMS answers to a create or update (201/200) or a 409 order_exists."""

    model_config = ConfigDict(extra="allow")

    planning_reference: Text
    carrier: CarrierAssignment | None = None
    estimated_delivery: UtcInstant | IsoDate | None = None
