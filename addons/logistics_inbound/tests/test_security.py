from odoo.exceptions import AccessError
from odoo.models import check_method_name

from .common import LogisticsInboundCase


class TestBridgeSecurity(LogisticsInboundCase):
    def test_bridge_can_ingest(self):
        answer = self._ingest_one(self._event(status_code="AF"))
        self.assertEqual(answer["result"], "processed")

    def test_bridge_can_do_nothing_else(self):
        env = self.env(user=self.bridge_user)
        for model in (
            "logistics.shipment",
            "logistics.milestone",
            "logistics.inbound.event",
            "logistics.endpoint",
            "logistics.integration.log",
            "res.partner",
            "sale.order",
            "account.move",
        ):
            with self.subTest(model), self.assertRaises(AccessError):
                env[model].search([], limit=1)
        with self.assertRaises(AccessError):
            self.shipment.with_user(self.bridge_user).read(["name"])
        with self.assertRaises(AccessError):
            env["logistics.milestone"].create(
                {
                    "shipment_id": self.shipment.id,
                    "event_type_id": self.event_types["delivered"].id,
                    "event_time": "2026-01-01",
                }
            )

    def test_other_users_cannot_ingest(self):
        for user in (self.logistics_user, self.integration_admin):
            with self.subTest(user.login), self.assertRaises(AccessError):
                self.env["logistics.ingest"].with_user(user).ingest_events(
                    self.source_endpoint.code, []
                )

    def test_only_the_entry_point_is_callable_over_rpc(self):
        public = [
            name
            for name in dir(type(self.env["logistics.ingest"]))
            if not name.startswith("_") and name not in dir(type(self.env["base"]))
        ]
        self.assertEqual(public, ["ingest_events"])
        for private in ("_ingest", "_apply", "_reprocess_inbound"):
            with self.assertRaises(AccessError):
                check_method_name(private)
