"""One endpoint's inbound settings: the format of its bodies and its authentication recipes.

The same shape is an entry of the registry Odoo serves and an ``[endpoints.<code>]`` table
of the bridge's TOML. Accepted forms of ``auth``: a list of recipes, a single recipe table
(the TOML of before recipe lists), and, for the whole endpoint, a plain list of ``whsec_``
secrets (the original form: ``tms-event`` signed with Standard Webhooks). A recipe table
without ``scheme`` is ``standard-webhooks``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from .paths import parse_path
from .recipes import DEFAULT_SCHEME, REVEAL_SECRETS, AuthRecipe

FORMAT_TMS_EVENT = "tms-event"
FORMAT_JSON = "json"
FORMAT_X12_214 = "x12-214"
Format = Literal["tms-event", "json", "x12-214"]
# An endpoint code is one URL path segment that every client writes the same way: ASCII
# letters, digits, ".", "_" and "-" (nothing to percent-encode), starting with a letter or digit.
ENDPOINT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
ENDPOINT_CODE_RULE = (
    "1 to 64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit"
)


def _endpoint_code(code: str) -> str:
    if not ENDPOINT_CODE.fullmatch(code):
        raise ValueError(f"endpoint code {code!r}: use {ENDPOINT_CODE_RULE}")
    return code


EndpointCode = Annotated[str, AfterValidator(_endpoint_code)]


def _with_scheme(recipe: Any) -> Any:
    if isinstance(recipe, dict) and "scheme" not in recipe:
        return {**recipe, "scheme": DEFAULT_SCHEME}
    return recipe


class InboundEndpoint(BaseModel):
    """One source: how its requests are authenticated and how their bodies are read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Format = FORMAT_TMS_EVENT
    event_id_path: str | None = None
    shipment_key_path: str | None = None
    split_path: str | None = None
    auth: list[AuthRecipe] = Field(
        default_factory=list,
        description="Recipes accepted side by side: a request passes if any recipe accepts it.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_secret_list(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {"auth": {"scheme": DEFAULT_SCHEME, "secrets": value}}
        return value

    @field_validator("auth", mode="wrap")
    @classmethod
    def _one_or_many(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> list[Any]:
        if isinstance(value, list):
            return handler([_with_scheme(recipe) for recipe in value])
        if not isinstance(value, dict):
            return handler(value)
        try:
            return handler([_with_scheme(value)])
        except ValidationError as exc:
            # A single table is reported where it was written (auth.hmac.header), without
            # the list index the normalisation added.
            raise ValidationError.from_exception_data(
                exc.title,
                [
                    {
                        "type": error["type"],
                        "loc": error["loc"][1:],
                        "input": error["input"],
                        **({"ctx": error["ctx"]} if "ctx" in error else {}),
                    }
                    for error in exc.errors()
                ],
            ) from None

    @field_validator("event_id_path", "shipment_key_path")
    @classmethod
    def _single_value_path(cls, value: str | None) -> str | None:
        if value is not None:
            parse_path(value)
        return value

    @field_validator("split_path")
    @classmethod
    def _split_path(cls, value: str | None) -> str | None:
        if value is not None:
            parse_path(value, allow_split=True)
        return value

    @model_validator(mode="after")
    def _paths_only_for_json(self) -> InboundEndpoint:
        if self.format != FORMAT_JSON:
            for name in ("event_id_path", "shipment_key_path", "split_path"):
                if getattr(self, name) is not None:
                    raise ValueError(f'{name} is only used with format = "json"')
        return self

    def document(self) -> dict[str, Any]:
        """This endpoint as a registry entry, secrets in clear (for Odoo or a cache file)."""
        return self.model_dump(mode="json", context=REVEAL_SECRETS)


__all__ = [
    "ENDPOINT_CODE",
    "ENDPOINT_CODE_RULE",
    "FORMAT_JSON",
    "FORMAT_TMS_EVENT",
    "FORMAT_X12_214",
    "EndpointCode",
    "Format",
    "InboundEndpoint",
]
