from datetime import timedelta

from lxml import etree

from odoo import fields

from ..models.logistics_exchange_type import SLA_TARGET_FIELDS
from .common import LogisticsMonitoringCase


class TestSla(LogisticsMonitoringCase):
    """A breach is opened with its activity and notifications, updated, then closed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # an owner is only asked to act where they may open the breach
        cls.integration_admin.company_ids |= cls.ops_company
        cls.ops_endpoint.responsible_user_id = cls.integration_admin
        cls.channel = cls.env["discuss.channel"].create({"name": "logistics-ops"})
        cls.ops_company.write(
            {"logistics_sla_channel_id": cls.channel.id, "logistics_sla_email": "ops@example.com"}
        )
        cls.exchange_type = cls.env["logistics.exchange.type"].create(
            {
                "name": "TMS callbacks",
                "code": "sla_tms_callbacks",
                "owner_id": cls.integration_admin.id,
                "endpoint_id": cls.ops_endpoint.id,
                "direction": "inbound",
                "sla_max_failure_rate": 10.0,
                "sla_max_review_hours": 4.0,
            }
        )
        cls.Log = cls.env["logistics.integration.log"].sudo()

    def _logs(self, processed, failed):
        self.Log.create(
            [
                {"direction": "inbound", "endpoint_id": self.ops_endpoint.id, "state": state}
                for state in ["processed"] * processed + ["rejected"] * failed
            ]
        )

    def _breaches(self, **domain):
        return self.env["logistics.sla.breach"].search(
            [("exchange_type_id", "=", self.exchange_type.id)]
            + [(key, "=", value) for key, value in domain.items()]
        )

    def test_breach_opened_notified_updated_and_closed(self):
        self._logs(processed=8, failed=2)
        self.env["logistics.exchange.type"]._cron_evaluate_sla()

        breach = self._breaches()
        self.assertEqual(len(breach), 1)
        self.assertEqual(breach.metric, "failure_rate")
        self.assertEqual(breach.state, "open")
        self.assertEqual((breach.measured_value, breach.target_value), (20.0, 10.0))
        self.assertEqual(breach.owner_id, self.integration_admin)
        activity = breach.activity_ids
        self.assertEqual(activity.user_id, self.integration_admin)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("logistics_monitoring.mail_activity_type_sla_breach"),
        )
        self.assertIn("20.0", activity.summary)
        self.assertTrue(self.channel.message_ids.filtered(lambda m: "SLA missed on" in str(m.body)))
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", breach._name),
                ("res_id", "=", breach.id),
                ("email_to", "=", "ops@example.com"),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("TMS callbacks", mail.subject)

        # Still failing, worse: the same breach, updated.
        self._logs(processed=0, failed=5)
        self.env["logistics.exchange.type"]._cron_evaluate_sla()
        self.assertEqual(self._breaches(), breach)
        self.assertEqual(breach.measured_value, 46.67)
        self.assertEqual(breach.worst_value, 46.67)

        # Recovered: the window has moved past the failures.
        self._age(self.Log.search([("endpoint_id", "=", self.ops_endpoint.id)]), "create_date", 30)
        self._logs(processed=20, failed=1)
        self.env["logistics.exchange.type"]._cron_evaluate_sla()
        self.assertEqual(breach.state, "closed")
        self.assertTrue(breach.end)
        self.assertFalse(breach.activity_ids)
        self.assertTrue(
            self.channel.message_ids.filtered(lambda m: "SLA recovered on" in str(m.body))
        )
        self.assertEqual(len(self._breaches()), 1)

    def test_review_wait_breach(self):
        event = (
            self.env["logistics.inbound.event"]
            .sudo()
            .create(
                {
                    "endpoint_id": self.ops_endpoint.id,
                    "external_event_id": "evt-sla-review",
                    "state": "needs_review",
                }
            )
        )
        self._age(event, "create_date", 6)
        self.env["logistics.exchange.type"]._cron_evaluate_sla()
        breach = self._breaches(metric="review_wait")
        self.assertAlmostEqual(breach.measured_value, 6.0, delta=0.05)
        self.assertEqual(breach.target_value, 4.0)

    def test_latency_from_bridge_receipt_to_milestone(self):
        self.exchange_type.sla_max_milestone_minutes = 5
        shipment = self._create_shipment(company_id=self.ops_company.id)
        # the clock of create_date: latencies do not drift with the time tests take
        now = self.env.cr.now()
        for index, delay in enumerate((1, 2, 30)):
            milestone = self._add_milestone(shipment, "in_transit", now - timedelta(hours=1))
            self.env["logistics.inbound.event"].sudo().create(
                {
                    "endpoint_id": self.ops_endpoint.id,
                    "external_event_id": f"evt-latency-{index}",
                    "state": "processed",
                    "milestone_id": milestone.id,
                    "received_time": now - timedelta(minutes=delay),
                }
            )
        value = self.exchange_type._sla_measure("milestone_latency", now)
        # p95 of 1, 2 and 30 minutes, interpolated: 2 + 0.9 * 28
        self.assertAlmostEqual(value, 27.2, delta=0.1)
        self.env["logistics.exchange.type"]._cron_evaluate_sla()
        self.assertEqual(self._breaches(metric="milestone_latency").state, "open")

    def test_order_to_acknowledgement_latency_and_job_backlog(self):
        outbound = self.env["logistics.exchange.type"].create(
            {
                "name": "TMS orders",
                "code": "sla_tms_orders",
                "endpoint_id": self.ops_endpoint.id,
                "direction": "outbound",
                "sla_max_ack_minutes": 10,
                "sla_max_backlog_minutes": 15,
            }
        )
        product = self.env["product.product"].create(
            {"name": "Handling", "type": "service", "invoice_policy": "order"}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.ops_company.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        self.assertTrue(order.logistics_correlation_id)
        self.env["logistics.outbound.message"].sudo().create(
            {
                "endpoint_id": self.ops_endpoint.id,
                "exchange_type_code": "sla_tms_orders",
                "exchange_type_id": outbound.id,
                "http_method": "POST",
                "path": "/v1/orders",
                "payload": "{}",
                "payload_version": 1,
                "idempotency_key": "sla-ack-1",
                "correlation_id": order.logistics_correlation_id,
                "state": "sent",
                "sent_date": order.date_order + timedelta(minutes=12),
            }
        )
        channel = self.ops_endpoint._get_channel_name()
        self.ops_endpoint.with_delay(channel=channel)._ensure_job_channel()
        job = self.env["queue.job"].search([("channel", "=", channel)])
        self._age(job, "date_created", 0.5)

        now = fields.Datetime.now()
        self.assertAlmostEqual(outbound._sla_measure("ack_latency", now), 12.0, delta=0.01)
        self.assertAlmostEqual(outbound._sla_measure("backlog_age", now), 30.0, delta=0.5)
        self.env["logistics.exchange.type"]._cron_evaluate_sla()
        breaches = self.env["logistics.sla.breach"].search([("exchange_type_id", "=", outbound.id)])
        self.assertEqual(set(breaches.mapped("metric")), {"ack_latency", "backlog_age"})

    def test_unmonitored_targets_open_nothing(self):
        self.exchange_type.write({"sla_max_failure_rate": 0, "sla_max_review_hours": 0})
        self._logs(processed=0, failed=10)
        self.env["logistics.exchange.type"]._cron_evaluate_sla()
        self.assertFalse(self._breaches())


class TestSlaThresholdDisplay(LogisticsMonitoringCase):
    """A threshold of 0 means none: the form shows it empty, never 0.00."""

    def test_thresholds_use_the_no_threshold_widget_and_say_so(self):
        arch = self.env["logistics.exchange.type"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        form = etree.fromstring(arch)
        for name in SLA_TARGET_FIELDS.values():
            with self.subTest(field=name):
                (node,) = form.xpath(f"//field[@name='{name}']")
                self.assertEqual(node.get("widget"), "logistics_threshold")
                help_text = self.env["logistics.exchange.type"]._fields[name].help
                self.assertIn("empty: no threshold", help_text)
        paths = [
            path for path, *_rest in self.env["ir.asset"]._get_asset_paths("web.assets_backend", {})
        ]
        self.assertTrue(
            any(
                path.endswith("logistics_monitoring/static/src/threshold_field/threshold_field.js")
                for path in paths
            )
        )

    def test_empty_thresholds_open_no_breach(self):
        exchange_type = self.env["logistics.exchange.type"].create(
            {"name": "Quiet", "code": "sla_quiet", "direction": "outbound", "endpoint_kind": "tms"}
        )
        self.assertEqual(exchange_type._sla_targets(), {})
        exchange_type.sla_max_failure_rate = 5.0
        self.assertEqual(exchange_type._sla_targets(), {"failure_rate": 5.0})
