"""The generic ``tms-return`` v1 contract, as pydantic v2 models.

A return transport order asks the TMS to collect goods a customer sends back
and bring them to the warehouse. It shares the address, contact, line and
carrier shapes of ``tms-order`` v1. ``docs/schemas/tms-return.v1.schema.json``
is generated from ``TmsReturnV1.model_json_schema()`` and a test keeps the two
equal.
"""

from datetime import date, datetime
from typing import Literal

from logistics_contract.published import contract_config
from pydantic import Field

from odoo.addons.logistics_tms_export.contract import (
    Address,
    CarrierPreference,
    Contact,
    OrderLine,
    StrictModel,
    Text,
)

SCHEMA_NAME = "tms-return"
SCHEMA_VERSION = 1


class ReturnOf(StrictModel):
    """The delivery the goods come back from."""

    order_reference: Text = Field(description="Odoo's reference of the original shipment")
    planning_reference: str | None = Field(
        default=None, description="The TMS's planning reference of the original shipment"
    )


class TmsReturnV1(StrictModel):
    """A return transport order: collect goods at the customer, bring them back."""

    model_config = contract_config("tms-return v1", "tms-return.v1", extra="forbid")

    schema_name: Literal["tms-return"] = Field(default=SCHEMA_NAME, alias="schema")
    schema_version: Literal[1] = SCHEMA_VERSION
    payload_version: int = Field(ge=1, description="1 for the first send")
    order_reference: Text = Field(description="Odoo's reference of the return shipment")
    return_of: ReturnOf
    correlation_id: Text
    sale_order: str | None = None
    customer_reference: str | None = None
    requested_date: date | datetime
    pickup_from: Address = Field(description="Where the carrier collects the goods")
    return_to: Address = Field(description="The warehouse receiving the goods")
    contact: Contact
    lines: list[OrderLine] = Field(min_length=1)
    total_weight_kg: float = Field(gt=0)
    carrier_preference: CarrierPreference | None = None
