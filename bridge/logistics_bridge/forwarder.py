"""Forwarder: claims pending events from the inbox and hands them to Odoo.

It is the only layer that retries. A failure of the call as a whole (Odoo
unreachable, HTTP 5xx, JSON-RPC error, malformed answer) releases the batch
untouched and waits a capped exponential backoff with full jitter; after a timeout
the batch stays leased until its lease ends instead, since Odoo may still be applying
it: sent again at once, beside itself, it would only collide with itself. When the call
reached Odoo (timeout, HTTP error, JSON-RPC error), the next batch is halved too (an
Odoo too busy to answer a batch within the timeout gets smaller ones, instead of the
same one again; a successful round doubles it back up to ``batch_size``), while a
refused connection (Odoo stopped) keeps it whole, so a backlog drains in full batches
once Odoo is back. While Odoo refuses connections, the next try comes within
``unreachable_retry_seconds`` whatever the backoff has grown to (a refused connection
costs Odoo nothing): a backlog starts draining as soon as Odoo is back. A good round
that took Odoo longer than ``batch_seconds`` sizes the next batch to take about that
long at the round's pace: a loaded Odoo gets smaller batches before any of them times out.

A bridge runs ``forward.lanes`` forwarders on its inbox, each with a batch in flight:
Odoo's workers ingest them side by side. They never hold two events of one shipment,
since only the oldest pending event of a shipment can be claimed (``store.inbox``).
An idle forwarder sleeps until the inbox accepts new events (or ``max_wait_seconds``,
for events another bridge process accepted into a shared inbox). Odoo's
per-event answers are recorded on each row: processed/duplicate/needs_review/
conflict end as ``forwarded``, ``rejected`` as ``rejected``; an event missing from the
answer stays pending and is retried on its own backoff.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from .background import BackgroundLoop
from .config import ForwardSettings
from .exceptions import (
    InboxError,
    OdooError,
    OdooProtocolError,
    OdooTimeout,
    OdooUnreachable,
)
from .metrics import BridgeMetrics
from .models import OdooAnswer, StoredEvent
from .odoo_client import OdooClient
from .store import Inbox, Outcome

_logger = logging.getLogger(__name__)

_DONE_RESULTS = frozenset({"processed", "duplicate", "needs_review", "conflict"})


def full_jitter_delay(
    attempt: int, base: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """AWS "full jitter": uniform in [0, min(cap, base * 2**attempt))."""
    return rand() * min(cap, base * (2 ** min(attempt, 32)))


@dataclass
class BatchReport:
    """What one forwarding round did."""

    claimed: int = 0
    forwarded: int = 0
    rejected: int = 0
    retried: int = 0
    failed: int = 0
    transport_error: str | None = None
    # False when Odoo refused the connection: the batch never reached it.
    reached_odoo: bool = True


class Forwarder(BackgroundLoop):
    """Moves events from the inbox to Odoo, in receipt order per shipment."""

    thread_name = "forwarder"

    def __init__(
        self,
        inbox: Inbox,
        client: OdooClient,
        settings: ForwardSettings,
        metrics: BridgeMetrics | None = None,
        owner: str | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.inbox = inbox
        self.client = client
        self.settings = settings
        self.metrics = metrics
        self.owner = owner or f"forwarder-{uuid.uuid4()}"
        self._rand = rand
        self._failures = 0
        # The last failed round never reached Odoo (connection refused).
        self._unreachable = False
        self.batch_size = settings.batch_size
        super().__init__()

    # -- one round ----------------------------------------------------------------------
    def run_once(self) -> BatchReport:
        """Claim one batch, forward it endpoint by endpoint, record the answers."""
        report = BatchReport()
        events = self.inbox.claim(self.owner, self.batch_size, self.settings.lease_seconds)
        report.claimed = len(events)
        if not events:
            return report
        by_endpoint: dict[str, list[StoredEvent]] = {}
        for event in events:
            by_endpoint.setdefault(event.endpoint, []).append(event)
        started = time.perf_counter()
        for endpoint, group in by_endpoint.items():
            try:
                answers = self._call(endpoint, group)
            except OdooTimeout as exc:
                # Left leased: claimed again once the lease ends, answered then as
                # duplicates for what Odoo committed meanwhile.
                report.transport_error = str(exc)
                continue
            except OdooError as exc:
                report.transport_error = str(exc)
                report.reached_odoo = not isinstance(exc, OdooUnreachable)
                self.inbox.release(self.owner, [event.id for event in group])
                continue
            self._record(group, answers, report)
        if report.transport_error:
            self._failures += 1
            self._unreachable = not report.reached_odoo
            if report.reached_odoo:
                self.batch_size = max(1, self.batch_size // 2)
            self.inbox.set_meta("last_odoo_error", report.transport_error)
            if self.metrics:
                self.metrics.forward_failures.inc()
            _logger.warning(
                "forwarding failed (%d in a row), events stay pending, next batch %d: %s",
                self._failures,
                self.batch_size,
                report.transport_error,
            )
        else:
            if self._failures:
                _logger.info("Odoo reachable again after %d failed round(s)", self._failures)
            self._failures = 0
            elapsed = time.perf_counter() - started
            if elapsed > self.settings.batch_seconds:
                # Too slow: the size Odoo answers in batch_seconds at this pace. A quick
                # round says nothing of a bigger batch's pace (each call has a fixed cost).
                fitting = int(report.claimed * self.settings.batch_seconds / elapsed)
                self.batch_size = max(1, min(self.batch_size, fitting))
            else:
                self.batch_size = min(self.settings.batch_size, self.batch_size * 2)
        return report

    def _call(self, endpoint: str, group: list[StoredEvent]) -> dict[str, list[OdooAnswer]]:
        started = time.perf_counter()
        try:
            result = self.client.ingest_events(endpoint, [event.to_odoo() for event in group])
        finally:
            if self.metrics:
                self.metrics.forward_latency.observe(time.perf_counter() - started)
        if not isinstance(result, list):
            raise OdooProtocolError("ingest_events did not answer a list")
        # In answer order per event id: a conflicting body shares its id with the first.
        answers: dict[str, list[OdooAnswer]] = {}
        for item in result:
            try:
                answer = OdooAnswer.model_validate(item)
            except ValidationError:
                _logger.warning("ignoring malformed element of Odoo's answer for %s", endpoint)
                continue
            answers.setdefault(answer.event_id, []).append(answer)
        return answers

    def _record(
        self, group: list[StoredEvent], answers: dict[str, list[OdooAnswer]], report: BatchReport
    ) -> None:
        now = time.time()
        outcomes = []
        for event in group:
            answer = (answers.get(event.event_id) or [None]).pop(0)
            if answer is not None and answer.result in _DONE_RESULTS:
                outcomes.append(Outcome(event.id, "forwarded", answer.result, answer.reason))
                report.forwarded += 1
            elif answer is not None and answer.result == "rejected":
                outcomes.append(Outcome(event.id, "rejected", "rejected", answer.reason))
                report.rejected += 1
                _logger.warning(
                    "Odoo rejected event %s of %s/%s (correlation %s): %s",
                    event.event_id,
                    event.endpoint,
                    event.ordering_key,
                    event.correlation_id,
                    answer.reason,
                )
            else:
                reason = (
                    f"unknown result {answer.result!r} from Odoo"
                    if answer is not None
                    else "missing from Odoo's answer"
                )
                attempts = event.attempts + 1
                if self.settings.max_attempts and attempts >= self.settings.max_attempts:
                    outcomes.append(Outcome(event.id, "failed", None, reason))
                    report.failed += 1
                    _logger.error(
                        "event %s of %s failed after %d attempts: %s",
                        event.event_id,
                        event.endpoint,
                        attempts,
                        reason,
                    )
                else:
                    delay = full_jitter_delay(
                        attempts,
                        self.settings.backoff_base_seconds,
                        self.settings.backoff_cap_seconds,
                        self._rand,
                    )
                    outcomes.append(Outcome(event.id, "pending", None, reason, now + delay))
                    report.retried += 1
            if self.metrics and answer is not None:
                self.metrics.forwarded.labels(answer.result).inc()
        self.inbox.record(self.owner, outcomes)

    def backoff_delay(self) -> float:
        """Delay before the next round after ``self._failures`` failed rounds in a row."""
        if not self._failures:
            return 0.0
        delay = full_jitter_delay(
            self._failures - 1,
            self.settings.backoff_base_seconds,
            self.settings.backoff_cap_seconds,
            self._rand,
        )
        if self._unreachable:
            return min(delay, self.settings.unreachable_retry_seconds)
        return delay

    # -- thread ---------------------------------------------------------------------------
    def run(self) -> None:
        """Loop until ``stop()``; a stop request takes effect after the current batch."""
        _logger.info("forwarder %s started", self.owner)
        while not self._stop.is_set():
            # Read before claiming: an event accepted while the claim runs wakes the wait.
            accepted = self.inbox.accepted_count()
            try:
                report = self.run_once()
            except InboxError as exc:
                _logger.error("inbox unavailable to the forwarder: %s", exc)
                self._stop.wait(self.settings.backoff_cap_seconds / 4)
                continue
            if report.transport_error:
                self._stop.wait(self.backoff_delay())
            elif report.claimed == 0:
                # Idle: wait for the inbox to accept events, at most max_wait; while there
                # is work, go on at once so that the next event of each shipment (now
                # eligible) follows quickly.
                self.inbox.wait_accepted(accepted, self.settings.max_wait_seconds)
        _logger.info("forwarder %s stopped", self.owner)
