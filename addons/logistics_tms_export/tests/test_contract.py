import json
from pathlib import Path

from odoo.tests.common import BaseCase

from ..contract import TmsOrderV1
from ..profiles import GenericV1Profile, PlanningData, ResponseError

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "tms-order.v1.schema.json"


class TestContract(BaseCase):
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
        profile = GenericV1Profile()
        planning = profile.parse_order_response(
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
            profile.parse_order_response({"carrier": {"code": "DHL"}})
        self.assertTrue(profile.order_exists({"error": "order_exists", "planning_reference": "P"}))
        self.assertFalse(profile.order_exists({"error": "locked"}))
