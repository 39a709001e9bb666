"""Prometheus exposition of Odoo's integration figures.

Plain Python with ``prometheus_client``, no Odoo import: ``logistics.metrics``
gathers the figures into a ``MetricFigures`` and every request renders them from a
``CollectorRegistry`` of its own (no process-wide state). ``FAMILIES`` is the published list
of metric names: the tests check the dashboards and alert rules in ``docs/``
against it and the exposition against it.
"""

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Upper bounds of the exchange duration histogram, in seconds.
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

FAMILIES = {
    "logistics_odoo_exchanges": "Exchanges of the last 24 h by endpoint, direction and state",
    "logistics_odoo_exchange_duration_seconds": "Duration of exchanges of the last 24 h",
    "logistics_odoo_queue_jobs": "Unfinished and failed queue jobs by channel and state",
    "logistics_odoo_review_backlog": "Inbound events waiting for a person's review",
    "logistics_odoo_review_oldest_age_seconds": "Age of the oldest inbound event under review",
    "logistics_odoo_sla_breaches_open": "Open SLA breaches by exchange type and target",
    "logistics_odoo_business_exceptions": "Business exceptions of the overview by indicator",
    "logistics_odoo_bridge_heartbeat_age_seconds": "Seconds since each bridge's last heartbeat",
    "logistics_odoo_bridge_pending_events": "Events pending in each bridge's inbox",
}


@dataclass
class MetricFigures:
    """Rows of each family, as tuples of label values then values."""

    exchanges: list = field(default_factory=list)  # (endpoint, direction, state, count)
    # (endpoint, cumulative counts per DURATION_BUCKETS bound, count, sum of seconds)
    durations: list = field(default_factory=list)
    jobs: list = field(default_factory=list)  # (channel, state, count)
    reviews: list = field(default_factory=list)  # (endpoint, count, oldest age seconds)
    breaches: list = field(default_factory=list)  # (exchange_type, target, count)
    business: list = field(default_factory=list)  # (indicator, count)
    bridges: list = field(default_factory=list)  # (bridge, heartbeat age seconds, pending)


class _OdooCollector(Collector):
    """Yields the families of one ``MetricFigures``."""

    def __init__(self, figures):
        self._figures = figures

    def collect(self):
        figures = self._figures
        exchanges = _gauge("logistics_odoo_exchanges", ["endpoint", "direction", "state"])
        for endpoint, direction, state, count in figures.exchanges:
            exchanges.add_metric([endpoint, direction, state], count)
        yield exchanges

        durations = HistogramMetricFamily(
            "logistics_odoo_exchange_duration_seconds",
            FAMILIES["logistics_odoo_exchange_duration_seconds"],
            labels=["endpoint"],
        )
        for endpoint, cumulative, total, seconds in figures.durations:
            buckets = [
                (repr(bound), count)
                for bound, count in zip(DURATION_BUCKETS, cumulative, strict=True)
            ]
            buckets.append(("+Inf", total))
            durations.add_metric([endpoint], buckets, seconds)
        yield durations

        jobs = _gauge("logistics_odoo_queue_jobs", ["channel", "state"])
        for channel, state, count in figures.jobs:
            jobs.add_metric([channel, state], count)
        yield jobs

        backlog = _gauge("logistics_odoo_review_backlog", ["endpoint"])
        oldest = _gauge("logistics_odoo_review_oldest_age_seconds", ["endpoint"])
        for endpoint, count, age in figures.reviews:
            backlog.add_metric([endpoint], count)
            oldest.add_metric([endpoint], age)
        yield backlog
        yield oldest

        breaches = _gauge("logistics_odoo_sla_breaches_open", ["exchange_type", "target"])
        for exchange_type, target, count in figures.breaches:
            breaches.add_metric([exchange_type, target], count)
        yield breaches

        business = _gauge("logistics_odoo_business_exceptions", ["indicator"])
        for indicator, count in figures.business:
            business.add_metric([indicator], count)
        yield business

        heartbeat = _gauge("logistics_odoo_bridge_heartbeat_age_seconds", ["bridge"])
        pending = _gauge("logistics_odoo_bridge_pending_events", ["bridge"])
        for bridge, age, pending_count in figures.bridges:
            heartbeat.add_metric([bridge], age)
            pending.add_metric([bridge], pending_count)
        yield heartbeat
        yield pending


def _gauge(name, labels):
    return GaugeMetricFamily(name, FAMILIES[name], labels=labels)


def render(figures):
    """The Prometheus text exposition of ``figures``, from a registry of its own."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_OdooCollector(figures))
    return generate_latest(registry)
