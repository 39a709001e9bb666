"""The versioned inbound TMS event contract (v1).

The generic TMS profile reads every field from where the canonical event
(``logistics_inbound.canonical``) puts it, so for a TMS the wire format *is*
the canonical event, published as JSON Schema in
``docs/schemas/tms-event.v1.schema.json``.
"""

from pydantic import ConfigDict

from odoo.addons.logistics_inbound.canonical import CanonicalEvent

SCHEMA_ID = "https://logistics-integration.example/schemas/tms-event.v1.schema.json"


class TmsEventV1(CanonicalEvent):
    """One inbound TMS event, version 1."""

    model_config = ConfigDict(
        extra="forbid",
        title="TMS event v1",
        json_schema_extra={"$id": SCHEMA_ID},
    )


def json_schema():
    """The published JSON Schema of the contract."""
    return TmsEventV1.model_json_schema()
