"""Prometheus metrics, each app instance with its own ``CollectorRegistry``."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .exceptions import InboxError

_logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _InboxDepthCollector(Collector):
    """Reads inbox depth per state (and the oldest pending event's age, when given how)
    at scrape time, at most once a second."""

    def __init__(
        self,
        counts: Callable[[], dict[str, int]],
        oldest_pending_age: Callable[[], float | None] | None = None,
    ) -> None:
        self._counts = counts
        self._oldest_pending_age = oldest_pending_age
        self._cached: dict[str, int] = {}
        self._cached_age: float | None = None
        self._at = -1e18

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = time.monotonic()
        if now - self._at > 1.0:
            try:
                self._cached = self._counts()
                if self._oldest_pending_age is not None:
                    self._cached_age = self._oldest_pending_age()
                self._at = now
            except InboxError as exc:
                _logger.warning("cannot read inbox depth for metrics: %s", exc)
        family = GaugeMetricFamily(
            "logistics_bridge_inbox_events", "Events in the inbox by state", labels=["state"]
        )
        for state, count in sorted(self._cached.items()):
            family.add_metric([state], count)
        yield family
        if self._oldest_pending_age is not None:
            # 0 with nothing pending, so that an alert on the age resolves once drained.
            yield GaugeMetricFamily(
                "logistics_bridge_inbox_oldest_pending_age_seconds",
                "Age of the oldest pending event in the inbox (0: none pending)",
                value=self._cached_age or 0.0,
            )


@dataclass(frozen=True, slots=True)
class EventCounters:
    """The event counters of one endpoint and format, their labels applied."""

    accepted: Counter
    duplicates: Counter
    conflicts: Counter


class BridgeMetrics:
    """The bridge's counters and histograms."""

    def __init__(
        self,
        inbox_counts: Callable[[], dict[str, int]] | None = None,
        oldest_pending_age: Callable[[], float | None] | None = None,
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.accepted = Counter(
            "logistics_bridge_events_accepted",
            "Events newly stored in the inbox",
            ["endpoint", "format"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "logistics_bridge_requests_rejected",
            "Requests refused, by reason",
            ["reason"],
            registry=self.registry,
        )
        self.duplicates = Counter(
            "logistics_bridge_events_duplicate",
            "Events already in the inbox (redeliveries)",
            ["endpoint", "format"],
            registry=self.registry,
        )
        self.conflicts = Counter(
            "logistics_bridge_events_conflict",
            "Events under an id already received, with other content (kept for review)",
            ["endpoint", "format"],
            registry=self.registry,
        )
        self.forwarded = Counter(
            "logistics_bridge_events_forwarded",
            "Events answered by Odoo, by result",
            ["result"],
            registry=self.registry,
        )
        self.forward_failures = Counter(
            "logistics_bridge_forward_failures",
            "Forward calls that did not reach a usable Odoo answer",
            registry=self.registry,
        )
        self.forward_latency = Histogram(
            "logistics_bridge_forward_seconds",
            "Duration of one ingest_events call to Odoo",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        if inbox_counts is not None:
            self.registry.register(_InboxDepthCollector(inbox_counts, oldest_pending_age))
        # Applying labels takes a lock and builds a key: every callback counts, once done
        # per endpoint and format is enough.
        self._event_counters: dict[tuple[str, str], EventCounters] = {}

    def event_counters(self, endpoint: str, event_format: str) -> EventCounters:
        """The accepted, duplicate and conflict counters of ``endpoint`` in ``event_format``."""
        counters = self._event_counters.get((endpoint, event_format))
        if counters is None:
            counters = self._event_counters[(endpoint, event_format)] = EventCounters(
                self.accepted.labels(endpoint, event_format),
                self.duplicates.labels(endpoint, event_format),
                self.conflicts.labels(endpoint, event_format),
            )
        return counters

    def render(self) -> bytes:
        """Prometheus text exposition of this instance's registry."""
        return generate_latest(self.registry)
