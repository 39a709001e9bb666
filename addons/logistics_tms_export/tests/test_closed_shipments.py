import json

import responses

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import TmsExportCase, trap_jobs

BASE = "http://127.0.0.1:8999"


class TestClosedShipments(TmsExportCase):
    """A closed shipment is not sent to the TMS again unless a person says why,
    and a change of what the TMS itself owns sends nothing."""

    def setUp(self):
        super().setUp()
        self.order, self.shipment = self._export_order()
        with responses.RequestsMock() as mocked:
            mocked.post(
                f"{BASE}/v1/orders",
                status=201,
                json={"planning_reference": "TMS-7", "carrier": {"code": "ROADX"}},
            )
            self._last_message(self.shipment)._send()
        self.assertEqual(self.shipment.export_state, "exported")
        # The carrier the TMS assigned is now on the shipment, not yet in any payload.
        self.assertEqual(self.shipment.carrier_id, self.carrier)
        self.first = self._last_message(self.shipment)
        self.assertIsNone(json.loads(self.first.payload).get("carrier_preference"))

    def _deliver(self):
        self._add_milestone(self.shipment, "delivered", "2026-12-01 10:00:00")
        self.assertEqual(self.shipment.state, "delivered")

    def test_partner_change_on_delivered_shipment_sends_nothing(self):
        self._deliver()
        with trap_jobs() as trap:
            self.ship_to.street = "Boulevard Anspach 1"
            self.shipment.picking_id.move_ids.product_uom_qty = 7
            trap.assert_jobs_count(0)
        self.assertEqual(self._last_message(self.shipment), self.first)
        self.assertEqual(self.shipment.export_version, 1)

    def test_partner_change_on_shipment_in_transit_sends_the_update(self):
        self._add_milestone(self.shipment, "in_transit", "2026-12-01 10:00:00")
        with trap_jobs() as trap:
            self.ship_to.street = "Boulevard Anspach 1"
            trap.assert_jobs_count(1)
        update = self._last_message(self.shipment)
        self.assertEqual(
            (update.exchange_type_code, update.payload_version), ("tms_order_update", 2)
        )
        payload = json.loads(update.payload)
        self.assertEqual(payload["ship_to"]["street"], "Boulevard Anspach 1")
        self.assertEqual(payload["carrier_preference"]["carrier_code"], "ROADX")

    def test_change_of_tms_owned_carrier_alone_sends_nothing(self):
        with trap_jobs() as trap:
            # Granting portal access writes the partner without changing its address.
            self.ship_to.write({"email": self.ship_to.email, "name": self.ship_to.name})
            trap.assert_jobs_count(0)
        self.assertEqual(self._last_message(self.shipment), self.first)
        self.assertEqual(self.shipment.export_state, "exported")

    def test_carrier_change_is_sent_when_odoo_owns_planning(self):
        self.env.ref("logistics_integration.data_ownership_planning_reference").write(
            {"system_of_record": "odoo"}
        )
        with trap_jobs() as trap:
            self.ship_to.write({"email": self.ship_to.email})
            trap.assert_jobs_count(1)
        payload = json.loads(self._last_message(self.shipment).payload)
        self.assertEqual(payload["carrier_preference"]["carrier_code"], "ROADX")

    def test_replay_of_delivered_shipment_asks_for_a_reason(self):
        self._deliver()
        shipment = self.shipment.with_user(self.integration_admin)
        with trap_jobs() as trap:
            action = shipment.action_tms_replay()
            trap.assert_jobs_count(0)
        self.assertEqual(action["res_model"], "logistics.tms.replay")
        self.assertIn(self.shipment.name, action["name"])
        wizard_env = self.env(user=self.integration_admin, context=action["context"])
        form = Form(wizard_env["logistics.tms.replay"])
        with self.assertRaises(AssertionError):  # reason is required
            form.save()
        form.reason = "   "
        with self.assertRaises(UserError), trap_jobs() as trap:
            form.save().action_confirm()
            trap.assert_jobs_count(0)

    def test_replay_of_delivered_shipment_with_reason(self):
        self._deliver()
        reason = "The TMS restored a backup and lost the order"
        action = self.shipment.with_user(self.integration_admin).action_tms_replay()
        wizard = (
            self.env["logistics.tms.replay"]
            .with_user(self.integration_admin)
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        with trap_jobs() as trap:
            wizard.action_confirm()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(self.first._send)
            self.assertIn(reason, trap.enqueued_jobs[0].description)
        message = self._last_message(self.shipment)
        self.assertEqual(message, self.first)
        self.assertEqual((message.state, message.replay_reason), ("pending", reason))
        self.assertEqual(self.shipment.export_state, "exported")
        self.assertTrue(
            self.shipment.message_ids.filtered(
                lambda m: reason in m.body and message.idempotency_key in m.body
            )
        )
        with responses.RequestsMock() as mocked:
            mocked.post(f"{BASE}/v1/orders", status=201, json={"planning_reference": "TMS-7"})
            message._send()
        self.assertEqual(message.log_ids.sorted("id")[-1:].replay_reason, reason)

    def test_replay_of_open_shipment_needs_no_reason(self):
        with trap_jobs() as trap:
            result = self.shipment.with_user(self.integration_admin).action_tms_replay()
            trap.assert_jobs_count(1)
        self.assertIs(result, True)
        self.assertFalse(self.first.replay_reason)
        self.assertEqual(self.shipment.export_state, "queued")

    def test_revalidate_of_delivered_shipment_is_refused(self):
        self._deliver()
        with self.assertRaises(UserError), trap_jobs() as trap:
            self.shipment.action_tms_revalidate()
            trap.assert_jobs_count(0)
