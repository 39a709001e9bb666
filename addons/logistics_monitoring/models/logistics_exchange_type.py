import logging
import math
from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.logistics_integration.validation import check_bounds

from .logistics_overview import JOB_OPEN_STATES
from .logistics_sla_breach import SLA_ACTIVITY, SLA_METRICS

_logger = logging.getLogger(__name__)

# metric -> the exchange type field holding its target
SLA_TARGET_FIELDS = {
    "ack_latency": "sla_max_ack_minutes",
    "milestone_latency": "sla_max_milestone_minutes",
    "failure_rate": "sla_max_failure_rate",
    "backlog_age": "sla_max_backlog_minutes",
    "review_wait": "sla_max_review_hours",
}
# A year of history at most; a target is 0 (none) or more, a failure rate a percentage.
SLA_BOUNDS = {
    "sla_window_hours": (1, 24 * 366),
    "sla_max_ack_minutes": (0, math.inf),
    "sla_max_milestone_minutes": (0, math.inf),
    "sla_max_failure_rate": (0, 100),
    "sla_max_backlog_minutes": (0, math.inf),
    "sla_max_review_hours": (0, math.inf),
}


def _sla_target(string, measures):
    """The field of one SLA target: a threshold on what ``measures`` says, empty (0)
    for none."""
    return fields.Float(string=string, help=f"{measures}; empty: no threshold.")


