from odoo.exceptions import UserError

from .common import LogisticsFreightCase


class TestFreightAudit(LogisticsFreightCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls._create_carrier()

    def test_within_tolerance_is_approved_and_released(self):
        _order, shipment = self._create_order_shipment(self.carrier, 100.0, "FA-1")
        charge = self._add_actual_charge(shipment, 102.0)
        self.assertEqual(charge.expected_amount, 100.0)
        self.assertEqual(charge.state, "approved")
        self.assertEqual(shipment.invoice_release_state, "released")

    def test_outside_tolerance_holds_the_invoice(self):
        order, shipment = self._create_order_shipment(self.carrier, 100.0, "FA-2")
        charge = self._add_actual_charge(shipment, 180.0)
        self.assertEqual(charge.state, "on_hold")
        self.assertEqual(shipment.invoice_release_state, "on_hold")
        self.assertTrue(
            shipment.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref("logistics_freight.mail_activity_type_freight_decision")
                )
            )
        )
        with self.assertRaisesRegex(UserError, "on hold"):
            order._create_invoices()

    def test_audit_states_are_listed_and_filtered_with_the_charges(self):
        charges = self.env["logistics.freight.charge"]
        views = charges.get_views([(False, "list"), (False, "search")])["views"]
        self.assertIn('name="state"', views["list"]["arch"])
        self.assertIn("decoration-warning", views["list"]["arch"])
        self.assertIn('name="on_hold"', views["search"]["arch"])
        _order, shipment = self._create_order_shipment(self.carrier, 100.0, "FA-3")
        charge = self._add_actual_charge(shipment, 180.0)
        self.assertEqual(charges.search([("state", "=", "on_hold")]) & charge, charge)
