"""Request authentication, one verifier class per scheme behind ``RequestVerifier``.

Every scheme accepts several active secrets (a rotation lists the new and the old one),
skips secrets past their expiry, verifies over the raw bytes received, compares in
constant time and never logs a secret. Secrets are used as their UTF-8 bytes (or decoded
as the recipe's ``key_encoding`` says), without any Unicode normalisation. An endpoint with
several recipes accepts a request that any of them accepts (``AnyOfVerifier``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from logistics_contract.paths import JsonPath, parse_path
from logistics_contract.recipes import (
    HASH_ALGORITHMS,
    HMAC_ALGORITHMS,
    PublicKey,
    Secret,
    SignatureAuth,
    decode_key,
    load_public_key,
)
from logistics_contract.safejson import MalformedJson, NumberOutOfRange, load_json
from standardwebhooks.webhooks import Webhook

from .endpoints import AuthSettings, BasicAuth, HmacAuth, StandardWebhooksAuth, TokenAuth
from .exceptions import (
    ConfigError,
    CredentialsInvalid,
    CredentialsMissing,
    HeaderInvalid,
    RequestRejected,
    SignatureInvalid,
    SignatureMissing,
    TimestampOutsideWindow,
)
from .jwks import JwksKeys

_logger = logging.getLogger(__name__)

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"

# Unix seconds as plain digits: no sign, no spaces, and few enough digits (up to the year
# 33658) that the window arithmetic never meets an integer too large for a float.
_TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)
# The webhook-id is stored as an idempotency key: bounded, visible ASCII only.
_WEBHOOK_ID = re.compile(r"[\x21-\x7e]{1,255}", re.ASCII)
_V1_ENTRY = re.compile(r"v1,[A-Za-z0-9+/]+={0,2}", re.ASCII)
_ENTRY = re.compile(r"[^,\s]+,[^,\s]+")


def _v1_signatures(header: str) -> list[bytes]:
    """The well-formed ``v1,<base64>`` entries of a signature header.

    Entries of other versions are skipped (as the specification says); a malformed
    entry is skipped too, so that one bad entry does not hide a valid one after it. A
    repeated header reaches here joined by ``", "`` (RFC 9110 field combining): the comma
    ending an entry is that join, never part of its base64.
    """
    entries = [entry.rstrip(",") for entry in header.split()]
    kept = [entry.encode("ascii") for entry in entries if _V1_ENTRY.fullmatch(entry)]
    if not kept:
        if any(_ENTRY.fullmatch(entry) for entry in entries):
            raise SignatureInvalid("webhook-signature has no v1 signature")
        raise SignatureInvalid("webhook-signature is malformed: expected v1,<base64> entries")
    return kept


class RequestVerifier(Protocol):
    """Authenticates one request of an endpoint; raises a 401 ``RequestRejected`` otherwise."""

    def verify(
        self, body: bytes, headers: Mapping[str, str], now: float | None = None
    ) -> str | None:
        """Return the sender's delivery id when the scheme has one (an idempotency key)."""


KeyT = TypeVar("KeyT")


class _Keyring(Generic[KeyT]):
    """A recipe's secrets, decoded once, each kept with its expiry."""

    def __init__(self, secrets: Sequence[Secret], decode: Callable[[str], KeyT]) -> None:
        self._entries = [(decode(secret.get_secret_value()), secret) for secret in secrets]
        # Without an expiry, every key is active at any time: no check per request.
        self._timeless: list[KeyT] | None = None
        if all(secret.expires_at is None for secret in secrets):
            self._timeless = [key for key, _secret in self._entries]

    def at(self, now: float | None) -> list[KeyT]:
        """The keys whose secret has not expired at ``now`` (unix seconds; None: now)."""
        if self._timeless is not None:
            return self._timeless
        current = time.time() if now is None else now
        return [key for key, secret in self._entries if secret.active_at(current)]


def _utf8(value: str) -> bytes:
    return value.encode("utf-8")


def _keyed_mac(key: bytes, algorithm: str) -> Any:
    """An HMAC keyed once, for ``_mac``: keying hashes the key and looks the digest up,
    work that ``hmac.new`` or ``hmac.digest`` would repeat on every request."""
    return hmac.new(key, digestmod=algorithm)


