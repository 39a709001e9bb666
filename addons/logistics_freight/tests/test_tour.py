from odoo.tests import HttpCase, tagged

from .common import LogisticsFreightCase


@tagged("post_install", "-at_install")
class TestDisputeTour(HttpCase, LogisticsFreightCase):
    def test_manager_disputes_then_reapproves_a_charge(self):
        carrier = self._create_carrier(name="Tour Freight")
        order, shipment = self._create_order_shipment(carrier, 100.0, "TOUR-DSP")
        charge = self._add_actual_charge(shipment, 180.0, name="Tour dispute")
        self.assertEqual(shipment.invoice_release_state, "on_hold")
        self.start_tour(
            "/odoo/action-logistics_shipment.logistics_freight_charge_action",
            "logistics_freight_dispute",
            login=self.logistics_manager.login,
        )
        self.assertEqual(charge.state, "approved")
        self.assertEqual(charge.decision_reason, "Ordered by phone, confirmed by the warehouse")
        self.assertEqual(shipment.invoice_release_state, "released")
        self.assertEqual(order.logistics_invoice_release_state, "released")
        self.assertTrue(
            shipment.message_ids.filtered(lambda m: "Tail lift never ordered" in (m.body or ""))
        )
