"""Per-endpoint settings: the inbound format and the authentication scheme of each source.

An endpoint is either a plain list of Standard Webhooks secrets (the original form: the
``tms-event`` format signed with Standard Webhooks) or a table with ``format``, the JSON
paths of the ``json`` format and an ``auth`` table. Every field is validated here; the
problems that need the whole picture (no authentication, no secret) are reported by
``endpoint_problems`` so that ``check-config`` can say why, per field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from standardwebhooks.webhooks import Webhook

from .jsonpaths import JsonPath, parse_path

FORMAT_TMS_EVENT = "tms-event"
FORMAT_JSON = "json"
FORMAT_X12_214 = "x12-214"
Format = Literal["tms-event", "json", "x12-214"]
DEFAULT_SCHEME = "standard-webhooks"


class _AuthBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    secrets: list[SecretStr] = Field(
        default_factory=list,
        description="Active secrets; two during a rotation. Used as their UTF-8 bytes.",
    )


class StandardWebhooksAuth(_AuthBase):
    """Standard Webhooks 1.0: ``webhook-id``/``-timestamp``/``-signature``, ``whsec_`` secrets."""

    scheme: Literal["standard-webhooks"] = "standard-webhooks"


class HmacAuth(_AuthBase):
    """An HMAC of the raw body (or ``<timestamp>.<body>``) in a provider-named header."""

    scheme: Literal["hmac"]
    header: Annotated[str, Field(min_length=1)]
    allow_sha1: bool = False
    algorithm: Literal["sha256", "sha512", "sha1"] = "sha256"
    encoding: Literal["hex", "base64"] = "hex"
    prefix: str = ""
    timestamp_header: str = ""
    tolerance_seconds: int = Field(default=300, gt=0)

    @field_validator("algorithm")
    @classmethod
    def _sha1_only_when_required(cls, value: str, info: ValidationInfo) -> str:
        if value == "sha1" and not info.data.get("allow_sha1"):
            raise ValueError(
                "sha1 is weak; set allow_sha1 = true only where a provider requires it"
            )
        return value


class BasicAuth(_AuthBase):
    """HTTP basic authentication; each secret is ``user:password``."""

    scheme: Literal["basic"]

    @field_validator("secrets")
    @classmethod
    def _user_colon_password(cls, value: list[SecretStr]) -> list[SecretStr]:
        for index, secret in enumerate(value):
            if ":" not in secret.get_secret_value():
                raise ValueError(f"secrets[{index}] must be user:password")
        return value


class TokenAuth(_AuthBase):
    """A shared token in a named header (``Authorization: Bearer <token>`` by default)."""

    scheme: Literal["token"]
    header: Annotated[str, Field(min_length=1)] = "Authorization"
    prefix: str | None = Field(
        default=None,
        description='Text before the token; default "Bearer " for Authorization, else none.',
    )

    @property
    def expected_prefix(self) -> str:
        """The prefix in force (the default depends on the header)."""
        if self.prefix is not None:
            return self.prefix
        return "Bearer " if self.header.lower() == "authorization" else ""


AuthSettings = Annotated[
    StandardWebhooksAuth | HmacAuth | BasicAuth | TokenAuth, Field(discriminator="scheme")
]


class EndpointSettings(BaseModel):
    """One source: how its requests are authenticated and how their bodies are read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Format = FORMAT_TMS_EVENT
    event_id_path: str | None = None
    shipment_key_path: str | None = None
    split_path: str | None = None
    auth: AuthSettings | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_secret_list(cls, value: Any) -> Any:
        # The original form: a list of whsec_ secrets means tms-event + Standard Webhooks.
        if isinstance(value, list):
            return {"auth": {"scheme": DEFAULT_SCHEME, "secrets": value}}
        if isinstance(value, dict) and isinstance(value.get("auth"), dict):
            auth = value["auth"]
            if "scheme" not in auth:
                return {**value, "auth": {**auth, "scheme": DEFAULT_SCHEME}}
        return value

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
    def _paths_only_for_json(self) -> EndpointSettings:
        if self.format != FORMAT_JSON:
            for name in ("event_id_path", "shipment_key_path", "split_path"):
                if getattr(self, name) is not None:
                    raise ValueError(f'{name} is only used with format = "json"')
        return self

    def path(self, name: str) -> JsonPath | None:
        """The parsed path setting ``name`` (validated at load time), or None."""
        text = getattr(self, name)
        if text is None:
            return None
        return parse_path(text, allow_split=name == "split_path")


def endpoint_problems(code: str, endpoint: EndpointSettings) -> list[str]:
    """Why ``endpoint`` cannot authenticate anyone, per field (empty list when it can)."""
    where = f"endpoints.{code}.auth"
    auth = endpoint.auth
    if auth is None:
        return [
            f"{where}: missing; an endpoint without authentication is refused"
            " (set auth.scheme and auth.secrets)"
        ]
    if not auth.secrets:
        return [f"{where}.secrets: empty; every request would be refused (give one, two to rotate)"]
    problems = []
    for index, secret in enumerate(auth.secrets):
        value = secret.get_secret_value()
        if not value.strip():
            problems.append(f"{where}.secrets[{index}]: blank")
        elif isinstance(auth, StandardWebhooksAuth):
            try:
                Webhook(value)
            except Exception:  # noqa: BLE001 - the library raises several unrelated types
                problems.append(f"{where}.secrets[{index}]: not a valid whsec_/base64 secret")
    return problems
