import json
from pathlib import Path

from odoo.tests.common import TransactionCase

from ..contract import TmsOrderV1
from ..profiles import PlanningData, ResponseError

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "tms-order.v1.schema.json"


class TestContract(TransactionCase):
    def test_published_schema_matches_the_model(self):
        if not SCHEMA_FILE.exists():
            self.skipTest("addon installed outside its repository")
        published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        self.assertEqual(
            published,
            TmsOrderV1.model_json_schema(),
            "Regenerate with: python3 docs/schemas/generate.py",
        )

    def test_response_parsing(self):
        profile = self.env["logistics.tms.profile.generic.v1"]
        planning = profile._parse_order_response(
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
            profile._parse_order_response({"carrier": {"code": "DHL"}})
        self.assertTrue(profile._order_exists({"error": "order_exists", "planning_reference": "P"}))
        self.assertFalse(profile._order_exists({"error": "locked"}))
