import json

import responses

from .common import TmsExportCase, trap_jobs

BASE = "http://127.0.0.1:8999"


class TestUpdateAndCancel(TmsExportCase):
    def setUp(self):
        super().setUp()
        self.order, self.shipment = self._export_and_plan("TMS-42")
        self.assertEqual(self.shipment.export_state, "exported")

    def test_address_change_sends_next_payload_version(self):
        first = self._last_message(self.shipment)
        with trap_jobs() as trap:
            self.ship_to.street = "Boulevard Anspach 1"
            trap.assert_jobs_count(1)
        update = self._last_message(self.shipment)
        self.assertNotEqual(update, first)
        self.assertEqual((update.http_method, update.path), ("PUT", "/v1/orders/TMS-42"))
        self.assertEqual(update.payload_version, 2)
        self.assertTrue(update.idempotency_key.endswith("-v2"))
        self.assertEqual(json.loads(update.payload)["ship_to"]["street"], "Boulevard Anspach 1")
        self.assertEqual(self.shipment.export_state, "queued")
        with responses.RequestsMock() as mocked:
            mocked.put(
                f"{BASE}/v1/orders/TMS-42", status=200, json={"planning_reference": "TMS-42"}
            )
            update._send()
        self.assertEqual(self.shipment.export_state, "exported")
        self.assertEqual(self.shipment.export_sent_version, 2)
        self.assertEqual(len(self.shipment.milestone_ids), 1)

    def test_quantity_and_date_changes_send_updates(self):
        move = self.shipment.picking_id.move_ids
        with trap_jobs() as trap:
            move.product_uom_qty = 5
            self.order.commitment_date = "2026-12-24 09:00:00"
            trap.assert_jobs_count(2)
        last = self._last_message(self.shipment)
        self.assertEqual(last.payload_version, 3)
        payload = json.loads(last.payload)
        self.assertEqual(payload["lines"][0]["quantity"], 5)
        self.assertTrue(payload["requested_date"].startswith("2026-12-24"))
        # The superseded update never leaves Odoo.
        self.assertEqual(self.shipment._tms_messages()[1].state, "cancelled")

    def test_unrelated_change_sends_nothing(self):
        with trap_jobs() as trap:
            self.ship_to.comment = "Rings twice"
            self.order.note = "internal"
            trap.assert_jobs_count(0)
        self.assertEqual(self.shipment.export_state, "exported")

    def test_update_refused_when_tms_does_not_accept_updates(self):
        self.endpoint.accepts_updates = False
        with trap_jobs() as trap:
            self.ship_to.zip = "1050"
            trap.assert_jobs_count(0)
        self.assertEqual(self.shipment.export_state, "blocked")
        self.assertIn("does not accept updates", self.shipment.export_blocked_reason)
        self.assertEqual(self.shipment.activity_ids.user_id, self.salesperson)
        # Reverting the change clears the block without sending anything.
        with trap_jobs() as trap:
            self.ship_to.zip = "1000"
            trap.assert_jobs_count(0)
        self.assertEqual(self.shipment.export_state, "exported")
        self.assertFalse(self.shipment.activity_ids)

    def test_cancelling_the_order_cancels_in_the_tms(self):
        with trap_jobs() as trap:
            self.order._action_cancel()
            trap.assert_jobs_count(1)
        cancel = self._last_message(self.shipment, "tms_order_cancel")
        self.assertEqual((cancel.http_method, cancel.path), ("POST", "/v1/orders/TMS-42/cancel"))
        self.assertEqual(json.loads(cancel.payload)["correlation_id"], self.shipment.correlation_id)
        self.assertEqual(self.shipment.export_state, "cancelled")
        with responses.RequestsMock() as mocked:
            mocked.post(f"{BASE}/v1/orders/TMS-42/cancel", status=200, json={})
            cancel._send()
        self.assertEqual(cancel.state, "sent")
        self.assertEqual(self.shipment.state, "cancelled")

    def test_cancelling_before_export_sends_nothing(self):
        order, shipment = self._export_order()
        pending = self._last_message(shipment)
        with trap_jobs() as trap:
            order.picking_ids.action_cancel()
            trap.assert_jobs_count(0)
        self.assertEqual(shipment.export_state, "cancelled")
        self.assertEqual(pending.state, "cancelled")
        self.assertFalse(shipment._tms_messages("tms_order_cancel"))
