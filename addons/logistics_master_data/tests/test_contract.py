from logistics_contract.master_data import TmsMasterDataChangedV1
from pydantic import ValidationError

from odoo.tests.common import BaseCase

from odoo.addons.logistics_integration.tests.common import assert_schemas_published

from ..contract import TmsMasterDataResponseV1, TmsMasterDataV1


class TestMasterDataContract(BaseCase):
    def test_published_schemas_match_the_models(self):
        assert_schemas_published(
            self,
            (
                ("tms-master-data.v1.schema.json", TmsMasterDataV1),
                ("tms-master-data-response.v1.schema.json", TmsMasterDataResponseV1),
                ("tms-master-data-changed.v1.schema.json", TmsMasterDataChangedV1),
            ),
        )

    def test_a_dangerous_good_with_a_bad_un_number_is_refused_naming_the_field(self):
        batch = {
            "schema": "tms-master-data",
            "schema_version": 1,
            "kind": "products",
            "batch_id": "MD-products-1",
            "records": [
                {
                    "key": "WID-1",
                    "data": {
                        "name": "Widget",
                        "weight_kg": 1,
                        "volume_m3": 0,
                        "length_cm": 0,
                        "width_cm": 0,
                        "height_cm": 0,
                        "dangerous_goods": True,
                        "un_number": "1263",
                    },
                }
            ],
        }
        with self.assertRaises(ValidationError) as caught:
            TmsMasterDataV1.model_validate(batch)
        self.assertEqual(caught.exception.errors()[0]["loc"][-2:], ("data", "un_number"))
        batch["records"][0]["data"]["un_number"] = "UN1263"
        self.assertEqual(TmsMasterDataV1.model_validate(batch).root.kind, "products")

    def test_a_batch_of_one_kind_carries_only_that_kind(self):
        with self.assertRaises(ValidationError):
            TmsMasterDataV1.model_validate(
                {
                    "schema": "tms-master-data",
                    "schema_version": 1,
                    "kind": "carrier_services",
                    "batch_id": "MD-x",
                    "records": [{"key": "odoo-1", "data": {"name": "Acme"}}],
                }
            )
