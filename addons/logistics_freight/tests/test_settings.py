from odoo.tests import Form

from odoo.addons.logistics_integration.tests.common import assert_values_refused

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

    def test_tolerances_out_of_range_are_refused_naming_the_field(self):
        settings = self.env["res.config.settings"]
        tolerance = self.env["logistics.carrier.tolerance"].create({"carrier_id": self.carrier.id})
        nan = float("nan")
        for name, values in (
            ("amount_over", (-1, nan)),
            ("amount_under", (-0.01, nan)),
            ("percent_over", (-1, 100.5, nan)),
            ("percent_under", (-1, 101, nan)),
        ):
            assert_values_refused(self, tolerance, name, values)
            company_field = f"logistics_tolerance_{name}"
            assert_values_refused(
                self,
                self.company,
                company_field,
                values,
                write=lambda value, field=company_field: settings.create({field: value}),
            )
        tolerance.write({"percent_over": 100, "percent_under": 100, "amount_over": 1e6})
        self.assertEqual(tolerance.percent_under, 100)
