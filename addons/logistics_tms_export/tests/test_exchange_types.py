import responses

from odoo.exceptions import UserError

from ..models.logistics_tms_order_handler import FAILED_ACTIVITY
from .common import TmsExportCase, trap_jobs

BASE = "http://127.0.0.1:8999"


class TestTmsExchangeTypes(TmsExportCase):
    """The TMS exchange types and their handlers; create is covered in test_send."""

    def setUp(self):
        super().setUp()
        self.order, self.shipment = self._export_and_plan("TMS-7")
        self.failed_activity_type = self.env.ref(FAILED_ACTIVITY)

    def _update(self):
        with trap_jobs():
            self.ship_to.street = "Boulevard Anspach 1"
        return self._last_message(self.shipment, "tms_order_update")

    def _cancel(self):
        with trap_jobs():
            self.order._action_cancel()
        return self._last_message(self.shipment, "tms_order_cancel")

    def _answer(self, message, method, path, status, body):
        with responses.RequestsMock() as mocked:
            mocked.add(method, f"{BASE}{path}", status=status, json=body)
            message._send()

    def test_every_tms_endpoint_has_the_three_order_types(self):
        # Other addons add their own types to TMS endpoints (e.g. returns).
        types = self.endpoint.exchange_type_ids.filtered(lambda t: t.code.startswith("tms_order_"))
        self.assertEqual(
            {t.code: t.handler_model for t in types},
            {
                "tms_order_create": "logistics.tms.order.create.handler",
                "tms_order_update": "logistics.tms.order.handler",
                "tms_order_cancel": "logistics.tms.order.cancel.handler",
            },
        )
        self.assertEqual(set(types.mapped("channel")), {"root.logistics.test_tms"})
        self.assertEqual(set(types.mapped("schema_name")), {"tms-order"})
        first = self.shipment._tms_messages()[-1]
        self.assertEqual(first.exchange_type_id.code, "tms_order_create")

    def test_update_success_failure_and_conflict(self):
        update = self._update()
        self.assertEqual(update.http_method, "PUT")
        self._answer(update, "PUT", "/v1/orders/TMS-7", 409, {"error": "order_exists"})
        self.assertEqual(update.state, "failed", "a 409 on an update is a real conflict")
        self.assertEqual(self.shipment.export_state, "export_failed")
        self.assertEqual(self.shipment.activity_ids.activity_type_id, self.failed_activity_type)
        self.assertFalse(update.activity_ids)
        update.with_user(self.integration_admin).action_replay()
        self._answer(update, "PUT", "/v1/orders/TMS-7", 200, {"planning_reference": "TMS-7"})
        self.assertEqual(update.state, "sent")
        self.assertEqual(self.shipment.export_state, "exported")
        self.assertEqual(self.shipment.export_sent_version, 2)
        self.assertFalse(self.shipment.activity_ids)

    def test_cancel_success_failure_and_conflict(self):
        cancel = self._cancel()
        self._answer(cancel, "POST", "/v1/orders/TMS-7/cancel", 409, {"error": "order_exists"})
        self.assertEqual(cancel.state, "failed")
        self.assertEqual(self.shipment.export_state, "export_failed")
        self.assertIn("tms_order_cancel failed", self.shipment.activity_ids.summary)
        cancel.with_user(self.integration_admin).action_replay()
        self._answer(cancel, "POST", "/v1/orders/TMS-7/cancel", 200, {})
        self.assertEqual(cancel.state, "sent")
        self.assertEqual(self.shipment.state, "cancelled")

    def test_tms_message_about_another_record_is_work_on_the_message(self):
        with trap_jobs():
            message = self.env["logistics.outbound.message"]._enqueue(
                self.endpoint, "tms_order_create", self.ship_to, {"any": 1}, "/v1/orders"
            )
        self._answer(message, "POST", "/v1/orders", 422, {"message": "not an order"})
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.activity_ids.user_id, self.integration_admin)
        self.assertEqual(self.shipment.export_state, "exported")

    def test_adapters_in_use_decide_which_fields_change_the_document(self):
        endpoints = self.env["logistics.endpoint"]
        self.assertTrue(endpoints._tms_changes_document("res.partner", {"zip": "1050"}))
        self.assertTrue(endpoints._tms_changes_document("stock.move", {"product_uom_qty": 2}))
        self.assertFalse(endpoints._tms_changes_document("res.partner", {"comment": "x"}))
        self.assertFalse(endpoints._tms_changes_document("res.partner", {}))
        self.env["logistics.endpoint"].search([("kind", "=", "tms")]).kind = "carrier"
        self.assertFalse(endpoints._tms_changes_document("res.partner", {"zip": "1050"}))
        self._create_endpoint(code="second_tms")
        self.assertTrue(endpoints._tms_changes_document("res.partner", {"zip": "1050"}))

    def test_adapter_without_its_model_is_a_clear_error(self):
        # every TMS endpoint of the database (demo data included) on a missing adapter
        self.env.cr.execute("UPDATE logistics_endpoint SET tms_adapter = 'acme_v2'")
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        with self.assertRaisesRegex(UserError, "logistics.tms.adapter.acme.v2"):
            self.endpoint._get_tms_adapter()
        self.assertFalse(
            self.env["logistics.endpoint"]._tms_changes_document("res.partner", {"zip": "1"})
        )

    def test_exchange_type_with_a_handler_that_cannot_prepare_documents(self):
        update_type = self.endpoint.exchange_type_ids.filtered(
            lambda t: t.code == "tms_order_update"
        )
        self.assertEqual(update_type._get_handler()._name, "logistics.tms.order.handler")
        update_type.handler_model = "logistics.exchange.handler"
        with trap_jobs():
            self.ship_to.street = "Boulevard Anspach 1"
        self.assertEqual(self.shipment.export_state, "blocked")
        self.assertIn("does not prepare TMS documents", self.shipment.export_blocked_reason)
        cancel_type = self.endpoint.exchange_type_ids.filtered(
            lambda t: t.code == "tms_order_cancel"
        )
        cancel_type.handler_model = "logistics.exchange.handler"
        with self.assertRaisesRegex(UserError, "tms_order_cancel .* does not prepare TMS"):
            self.order._action_cancel()
