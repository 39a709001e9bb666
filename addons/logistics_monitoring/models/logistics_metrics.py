import hmac

from odoo import api, fields, models
from odoo.tools import SQL

from ..metrics import DURATION_BUCKETS, MetricFigures, render
from .logistics_overview import JOB_OPEN_STATES

TOKEN_PARAM = "logistics_monitoring.metrics_token"


class LogisticsMetrics(models.AbstractModel):
    """The figures behind Odoo's Prometheus route, gathered with SQL aggregates."""

    _name = "logistics.metrics"
    _description = "Logistics Prometheus Metrics"

    @api.model
    def _token_verdict(self, authorization):
        """401 without a bearer token, 403 with a wrong one or none configured, else 200."""
        scheme, __, presented = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            return 401
        expected = self.env["ir.config_parameter"].sudo().get_param(TOKEN_PARAM) or ""
        if not expected:
            return 403
        if not hmac.compare_digest(presented.strip().encode(), expected.encode()):
            return 403
        return 200

    @api.model
    def _render_exposition(self):
        return render(self._collect_figures())

    @api.model
    def _collect_figures(self, now=None):
        """Every figure of the exposition, for all companies (the scraper is not a user)."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        # a company is a handful of rows; the scraper reads them all
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        overview = self.env["logistics.overview"].with_context(allowed_company_ids=companies.ids)
        since = overview._window_start(now)
        cr = self.env.cr
        figures = MetricFigures()

        cr.execute(
            """
            SELECT e.code, l.direction, l.state, count(*)
              FROM logistics_integration_log l JOIN logistics_endpoint e ON e.id = l.endpoint_id
             WHERE l.create_date >= %s
             GROUP BY e.code, l.direction, l.state ORDER BY 1, 2, 3
            """,
            [since],
        )
        figures.exchanges = cr.fetchall()

        bucket_counts = SQL(", ").join(
            SQL("count(*) FILTER (WHERE l.duration_ms <= %s)", bound * 1000.0)
            for bound in DURATION_BUCKETS
        )
        cr.execute(
            SQL(
                """
                SELECT e.code, %s, count(*), coalesce(sum(l.duration_ms), 0) / 1000.0
                  FROM logistics_integration_log l
                  JOIN logistics_endpoint e ON e.id = l.endpoint_id
                 WHERE l.create_date >= %s AND l.duration_ms > 0
                 GROUP BY e.code ORDER BY 1
                """,
                bucket_counts,
                since,
            )
        )
        buckets = len(DURATION_BUCKETS)
        figures.durations = [
            (row[0], list(row[1 : 1 + buckets]), row[1 + buckets], float(row[2 + buckets]))
            for row in cr.fetchall()
        ]

        cr.execute(
            """
            SELECT channel, state, count(*) FROM queue_job
             WHERE state IN %s GROUP BY channel, state ORDER BY 1, 2
            """,
            [(*JOB_OPEN_STATES, "failed")],
        )
        figures.jobs = cr.fetchall()

        endpoints = self.env["logistics.endpoint"].sudo().with_context(active_test=False)
        # endpoints are a handful; the scraper reads them all
        endpoints = endpoints.search([])  # pylint: disable=no-search-all
        backlog = self.env["logistics.inbound.event"]._review_backlog(endpoints)
        for endpoint in endpoints.sorted("code"):
            if endpoint.id in backlog:
                count, oldest = backlog[endpoint.id]
                figures.reviews.append((endpoint.code, count, (now - oldest).total_seconds()))

        breaches = self.env["logistics.sla.breach"].sudo()
        figures.breaches = [
            (exchange_type.display_name, metric, count)
            for exchange_type, metric, count in breaches._read_group(
                [("state", "=", "open")], ["exchange_type_id", "metric"], ["__count"]
            )
        ]
        cards = self.env["logistics.overview.card"].sudo().search([("kind", "=", "business")])
        figures.business = sorted(overview._business_counts(cards, now).items())
        figures.bridges = [
            (
                bridge.bridge_id,
                (now - bridge.last_heartbeat).total_seconds() if bridge.last_heartbeat else 0.0,
                bridge.pending_count,
            )
            for bridge in self.env["logistics.bridge.instance"].sudo().search([])
        ]
        return figures
