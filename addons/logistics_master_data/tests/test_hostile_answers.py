import responses

from .common import MasterDataCase

HANDLER_LOGGER = "odoo.addons.logistics_master_data.models.logistics_master_data_handler"


class TestHostileAnswers(MasterDataCase):
    """Whatever the TMS answers to a batch, only the records it acknowledged are marked
    sent; every other record fails with the reason and travels again."""

    def setUp(self):
        super().setUp()
        self.box = self.env["product.product"].create(
            {"name": "Box", "default_code": "BOX-1", "type": "consu", "weight": 2.0}
        )
        self.sync._send("products", self.endpoint, self.product | self.box)
        self.message = self._messages("products")

    def _answer(self, body):
        """Send the batch to a TMS answering ``body`` (JSON); the server log lines."""
        with self.assertLogs(HANDLER_LOGGER, "WARNING") as server_log:
            self._answer_quietly(body)
        return server_log.output

    def _answer_quietly(self, body):
        with responses.RequestsMock() as mocked:
            mocked.post(f"{self.endpoint.base_url}/v1/master-data/products", json=body)
            self.message._send()

    def test_a_record_without_result_is_not_marked_sent(self):
        log = self._answer({"results": [{"key": "WID-1", "status": "accepted", "version": 1}]})
        self.assertEqual(self._state(self.product).state, "sent")
        box = self._state(self.box)
        self.assertEqual(box.state, "failed")
        self.assertIn("no result for this record", box.error)
        self.assertFalse(box.sent_hash)
        self.assertTrue(
            any("BOX-1" in line and self.message.correlation_id in line for line in log)
        )

    def test_an_unknown_status_fails_only_its_record_naming_the_field(self):
        self._answer(
            {
                "results": [
                    {"key": "WID-1", "status": "accepted", "version": 1},
                    {"key": "BOX-1", "status": "archived", "version": 1},
                ]
            }
        )
        self.assertEqual(self._state(self.product).state, "sent", "its acknowledgement is kept")
        box = self._state(self.box)
        self.assertEqual(box.state, "failed")
        self.assertIn("status: Input should be 'accepted', 'unchanged' or 'conflict'", box.error)
        self.assertNotIn("errors.pydantic.dev", box.error)

    def test_results_for_keys_never_sent_are_logged_and_ignored(self):
        log = self._answer(
            {
                "results": [
                    {"key": "WID-1", "status": "accepted", "version": 1},
                    {"key": "BOX-1", "status": "accepted", "version": 1},
                    {"key": "GHOST-9", "status": "accepted", "version": 7},
                ]
            }
        )
        self.assertEqual(
            (self._state(self.product).state, self._state(self.box).state), ("sent", "sent")
        )
        self.assertFalse(self.states.search([("key", "=", "GHOST-9")]))
        self.assertTrue(any("GHOST-9" in line for line in log))
        self.assertIn("GHOST-9", self.message.message_ids[:1].body)

    def test_a_key_answered_twice_fails_that_record(self):
        self._answer(
            {
                "results": [
                    {"key": "WID-1", "status": "accepted", "version": 1},
                    {"key": "BOX-1", "status": "accepted", "version": 1},
                    {"key": "BOX-1", "status": "conflict", "version": 3, "held": {}},
                ]
            }
        )
        self.assertEqual(self._state(self.product).state, "sent")
        box = self._state(self.box)
        self.assertEqual(box.state, "failed")
        self.assertIn("2 results for this record", box.error)
        self.assertFalse(box.activity_ids, "no conflict raised on a guess")

    def test_a_version_going_backwards_is_refused(self):
        self._answer_quietly(
            {
                "results": [
                    {"key": "WID-1", "status": "accepted", "version": 4},
                    {"key": "BOX-1", "status": "accepted", "version": 1},
                ]
            }
        )
        state = self._state(self.product)
        self.assertEqual(state.tms_version, 4)
        self.product.weight = 30.0
        self.sync._send("products", self.endpoint, self.product)
        self.message = self._messages("products")[-1]
        self._answer({"results": [{"key": "WID-1", "status": "accepted", "version": 2}]})
        self.assertEqual(state.state, "failed")
        self.assertEqual(state.tms_version, 4, "the newer version is kept")
        self.assertIn("version 2, older than version 4", state.error)

    def test_a_version_beyond_an_integer_fails_only_its_record_naming_it(self):
        self._answer_quietly(
            {
                "results": [
                    {"key": "WID-1", "status": "accepted", "version": 1},
                    {"key": "BOX-1", "status": "accepted", "version": 2**31},
                ]
            }
        )
        # Taken, it was marked sent, and writing it failed with a database error.
        self.env.flush_all()
        self.assertEqual(self._state(self.product).state, "sent", "its acknowledgement is kept")
        box = self._state(self.box)
        self.assertEqual(box.state, "failed")
        self.assertIn("version: Input should be less than or equal to 2147483647", box.error)

    def test_an_answer_without_results_fails_the_batch_naming_the_field(self):
        self._answer({"status": "ok"})
        self.assertEqual(
            (self._state(self.product).state, self._state(self.box).state), ("failed", "failed")
        )
        self.assertIn("results: missing", self._state(self.box).error)
        self.assertNotIn("errors.pydantic.dev", self._state(self.box).error)
