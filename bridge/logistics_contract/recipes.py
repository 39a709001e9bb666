"""Authentication recipes: how one source proves a request is its own.

A recipe is a ``scheme`` and its fields; an endpoint lists one or more (accepted side by
side, e.g. during a cutover from Basic to HMAC). Every recipe carries ``secrets``: plain
strings or ``{"value", "expires_at"}`` objects; a secret past its expiry is not used.

Two levels of checking. The models refuse what is malformed (unknown fields, wrong types,
an unknown template placeholder, a path that does not parse, SHA-1 without ``allow_sha1``).
``recipe_problems`` reports what is well-formed but can never match a real request (a
header name the HTTP server drops, a secret that does not decode, a template that cannot
be rendered...): Odoo refuses such a recipe when it is saved, the bridge's ``check-config``
when it loads one, both through this one function.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    SerializationInfo,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from .paths import JsonPath, parse_path

__all__ = [
    "DEFAULT_SCHEME",
    "HASH_ALGORITHMS",
    "HMAC_ALGORITHMS",
    "PUBLIC_KEY_ALGORITHMS",
    "RECIPE",
    "REVEAL_SECRETS",
    "AuthRecipe",
    "BasicAuth",
    "HmacAuth",
    "PublicKey",
    "Secret",
    "SignatureAuth",
    "StandardWebhooksAuth",
    "TemplatePart",
    "TokenAuth",
    "check_key_type",
    "decode_key",
    "load_public_key",
    "parse_template",
    "recipe_problems",
]

DEFAULT_SCHEME = "standard-webhooks"
# Serialisation context that writes secret values in clear (registry cache, export to
# Odoo); without it a dump shows "**********" like SecretStr does.
REVEAL_SECRETS = {"reveal_secrets": True}

HMAC_ALGORITHMS = {"hmac-sha1": "sha1", "hmac-sha256": "sha256", "hmac-sha512": "sha512"}
HASH_ALGORITHMS = {"sha256": "sha256", "sha512": "sha512"}
PUBLIC_KEY_ALGORITHMS = ("rsa-sha256", "rsa-pss-sha256", "ecdsa-sha256", "ed25519")
Algorithm = Literal[
    "hmac-sha1",
    "hmac-sha256",
    "hmac-sha512",
    "sha256",
    "sha512",
    "rsa-sha256",
    "rsa-pss-sha256",
    "ecdsa-sha256",
    "ed25519",
]
KeyEncoding = Literal["text", "hex", "base64", "whsec"]
PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey

# RFC 9110 token characters; "_" is a token character too but WSGI servers drop headers
# spelled with it (they cannot be told apart from "-" in the environ), so it gets its own
# message.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^`|~0-9A-Za-z_]+", re.ASCII)
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+", re.ASCII)
_WHSEC_PREFIX = "whsec_"


def _unset_when_blank(value: Any) -> Any:
    # Odoo sends False for an empty field, forms send "": both mean "not set".
    return None if value in ("", False) else value


def _default_when_false(value: Any) -> Any:
    # "" is a deliberate empty prefix; Odoo's False (an empty field) means the default.
    return None if value is False else value


def _empty_when_blank(value: Any) -> Any:
    return "" if value in (None, False) else value


OptionalText = Annotated[str | None, BeforeValidator(_unset_when_blank)]
Text = Annotated[str, BeforeValidator(_empty_when_blank)]
HeaderName = Annotated[str, Field(min_length=1)]


def _refuse_weak_sha1(algorithm: str, info: ValidationInfo) -> str:
    """SHA-1 only where the recipe says a provider requires it (``allow_sha1``)."""
    if algorithm.endswith("sha1") and not info.data.get("allow_sha1"):
        raise ValueError(
            f"{algorithm} is weak; set allow_sha1 = true only where a provider requires it"
        )
    return algorithm


class Secret(BaseModel):
    """One secret value (a key, a token, ``user:password`` or a PEM public key)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: SecretStr
    expires_at: AwareDatetime | None = Field(
        default=None, description="Not used from this instant on (ISO-8601 with offset)."
    )

    @model_validator(mode="before")
    @classmethod
    def _plain_string(cls, data: Any) -> Any:
        if isinstance(data, str | SecretStr):
            return {"value": data}
        return data

    @field_serializer("value")
    def _dump_value(self, value: SecretStr, info: SerializationInfo) -> str:
        if info.context and info.context.get("reveal_secrets"):
            return value.get_secret_value()
        return str(value)

    def get_secret_value(self) -> str:
        """The secret in clear; never log it."""
        return self.value.get_secret_value()

    def active_at(self, timestamp: float) -> bool:
        """True unless the secret has expired at ``timestamp`` (unix seconds)."""
        return self.expires_at is None or timestamp < self.expires_at.timestamp()


