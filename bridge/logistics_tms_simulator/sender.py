"""Delivery of signed callbacks to the bridge, like a well-behaved TMS.

Callbacks are due at given times; a callback the bridge did not acknowledge
(connection refused, 429, 5xx) is sent again later with a capped backoff, so
nothing is lost while the bridge restarts. A 4xx other than 429 is final: the
bridge refused the callback and said why.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
from standardwebhooks.webhooks import Webhook

from .lifecycle import Callback

_logger = logging.getLogger(__name__)

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}


def signed_headers(
    webhook: Webhook, msg_id: str, body: str, moment: datetime | None = None
) -> dict[str, str]:
    """The Standard Webhooks headers of one JSON callback signed by ``webhook``."""
    moment = moment or datetime.now(UTC)
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": webhook.sign(msg_id, moment, body),
    }


def retry_delay(attempt: int, cap: float) -> float:
    """Seconds before the next attempt: 0.5 s doubling per attempt, at most ``cap``.

    The exponent is bounded so that a peer down for hours never overflows the float.
    """
    return min(cap, 0.5 * 2 ** min(attempt, 32))


@dataclass
class SenderStats:
    sent: int = 0
    duplicates_acknowledged: int = 0
    refused: int = 0
    retried: int = 0


class CallbackSender:
    """Sends due callbacks from one background thread until stopped."""

    def __init__(
        self,
        events_url: str,
        secret: str,
        timeout_seconds: float = 5.0,
        backoff_cap_seconds: float = 10.0,
    ) -> None:
        self._events_url = events_url
        self._webhook = Webhook(secret)
        self._timeout = timeout_seconds
        self._backoff_cap = backoff_cap_seconds
        self._queue: list[tuple[float, int, int, Callback]] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        self._stopping = False
        self._session = requests.Session()
        self._thread = threading.Thread(target=self._run, name="callback-sender", daemon=True)
        self.stats = SenderStats()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        self._thread.join(timeout)
        self._session.close()

    def schedule(self, callback: Callback, due: float, attempt: int = 0) -> None:
        with self._condition:
            heapq.heappush(self._queue, (due, next(self._sequence), attempt, callback))
            self._condition.notify_all()

    def pending(self) -> int:
        with self._condition:
            return len(self._queue)

    def _next_due(self) -> tuple[int, Callback] | None:
        with self._condition:
            while not self._stopping:
                if self._queue and self._queue[0][0] <= time.monotonic():
                    _due, _seq, attempt, callback = heapq.heappop(self._queue)
                    return attempt, callback
                wait = self._queue[0][0] - time.monotonic() if self._queue else None
                self._condition.wait(wait)
            return None

    def _run(self) -> None:
        while (item := self._next_due()) is not None:
            attempt, callback = item
            if not self._send(callback):
                delay = retry_delay(attempt, self._backoff_cap)
                self.stats.retried += 1
                self.schedule(callback, time.monotonic() + delay, attempt + 1)

    def _send(self, callback: Callback) -> bool:
        """POST one callback; True when it needs no further attempt."""
        body = json.dumps(callback.envelope, separators=(",", ":"))
        headers = signed_headers(self._webhook, callback.webhook_id, body)
        try:
            response = self._session.post(
                self._events_url, data=body.encode(), headers=headers, timeout=self._timeout
            )
        except requests.RequestException as exc:
            _logger.warning("callback %s not delivered: %s", callback.webhook_id, exc)
            return False
        if response.status_code in RETRYABLE_STATUS:
            _logger.warning(
                "callback %s answered %s; will retry", callback.webhook_id, response.status_code
            )
            return False
        if 200 <= response.status_code < 300:
            if response.status_code == 200:
                self.stats.duplicates_acknowledged += 1
            else:
                self.stats.sent += 1
            return True
        self.stats.refused += 1
        reason = f"{callback.webhook_id}: {response.status_code} {response.text[:200]}"
        _logger.error("callback refused by the bridge: %s", reason)
        return True
