"""A published contract's configuration: title and $id of its JSON Schema, and the
pydantic settings it is given besides."""

from __future__ import annotations

import pytest
from logistics_contract.published import SCHEMA_BASE_URL, contract_config
from pydantic import BaseModel, ValidationError


class Parcel(BaseModel):
    model_config = contract_config("parcel v1", "parcel.v1", extra="forbid", frozen=True)

    reference: str


def test_schema_carries_the_title_and_id():
    schema = Parcel.model_json_schema()
    assert schema["title"] == "parcel v1"
    assert schema["$id"] == "https://logistics-integration.example/schemas/parcel.v1"
    assert schema["$id"].startswith(SCHEMA_BASE_URL)


def test_other_settings_apply():
    with pytest.raises(ValidationError, match="extra_forbidden"):
        Parcel(reference="P1", weight=3)
    parcel = Parcel(reference="P1")
    with pytest.raises(ValidationError, match="frozen_instance"):
        parcel.reference = "P2"