class _RecipeBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    secrets: list[Secret] = Field(
        default_factory=list,
        description="Active secrets; two during a rotation. Used as their UTF-8 bytes.",
    )

    def active_secrets(self, timestamp: float) -> list[Secret]:
        """The secrets not expired at ``timestamp`` (unix seconds)."""
        return [secret for secret in self.secrets if secret.active_at(timestamp)]

    def header_fields(self) -> dict[str, str]:
        """Setting name -> header name, for every header this recipe reads."""
        return {}


class StandardWebhooksAuth(_RecipeBase):
    """Standard Webhooks 1.0: ``webhook-id``/``-timestamp``/``-signature``, ``whsec_`` secrets."""

    scheme: Literal["standard-webhooks"] = "standard-webhooks"


class HmacAuth(_RecipeBase):
    """An HMAC of the raw body (or ``<timestamp>.<body>``) in a provider-named header."""

    scheme: Literal["hmac"]
    header: HeaderName
    allow_sha1: bool = False
    algorithm: Literal["sha256", "sha512", "sha1"] = "sha256"
    encoding: Literal["hex", "base64"] = "hex"
    prefix: Text = ""
    timestamp_header: Text = ""
    tolerance_seconds: int = Field(default=300, gt=0)

    @field_validator("algorithm")
    @classmethod
    def _sha1_only_when_required(cls, value: str, info: ValidationInfo) -> str:
        return _refuse_weak_sha1(value, info)

    def header_fields(self) -> dict[str, str]:
        """The signature header, and the timestamp header when set."""
        return _set_headers(header=self.header, timestamp_header=self.timestamp_header)


class BasicAuth(_RecipeBase):
    """HTTP basic authentication; each secret is ``user:password``."""

    scheme: Literal["basic"]


class TokenAuth(_RecipeBase):
    """A shared token in a named header (``Authorization: Bearer <token>`` by default)."""

    scheme: Literal["token"]
    header: HeaderName = "Authorization"
    prefix: Annotated[str | None, BeforeValidator(_default_when_false)] = Field(
        default=None,
        description='Text before the token; default "Bearer " for Authorization, else none.',
    )

    @property
    def expected_prefix(self) -> str:
        """The prefix in force (the default depends on the header)."""
        if self.prefix is not None:
            return self.prefix
        return "Bearer " if self.header.lower() == "authorization" else ""

    def header_fields(self) -> dict[str, str]:
        """The token header."""
        return {"header": self.header}


@dataclass(frozen=True)
class TemplatePart:
    """One piece of a signed template: literal ``text``, or a placeholder ``name``
    (``body``, ``timestamp``, ``delivery_id``, ``url``, ``secret`` or ``field`` with its
    ``path``)."""

    name: str
    text: str = ""
    path: JsonPath | None = None


_PLACEHOLDERS = ("body", "timestamp", "delivery_id", "url", "secret")
_TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[^{}]+|[{}]")


def parse_template(template: str) -> tuple[TemplatePart, ...]:
    """The parts of ``template``; ``{{`` and ``}}`` are literal braces. Raise ``ValueError``
    naming an unknown placeholder, a stray brace or a field path that does not parse."""
    parts: list[TemplatePart] = []
    for match in _TEMPLATE_TOKEN.finditer(template):
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(TemplatePart("text", token[0]))
        elif token in ("{", "}"):
            raise ValueError(f"unmatched {token!r}; write {token * 2} for a literal brace")
        elif match.group(1) is None:
            parts.append(TemplatePart("text", token))
        elif match.group(1) in _PLACEHOLDERS:
            parts.append(TemplatePart(match.group(1)))
        elif match.group(1).startswith("field:"):
            parts.append(TemplatePart("field", path=parse_path(match.group(1)[len("field:") :])))
        else:
            raise ValueError(
                f"unknown placeholder {token}; use {{body}}, {{timestamp}}, {{delivery_id}},"
                " {url}, {secret} or {field:<path>}"
            )
    return tuple(parts)


