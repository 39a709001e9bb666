"""Standard Webhooks verification with several active secrets per endpoint (rotation)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence

from pydantic import SecretStr
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from .exceptions import HeaderInvalid, SignatureInvalid, SignatureMissing, TimestampOutsideWindow

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


def build_verifiers(
    endpoints: Mapping[str, Sequence[SecretStr]], tolerance_seconds: int
) -> dict[str, SignatureVerifier]:
    """One verifier per configured endpoint code."""
    return {
        code: SignatureVerifier(secrets, tolerance_seconds) for code, secrets in endpoints.items()
    }
