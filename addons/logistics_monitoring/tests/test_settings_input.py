from odoo import fields

from odoo.addons.logistics_integration.tests.common import assert_values_refused

from .common import LogisticsMonitoringCase


class TestMonitoringInput(LogisticsMonitoringCase):
    """Heartbeat timeouts and SLA targets are numbers the Overview and the SLA job can
    compute with, or refused naming the field."""

    def test_bridge_stale_seconds_out_of_range_are_refused(self):
        settings = self.env["res.config.settings"]
        assert_values_refused(
            self,
            self.ops_company,
            "logistics_bridge_stale_seconds",
            (0, -60, 10**9),
            write=lambda value: settings.create({"logistics_bridge_stale_seconds": value}),
        )
        self.ops_company.logistics_bridge_stale_seconds = 30 * 24 * 3600
        self._heartbeat()
        bridge = self.env["logistics.bridge.instance"].search([("bridge_id", "=", "bridge-a:8480")])
        self.assertFalse(bridge.is_stale)

    def test_sla_targets_out_of_range_are_refused(self):
        exchange_type = self.env["logistics.exchange.type"].search(
            [("endpoint_id", "=", self.ops_endpoint.id)], limit=1
        )
        nan = float("nan")
        assert_values_refused(self, exchange_type, "sla_window_hours", (0, -24, 10**6))
        assert_values_refused(self, exchange_type, "sla_max_failure_rate", (-1, 100.5, nan))
        for name in ("sla_max_ack_minutes", "sla_max_backlog_minutes", "sla_max_review_hours"):
            assert_values_refused(self, exchange_type, name, (-1, nan))
        exchange_type.write({"sla_window_hours": 24 * 366, "sla_max_failure_rate": 100})
        exchange_type._evaluate_sla(fields.Datetime.now())
        self.assertEqual(exchange_type.sla_open_breach_count, 0)

    def test_sla_email_that_is_no_address_is_refused(self):
        settings = self.env["res.config.settings"]
        assert_values_refused(
            self,
            self.ops_company,
            "logistics_sla_email",
            ("not an email", "ops@example", "ops@example.com;junk", "ops@example.com\nBcc: x@y.z"),
            write=lambda value: settings.create({"logistics_sla_email": value}),
        )
        self.ops_company.logistics_sla_email = "ops@example.com, oncall@example.com"
        self.assertEqual(
            self.ops_company.logistics_sla_email, "ops@example.com, oncall@example.com"
        )