def decode_key(value: str, encoding: KeyEncoding) -> bytes:
    """The key bytes of an HMAC or hash secret; ``ValueError`` when it does not decode."""
    if encoding == "text":
        return value.encode("utf-8")
    if encoding == "hex":
        if not _HEX.fullmatch(value):
            raise ValueError("not hex (an even number of 0-9, a-f)")
        return bytes.fromhex(value)
    if encoding == "whsec":
        value = value.removeprefix(_WHSEC_PREFIX)
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):  # ValueError: non-ASCII text
        raise ValueError("not base64" if encoding == "base64" else "not whsec_ + base64") from None
    if not key:
        raise ValueError("decodes to an empty key")
    return key


def load_public_key(pem: str, algorithm: str) -> PublicKey:
    """The public key of a PEM text, checked against ``algorithm``; ``ValueError`` saying
    why it cannot verify that algorithm's signatures."""
    try:
        key = serialization.load_pem_public_key(pem.strip().encode("utf-8"))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise ValueError("not a PEM public key (-----BEGIN PUBLIC KEY-----)") from None
    check_key_type(key, algorithm)
    return key  # type: ignore[return-value]  # narrowed by check_key_type


def check_key_type(key: object, algorithm: str) -> None:
    """Raise ``ValueError`` when ``key`` cannot verify ``algorithm`` signatures."""
    if algorithm in ("rsa-sha256", "rsa-pss-sha256"):
        if not isinstance(key, rsa.RSAPublicKey):
            raise ValueError(f"{algorithm} needs an RSA public key")
    elif algorithm == "ecdsa-sha256":
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise ValueError("ecdsa-sha256 needs a P-256 (secp256r1) public key")
    elif algorithm == "ed25519":
        if not isinstance(key, ed25519.Ed25519PublicKey):
            raise ValueError("ed25519 needs an Ed25519 public key")
    else:
        raise ValueError(f"{algorithm} does not use a public key")


