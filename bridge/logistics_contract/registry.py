"""The registry document: every endpoint's inbound settings, as Odoo serves them.

Odoo increments ``version`` with every change of an endpoint, a recipe or a secret; the
bridge fetches the document when the version moves, validates it with ``Registry`` and
keeps the last good one (also in a cache file, written with ``Registry.document``).
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from .endpoint import EndpointCode, InboundEndpoint
from .recipes import REVEAL_SECRETS


class Registry(BaseModel):
    """One version of the endpoints in force for one Odoo database."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=0, description="Strictly increasing per database.")
    generated_at: AwareDatetime
    database: str = Field(min_length=1, description="The Odoo database's uuid.")
    endpoints: dict[EndpointCode, InboundEndpoint] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _every_endpoint_authenticates(self) -> Registry:
        # Odoo serves only endpoints with an active recipe; one without would refuse every
        # request, so such a document is not a registry Odoo could have meant.
        missing = sorted(code for code, endpoint in self.endpoints.items() if not endpoint.auth)
        if missing:
            raise ValueError(f"endpoints without any auth recipe: {', '.join(missing)}")
        return self

    def document(self) -> dict[str, Any]:
        """The JSON document, secrets in clear (for the cache file); ``Registry`` reads it."""
        return self.model_dump(mode="json", context=REVEAL_SECRETS)
