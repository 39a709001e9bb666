from odoo.tests import Form

from .common import LogisticsFreightCase


class TestToleranceSettings(LogisticsFreightCase):
    """The company's default tolerances are the freight audit's: set in Settings, read
    by the reconciliation of carriers without tolerances of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls._create_carrier()

    def test_settings_set_the_defaults_the_audit_reads(self):
        settings = Form(self.env["res.config.settings"])
        settings.logistics_tolerance_amount_over = 50.0
        settings.logistics_tolerance_percent_over = 40.0
        settings.logistics_tolerance_amount_under = 1.0
        settings.logistics_tolerance_percent_under = 0.5
        settings.save().execute()
        self.assertEqual(self.company.logistics_tolerance_amount_over, 50.0)
        self.assertEqual(self.company.logistics_tolerance_percent_under, 0.5)

        _order, shipment = self._create_order_shipment(self.carrier, 100.0, "TS-1")
        self.assertEqual(self._add_actual_charge(shipment, 130.0).state, "approved")
        _order, shipment = self._create_order_shipment(self.carrier, 100.0, "TS-2")
        self.assertEqual(self._add_actual_charge(shipment, 98.0).state, "on_hold")

    def test_settings_show_the_defaults_with_the_freight_audit(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        block = arch[arch.index('name="logistics_freight_setting_container"') :]
        self.assertIn('name="logistics_tolerance_amount_over"', block)