class SignatureAuth(_RecipeBase):
    """The general recipe: where the signature travels, what is signed, with what.

    The signature is in ``signature_header`` (after ``signature_prefix``), in a list header
    such as ``t=1700000000,v1=abc`` (``signature_format = "list"``) or in the JSON body
    (``signature_body_field``). The signed bytes are ``signed_template`` rendered.
    """

    scheme: Literal["signature"]
    signature_header: OptionalText = None
    signature_prefix: Text = ""
    signature_format: Literal["plain", "list"] = "plain"
    list_separator: Annotated[str, Field(min_length=1)] = ","
    list_pair_separator: Annotated[str, Field(min_length=1)] = "="
    signature_key: OptionalText = "v1"
    timestamp_key: OptionalText = None
    signature_body_field: OptionalText = None
    signed_template: Annotated[str, Field(min_length=1)] = "{body}"
    timestamp_header: OptionalText = None
    timestamp_body_field: OptionalText = None
    timestamp_unit: Annotated[Literal["s", "ms"] | None, BeforeValidator(_unset_when_blank)] = None
    tolerance_seconds: int = Field(default=300, ge=0)
    delivery_id_header: OptionalText = None
    allow_sha1: bool = False
    algorithm: Algorithm = "hmac-sha256"
    key_encoding: KeyEncoding = "text"
    signature_encoding: Literal["hex", "base64"] = "hex"
    jwks_url: OptionalText = None
    key_id_header: OptionalText = None
    jwks_cache_seconds: int = Field(default=3600, ge=1)

    @field_validator("algorithm")
    @classmethod
    def _sha1_only_when_required(cls, value: str, info: ValidationInfo) -> str:
        return _refuse_weak_sha1(value, info)

    @field_validator("signature_body_field", "timestamp_body_field")
    @classmethod
    def _body_path(cls, value: str | None) -> str | None:
        if value is not None:
            parse_path(value)
        return value

    @field_validator("signed_template")
    @classmethod
    def _template(cls, value: str) -> str:
        parse_template(value)
        return value

    @field_validator("jwks_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise ValueError("an http:// or https:// URL")
        return value

    @property
    def template(self) -> tuple[TemplatePart, ...]:
        """The parsed ``signed_template``."""
        return parse_template(self.signed_template)

    @property
    def placeholders(self) -> set[str]:
        """The placeholder names the template uses (``field`` for any ``{field:...}``)."""
        return {part.name for part in self.template if part.name != "text"}

    @property
    def uses_public_key(self) -> bool:
        """True for RSA, ECDSA and Ed25519 (PEM keys in secrets, or a JWKS)."""
        return self.algorithm in PUBLIC_KEY_ALGORITHMS

    @property
    def uses_url(self) -> bool:
        """True when the template signs the endpoint's public URL (needs public_base_url)."""
        return "url" in self.placeholders

    @property
    def reads_body_fields(self) -> bool:
        """True when the signature, timestamp or signed content comes from the JSON body."""
        return bool(
            self.signature_body_field or self.timestamp_body_field or "field" in self.placeholders
        )

    @property
    def timestamp_sources(self) -> list[str]:
        """The settings naming where the timestamp is (one at most is valid)."""
        return [
            name
            for name in ("timestamp_header", "timestamp_key", "timestamp_body_field")
            if getattr(self, name)
        ]

    def header_fields(self) -> dict[str, str]:
        """Every header name setting that is set."""
        return _set_headers(
            signature_header=self.signature_header,
            timestamp_header=self.timestamp_header,
            delivery_id_header=self.delivery_id_header,
            key_id_header=self.key_id_header,
        )


AuthRecipe = Annotated[
    StandardWebhooksAuth | HmacAuth | BasicAuth | TokenAuth | SignatureAuth,
    Field(discriminator="scheme"),
]
RECIPE = TypeAdapter(AuthRecipe)


def _set_headers(**names: str | None) -> dict[str, str]:
    return {setting: name for setting, name in names.items() if name}


def recipe_problems(recipe: AuthRecipe | Mapping[str, Any]) -> list[str]:
    """Why ``recipe`` can never match a request, one message per problem, each starting
    with the setting it is about (``secrets[1]: ...``, ``signature_header: ...``).

    ``recipe`` is a model or its dict (as stored by Odoo or read from TOML); a dict that
    does not even validate gets its validation errors, by field, without input values.
    An empty list means the recipe can match. Secret values never appear in a message.
    """
    if isinstance(recipe, Mapping):
        try:
            recipe = RECIPE.validate_python({"scheme": DEFAULT_SCHEME, **recipe})
        except ValidationError as exc:
            return [_validation_message(error) for error in exc.errors(include_input=False)]
    problems = [
        *_header_problems(recipe),
        *_secret_problems(recipe),
    ]
    if isinstance(recipe, SignatureAuth):
        problems.extend(_signature_problems(recipe))
    return problems


def _validation_message(error: Mapping[str, Any]) -> str:
    # The first location step of a discriminated union is the scheme tag: not a field.
    location = [str(step) for step in error["loc"][1:]] or ["scheme"]
    return f"{'.'.join(location)}: {error['msg']}"


def _header_problems(recipe: AuthRecipe) -> list[str]:
    problems = []
    for setting, name in recipe.header_fields().items():
        if "_" in name:
            problems.append(
                f"{setting}: {name!r} contains '_'; HTTP servers drop such headers, so it"
                " never arrives (senders use '-')"
            )
        elif not _HEADER_NAME.fullmatch(name):
            problems.append(
                f"{setting}: {name!r} is not a header name (letters, digits and"
                " !#$%&'*+-.^`|~ only)"
            )
    return problems


def _secret_problems(recipe: AuthRecipe) -> list[str]:
    problems = []
    for index, secret in enumerate(recipe.secrets):
        where = f"secrets[{index}]"
        value = secret.get_secret_value()
        if not value.strip():
            problems.append(f"{where}: blank")
            continue
        if isinstance(recipe, SignatureAuth) and recipe.uses_public_key:
            try:
                load_public_key(value, recipe.algorithm)
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
            continue
        if value != value.strip():
            problems.append(f"{where}: has leading or trailing spaces, which no request carries")
            continue
        problem = _secret_value_problem(recipe, value)
        if problem:
            problems.append(f"{where}: {problem}")
    return problems


def _secret_value_problem(recipe: AuthRecipe, value: str) -> str | None:
    if isinstance(recipe, BasicAuth):
        if ":" not in value:
            return "must be user:password"
        if value.startswith(":"):
            return "the user (before ':') is empty; HTTP basic needs one"
        return None
    if isinstance(recipe, StandardWebhooksAuth):
        try:
            decode_key(value, "whsec")
        except ValueError:
            return "not a valid whsec_/base64 secret"
    elif isinstance(recipe, SignatureAuth):
        try:
            decode_key(value, recipe.key_encoding)
        except ValueError as exc:
            return f"{exc} (key_encoding {recipe.key_encoding})"
    return None


def _signature_problems(recipe: SignatureAuth) -> list[str]:
    return [
        *_signature_location_problems(recipe),
        *_timestamp_problems(recipe),
        *_template_problems(recipe),
        *_key_problems(recipe),
    ]


def _signature_location_problems(recipe: SignatureAuth) -> list[str]:
    if recipe.signature_header and recipe.signature_body_field:
        return ["signature_body_field: set signature_header or signature_body_field, not both"]
    if recipe.signature_format == "list":
        problems = []
        if not recipe.signature_header:
            problems.append('signature_format: "list" is read from signature_header, not set')
        if not recipe.signature_key:
            problems.append(
                "signature_key: a list signature needs the key of its signature entries (v1)"
            )
        return problems
    if not (recipe.signature_header or recipe.signature_body_field):
        return ["signature_header: no signature source; set it, or signature_body_field"]
    return []


def _timestamp_problems(recipe: SignatureAuth) -> list[str]:
    problems = []
    sources = recipe.timestamp_sources
    if recipe.timestamp_key and recipe.signature_format != "list":
        problems.append('timestamp_key: only read from a list header (signature_format "list")')
    if len(sources) > 1:
        problems.append(f"{sources[1]}: the timestamp has one source; {sources[0]} is set too")
    if not sources:
        if recipe.timestamp_unit:
            problems.append(
                "timestamp_unit: set, but no timestamp source (timestamp_header,"
                " timestamp_key or timestamp_body_field)"
            )
        if "timestamp" in recipe.placeholders:
            problems.append(
                "signed_template: uses {timestamp}, but no timestamp source is set"
                " (timestamp_header, timestamp_key or timestamp_body_field)"
            )
    return problems


def _template_problems(recipe: SignatureAuth) -> list[str]:
    problems = []
    placeholders = recipe.placeholders
    if "delivery_id" in placeholders and not recipe.delivery_id_header:
        problems.append("signed_template: uses {delivery_id}, but delivery_id_header is not set")
    if recipe.algorithm in HASH_ALGORITHMS and "secret" not in placeholders:
        problems.append(
            f"signed_template: a plain {recipe.algorithm} hash must include {{secret}};"
            " without it anyone can compute the signature"
        )
    if recipe.algorithm not in HASH_ALGORITHMS and "secret" in placeholders:
        problems.append(
            f"signed_template: {{secret}} is only for plain-hash algorithms; with"
            f" {recipe.algorithm} the secret is the key, never part of the signed content"
        )
    return problems


def _key_problems(recipe: SignatureAuth) -> list[str]:
    if recipe.uses_public_key:
        if not recipe.secrets and not recipe.jwks_url:
            return [f"secrets: {recipe.algorithm} needs PEM public keys in secrets, or a jwks_url"]
        return []
    if recipe.jwks_url or recipe.key_id_header:
        return [f"jwks_url: only public-key algorithms use a JWKS, not {recipe.algorithm}"]
    return []