def _mac(keyed: Any, message: bytes) -> bytes:
    """The HMAC of ``message`` under a key prepared by ``_keyed_mac``."""
    mac = keyed.copy()
    mac.update(message)
    return mac.digest()


def _webhook_key(secret: str) -> Any:
    """A ``whsec_`` secret's HMAC-SHA256 key (``_keyed_mac``): the base64 after the prefix,
    padding optional, as the ``standardwebhooks`` library reads it (which refuses an empty
    or undecodable one)."""
    Webhook(secret)
    return _keyed_mac(base64.b64decode(secret.removeprefix("whsec_") + "=="), "sha256")


class SignatureVerifier:
    """Verifies Standard Webhooks callbacks of one endpoint against every active secret.

    The timestamp window is checked here first so that a stale request gets its own
    answer. The signature is the specification's (HMAC-SHA256 of ``<webhook-id>.<unix
    seconds>.<body>``, base64, ``v1,`` first), computed in one call per secret and compared
    in constant time with each ``v1`` entry: the ``standardwebhooks`` library's ``verify``
    does the same with a second timestamp check and a copy of every header, work each
    callback would pay on the bridge's hot path (tests/bridge/test_auth_schemes.py checks
    that both accept and refuse alike).
    """

    def __init__(self, secrets: Sequence[Secret], tolerance_seconds: int = 300) -> None:
        self._keys = _Keyring(secrets, _webhook_key)
        self._tolerance = tolerance_seconds

    def verify(self, body: bytes, headers: Mapping[str, str], now: float | None = None) -> str:
        """Return the ``webhook-id`` if any secret verifies ``body``; raise otherwise."""
        webhook_id = headers.get(HEADER_ID, "")
        timestamp = headers.get(HEADER_TIMESTAMP, "")
        signature = headers.get(HEADER_SIGNATURE, "")
        if not (webhook_id and timestamp and signature):
            raise SignatureMissing(
                "webhook-id, webhook-timestamp and webhook-signature headers are required"
            )
        if not _WEBHOOK_ID.fullmatch(webhook_id):
            raise HeaderInvalid(
                "webhook-id must be 1 to 255 visible ASCII characters", fields=[HEADER_ID]
            )
        if not _TIMESTAMP.fullmatch(timestamp):
            if timestamp.isascii() and timestamp.isdigit():
                raise TimestampOutsideWindow(
                    f"webhook-timestamp is outside the {self._tolerance}s tolerance window"
                )
            raise SignatureInvalid("webhook-timestamp is not a unix timestamp (digits only)")
        sent_at = int(timestamp)
        current = time.time() if now is None else now
        if abs(current - sent_at) > self._tolerance:
            raise TimestampOutsideWindow(
                f"webhook-timestamp is outside the {self._tolerance}s tolerance window"
            )
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise SignatureInvalid("body is not UTF-8, signature cannot match") from None
        entries = _v1_signatures(signature)
        signed = f"{webhook_id}.{sent_at}.".encode() + body
        found = False
        for key in self._keys.at(current):
            expected = b"v1," + base64.b64encode(_mac(key, signed))
            for entry in entries:  # every pair compared: the time says nothing of a match
                found |= hmac.compare_digest(expected, entry)
        if found:
            return webhook_id
        raise SignatureInvalid("no configured secret matches webhook-signature")


