import json

from odoo.exceptions import AccessError

from .common import MasterDataCase


class TestSendNow(MasterDataCase):
    """Send now, on the matrix row or on chosen records, for the roles that may."""

    def test_manager_sends_chosen_records_from_their_action_menu(self):
        action = self.env.ref("logistics_master_data.action_send_master_data_product_template")
        result = (
            action.with_user(self.logistics_manager)
            .with_context(
                active_model="product.template",
                active_ids=self.product.product_tmpl_id.ids,
                active_id=self.product.product_tmpl_id.id,
            )
            .run()
        )
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("1 sent in 1 messages", result["params"]["message"])
        self.assertEqual(self._state(self.product).state, "pending")

        result = self.sync.with_user(self.logistics_manager)._send_now(self.product)
        self.assertIn("0 sent", result["params"]["message"], "on its way: not sent twice")

    def test_integration_admin_sends_a_carrier_service_now(self):
        self.carrier.logistics_service_level = "express"
        self.sync.with_user(self.integration_admin)._send_now(self.carrier)
        message = self._messages("carrier_services")
        record = json.loads(message.payload)["records"][0]
        self.assertEqual(record["key"], "ROADX:express")
        self.assertEqual(record["data"]["carrier_code"], "ROADX")

    def test_manager_sends_a_domain_from_the_matrix(self):
        line = self.ownership._get_owner("master_partners")
        self.ship_to.customer_rank = 1
        line.with_user(self.logistics_manager).action_master_data_send_now()
        self.assertEqual(line.last_run_state, "done")
        self.assertEqual(self._state(self.ship_to).state, "pending")

    def test_logistics_user_may_not_send(self):
        with self.assertRaises(AccessError):
            self.sync.with_user(self.logistics_user)._send_now(self.product)
        line = self.ownership._get_owner("master_products")
        with self.assertRaises(AccessError):
            line.with_user(self.logistics_user).action_master_data_send_now()
        self.assertFalse(self._messages())
        # What was sent is visible to them, read-only.
        self.sync._send("products", self.endpoint, self.product)
        state = self._state(self.product).with_user(self.logistics_user)
        self.assertEqual(state.key, "WID-1")
        with self.assertRaises(AccessError):
            state.write({"key": "other"})
