import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import responses

from odoo.exceptions import AccessError

from odoo.addons.logistics_inbound.tests.common import LogisticsInboundSourceCase
from odoo.addons.logistics_tms_export.tests.common import TmsExportCase, trap_jobs

from ..contract import TmsReturnV1
from ..models.logistics_shipment import RETURN_EXCHANGE_TYPE

BASE = "http://127.0.0.1:8999"
SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "schemas" / "tms-return.v1.schema.json"


class ReturnCase(TmsExportCase):
    """A delivered shipment the TMS planned as TMS-100, and stock's return of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse.partner_id.write(
            {
                "street": "Industrieweg 4",
                "city": "Antwerp",
                "zip": "2030",
                "country_id": cls.env.ref("base.be").id,
            }
        )

    def setUp(self):
        super().setUp()
        self.order, self.shipment = self._export_and_plan("TMS-100")
        self._deliver(self.shipment.picking_id)

    def _deliver(self, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def _return(self, picking, quantity=1.0):
        """Stock's own return of ``picking``; the return shipment's message is trapped."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = quantity
        with trap_jobs() as trap:
            wizard.action_create_returns()
            self.trap = trap
        return_picking = picking.return_ids
        return return_picking, return_picking.logistics_shipment_ids

    def _accept(self, message, reference="TMS-R-1", status=201, body=None):
        with responses.RequestsMock() as mocked:
            mocked.post(
                f"{BASE}/v1/returns",
                status=status,
                json=body if body is not None else {"planning_reference": reference},
            )
            message._send()


class TestReturn(ReturnCase):
    def test_return_picking_becomes_a_return_order(self):
        return_picking, returned = self._return(self.shipment.picking_id)
        self.trap.assert_jobs_count(1)
        self.assertEqual(returned.return_of_id, self.shipment)
        self.assertEqual(self.shipment.return_ids, returned)
        self.assertEqual(returned.correlation_id, self.shipment.correlation_id)
        self.assertEqual(returned.export_state, "queued")
        message = returned._tms_messages(RETURN_EXCHANGE_TYPE)
        self.assertEqual((message.http_method, message.path), ("POST", "/v1/returns"))
        self.assertEqual(message.schema_version, "tms-return/1")
        payload = json.loads(message.payload)
        TmsReturnV1.model_validate(payload)
        self.assertEqual(payload["order_reference"], returned.name)
        self.assertEqual(
            payload["return_of"],
            {"order_reference": self.shipment.name, "planning_reference": "TMS-100"},
        )
        self.assertEqual(payload["pickup_from"]["street"], "Rue de la Loi 16")
        self.assertEqual(payload["return_to"]["city"], "Antwerp")
        self.assertEqual(payload["lines"][0]["quantity"], 1.0)
        # Sending it again changes nothing: same message, nothing enqueued.
        with trap_jobs() as trap:
            self.env["logistics.shipment"]._tms_export_pickings(return_picking)
            returned._tms_sync()
            trap.assert_jobs_count(0)
        self.assertEqual(returned._tms_messages(), message)

    def test_return_lifecycle_ends_in_returned(self):
        _picking, returned = self._return(self.shipment.picking_id)
        message = returned._tms_messages(RETURN_EXCHANGE_TYPE)
        self._accept(message)
        self.assertEqual(returned.export_state, "exported")
        self.assertEqual(returned.tms_reference, "TMS-R-1")
        self.assertEqual(returned.state, "shipment_planned")
        log = self.env["logistics.integration.log"].search(
            [("outbound_message_id", "=", message.id)]
        )
        self.assertEqual(log.correlation_id, self.shipment.correlation_id)
        self.assertEqual(log.summary, RETURN_EXCHANGE_TYPE)
        self._add_milestone(returned, "picked_up", datetime(2026, 12, 3, 9))
        self._add_milestone(returned, "returned", datetime(2026, 12, 4, 15))
        self.assertEqual(returned.state, "returned")
        self.assertIn(returned.name, self.shipment.message_ids[0].body)

    def test_failed_return_asks_the_owner_and_replays_with_the_same_key(self):
        _picking, returned = self._return(self.shipment.picking_id)
        message = returned._tms_messages(RETURN_EXCHANGE_TYPE)
        self._accept(message, status=422, body={"error": "invalid_order", "message": "no dock"})
        self.assertEqual(message.state, "failed")
        self.assertEqual(returned.export_state, "export_failed")
        self.assertEqual(returned.activity_ids.user_id, self.integration_admin)
        with trap_jobs() as trap:
            returned.with_user(self.integration_admin).action_tms_replay()
            trap.assert_jobs_count(1)
        self._accept(
            message,
            status=409,
            body={"error": "order_exists", "planning_reference": "TMS-R-9"},
        )
        self.assertEqual(returned.export_state, "exported")
        self.assertEqual(returned.tms_reference, "TMS-R-9")
        self.assertFalse(returned.activity_ids)
        self.assertEqual(len(returned._tms_messages()), 1)

    def test_return_without_pickup_address_is_blocked(self):
        self.ship_to.street = False
        _picking, returned = self._return(self.shipment.picking_id)
        self.trap.assert_jobs_count(0)
        self.assertEqual(returned.export_state, "blocked")
        self.assertIn("pickup from street: missing", returned.export_blocked_reason)
        self.assertEqual(returned.activity_ids.user_id, self.salesperson)

    def test_return_in_a_shop_without_a_tms_asks_nobody(self):
        self.company.logistics_tms_endpoint_id = False
        self._archive_tms_endpoints()
        _picking, returned = self._return(self.shipment.picking_id)
        self.trap.assert_jobs_count(0)
        self.assertEqual(returned.return_of_id, self.shipment)
        self.assertEqual(returned.export_state, "not_exported")
        self.assertFalse(returned.activity_ids)

    def test_cancelling_the_return_picking_withdraws_the_return(self):
        return_picking, returned = self._return(self.shipment.picking_id)
        self._accept(returned._tms_messages(RETURN_EXCHANGE_TYPE))
        with trap_jobs() as trap:
            return_picking.action_cancel()
            trap.assert_jobs_count(1)
        cancel = returned._tms_messages("tms_order_cancel")
        self.assertEqual(cancel.path, "/v1/returns/TMS-R-1/cancel")
        self.assertEqual(json.loads(cancel.payload)["schema"], "tms-return")
        self.assertEqual(returned.export_state, "cancelled")

    def test_replacement_of_a_return_is_a_new_delivery(self):
        return_picking, returned = self._return(self.shipment.picking_id)
        self._deliver(return_picking)
        replacement = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "partner_id": self.ship_to.id,
                "return_id": return_picking.id,
            }
        )
        vals = self.env["logistics.shipment"]._prepare_tms_shipment_vals(replacement)
        self.assertNotIn("return_of_id", vals)
        self.assertEqual(returned.return_of_id, self.shipment)

    def test_return_of_a_delivery_without_shipment_stays_in_odoo(self):
        delivery = self.shipment.picking_id
        self.shipment.picking_id = False
        return_picking, returned = self._return(delivery)
        self.trap.assert_jobs_count(0)
        self.assertTrue(return_picking)
        self.assertFalse(returned)

    def test_return_shipments_follow_company_rules(self):
        _picking, returned = self._return(self.shipment.picking_id)
        self.assertEqual(returned.company_id, self.company)
        self.assertEqual(returned.with_user(self.logistics_user).return_of_id, self.shipment)
        outsider = self._create_user(
            "lgx_other_user",
            "logistics_integration.group_logistics_user",
            company=self.other_company,
        )
        with self.assertRaises(AccessError):
            returned.with_user(outsider).read(["return_of_id"])

    def test_published_schema_matches_the_model(self):
        published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        self.assertEqual(
            published,
            TmsReturnV1.model_json_schema(),
            "Regenerate with: python3 docs/schemas/generate.py",
        )


