from odoo.tests.common import TransactionCase

from odoo.addons.logistics_integration.tests.common import published_schema

from ..adapters import PlanningData, ResponseError
from ..contract import TmsOrderV1


class TestContract(TransactionCase):
    def test_published_schema_matches_the_model(self):
        published = published_schema("tms-order.v1.schema.json")
        if published is None:
            self.skipTest("addon installed outside its repository")
        self.assertEqual(
            published,
            TmsOrderV1.model_json_schema(),
            "Regenerate with: python3 docs/schemas/generate.py",
        )

    def test_response_parsing(self):
        adapter = self.env["logistics.tms.adapter.generic.v1"]
        planning = adapter._parse_order_response(
            {
                "planning_reference": "P-1",
                "carrier": {"code": "DHL"},
                "estimated_delivery": "2026-12-01",
            }
        )
        self.assertEqual(planning.reference, "P-1")
        self.assertEqual(planning.carrier_code, "DHL")
        self.assertEqual(planning.estimated_delivery.day, 1)
        self.assertIsInstance(planning, PlanningData)
        with self.assertRaises(ResponseError):
            adapter._parse_order_response({"carrier": {"code": "DHL"}})
        # A number would be read as unix time; a time must say its offset.
        for estimated in (1764583200, "1764583200", True, "2026-12-03T10:00:00", "12/01/2026"):
            with (
                self.subTest(estimated_delivery=estimated),
                self.assertRaisesRegex(ResponseError, "estimated_delivery"),
            ):
                adapter._parse_order_response(
                    {"planning_reference": "P-1", "estimated_delivery": estimated}
                )
        self.assertTrue(adapter._order_exists({"error": "order_exists", "planning_reference": "P"}))
        self.assertFalse(adapter._order_exists({"error": "locked"}))
