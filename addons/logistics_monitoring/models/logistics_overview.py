import json
from datetime import timedelta

from odoo import api, fields, models

# queue_job states of a job that has not finished yet.
JOB_OPEN_STATES = ("wait_dependencies", "pending", "enqueued", "started")
# The time windows the overview offers: (key, label, hours, trend bucket hours).
WINDOWS = {
    "24h": (24, 1),
    "7d": (7 * 24, 24),
    "30d": (30 * 24, 24),
}
DEFAULT_WINDOW = "24h"


class LogisticsOverview(models.AbstractModel):
    """The figures of Logistics > Overview.

    An endpoint card's figures are SQL aggregates, each with an ORM domain
    (``_endpoint_domain``) that opens exactly the records it counts; the SQL goes
    around the ORM for speed, so it filters on the user's allowed companies itself.
    A business card's figures are counts of its own definition's domain.
    """

    _name = "logistics.overview"
    _description = "Logistics Overview"

    @api.model
    def _window(self):
        """The window the figures cover: the ``overview_window`` key of the context."""
        window = self.env.context.get("overview_window")
        return window if window in WINDOWS else DEFAULT_WINDOW

    @api.model
    def _window_start(self, now=None):
        hours = WINDOWS[self._window()][0]
        return (now or fields.Datetime.now()) - timedelta(hours=hours)

    @api.model
    def _trend(self, endpoints, now):
        """Per endpoint id: exchanges and failures of the window, oldest bucket first,
        in buckets of an hour (24 h) or a day (7 d, 30 d)."""
        hours, bucket_hours = WINDOWS[self._window()]
        buckets = hours // bucket_hours
        trend = {
            endpoint.id: [{"total": 0, "failed": 0} for __ in range(buckets)]
            for endpoint in endpoints
        }
        if not endpoints:
            return trend
        self.env["logistics.integration.log"].flush_model()
        start = self._window_start(now)
        self.env.cr.execute(
            """
            SELECT endpoint_id,
                   floor(extract(epoch FROM create_date - %(start)s) / %(bucket)s)::int,
                   count(*),
                   count(*) FILTER (WHERE is_failure)
              FROM logistics_integration_log
             WHERE endpoint_id = ANY(%(endpoints)s) AND create_date >= %(start)s
               AND create_date <= %(now)s
             GROUP BY 1, 2
            """,
            {
                "start": start,
                "now": now,
                "bucket": bucket_hours * 3600,
                "endpoints": endpoints.ids,
            },
        )
        for endpoint_id, bucket, total, failed in self.env.cr.fetchall():
            trend[endpoint_id][min(bucket, buckets - 1)] = {"total": total, "failed": failed}
        return trend

    @api.model
    def _sla_compliance(self, endpoints, now):
        """Per endpoint id: ``(within, measured)``, the callbacks of the window whose
        milestone followed the bridge's receipt within the inbound exchange type's
        target, and the callbacks measured (endpoints without a target measure none)."""
        compliance = {endpoint.id: (0, 0) for endpoint in endpoints}
        targets = {}
        exchange_types = (
            self.env["logistics.exchange.type"]
            .sudo()
            .search(
                [
                    ("endpoint_id", "in", endpoints.ids),
                    ("direction", "=", "inbound"),
                    ("sla_max_milestone_minutes", ">", 0),
                ]
            )
        )
        for exchange_type in exchange_types:
            # the strictest target when an endpoint has several inbound types
            current = targets.get(exchange_type.endpoint_id.id)
            minutes = exchange_type.sla_max_milestone_minutes
            targets[exchange_type.endpoint_id.id] = min(current or minutes, minutes)
        if not targets:
            return compliance
        for model in ("logistics.inbound.event", "logistics.milestone"):
            self.env[model].flush_model()
        self.env.cr.execute(
            """
            SELECT e.endpoint_id,
                   count(*) FILTER (
                       WHERE extract(epoch FROM ms.create_date - e.received_time) / 60
                             <= (%(targets)s::jsonb ->> e.endpoint_id::text)::float),
                   count(*)
              FROM logistics_inbound_event e
              JOIN logistics_milestone ms ON ms.id = e.milestone_id
             WHERE e.endpoint_id = ANY(%(endpoints)s) AND ms.create_date >= %(start)s
               AND e.received_time IS NOT NULL
             GROUP BY e.endpoint_id
            """,
            {
                "targets": json.dumps({str(key): value for key, value in targets.items()}),
                "endpoints": list(targets),
                "start": self._window_start(now),
            },
        )
        for endpoint_id, within, measured in self.env.cr.fetchall():
            compliance[endpoint_id] = (within, measured)
        return compliance

    @api.model
    def _overview_data(self, now=None):
        """Every figure of the overview: ``{"endpoints": {id: figures}, "business":
        {indicator: count}}``, of the cards the user may see."""
        now = now or fields.Datetime.now()
        # the endpoints the user may see (record rules): a handful per company
        endpoints = self.env["logistics.endpoint"].search([])  # pylint: disable=no-search-all
        return {
            "endpoints": self._endpoint_figures(endpoints, now),
            "business": self._business_counts(
                self.env["logistics.overview.card"].search([("kind", "=", "business")]), now
            ),
        }

    @api.model
    def _business_counts(self, cards, now):
        """{indicator: count} of business ``cards``."""
        figures = self._business_figures(cards, now)
        return {card.indicator: figures[card.id]["indicator_count"] for card in cards}

    @api.model
    def _endpoint_figures(self, endpoints, now):
        """Per endpoint id: exchanges of the window, failures and their rate, p50/p95
        duration, open and failed queue jobs, inbound review backlog and its oldest age."""
        cr = self.env.cr
        figures = {
            endpoint.id: {
                "exchange_count": 0,
                "failure_count": 0,
                "failure_rate": 0.0,
                "duration_p50_ms": 0.0,
                "duration_p95_ms": 0.0,
                "job_pending_count": 0,
                "job_failed_count": 0,
                "review_count": 0,
                "review_oldest_hours": 0.0,
            }
            for endpoint in endpoints
        }
        if not endpoints:
            return figures
        for model in ("logistics.integration.log", "queue.job"):
            self.env[model].flush_model()
        cr.execute(
            """
            SELECT endpoint_id,
                   count(*),
                   count(*) FILTER (WHERE is_failure),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms)
                       FILTER (WHERE duration_ms > 0),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)
                       FILTER (WHERE duration_ms > 0)
              FROM logistics_integration_log
             WHERE endpoint_id = ANY(%s) AND create_date >= %s
             GROUP BY endpoint_id
            """,
            [endpoints.ids, self._window_start(now)],
        )
        for endpoint_id, total, failed, p50, p95 in cr.fetchall():
            figures[endpoint_id].update(
                exchange_count=total,
                failure_count=failed,
                failure_rate=round(100.0 * failed / total, 1) if total else 0.0,
                duration_p50_ms=round(p50 or 0.0, 1),
                duration_p95_ms=round(p95 or 0.0, 1),
            )
        by_channel = {endpoint._get_channel_name(): endpoint.id for endpoint in endpoints}
        cr.execute(
            """
            SELECT channel,
                   count(*) FILTER (WHERE state IN %s),
                   count(*) FILTER (WHERE state = 'failed')
              FROM queue_job
             WHERE channel = ANY(%s) AND state IN %s
             GROUP BY channel
            """,
            [JOB_OPEN_STATES, list(by_channel), (*JOB_OPEN_STATES, "failed")],
        )
        for channel, pending, failed in cr.fetchall():
            figures[by_channel[channel]].update(job_pending_count=pending, job_failed_count=failed)
        backlog = self.env["logistics.inbound.event"]._review_backlog(endpoints)
        for endpoint_id, (count, oldest) in backlog.items():
            figures[endpoint_id].update(
                review_count=count,
                review_oldest_hours=round((now - oldest).total_seconds() / 3600.0, 1),
            )
        return figures

    @api.model
    def _business_figures(self, cards, now):
        """Per business card id: the count of its records and of those that are a
        problem already, counted as the current user on the card's own domain: each
        figure is the count of the list it opens (record rules included)."""
        figures = {}
        for card in cards:
            model = self.env[card.res_model]
            counts = {"indicator_count": 0, "indicator_overdue_count": 0}
            # the Overview does not offer cards the user may not read (``_shown_domain``)
            if model.has_access("read"):
                counts["indicator_count"] = model.search_count(self._business_domain(card, now=now))
                if card.danger_domain:
                    counts["indicator_overdue_count"] = model.search_count(
                        self._business_domain(card, danger=True, now=now)
                    )
            figures[card.id] = counts
        return figures

    @api.model
    def _business_domain(self, card, danger=False, now=None):
        """The domain of the records a business card counts over the window, only
        those that are a problem already with ``danger``."""
        now = now or fields.Datetime.now()
        return card._records_domain(now, self._window_start(now), danger=danger)

    @api.model
    def _endpoint_domain(self, endpoint, figure, now=None):
        """(model, domain) of the records behind one figure of an endpoint card."""
        since = self._window_start(now)
        exchanges = [("endpoint_id", "=", endpoint.id), ("create_date", ">=", since)]
        channel = [("channel", "=", endpoint._get_channel_name())]
        bridges = self.env["logistics.bridge.instance"].search([])  # pylint: disable=no-search-all
        bridges = bridges._serves(endpoint.code)
        return {
            "exchanges": ("logistics.integration.log", exchanges),
            "failures": ("logistics.integration.log", [*exchanges, ("is_failure", "=", True)]),
            "durations": ("logistics.integration.log", [*exchanges, ("duration_ms", ">", 0)]),
            "jobs_pending": ("queue.job", [*channel, ("state", "in", JOB_OPEN_STATES)]),
            "jobs_failed": ("queue.job", [*channel, ("state", "=", "failed")]),
            "reviews": (
                "logistics.inbound.event",
                [("endpoint_id", "=", endpoint.id), ("state", "=", "needs_review")],
            ),
            "bridges": ("logistics.bridge.instance", [("id", "in", bridges.ids)]),
        }[figure]
