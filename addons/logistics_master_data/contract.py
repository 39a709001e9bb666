"""The ``tms-master-data`` v1 contract, as pydantic v2 models.

Master data Odoo keeps and the TMS needs before orders name it: ship-to addresses
(partners), products and carrier services. One request carries a batch of records of
one kind; each record names the version of it Odoo last saw the TMS acknowledge
(``base_version``), so the TMS can refuse a record it holds in another version. These
models are the published contract: ``docs/schemas/tms-master-data.v1.schema.json``
(request) and ``docs/schemas/tms-master-data-response.v1.schema.json`` (answer) are
generated from them and a test keeps them equal.
"""

from typing import Annotated, Literal

from logistics_contract.master_data import MAX_VERSION
from logistics_contract.published import contract_config
from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from odoo.addons.logistics_tms_export.contract import StrictModel, Text

SCHEMA_NAME = "tms-master-data"
SCHEMA_VERSION = 1

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
UnNumber = Annotated[str, StringConstraints(pattern=r"^UN[0-9]{4}$")]


class PartnerData(StrictModel):
    """A ship-to address: a customer or one of its delivery addresses."""

    name: Text
    parent_key: str | None = Field(
        default=None, description="Key of the customer this address belongs to"
    )
    street: str | None = None
    street2: str | None = None
    city: str | None = None
    zip: str | None = None
    state_code: str | None = None
    country_code: CountryCode | None = Field(default=None, description="ISO 3166-1 alpha-2")
    phone: str | None = None
    email: str | None = None


class ProductData(StrictModel):
    """A product as transport needs it: weight, dimensions, dangerous goods."""

    name: Text
    weight_kg: float = Field(ge=0)
    volume_m3: float = Field(ge=0)
    length_cm: float = Field(ge=0)
    width_cm: float = Field(ge=0)
    height_cm: float = Field(ge=0)
    dangerous_goods: bool
    un_number: UnNumber | None = Field(
        default=None, description="UN number of a dangerous good, e.g. UN1263"
    )
    hs_code: str | None = None


class CarrierServiceData(StrictModel):
    """A carrier service Odoo's orders may ask for (a delivery method)."""

    name: Text
    carrier_code: Text
    service_level: str | None = None
    active: bool


class _Record(StrictModel):
    key: Text = Field(
        description="The record's key, as orders name it: the product code, the carrier "
        "code and service level, odoo-<id> for a partner"
    )
    base_version: int | None = Field(
        default=None,
        ge=1,
        description="The TMS's version of the record this change is based on; empty for "
        "a record the TMS never acknowledged",
    )


class PartnerRecord(_Record):
    data: PartnerData


class ProductRecord(_Record):
    data: ProductData


class CarrierServiceRecord(_Record):
    data: CarrierServiceData


class _Batch(StrictModel):
    schema_name: Literal["tms-master-data"] = Field(default=SCHEMA_NAME, alias="schema")
    schema_version: Literal[1] = SCHEMA_VERSION
    batch_id: Text = Field(description="Odoo's identifier of this batch (its correlation id)")


class PartnersBatch(_Batch):
    kind: Literal["partners"]
    records: list[PartnerRecord] = Field(min_length=1)


class ProductsBatch(_Batch):
    kind: Literal["products"]
    records: list[ProductRecord] = Field(min_length=1)


class CarrierServicesBatch(_Batch):
    kind: Literal["carrier_services"]
    records: list[CarrierServiceRecord] = Field(min_length=1)


class TmsMasterDataV1(RootModel):
    """One batch of master data records of one kind (``POST /v1/master-data/<kind>``)."""

    model_config = contract_config("tms-master-data v1 request", "tms-master-data.v1")

    root: Annotated[
        PartnersBatch | ProductsBatch | CarrierServicesBatch, Field(discriminator="kind")
    ]


RECORD_MODELS = {
    "partners": PartnerRecord,
    "products": ProductRecord,
    "carrier_services": CarrierServiceRecord,
}


class RecordResult(BaseModel):
    """What the TMS did with one record."""

    model_config = ConfigDict(extra="allow")

    key: Text
    status: Literal["accepted", "unchanged", "conflict"] = Field(
        description="accepted: stored as a new version; unchanged: the TMS holds this "
        "content already; conflict: the TMS holds another version than base_version"
    )
    version: int = Field(ge=1, le=MAX_VERSION, description="The version the TMS holds now")
    held: dict | None = Field(
        default=None, description="On a conflict, the data the TMS holds in that version"
    )


class TmsMasterDataResponseV1(BaseModel):
    """The TMS's answer (200): one result per record of the batch."""

    model_config = contract_config(
        "tms-master-data v1 response", "tms-master-data-response.v1", extra="allow"
    )

    results: list[RecordResult]
