"""The ``tms-rate`` v1 contract, as pydantic v2 models.

A rate request Odoo sends to the TMS (or a carrier's rating service) before an order
ships, and the services the TMS quotes in answer. These models are the published
contract: ``docs/schemas/tms-rate.v1.schema.json`` (request) and
``docs/schemas/tms-rate-response.v1.schema.json`` (answer) are generated from
``TmsRateRequestV1.model_json_schema()`` and ``TmsRateResponseV1.model_json_schema()``,
and a test keeps them equal. Every request is validated before it leaves Odoo and
every answer before a price from it is used.
"""

from typing import Annotated, Literal

from logistics_contract.envelope import UtcInstant
from logistics_contract.published import contract_config
from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints

from odoo.addons.logistics_tms_export.contract import StrictModel

SCHEMA_NAME = "tms-rate"
SCHEMA_VERSION = 1

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
# Beyond this a float no longer holds an amount to the cent: such a price is a TMS bug.
MAX_PRICE = 1e12


class Place(StrictModel):
    """Where the goods leave from or go to, as precisely as a rate needs."""

    country_code: CountryCode = Field(description="ISO 3166-1 alpha-2")
    zip: str | None = None


class Parcel(StrictModel):
    """One handling unit to move (an order line's goods)."""

    reference: str | None = None
    weight_kg: float = Field(gt=0, description="Gross weight")


class TmsRateRequestV1(StrictModel):
    """What Odoo asks the TMS to quote: one order's transport."""

    model_config = contract_config("tms-rate v1 request", "tms-rate.v1", extra="forbid")

    schema_name: Literal["tms-rate"] = Field(default=SCHEMA_NAME, alias="schema")
    schema_version: Literal[1] = SCHEMA_VERSION
    order_reference: Text = Field(description="Odoo's sale order reference")
    correlation_id: Text
    ship_from: Place
    ship_to: Place
    total_weight_kg: float = Field(gt=0)
    parcels: list[Parcel] = Field(min_length=1)
    requested_services: list[Text] = Field(
        default_factory=list,
        description="Service codes the order asks for; empty: every service the TMS offers",
    )
    currency: CurrencyCode | None = Field(
        default=None, description="Currency Odoo prefers prices in (the order's)"
    )


class RatedService(BaseModel):
    """One service the TMS quotes, with its price and how long the quote holds."""

    model_config = ConfigDict(extra="allow")

    carrier_code: Text
    service_code: Text
    name: Text
    # Strict: a price sent as text is a broken answer, not a number to guess at.
    price: Annotated[float, Strict()] = Field(ge=0, le=MAX_PRICE, allow_inf_nan=False)
    currency: CurrencyCode
    transit_days: int | None = Field(default=None, ge=0)
    quote_id: Text = Field(description="The TMS's identifier of this quote")
    valid_until: UtcInstant | None = None


class TmsRateResponseV1(BaseModel):
    """What the TMS answers (200): at least one quoted service."""

    model_config = contract_config("tms-rate v1 response", "tms-rate-response.v1", extra="allow")

    services: list[RatedService] = Field(min_length=1)