class TestReturnFromTheTms(ReturnCase, LogisticsInboundSourceCase):
    """The return's lifecycle as the TMS simulator reports it: tms-event v1 envelopes
    under the return's own reference, through the inbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.endpoint.logistics_inbound_profile_id = cls._create_envelope_profile()

    def _envelope(self, shipment, event_type, occurred_at, **payload):
        return {
            "event_id": f"{shipment.name}-{event_type}-{occurred_at}",
            "event_type": event_type,
            "shipment_reference": shipment.name,
            "occurred_at": occurred_at,
            "payload": payload,
            "correlation_id": shipment.correlation_id,
            "schema_version": "1",
            "received_at": datetime.now(UTC).isoformat(),
        }

    def test_tms_callbacks_take_the_return_to_returned_and_tell_the_customer(self):
        _picking, returned = self._return(self.shipment.picking_id)
        self._accept(returned._tms_messages(RETURN_EXCHANGE_TYPE))
        # After the planning the TMS acknowledged just now, a minute apart.
        start = datetime.now(UTC)
        events = [
            self._envelope(
                returned, "status", (start + timedelta(minutes=step)).isoformat(), status_code=code
            )
            for step, code in enumerate(("AF", "P1", "A3"))
        ]
        with trap_jobs() as trap:
            answers = self._ingest_into(self.endpoint, *events)
        self.assertEqual({a["result"] for a in answers}, {"processed"})
        self.assertEqual(returned.state, "returned")
        self.assertEqual(self.shipment.state, "shipment_planned")
        # The return's customer update is pending (queued by this batch, or already by the
        # planning before it: one pending e-mail per shipment), the original's is not asked.
        trapped = {
            j.recordset for j in trap.enqueued_jobs if j.method_name == "_send_customer_update"
        }
        self.assertLessEqual(trapped, {returned})
        stored = self.env["queue.job"].search_count(
            [
                ("identity_key", "=", returned._customer_update_identity()),
                ("state", "in", ("wait_dependencies", "pending", "enqueued")),
            ]
        )
        self.assertTrue(trapped or stored, "the customer is told about the return")
        returned._send_customer_update()
        told = returned.message_ids.filtered(lambda m: self.ship_to in m.partner_ids)
        self.assertEqual(len(told), 1)
        # Worded for the customer who sent it back, not "Returned to sender".
        self.assertIn("Return received", told.body)
        self.assertNotIn(self.event_types["returned"].customer_label, told.body)
