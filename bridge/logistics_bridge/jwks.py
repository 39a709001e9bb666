"""Public signing keys published as a JWKS (RFC 7517), fetched and cached per recipe.

The set is fetched on first use and again once ``cache_seconds`` have passed. A key id
the cached set does not know triggers one immediate refetch (the sender has rotated its
keys); further unknown ids wait ``MIN_REFETCH_SECONDS`` so that made-up ids cannot turn
the bridge into a request amplifier against the key server. When a fetch fails the keys
already known stay in use and the next attempt waits ``MIN_REFETCH_SECONDS``; with no key
known at all, requests are answered 503 (retry later), not 401.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from logistics_contract.recipes import PublicKey, check_key_type

from .exceptions import SigningKeysUnavailable
from .logsafe import log_field

_logger = logging.getLogger(__name__)

MIN_REFETCH_SECONDS = 10.0
FETCH_TIMEOUT_SECONDS = 5.0
MAX_JWKS_BYTES = 256 * 1024
# The JWA names a key may declare with "alg", per recipe algorithm.
_JWA = {
    "rsa-sha256": "RS256",
    "rsa-pss-sha256": "PS256",
    "ecdsa-sha256": "ES256",
    "ed25519": "EdDSA",
}


class JwksError(ValueError):
    """The JWKS could not be fetched or read."""


def _b64url_bytes(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str) or not value:
        raise JwksError(f"member {name!r} is missing")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise JwksError(f"member {name!r} is not base64url") from None


def _b64url_int(jwk: Mapping[str, Any], name: str) -> int:
    return int.from_bytes(_b64url_bytes(jwk, name), "big")


def public_key_from_jwk(jwk: Mapping[str, Any], algorithm: str) -> PublicKey:
    """The public key of one JWK, checked against the recipe's ``algorithm``."""
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "RSA":
            key: PublicKey = rsa.RSAPublicNumbers(
                _b64url_int(jwk, "e"), _b64url_int(jwk, "n")
            ).public_key()
        elif kty == "EC" and crv == "P-256":
            key = ec.EllipticCurvePublicNumbers(
                _b64url_int(jwk, "x"), _b64url_int(jwk, "y"), ec.SECP256R1()
            ).public_key()
        elif kty == "OKP" and crv == "Ed25519":
            key = ed25519.Ed25519PublicKey.from_public_bytes(_b64url_bytes(jwk, "x"))
        else:
            raise JwksError(f"key type {kty!r} {crv or ''} is not supported")
    except ValueError as exc:  # cryptography: a point not on the curve, a bad modulus
        raise JwksError(str(exc)) from None
    check_key_type(key, algorithm)
    alg = jwk.get("alg")
    if alg is not None and alg != _JWA[algorithm]:
        raise JwksError(f"alg {alg!r} is not {_JWA[algorithm]}")
    return key


class JwksKeys:
    """The signing keys of one JWKS URL, by key id (``kid``), for one algorithm."""

    def __init__(
        self,
        url: str,
        algorithm: str,
        cache_seconds: int,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._algorithm = algorithm
        self._cache_seconds = cache_seconds
        self._session = requests.Session()
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, PublicKey] = {}
        self._next_fetch = -math.inf
        self._forced_at = -math.inf

    def keys(self, kid: str | None) -> list[PublicKey]:
        """The keys that may have signed a request naming ``kid`` (all keys when None)."""
        with self._lock:
            now = self._clock()
            fetched = now >= self._next_fetch
            if fetched:
                self._refresh(now)
            unknown = kid is not None and kid not in self._keys
            may_refetch = not fetched and now - self._forced_at >= MIN_REFETCH_SECONDS
            if unknown and self._keys and may_refetch:
                self._forced_at = now
                self._refresh(now)
            if not self._keys:
                raise SigningKeysUnavailable(
                    "the sender's signing keys cannot be fetched, retry later",
                    headers=[("Retry-After", str(int(MIN_REFETCH_SECONDS)))],
                )
            if kid is None:
                return list(self._keys.values())
            return [self._keys[kid]] if kid in self._keys else []

    def _refresh(self, now: float) -> None:
        try:
            self._keys = self._fetch()
        except JwksError as exc:
            # Keep what is known; do not let every request hammer a failing key server.
            _logger.warning("cannot use the JWKS at %s: %s", log_field(self._url), exc)
            self._next_fetch = now + MIN_REFETCH_SECONDS
            return
        self._next_fetch = now + self._cache_seconds

    def _fetch(self) -> dict[str, PublicKey]:
        try:
            with self._session.get(
                self._url,
                timeout=FETCH_TIMEOUT_SECONDS,
                stream=True,
                headers={"Accept": "application/json"},
                allow_redirects=False,
            ) as response:
                response.raise_for_status()
                content = bytearray()
                for chunk in response.iter_content(64 * 1024):
                    content += chunk
                    if len(content) > MAX_JWKS_BYTES:
                        raise JwksError(f"larger than {MAX_JWKS_BYTES} bytes")
        except requests.RequestException as exc:
            raise JwksError(f"fetch failed: {type(exc).__name__}") from None
        try:
            document = json.loads(content)
        except ValueError:
            raise JwksError("not JSON") from None
        entries = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise JwksError('no "keys" array')
        keys: dict[str, PublicKey] = {}
        for index, jwk in enumerate(entries):
            if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig":
                continue
            try:
                key = public_key_from_jwk(jwk, self._algorithm)
            except ValueError as exc:  # JwksError, or check_key_type's refusal
                _logger.info("JWKS %s: key %d skipped: %s", log_field(self._url), index, exc)
                continue
            kid = jwk.get("kid")
            keys[kid if isinstance(kid, str) else f"#{index}"] = key
        if not keys:
            raise JwksError(f"no {self._algorithm} signing key in the set")
        return keys
