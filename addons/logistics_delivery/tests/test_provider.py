from .common import RatesCase, trap_jobs


class TestProvider(RatesCase):
    """Send, tracking link and cancel of the Logistics TMS delivery method."""

    def _quoted_order(self):
        order = self._draft_order(carrier_id=self.tms_carrier.id)
        result, _body = self._rate(order, self._service("economy", 90.5))
        order.set_delivery_line(self.tms_carrier, result["price"])
        with trap_jobs():
            order.action_confirm()
        return order

    def test_send_shipping_answers_the_chosen_quote_and_sends_nothing(self):
        order = self._quoted_order()
        picking = order.picking_ids
        picking.carrier_tracking_ref = "DHLF000123"
        self.assertEqual(
            self.tms_carrier.send_shipping(picking),
            [{"exact_price": 90.5, "tracking_number": "DHLF000123"}],
        )

    def test_tracking_link_is_the_transporting_carriers(self):
        order = self._quoted_order()
        picking = order.picking_ids
        picking.carrier_tracking_ref = "DHLF000123"
        self.carrier.tracking_url = "https://track.example/?n=<shipmenttrackingnumber>"
        self.tms_carrier.tracking_url = "https://tms.example/<shipmenttrackingnumber>"
        self.assertEqual(
            self.tms_carrier.get_tracking_link(picking), "https://tms.example/DHLF000123"
        )
        order.logistics_shipment_ids.carrier_id = self.carrier
        self.assertEqual(
            self.tms_carrier.get_tracking_link(picking), "https://track.example/?n=DHLF000123"
        )

    def test_cancel_shipment_withdraws_the_transport_order(self):
        order = self._quoted_order()
        shipment = order.logistics_shipment_ids
        shipment.write({"export_state": "exported", "export_sent_version": 1})
        with trap_jobs() as trap:
            self.tms_carrier.cancel_shipment(order.picking_ids)
        self.assertEqual(shipment.export_state, "cancelled")
        trap.assert_jobs_count(1)
        self.assertEqual(
            shipment._tms_messages()
            .filtered(lambda m: m.exchange_type_code == "tms_order_cancel")
            .state,
            "pending",
        )
