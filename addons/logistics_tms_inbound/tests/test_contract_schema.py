import json
from pathlib import Path

from odoo.tests.common import BaseCase

from ..contract import json_schema

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "tms-event.v1.schema.json"


class TestContractSchema(BaseCase):
    def test_published_schema_matches_the_model(self):
        self.assertTrue(SCHEMA_FILE.exists(), f"{SCHEMA_FILE} is missing")
        published = json.loads(SCHEMA_FILE.read_text())
        self.assertEqual(published, json_schema())
