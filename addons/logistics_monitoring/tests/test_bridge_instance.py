from odoo import fields
from odoo.exceptions import AccessError, ValidationError

from .common import LogisticsMonitoringCase


class TestBridgeInstance(LogisticsMonitoringCase):
    def test_fresh_heartbeat_creates_then_updates_one_row(self):
        answer = self._heartbeat(
            last_odoo_error="OdooUnavailable: HTTP 502",
            last_odoo_error_at="2026-03-02T08:00:00+01:00",
        )
        self.assertEqual(answer, {"bridge_id": "bridge-a:8480", "stale_after_seconds": 180})
        bridge = self.env["logistics.bridge.instance"].search([("bridge_id", "=", "bridge-a:8480")])
        self.assertEqual(bridge.host, "bridge-a")
        self.assertEqual(bridge.endpoint_codes, "ops_tms")
        self.assertEqual((bridge.pending_count, bridge.forwarded_count), (3, 40))
        self.assertEqual(bridge.oldest_pending_age_seconds, 12.5)
        self.assertEqual(str(bridge.last_odoo_error_at), "2026-03-02 07:00:00")
        self.assertFalse(bridge.is_stale)

        self._heartbeat(counts={"pending": 0, "forwarded": 43})
        self.assertEqual(bridge.search_count([("bridge_id", "=", "bridge-a:8480")]), 1)
        self.assertEqual((bridge.pending_count, bridge.forwarded_count), (0, 43))
        self.assertFalse(bridge.last_odoo_error)

    def test_registry_version_is_stored_and_compared(self):
        registry = self.env["logistics.bridge.registry"]
        current = registry._current_version()
        self._heartbeat(registry_version=current)
        bridge = self.env["logistics.bridge.instance"].search([("bridge_id", "=", "bridge-a:8480")])
        self.assertEqual(bridge.registry_version, current)
        self.assertFalse(bridge.is_registry_behind)
        registry._bump_version()
        bridge.invalidate_recordset()
        self.assertTrue(bridge.is_registry_behind)
        self.assertEqual(bridge.search([("is_registry_behind", "=", True)]), bridge)
        self.assertFalse(bridge.search([("is_registry_behind", "=", False)]))
        self._heartbeat(registry_version=None)
        self.assertEqual(bridge.registry_version, 0)
        self.assertFalse(bridge.is_registry_behind, "a bridge without registry is not behind")
        self.assertEqual(bridge.search([("is_registry_behind", "=", False)]), bridge)

    def test_registry_version_must_be_a_version(self):
        with self.assertRaises(ValidationError) as caught:
            self._heartbeat(registry_version=-1)
        self.assertIn("registry_version", str(caught.exception))

    def test_stale_when_heartbeat_stops(self):
        self._heartbeat()
        bridge = self.env["logistics.bridge.instance"].search([("bridge_id", "=", "bridge-a:8480")])
        self.ops_company.logistics_bridge_stale_seconds = 60
        self._age(bridge, "last_heartbeat", 0.02)  # 72 s ago
        self.assertTrue(bridge.is_stale)
        self.assertIn(bridge, bridge.search([("is_stale", "=", True)]))
        self.ops_company.logistics_bridge_stale_seconds = 120
        bridge.invalidate_recordset()
        self.assertFalse(bridge.is_stale)
        self.assertIn(bridge, bridge.search([("is_stale", "=", False)]))

    def test_two_bridges_two_rows(self):
        self._heartbeat("bridge-a:8480")
        self._heartbeat("bridge-b:8480", host="bridge-b", counts={"pending": 7})
        bridges = self.env["logistics.bridge.instance"].search([])
        self.assertEqual(bridges.mapped("bridge_id"), ["bridge-a:8480", "bridge-b:8480"])
        self.assertEqual(bridges.mapped("pending_count"), [3, 7])

    def test_only_the_bridge_reports(self):
        with self.assertRaises(AccessError):
            self.env["logistics.bridge.instance"].with_user(self.logistics_user).report_heartbeat(
                {"bridge_id": "x"}
            )

    def test_malformed_heartbeat_names_the_fields(self):
        with self.assertRaises(ValidationError) as caught:
            self._heartbeat(host="", interval_seconds=-1, surprise=True)
        message = str(caught.exception)
        for field in ("host", "interval_seconds", "surprise"):
            self.assertIn(field, message)

    def test_another_companys_users_see_neither_the_bridge_nor_its_figures(self):
        """A bridge belongs to the company of the bridge user it reports as: another
        company's users see neither the bridge nor its figures on their Overview, not
        even on the card of their own endpoint of the same code."""
        self._heartbeat()
        bridge = self.env["logistics.bridge.instance"].search([("bridge_id", "=", "bridge-a:8480")])
        self.assertEqual(bridge.company_id, self.ops_company)
        self._age(bridge, "last_heartbeat", 1)
        other_endpoint = self._create_endpoint(
            name="Other TMS", code="ops_tms", company_id=self.other_company.id
        )
        cards = self.env["logistics.overview.card"]
        cards._sync_endpoint_cards()
        stale_card = self.env.ref("logistics_monitoring.overview_card_bridges_stale")
        for company, seen in ((self.ops_company, bridge), (self.other_company, bridge.browse())):
            with self.subTest(company=company.name):
                manager = self._create_user(
                    f"lgx_bridges_{company.id}",
                    "logistics_integration.group_logistics_manager",
                    company=company,
                )
                env = self.env(user=manager, context={"allowed_company_ids": company.ids})
                self.assertEqual(env["logistics.bridge.instance"].search([]), seen)
                counts = env["logistics.overview"]._business_counts(
                    stale_card.with_env(env), fields.Datetime.now()
                )
                self.assertEqual(counts, {"bridges_stale": len(seen)})
                endpoint = self.ops_endpoint if seen else other_endpoint
                card = env["logistics.overview.card"].search([("endpoint_id", "=", endpoint.id)])
                self.assertEqual((card.bridge_count, card.bridge_stale_count), (len(seen),) * 2)

    def test_backlog_age_counts_the_exchange_types_company_bridges_only(self):
        self._heartbeat(oldest_pending_age_seconds=600.0)
        other_bridge_user = self._create_user(
            "lgx_other_bridge", "logistics_inbound.group_logistics_bridge", self.other_company
        )
        other_endpoint = self._create_endpoint(
            name="Other TMS", code="ops_tms", company_id=self.other_company.id
        )
        self._heartbeat(
            "bridge-other:8480",
            other_bridge_user,
            host="bridge-other",
            oldest_pending_age_seconds=60.0,
        )
        inbound = self.env["logistics.exchange.type"].search(
            [("endpoint_id", "=", other_endpoint.id), ("direction", "=", "inbound")], limit=1
        )
        self.assertTrue(inbound)
        self.assertEqual(inbound._sla_measure("backlog_age", fields.Datetime.now()), 1.0)
