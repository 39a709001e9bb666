import responses

from odoo.addons.logistics_freight.models.logistics_freight_charge import AUDIT_WRITE_CONTEXT

from .common import RatesCase, trap_jobs


class TestExpectedFreight(RatesCase):
    """The chosen quote is what the freight audit expects the TMS to bill."""

    def _quoted_shipment(self, chosen="express"):
        self.tms_carrier.margin = 0.1
        order = self._draft_order()
        result, _body = self._rate(
            order, self._service("express", 140.0), self._service("economy", 90.5)
        )
        order.set_delivery_line(self.tms_carrier, result["price"])
        order.logistics_rate_quote_ids.filtered(
            lambda q: q.service_code == chosen
        ).action_use_service()
        with trap_jobs():
            order.action_confirm()
        return order, order.logistics_shipment_ids

    def _bill(self, shipment, amount):
        """The TMS reports the actual base freight; the audit reconciles it."""
        charge = shipment.charge_ids
        charge.with_context(**{AUDIT_WRITE_CONTEXT: True}).write(
            {"actual_amount": amount, "has_actual": True, "external_charge_id": "TMS-CH-1"}
        )
        charge._reconcile()
        return charge

    def test_chosen_quote_is_the_expected_base_freight(self):
        order, shipment = self._quoted_shipment()
        self.assertEqual(len(shipment), 1)
        charge = shipment.charge_ids
        self.assertEqual(len(charge), 1)
        self.assertEqual(charge.charge_type, "base_freight")
        self.assertEqual(charge.rate_quote_id, order.logistics_rate_quote_id)
        self.assertAlmostEqual(charge.expected_amount, 140.0, msg="the quote, not the margin")
        self.assertAlmostEqual(order.order_line.filtered("is_delivery").price_unit, 154.0)
        self.assertEqual(charge.state, "pending")
        self.assertIn("Q-express", charge.name)

    def test_transport_order_asks_for_the_chosen_service(self):
        _order, shipment = self._quoted_shipment(chosen="economy")
        payload = self.endpoint._get_tms_adapter()._build_order_payload(shipment)
        self.assertEqual(
            payload["carrier_preference"], {"carrier_code": "DHLF", "service_level": "economy"}
        )

    def test_audit_approves_a_bill_at_the_quote(self):
        _order, shipment = self._quoted_shipment()
        charge = self._bill(shipment, 140.0)
        self.assertEqual(charge.state, "approved")
        self.assertEqual(shipment.invoice_release_state, "released")

    def test_audit_holds_a_bill_above_the_quote(self):
        _order, shipment = self._quoted_shipment()
        charge = self._bill(shipment, 182.0)
        self.assertEqual(charge.state, "on_hold")
        self.assertAlmostEqual(charge.variance, 42.0)
        self.assertAlmostEqual(charge.variance_percent, 30.0)

    def test_a_quote_of_a_method_given_up_is_not_expected(self):
        order = self._draft_order()
        result, _body = self._rate(order, self._service("economy", 90.5))
        order.set_delivery_line(self.tms_carrier, result["price"])
        order.set_delivery_line(self.carrier, 60.0)
        with trap_jobs():
            order.action_confirm()
        shipment = order.logistics_shipment_ids
        self.assertFalse(shipment.charge_ids)
        payload = self.endpoint._get_tms_adapter()._build_order_payload(shipment)
        self.assertEqual(payload["carrier_preference"]["carrier_code"], "ROADX")

    def test_a_fallback_rate_leaves_the_expected_freight_to_the_order(self):
        order = self._draft_order()
        self._rate_with_outage(order)
        with trap_jobs():
            order.action_confirm()
        self.assertFalse(order.logistics_shipment_ids.charge_ids)

    def _rate_with_outage(self, order):
        with responses.RequestsMock() as mocked:
            mocked.post(self.rates_url, status=503, body="down")
            with self.assertLogs(
                "odoo.addons.logistics_delivery.models.delivery_carrier", "WARNING"
            ):
                self.tms_carrier.rate_shipment(order)
        self.assertTrue(order.logistics_rate_fallback)
