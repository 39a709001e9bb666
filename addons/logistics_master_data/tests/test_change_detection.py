import json
from datetime import timedelta

from .common import MasterDataCase


class TestChangeDetection(MasterDataCase):
    """Only records whose content changed since the TMS acknowledged them travel."""

    def test_sent_once_then_only_a_relevant_change_travels(self):
        counts = self.sync._send("products", self.endpoint, self.product)
        self.assertEqual((counts["sent"], counts["messages"]), (1, 1))
        message = self._messages("products")
        self.assertEqual(message.path, "/v1/master-data/products")
        state = self._state(self.product)
        self.assertEqual((state.state, state.key, state.message_id), ("pending", "WID-1", message))
        record = json.loads(message.payload)["records"][0]
        self.assertEqual(record["base_version"], None)
        self.assertEqual((record["data"]["weight_kg"], record["data"]["length_cm"]), (12.5, 120.0))

        self._deliver(message)
        self.assertEqual((state.state, state.tms_version), ("sent", 1))
        self.assertEqual(state.sent_hash, state.pending_hash)

        self.product.write({"list_price": 99.0, "description_sale": "Not for the TMS"})
        counts = self.sync._send("products", self.endpoint, self.product)
        self.assertEqual((counts["sent"], counts["unchanged"]), (0, 1))
        self.assertEqual(len(self._messages("products")), 1, "nothing relevant changed")

        self.product.weight = 14.0
        self.sync._send("products", self.endpoint, self.product)
        delta = self._messages("products")[-1]
        self.assertNotEqual(delta, message)
        record = json.loads(delta.payload)["records"][0]
        self.assertEqual((record["base_version"], record["data"]["weight_kg"]), (1, 14.0))
        self._deliver(delta)
        self.assertEqual((state.state, state.tms_version), ("sent", 2))

    def test_one_message_per_batch_of_records(self):
        self.env["ir.config_parameter"].set_param("logistics_master_data.batch_size", "2")
        products = self.product | self.env["product.product"].create(
            [{"name": f"Box {n}", "default_code": f"BOX-{n}", "type": "consu"} for n in range(4)]
        )
        counts = self.sync._send("products", self.endpoint, products)
        self.assertEqual((counts["sent"], counts["messages"]), (5, 3))
        sizes = [len(json.loads(m.payload)["records"]) for m in self._messages("products")]
        self.assertEqual(sizes, [2, 2, 1])
        self.assertEqual(len(self._messages("products").job_id), 3, "one job per message")

    def test_a_change_while_on_its_way_follows_the_answer(self):
        self.sync._send("products", self.endpoint, self.product)
        first = self._messages("products")
        self.product.weight = 20.0
        self.sync._send("products", self.endpoint, self.product)
        self.assertEqual(self._messages("products"), first, "never two changes in flight")
        self.assertTrue(self._state(self.product).resend_after_answer)
        self._deliver(first)
        follow_up = self._messages("products")[-1]
        self.assertNotEqual(follow_up, first)
        record = json.loads(follow_up.payload)["records"][0]
        self.assertEqual((record["base_version"], record["data"]["weight_kg"]), (1, 20.0))

    def test_an_invalid_record_waits_with_the_reason(self):
        product = self.env["product.product"].create(
            {"name": "Solvent", "default_code": "SOLV-1", "type": "consu"}
        )
        # Written past the form's check, as an import could: the contract still refuses it.
        self.env.cr.execute(
            "UPDATE product_template SET logistics_un_number = '1263' WHERE id = %s",
            [product.product_tmpl_id.id],
        )
        self.env.invalidate_all()
        counts = self.sync._send("products", self.endpoint, product)
        self.assertEqual((counts["invalid"], counts["messages"]), (1, 0))
        state = self._state(product)
        self.assertEqual(state.state, "invalid")
        self.assertIn("un_number", state.error)

    def test_batch_window_of_the_domain(self):
        line = self.ownership._get_owner("master_products")
        self.assertEqual(line.batch_id.method_name, "_batch_products")
        line.write({"update_mode": "hourly", "last_run_date": False, "last_window_end": False})
        other = self.env["product.product"].create(
            {"name": "Crate", "default_code": "CRATE-1", "type": "consu", "weight": 3.0}
        )
        self.ownership._cron_run_batches(["master_products"])
        self.assertEqual(line.last_run_state, "done")
        self.assertIn("Products:", line.last_run_message)
        for product in self.product | other:
            self.assertEqual(self._state(product).state, "pending")
        self._deliver(self._messages("products"))
        sent = self._messages("products")

        self.product.weight = 13.0
        self.ownership._cron_run_batches(["master_products"])
        self.assertEqual(self._messages("products"), sent, "hourly: not due within the hour")

        line.last_run_date -= timedelta(hours=2)
        self.ownership._cron_run_batches(["master_products"])
        delta = self._messages("products") - sent
        self.assertEqual(len(delta), 1)
        keys = [r["key"] for r in json.loads(delta.payload)["records"]]
        self.assertEqual(keys, ["WID-1"], "only the changed product travels")
