import json

from .common import MasterDataCase


class TestOrderWaitsForMasterData(MasterDataCase):
    """With *Orders Wait for Master Data*, an order naming records its TMS has not
    acknowledged sends them first, waits, and leaves once they are acknowledged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.endpoint.master_data_hold_orders = True

    def test_unsent_records_go_first_and_the_order_follows(self):
        order, shipment = self._export_order(carrier_id=self.carrier.id)
        self.assertEqual(shipment.export_state, "blocked")
        self.assertTrue(shipment.master_data_waiting)
        self.assertIn("product WID-1: Pending", shipment.export_blocked_reason)
        self.assertIn(f"ship-to address odoo-{self.ship_to.id}", shipment.export_blocked_reason)
        self.assertIn("carrier service ROADX", shipment.export_blocked_reason)
        self.assertFalse(self._last_message(shipment), "no order before its master data")
        self.assertFalse(shipment.activity_ids, "a wait is nobody's work")
        master = self._messages()
        self.assertEqual(
            sorted(master.mapped("exchange_type_code")),
            ["tms_master_carrier_services", "tms_master_partners", "tms_master_products"],
        )

        self._deliver(master[:2])
        self.assertEqual(shipment.export_state, "blocked", "still one record missing")
        self._deliver(master[2:])
        self.assertEqual(shipment.export_state, "queued")
        self.assertFalse(shipment.master_data_waiting)
        order_message = self._last_message(shipment)
        self.assertEqual(order_message.exchange_type_code, "tms_order_create")
        self.assertEqual(json.loads(order_message.payload)["lines"][0]["product_code"], "WID-1")

    def test_known_records_let_the_order_leave_at_once(self):
        for kind, record in (
            ("partners", self.ship_to),
            ("products", self.product),
        ):
            self.sync._send(kind, self.endpoint, record)
        self._deliver(self._messages())
        order, shipment = self._export_order()
        self.assertEqual(shipment.export_state, "queued")
        self.assertFalse(shipment.master_data_waiting)

    def test_a_refused_record_blocks_the_order_with_an_activity(self):
        order, shipment = self._export_order()
        self._deliver(self._messages(), conflicts=("WID-1",))
        self.assertEqual(shipment.export_state, "blocked")
        self.assertIn("product WID-1: Conflict", shipment.export_blocked_reason)
        self.assertTrue(shipment.activity_ids, "the salesperson hears why the order waits")

        # Odoo's version goes over the TMS's: the order waits again, as nobody's work.
        state = self._state(self.product)
        self.tms_versions[("products", "WID-1")] = state.tms_version
        state.action_send_odoo_version()
        self.assertIn("product WID-1: Pending", shipment.export_blocked_reason)
        self.assertFalse(shipment.activity_ids)
        self._deliver(self._messages("products")[-1:])
        self.assertEqual(shipment.export_state, "queued")

    def test_without_the_option_orders_leave_at_once(self):
        self.endpoint.master_data_hold_orders = False
        order, shipment = self._export_order()
        self.assertEqual(shipment.export_state, "queued")
        self.assertFalse(self._messages())