def _header_bytes(value: str) -> bytes | None:
    """A header value as the bytes received, for comparison with a secret's UTF-8 bytes.

    A WSGI server hands header values over as Latin-1 text (PEP 3333), one character per
    byte received, so a UTF-8 token arrives as its bytes read one by one: encoding to
    Latin-1 recovers them. None (matches nothing) for text no server can have made (a
    character above U+00FF, e.g. from an in-process caller)."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return None


def _matches_any(received: Sequence[bytes], candidates: Sequence[bytes]) -> bool:
    # Every pair is compared, so the time taken does not say which secret matched.
    found = False
    for value in received:
        for candidate in candidates:
            found |= hmac.compare_digest(value, candidate)
    return found


def _seconds(timestamp: str, source: str, max_digits: int = 12) -> int:
    """``timestamp`` as an int; digits only, at most ``max_digits`` (12: unix seconds up to
    the year 33658, small enough for float arithmetic)."""
    if not (timestamp.isascii() and timestamp.isdigit()):
        raise CredentialsInvalid(f"{source} is not a unix timestamp (digits only)")
    if len(timestamp) > max_digits:
        raise TimestampOutsideWindow(f"{source} is too far from now")
    return int(timestamp)


def _check_window(sent_at: float, source: str, tolerance: int, now: float | None) -> None:
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        raise TimestampOutsideWindow(f"{source} is outside the {tolerance}s tolerance window")


class HmacVerifier:
    """An HMAC in one header over the raw body, or over ``<timestamp>.<body>`` when the
    endpoint names a timestamp header (then the timestamp must be within the tolerance)."""

    def __init__(self, settings: HmacAuth) -> None:
        self._settings = settings
        self._keys = _Keyring(
            settings.secrets, lambda secret: _keyed_mac(_utf8(secret), settings.algorithm)
        )

    def _encode(self, digest: bytes) -> bytes:
        if self._settings.encoding == "hex":
            return digest.hex().encode()
        return base64.b64encode(digest)

    def verify(self, body: bytes, headers: Mapping[str, str], now: float | None = None) -> None:
        """Accept when any secret's HMAC equals the header's value (after its prefix)."""
        settings = self._settings
        received = headers.get(settings.header.lower(), "").strip()
        if not received:
            raise CredentialsMissing(f"{settings.header} header is required")
        signed = body
        if settings.timestamp_header:
            timestamp = headers.get(settings.timestamp_header.lower(), "").strip()
            if not timestamp:
                raise CredentialsMissing(f"{settings.timestamp_header} header is required")
            sent_at = _seconds(timestamp, settings.timestamp_header)
            _check_window(sent_at, settings.timestamp_header, settings.tolerance_seconds, now)
            signed = timestamp.encode() + b"." + body
        if not received.startswith(settings.prefix):
            raise CredentialsInvalid(f"{settings.header} does not start with {settings.prefix!r}")
        value = received[len(settings.prefix) :]
        if settings.encoding == "hex":
            value = value.lower()
        expected = [self._encode(_mac(key, signed)) for key in self._keys.at(now)]
        received_bytes = _header_bytes(value)
        if received_bytes is None or not _matches_any([received_bytes], expected):
            raise CredentialsInvalid(f"no configured secret matches {settings.header}")


class BasicVerifier:
    """HTTP basic authentication against the configured ``user:password`` pairs."""

    challenge = [("WWW-Authenticate", 'Basic realm="logistics-bridge"')]

    def __init__(self, settings: BasicAuth) -> None:
        self._pairs = _Keyring(settings.secrets, _utf8)

    def verify(self, body: bytes, headers: Mapping[str, str], now: float | None = None) -> None:
        """Accept when the Authorization header carries one of the configured pairs."""
        scheme, _, encoded = headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise CredentialsMissing(
                "Authorization: Basic credentials are required", headers=self.challenge
            )
        try:
            pair = base64.b64decode(encoded.strip(), validate=True)
        except ValueError:  # binascii.Error, or non-ASCII text, which base64 cannot hold
            raise CredentialsInvalid(
                "Authorization: Basic value is not base64", headers=self.challenge
            ) from None
        if not _matches_any([pair], self._pairs.at(now)):
            raise CredentialsInvalid("user or password not accepted", headers=self.challenge)


class TokenVerifier:
    """A shared token in a named header, after an optional prefix such as ``Bearer ``."""

    def __init__(self, settings: TokenAuth) -> None:
        self._header = settings.header
        self._prefix = settings.expected_prefix
        self._tokens = _Keyring(settings.secrets, _utf8)

    def verify(self, body: bytes, headers: Mapping[str, str], now: float | None = None) -> None:
        """Accept when the header holds one of the configured tokens."""
        received = headers.get(self._header.lower(), "").strip()
        if not received:
            raise CredentialsMissing(f"{self._header} header is required")
        if not received.lower().startswith(self._prefix.lower()):
            raise CredentialsInvalid(f"{self._header} does not start with {self._prefix!r}")
        token = _header_bytes(received[len(self._prefix) :].strip())
        if token is None or not _matches_any([token], self._tokens.at(now)):
            raise CredentialsInvalid(f"no configured token matches {self._header}")


# Millisecond timestamps have three more digits than second ones.
_TIMESTAMP_DIGITS = {"s": 12, "ms": 15}
_HEX_SIGNATURE = re.compile(r"(?:[0-9a-fA-F]{2})+", re.ASCII)
_BASE64_SIGNATURE = re.compile(r"[A-Za-z0-9+/\-_]+={0,2}", re.ASCII)


def _decode_signature(text: str, encoding: str) -> bytes | None:
    """The signature bytes of ``text`` (hex, or base64 in either alphabet), None if it does
    not decode: such a value matches nothing."""
    if encoding == "hex":
        return bytes.fromhex(text) if _HEX_SIGNATURE.fullmatch(text) else None
    if not _BASE64_SIGNATURE.fullmatch(text):
        return None
    padded = text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4)
    try:
        return base64.b64decode(padded, altchars=b"-_" if "-" in text or "_" in text else None)
    except (binascii.Error, ValueError):
        return None


class _Request:
    """The parts of one request a signature recipe reads; the JSON body parsed on demand."""

    def __init__(self, body: bytes, headers: Mapping[str, str]) -> None:
        self.body = body
        self.headers = headers
        self._parsed = False
        self._document: Any = None

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "").strip()

    def field(self, path: JsonPath) -> str | None:
        """The body's value at ``path`` as text (strings as they are, numbers and booleans
        as JSON writes them); None when the body is not JSON or the value is absent, an
        object or an array."""
        if not self._parsed:
            self._parsed = True
            try:
                self._document = load_json(self.body)
            except (MalformedJson, NumberOutOfRange):
                return None
        value = path.resolve(self._document)
        if isinstance(value, str):
            return value
        if value is None or isinstance(value, bool | int | float):
            return json.dumps(value)
        if isinstance(value, Decimal):  # as the float JSON writes, as before numbers were exact
            return json.dumps(float(value))
        return None  # absent (the path's MISSING marker), an object or an array


def _optional_path(text: str | None) -> JsonPath | None:
    return parse_path(text) if text else None


class RecipeSignatureVerifier:
    """The general ``signature`` recipe: find the signature and the timestamp where the
    recipe says, render the signed template, verify with the recipe's algorithm."""

    def __init__(
        self, recipe: SignatureAuth, endpoint_url: str | None, jwks: JwksKeys | None = None
    ) -> None:
        if recipe.uses_url and endpoint_url is None:
            raise ConfigError("a recipe signing {url} needs the setting public_base_url")
        self._recipe = recipe
        self._template = recipe.template
        self._url = (endpoint_url or "").encode("utf-8")
        self._signature_field = _optional_path(recipe.signature_body_field)
        self._timestamp_field = _optional_path(recipe.timestamp_body_field)
        self._jwks = jwks
        public = recipe.uses_public_key
        self._keys = _Keyring(
            [] if public else recipe.secrets, lambda value: decode_key(value, recipe.key_encoding)
        )
        self._public_keys = _Keyring(
            recipe.secrets if public else [], lambda pem: load_public_key(pem, recipe.algorithm)
        )

    def verify(
        self, body: bytes, headers: Mapping[str, str], now: float | None = None
    ) -> str | None:
        """Return the delivery id (``delivery_id_header``) once a signature matches."""
        request = _Request(body, headers)
        where, signatures, listed = self._signatures(request)
        timestamp = self._timestamp(request, listed, now)
        delivery_id = self._delivery_id(request)
        values = {
            "body": body,
            "timestamp": (timestamp or "").encode("utf-8"),
            "delivery_id": (delivery_id or "").encode("utf-8"),
            "url": self._url,
        }
        decoded = [
            signature
            for text in signatures
            if (signature := _decode_signature(text, self._recipe.signature_encoding))
        ]
        if decoded and self._matches(decoded, request, values, now):
            return delivery_id
        raise CredentialsInvalid(f"no configured key verifies the signature in {where}")

    # -- where the request carries things ------------------------------------------------
    def _signatures(self, request: _Request) -> tuple[str, list[str], dict[str, str]]:
        """Where the signature was found, the signature texts, and the list's other pairs."""
        recipe = self._recipe
        if self._signature_field is not None:
            value = request.field(self._signature_field)
            if not value:
                raise CredentialsMissing(f"{self._signature_field.text} is required in the body")
            return self._signature_field.text, [value], {}
        header = recipe.signature_header or ""
        received = request.header(header)
        if not received:
            raise CredentialsMissing(f"{header} header is required")
        if recipe.signature_format == "list":
            return header, *self._list_entries(header, received)
        if not received.startswith(recipe.signature_prefix):
            raise CredentialsInvalid(f"{header} does not start with {recipe.signature_prefix!r}")
        return header, [received[len(recipe.signature_prefix) :].strip()], {}

    def _list_entries(self, header: str, received: str) -> tuple[list[str], dict[str, str]]:
        recipe = self._recipe
        signatures: list[str] = []
        others: dict[str, str] = {}
        for entry in received.split(recipe.list_separator):
            key, separator, value = entry.strip().partition(recipe.list_pair_separator)
            if not separator:
                continue
            if key == recipe.signature_key:
                signatures.append(value.strip())
            else:
                others.setdefault(key, value.strip())
        if not signatures:
            raise CredentialsInvalid(f"{header} has no {recipe.signature_key} signature")
        return signatures, others

    def _timestamp(
        self, request: _Request, listed: Mapping[str, str], now: float | None
    ) -> str | None:
        """The timestamp as received (checked against the tolerance), None without one."""
        recipe = self._recipe
        if recipe.timestamp_header:
            source, text = recipe.timestamp_header, request.header(recipe.timestamp_header)
        elif recipe.timestamp_key:
            source = f"{recipe.timestamp_key} in {recipe.signature_header}"
            text = listed.get(recipe.timestamp_key, "")
        elif self._timestamp_field is not None:
            source = self._timestamp_field.text
            text = request.field(self._timestamp_field) or ""
        else:
            return None
        if not text:
            raise CredentialsInvalid(f"{source}: the timestamp is missing")
        unit = recipe.timestamp_unit or "s"
        sent_at = _seconds(text, source, _TIMESTAMP_DIGITS[unit])
        if recipe.tolerance_seconds:
            seconds = sent_at / 1000 if unit == "ms" else sent_at
            _check_window(seconds, source, recipe.tolerance_seconds, now)
        return text

    def _delivery_id(self, request: _Request) -> str | None:
        name = self._recipe.delivery_id_header
        if not name:
            return None
        value = request.header(name)
        if not value:  # the signature is there: the sender means this recipe
            raise CredentialsInvalid(f"{name} header is required")
        if not _WEBHOOK_ID.fullmatch(value):
            raise HeaderInvalid(f"{name} must be 1 to 255 visible ASCII characters", fields=[name])
        return value

    # -- what is signed, and with what ----------------------------------------------------
    def _render(self, request: _Request, values: Mapping[str, bytes], secret: bytes) -> bytes:
        parts = []
        for part in self._template:
            if part.name == "text":
                parts.append(part.text.encode("utf-8"))
            elif part.name == "secret":
                parts.append(secret)
            elif part.path is not None:  # {field:<path>}
                value = request.field(part.path)
                if value is None:
                    raise CredentialsInvalid(f"the signed body field {part.path.text} is missing")
                parts.append(value.encode("utf-8"))
            else:
                parts.append(values[part.name])
        return b"".join(parts)

    def _matches(
        self,
        signatures: Sequence[bytes],
        request: _Request,
        values: Mapping[str, bytes],
        now: float | None,
    ) -> bool:
        algorithm = self._recipe.algorithm
        if algorithm in HMAC_ALGORITHMS:
            message = self._render(request, values, b"")
            expected = [
                hmac.new(key, message, HMAC_ALGORITHMS[algorithm]).digest()
                for key in self._keys.at(now)
            ]
            return _matches_any(signatures, expected)
        if algorithm in HASH_ALGORITHMS:
            expected = [
                hashlib.new(HASH_ALGORITHMS[algorithm], self._render(request, values, key)).digest()
                for key in self._keys.at(now)
            ]
            return _matches_any(signatures, expected)
        message = self._render(request, values, b"")
        keys = self._public_keys.at(now) + self._jwks_keys(request)
        return any(
            _public_key_verifies(key, algorithm, signature, message)
            for key in keys
            for signature in signatures
        )

    def _jwks_keys(self, request: _Request) -> list[PublicKey]:
        if self._jwks is None:
            return []
        header = self._recipe.key_id_header
        if not header:
            return self._jwks.keys(None)
        kid = request.header(header)
        if not kid:
            raise CredentialsInvalid(f"{header} header is required")
        if not _WEBHOOK_ID.fullmatch(kid):
            raise CredentialsInvalid(f"{header} is not a key id")
        return self._jwks.keys(kid)