class LogisticsExchangeType(models.Model):
    _inherit = "logistics.exchange.type"

    sla_window_hours = fields.Integer(
        string="SLA Window (h)",
        default=24,
        help="Latencies and the failure rate are measured over this many past hours.",
    )
    sla_max_ack_minutes = _sla_target(
        "Max Order-to-Acknowledgement (min)",
        "p95 of order confirmed to TMS acknowledged (outbound)",
    )
    sla_max_milestone_minutes = _sla_target(
        "Max Callback-to-Milestone (min)",
        "p95 of the bridge's receipt of a callback to the milestone in Odoo (inbound)",
    )
    sla_max_failure_rate = _sla_target(
        "Max Failure Rate (%)", "Failed, rejected or review exchanges of this direction"
    )
    sla_max_backlog_minutes = _sla_target(
        "Max Backlog Age (min)",
        "Oldest unfinished job (outbound) or oldest event pending in a bridge (inbound)",
    )
    sla_max_review_hours = _sla_target(
        "Max Review Wait (h)", "Oldest inbound event waiting for a person's review"
    )
    sla_breach_ids = fields.One2many(
        comodel_name="logistics.sla.breach", inverse_name="exchange_type_id", string="SLA Breaches"
    )
    sla_open_breach_count = fields.Integer(
        string="Open SLA Breaches", compute="_compute_sla_open_breach_count"
    )

    @api.constrains(*SLA_BOUNDS)
    def _check_sla_targets(self):
        check_bounds(self, SLA_BOUNDS)

    def _compute_sla_open_breach_count(self):
        counts = dict(
            self.env["logistics.sla.breach"]._read_group(
                [("exchange_type_id", "in", self.ids), ("state", "=", "open")],
                ["exchange_type_id"],
                ["__count"],
            )
        )
        for exchange_type in self:
            exchange_type.sla_open_breach_count = counts.get(exchange_type, 0)

    def action_open_sla_breaches(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_monitoring.logistics_sla_breach_action"
        )
        action["domain"] = [("exchange_type_id", "=", self.id)]
        action["context"] = {}
        return action

    # -- measurement ------------------------------------------------------------------
    def _sla_targets(self):
        """{metric: target} of the monitored metrics (target > 0)."""
        self.ensure_one()
        return {
            metric: self[field] for metric, field in SLA_TARGET_FIELDS.items() if self[field] > 0
        }

    def _sla_measure(self, metric, now):
        """The current value of ``metric``, or None when there is nothing to measure."""
        self.ensure_one()
        self.env.flush_all()
        since = now - timedelta(hours=self.sla_window_hours or 24)
        return getattr(self, f"_sla_measure_{metric}")(now, since)

    def _sla_fetch_value(self, query, params):
        self.env.cr.execute(query, params)
        value = self.env.cr.fetchone()[0]
        return None if value is None else round(float(value), 2)

    def _sla_measure_ack_latency(self, now, since):
        return self._sla_fetch_value(
            """
            SELECT percentile_cont(0.95) WITHIN GROUP (
                       ORDER BY extract(epoch FROM m.sent_date - o.date_order) / 60)
              FROM logistics_outbound_message m
              JOIN sale_order o ON o.logistics_correlation_id = m.correlation_id
             WHERE m.endpoint_id = %s AND m.sent_date >= %s AND m.payload_version <= 1
            """,
            [self.endpoint_id.id, since],
        )

    def _sla_measure_milestone_latency(self, now, since):
        return self._sla_fetch_value(
            """
            SELECT percentile_cont(0.95) WITHIN GROUP (
                       ORDER BY extract(epoch FROM ms.create_date - e.received_time) / 60)
              FROM logistics_inbound_event e
              JOIN logistics_milestone ms ON ms.id = e.milestone_id
             WHERE e.endpoint_id = %s AND ms.create_date >= %s AND e.received_time IS NOT NULL
            """,
            [self.endpoint_id.id, since],
        )

    def _sla_measure_failure_rate(self, now, since):
        return self._sla_fetch_value(
            """
            SELECT 100.0 * count(*) FILTER (WHERE is_failure) / NULLIF(count(*), 0)
              FROM logistics_integration_log
             WHERE endpoint_id = %s AND direction = %s AND create_date >= %s
            """,
            [self.endpoint_id.id, self.direction, since],
        )

    def _sla_measure_backlog_age(self, now, since):
        if self.direction == "outbound":
            return self._sla_fetch_value(
                """
                SELECT extract(epoch FROM %s - min(date_created)) / 60
                  FROM queue_job WHERE channel = %s AND state IN %s
                """,
                [now, self.endpoint_id._get_channel_name(), JOB_OPEN_STATES],
            )
        bridges = (
            self.env["logistics.bridge.instance"]
            .sudo()
            .search([("is_stale", "=", False), ("company_id", "=", self.company_id.id)])
        )
        ages = bridges._serves(self.endpoint_id.code).mapped("oldest_pending_age_seconds")
        return round(max(ages) / 60.0, 2) if ages else None

    def _sla_measure_review_wait(self, now, since):
        backlog = self.env["logistics.inbound.event"]._review_backlog(self.endpoint_id)
        if not backlog:
            return None
        __, oldest = backlog[self.endpoint_id.id]
        return round((now - oldest).total_seconds() / 3600.0, 2)

    # -- evaluation -------------------------------------------------------------------
    @api.model
    def _cron_evaluate_sla(self):
        """Open a breach for each target missed, close those whose exchange type recovered."""
        # templates (no endpoint) carry no traffic to measure
        exchange_types = self.sudo().search([("endpoint_id", "!=", False)])
        now = fields.Datetime.now()
        for exchange_type in exchange_types:
            exchange_type._evaluate_sla(now)

    def _evaluate_sla(self, now):
        self.ensure_one()
        open_breaches = {
            breach.metric: breach for breach in self.sla_breach_ids if breach.state == "open"
        }
        targets = self._sla_targets()
        for metric in dict(SLA_METRICS):
            breach = open_breaches.get(metric)
            if metric not in targets:
                if breach:
                    breach._close_breach(now, None)
                continue
            value = self._sla_measure(metric, now)
            missed = value is not None and value > targets[metric]
            if missed and breach:
                breach.write(
                    {"measured_value": value, "worst_value": max(value, breach.worst_value)}
                )
            elif missed:
                self._open_breach(metric, value, targets[metric], now)
            elif breach:
                breach._close_breach(now, value)

    def _open_breach(self, metric, value, target, now):
        self.ensure_one()
        owner = self._get_failure_assignee()
        breach = (
            self.env["logistics.sla.breach"]
            .sudo()
            .create(
                {
                    "exchange_type_id": self.id,
                    "metric": metric,
                    "start": now,
                    "measured_value": value,
                    "worst_value": value,
                    "target_value": target,
                    "owner_id": owner.id,
                }
            )
        )
        label = dict(SLA_METRICS)[metric]
        summary = _(
            "SLA missed on %(exchange_type)s: %(metric)s is %(value)s, target %(target)s",
            exchange_type=self.display_name,
            metric=label,
            value=value,
            target=target,
        )
        breach.message_subscribe(partner_ids=owner.partner_id.ids)
        breach.activity_schedule(SLA_ACTIVITY, summary=summary, user_id=owner.id)
        breach.message_post(body=summary)
        breach._notify_sla_watchers(summary)
        _logger.warning("%s", summary)
        return breach
