"""The ``tms-master-data`` v1 change notification: the TMS tells Odoo, through the bridge,
that master data Odoo sent it was changed on the TMS's side.

The TMS posts it to its bridge endpoint like its events (same authentication); the bridge
validates it with ``TmsMasterDataChangedV1``, keeps it in its inbox under
``notification_id`` and forwards it to Odoo, which validates it with the same model. Odoo
owns these records: a change becomes a conflict for a person to review, never applied.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .envelope import MAX_EVENTS_PER_REQUEST, Key, OccurredAt

SCHEMA_NAME = "tms-master-data"
DOCUMENT = "changed"
FORMAT = "tms-master-data"
Kind = Literal["partners", "products", "carrier_services"]
# Odoo keeps a record's version in an integer column: a larger one would fail the write,
# and with it every record of the call.
MAX_VERSION = 2**31 - 1


class ChangedRecord(BaseModel):
    """One record as the TMS holds it after its change."""

    model_config = ConfigDict(extra="forbid")

    key: Key = Field(description="The key Odoo sent the record under.")
    version: Annotated[int, Field(ge=1, le=MAX_VERSION, strict=True)] = Field(
        description="The TMS's version of the record after the change."
    )
    data: dict[str, Any] = Field(description="The record's fields as the TMS holds them.")


class TmsMasterDataChangedV1(BaseModel):
    """Records of one kind changed in the TMS; unknown fields are refused by name."""

    model_config = ConfigDict(
        extra="forbid",
        title="tms-master-data v1 change notification",
        json_schema_extra={
            "$id": "https://logistics-integration.example/schemas/tms-master-data-changed.v1"
        },
    )

    schema_name: Literal["tms-master-data"] = Field(default=SCHEMA_NAME, alias="schema")
    schema_version: Literal[1] = 1
    document: Literal["changed"] = DOCUMENT
    notification_id: Key = Field(description="With the endpoint, the idempotency key.")
    kind: Kind
    occurred_at: OccurredAt
    records: list[ChangedRecord] = Field(min_length=1, max_length=MAX_EVENTS_PER_REQUEST)
    correlation_id: Key | None = None

    def ordering_key(self) -> str:
        """Notifications of one kind are forwarded in receipt order."""
        return f"master-data:{self.kind}"


def is_notification(document: Any) -> bool:
    """Whether a body posted to a TMS endpoint is a master data notification (not events)."""
    return isinstance(document, dict) and document.get("schema") == SCHEMA_NAME