def _public_key_verifies(key: PublicKey, algorithm: str, signature: bytes, message: bytes) -> bool:
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) == 64:  # raw r||s (JOSE, many SDKs) rather than DER
                signature = encode_dss_signature(
                    int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                )
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        elif algorithm == "rsa-pss-sha256":
            pss = padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.AUTO)
            key.verify(signature, message, pss, hashes.SHA256())
        else:
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):  # ValueError: a signature that is not DER
        return False
    return True


class AnyOfVerifier:
    """Several recipes side by side (a cutover): the first that accepts the request wins.

    When every recipe refuses, the answer is the refusal of the first recipe whose
    credentials were present (the sender meant that one), else the first refusal.
    """

    def __init__(self, verifiers: Sequence[RequestVerifier]) -> None:
        self._verifiers = verifiers

    def verify(
        self, body: bytes, headers: Mapping[str, str], now: float | None = None
    ) -> str | None:
        """The delivery id of the first recipe that accepts; raise the telling refusal."""
        refusals: list[RequestRejected] = []
        for verifier in self._verifiers:
            try:
                return verifier.verify(body, headers, now)
            except RequestRejected as exc:
                refusals.append(exc)
        present = [exc for exc in refusals if not isinstance(exc, _ABSENT)]
        raise (present or refusals)[0]


