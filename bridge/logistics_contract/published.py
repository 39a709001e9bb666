"""The pydantic configuration of a contract published as a JSON Schema under
``docs/schemas``: the schema's title and ``$id`` are set in one place."""

from typing import Any

from pydantic import ConfigDict

SCHEMA_BASE_URL = "https://logistics-integration.example/schemas/"


def contract_config(title: str, schema_path: str, **config: Any) -> ConfigDict:
    """The ``model_config`` of a published contract: ``title`` and the ``$id``
    ``SCHEMA_BASE_URL + schema_path`` in its JSON Schema, with ``config`` (e.g.
    ``extra="forbid"``) as any pydantic configuration."""
    return ConfigDict(
        title=title, json_schema_extra={"$id": SCHEMA_BASE_URL + schema_path}, **config
    )
