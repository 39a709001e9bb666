"""Standard Webhooks verification with several active secrets per endpoint (rotation)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence

from pydantic import SecretStr
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from .exceptions import SignatureInvalid, SignatureMissing, TimestampOutsideWindow

_logger = logging.getLogger(__name__)

HEADER_ID = "webhook-id"
HEADER_TIMESTAMP = "webhook-timestamp"
HEADER_SIGNATURE = "webhook-signature"


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
        try:
            sent_at = int(timestamp)
        except ValueError:
            raise SignatureInvalid("webhook-timestamp is not a unix timestamp") from None
        current = time.time() if now is None else now
        if abs(current - sent_at) > self._tolerance:
            raise TimestampOutsideWindow(
                f"webhook-timestamp is outside the {self._tolerance}s tolerance window"
            )
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise SignatureInvalid("body is not UTF-8, signature cannot match") from None
        lowered = {HEADER_ID: webhook_id, HEADER_TIMESTAMP: timestamp, HEADER_SIGNATURE: signature}
        for webhook in self._webhooks:
            try:
                webhook.verify(text, lowered, json_parse=False)
                return webhook_id
            except WebhookVerificationError:
                continue
            except ValueError:  # malformed "v1,<b64>" element: binascii.Error or unpacking
                raise SignatureInvalid("webhook-signature is malformed") from None
        raise SignatureInvalid("no configured secret matches webhook-signature")


def build_verifiers(
    endpoints: Mapping[str, Sequence[SecretStr]], tolerance_seconds: int
) -> dict[str, SignatureVerifier]:
    """One verifier per configured endpoint code."""
    return {
        code: SignatureVerifier(secrets, tolerance_seconds) for code, secrets in endpoints.items()
    }
