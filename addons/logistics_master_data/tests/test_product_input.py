from odoo.addons.logistics_integration.tests.common import assert_values_refused

from .common import MasterDataCase


class TestProductInput(MasterDataCase):
    """What the TMS contract refuses (tms-master-data v1: weight, volume and dimensions
    0 or more) is refused on the product form, naming the field, not by the push later."""

    def test_negative_weight_volume_and_dimensions_are_refused_naming_the_field(self):
        template = self.product.product_tmpl_id
        for field_name in (
            "weight",
            "volume",
            "logistics_length_cm",
            "logistics_width_cm",
            "logistics_height_cm",
        ):
            assert_values_refused(self, template, field_name, (-0.5, -1000))
        template.write({"weight": 0, "volume": 2.5, "logistics_height_cm": 0})
        self.assertEqual((template.weight, template.volume), (0, 2.5))
