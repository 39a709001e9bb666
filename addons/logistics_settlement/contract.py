"""The ``finance-shipment`` v1 contract, as pydantic v2 models.

An invoice-ready shipment as Odoo pushes it to a finance system. These models are the
published contract: ``docs/schemas/finance-shipment.v1.schema.json`` is generated from
``FinanceShipmentV1.model_json_schema()`` and a test keeps the two equal. Every
payload is validated against them before it is queued.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from logistics_contract.published import contract_config
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_NAME = "finance-shipment"
SCHEMA_VERSION = 1

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Charge(_Strict):
    """One approved freight charge of the shipment."""

    charge_type: Literal["base_freight", "fuel_surcharge", "accessorial", "other"]
    expected_amount: float
    actual_amount: float
    currency: CurrencyCode
    carrier_bill: str | None = Field(
        default=None,
        description="The carrier's number of the bill that settled the charge (else "
        "Odoo's bill number), if any",
    )


class Invoice(_Strict):
    """A posted customer invoice of the shipment's order."""

    number: Text
    invoice_date: date
    currency: CurrencyCode
    amount_untaxed: float
    amount_total: float
    payment_state: Text


class Shipment(_Strict):
    reference: Text
    tms_reference: str | None = None
    carrier: str | None = None
    customer: Text
    sale_order: Text
    delivered_at: datetime | None = None


class FinanceShipmentV1(_Strict):
    """An invoice-ready shipment: its charges and invoices, under its correlation id."""

    model_config = contract_config("finance-shipment v1", "finance-shipment.v1", extra="forbid")

    schema_name: Literal["finance-shipment"] = Field(default=SCHEMA_NAME, alias="schema")
    schema_version: Literal[1] = SCHEMA_VERSION
    document_version: int = Field(
        ge=1, description="Incremented whenever the shipment's finance data changes"
    )
    correlation_id: Text
    company: Text
    shipment: Shipment
    charges: list[Charge] = Field(min_length=1)
    invoices: list[Invoice] = Field(min_length=1)
