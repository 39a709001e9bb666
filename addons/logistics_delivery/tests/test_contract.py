from pydantic import ValidationError

from odoo.tests.common import BaseCase

from odoo.addons.logistics_integration.tests.common import assert_schemas_published

from ..contract import TmsRateRequestV1, TmsRateResponseV1


class TestRateContract(BaseCase):
    def test_published_schemas_match_the_models(self):
        assert_schemas_published(
            self,
            (
                ("tms-rate.v1.schema.json", TmsRateRequestV1),
                ("tms-rate-response.v1.schema.json", TmsRateResponseV1),
            ),
        )

    def test_an_answer_without_services_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            TmsRateResponseV1.model_validate({"services": []})
        self.assertEqual(caught.exception.errors()[0]["loc"], ("services",))

    def test_a_request_without_weight_is_refused_naming_the_field(self):
        with self.assertRaises(ValidationError) as caught:
            TmsRateRequestV1.model_validate(
                {
                    "schema": "tms-rate",
                    "schema_version": 1,
                    "order_reference": "S00001",
                    "correlation_id": "c-1",
                    "ship_from": {"country_code": "BE"},
                    "ship_to": {"country_code": "NL", "zip": "1011"},
                    "total_weight_kg": 0,
                    "parcels": [{"weight_kg": 1}],
                }
            )
        self.assertEqual(caught.exception.errors()[0]["loc"], ("total_weight_kg",))
