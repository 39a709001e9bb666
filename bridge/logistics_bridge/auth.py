"""Request authentication, one verifier class per scheme behind ``RequestVerifier``.

Every scheme accepts several active secrets (a rotation lists the new and the old one),
verifies over the raw bytes received, compares in constant time and never logs a secret.
Secrets are used as their UTF-8 bytes, without any Unicode normalisation.
"""

from __future__ import annotations

import base64
import hmac
import logging
import re
import time
from collections.abc import Mapping, Sequence
from typing import Protocol

from pydantic import SecretStr
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

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


def _v1_signatures(header: str) -> str:
    """The well-formed ``v1,<base64>`` entries of a signature header, space-separated.

    Entries of other versions are skipped (as the specification says); a malformed
    entry is skipped too, so that one bad entry does not hide a valid one after it.
    """
    entries = header.split()
    kept = [entry for entry in entries if _V1_ENTRY.fullmatch(entry)]
    if not kept:
        if any(_ENTRY.fullmatch(entry) for entry in entries):
            raise SignatureInvalid("webhook-signature has no v1 signature")
        raise SignatureInvalid("webhook-signature is malformed: expected v1,<base64> entries")
    return " ".join(kept)


class RequestVerifier(Protocol):
    """Authenticates one request of an endpoint; raises a 401 ``RequestRejected`` otherwise."""

    def verify(
        self, body: bytes, headers: Mapping[str, str], now: float | None = None
    ) -> str | None:
        """Return the sender's delivery id when the scheme has one (an idempotency key)."""


class SignatureVerifier:
    """Verifies callbacks of one endpoint against every configured secret.

    The timestamp window is checked here first so that a stale request gets its own
    answer; the HMAC comparison itself is the ``standardwebhooks`` library's.
    """

    def __init__(self, secrets: Sequence[SecretStr], tolerance_seconds: int = 300) -> None:
        self._webhooks = [Webhook(secret.get_secret_value()) for secret in secrets]
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
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise SignatureInvalid("body is not UTF-8, signature cannot match") from None
        lowered = {
            HEADER_ID: webhook_id,
            HEADER_TIMESTAMP: timestamp,
            HEADER_SIGNATURE: _v1_signatures(signature),
        }
        for webhook in self._webhooks:
            try:
                webhook.verify(text, lowered, json_parse=False)
                return webhook_id
            except WebhookVerificationError:
                continue
            except ValueError:  # base64 with impossible padding (binascii.Error)
                raise SignatureInvalid("webhook-signature is malformed") from None
        raise SignatureInvalid("no configured secret matches webhook-signature")


def _header_bytes(value: str) -> bytes:
    """A header value as bytes for comparison; never raises (a WSGI server may hand over
    surrogate-escaped text, which then simply matches no secret)."""
    return value.encode("utf-8", "surrogatepass")


def _matches_any(received: bytes, candidates: Sequence[bytes]) -> bool:
    # Every candidate is compared, so the time taken does not say which secret matched.
    found = False
    for candidate in candidates:
        found |= hmac.compare_digest(received, candidate)
    return found


def _check_window(timestamp: str, header: str, tolerance: int, now: float | None) -> None:
    if not _TIMESTAMP.fullmatch(timestamp):
        if timestamp.isascii() and timestamp.isdigit():
            raise TimestampOutsideWindow(f"{header} is outside the {tolerance}s tolerance window")
        raise CredentialsInvalid(f"{header} is not a unix timestamp (digits only)")
    sent_at = int(timestamp)
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        raise TimestampOutsideWindow(f"{header} is outside the {tolerance}s tolerance window")


class HmacVerifier:
    """An HMAC in one header over the raw body, or over ``<timestamp>.<body>`` when the
    endpoint names a timestamp header (then the timestamp must be within the tolerance)."""

    def __init__(self, settings: HmacAuth) -> None:
        self._settings = settings
        self._keys = [secret.get_secret_value().encode() for secret in settings.secrets]

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
            _check_window(timestamp, settings.timestamp_header, settings.tolerance_seconds, now)
            signed = timestamp.encode() + b"." + body
        if not received.startswith(settings.prefix):
            raise CredentialsInvalid(f"{settings.header} does not start with {settings.prefix!r}")
        value = received[len(settings.prefix) :]
        if settings.encoding == "hex":
            value = value.lower()
        expected = [
            self._encode(hmac.new(key, signed, settings.algorithm).digest()) for key in self._keys
        ]
        if not _matches_any(_header_bytes(value), expected):
            raise CredentialsInvalid(f"no configured secret matches {settings.header}")


class BasicVerifier:
    """HTTP basic authentication against the configured ``user:password`` pairs."""

    challenge = [("WWW-Authenticate", 'Basic realm="logistics-bridge"')]

    def __init__(self, settings: BasicAuth) -> None:
        self._pairs = [secret.get_secret_value().encode() for secret in settings.secrets]

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
        if not _matches_any(pair, self._pairs):
            raise CredentialsInvalid("user or password not accepted", headers=self.challenge)


class TokenVerifier:
    """A shared token in a named header, after an optional prefix such as ``Bearer ``."""

    def __init__(self, settings: TokenAuth) -> None:
        self._header = settings.header
        self._prefix = settings.expected_prefix
        self._tokens = [secret.get_secret_value().encode() for secret in settings.secrets]

    def verify(self, body: bytes, headers: Mapping[str, str], now: float | None = None) -> None:
        """Accept when the header holds one of the configured tokens."""
        received = headers.get(self._header.lower(), "").strip()
        if not received:
            raise CredentialsMissing(f"{self._header} header is required")
        if not received.lower().startswith(self._prefix.lower()):
            raise CredentialsInvalid(f"{self._header} does not start with {self._prefix!r}")
        token = received[len(self._prefix) :].strip()
        if not _matches_any(_header_bytes(token), self._tokens):
            raise CredentialsInvalid(f"no configured token matches {self._header}")


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


def _recipe_verifier(recipe: AuthSettings, tolerance_seconds: int) -> RequestVerifier:
    if isinstance(recipe, StandardWebhooksAuth):
        return SignatureVerifier(recipe.secrets, tolerance_seconds)
    if isinstance(recipe, HmacAuth):
        return HmacVerifier(recipe)
    if isinstance(recipe, BasicAuth):
        return BasicVerifier(recipe)
    if isinstance(recipe, TokenAuth):
        return TokenVerifier(recipe)
    raise ConfigError(f"scheme {recipe.scheme!r} is not supported by this bridge")


def build_verifier(auth: Sequence[AuthSettings], tolerance_seconds: int) -> RequestVerifier:
    """The verifier of one endpoint's recipes; an endpoint without any is refused."""
    if not auth or not any(recipe.secrets for recipe in auth):
        raise ConfigError("an endpoint needs auth with at least one secret (see check-config)")
    verifiers = [_recipe_verifier(recipe, tolerance_seconds) for recipe in auth]
    return verifiers[0] if len(verifiers) == 1 else AnyOfVerifier(verifiers)
