from pydantic import ValidationError

from odoo.tests.common import BaseCase

from odoo.addons.logistics_integration.tests.common import published_schema

from ..contract import FinanceShipmentV1


class TestFinanceContract(BaseCase):
    def test_published_schema_matches_the_model(self):
        published = published_schema("finance-shipment.v1.schema.json")
        if published is None:
            self.skipTest("addon installed outside its repository")
        self.assertEqual(
            published,
            FinanceShipmentV1.model_json_schema(),
            "Regenerate with: python3 docs/schemas/generate.py",
        )

    def test_a_document_without_invoice_is_refused_naming_the_field(self):
        with self.assertRaises(ValidationError) as caught:
            FinanceShipmentV1.model_validate(
                {
                    "schema": "finance-shipment",
                    "schema_version": 1,
                    "document_version": 1,
                    "correlation_id": "c-1",
                    "company": "Co",
                    "shipment": {"reference": "S1", "customer": "Acme", "sale_order": "SO1"},
                    "charges": [
                        {
                            "charge_type": "base_freight",
                            "expected_amount": 1,
                            "actual_amount": 1,
                            "currency": "EUR",
                        }
                    ],
                    "invoices": [],
                }
            )
        self.assertEqual(caught.exception.errors()[0]["loc"], ("invoices",))