# Refusals meaning "this recipe's credentials are not in the request at all".
_ABSENT = (CredentialsMissing, SignatureMissing)


def _recipe_verifier(
    recipe: AuthSettings, tolerance_seconds: int, endpoint_url: str | None
) -> RequestVerifier:
    if isinstance(recipe, StandardWebhooksAuth):
        return SignatureVerifier(recipe.secrets, tolerance_seconds)
    if isinstance(recipe, HmacAuth):
        return HmacVerifier(recipe)
    if isinstance(recipe, BasicAuth):
        return BasicVerifier(recipe)
    if isinstance(recipe, TokenAuth):
        return TokenVerifier(recipe)
    jwks = None
    if recipe.jwks_url and recipe.uses_public_key:
        jwks = JwksKeys(recipe.jwks_url, recipe.algorithm, recipe.jwks_cache_seconds)
    return RecipeSignatureVerifier(recipe, endpoint_url, jwks)


def build_verifier(
    auth: Sequence[AuthSettings], tolerance_seconds: int, endpoint_url: str | None = None
) -> RequestVerifier:
    """The verifier of one endpoint's recipes; an endpoint without any is refused.

    ``tolerance_seconds`` is the Standard Webhooks window; ``endpoint_url`` the endpoint's
    public URL (``<public_base_url>/v1/in/<code>``), needed by recipes that sign ``{url}``.
    Secrets that do not decode make this raise ``ConfigError`` (check-config names them).
    """
    usable = [
        recipe
        for recipe in auth
        if recipe.secrets or (isinstance(recipe, SignatureAuth) and recipe.jwks_url)
    ]
    if not usable:
        raise ConfigError("an endpoint needs auth with at least one secret (see check-config)")
    try:
        verifiers = [_recipe_verifier(recipe, tolerance_seconds, endpoint_url) for recipe in auth]
    except ValueError as exc:  # a key that does not decode: check-config says which
        raise ConfigError(f"unusable auth recipe: {exc}") from None
    return verifiers[0] if len(verifiers) == 1 else AnyOfVerifier(verifiers)
