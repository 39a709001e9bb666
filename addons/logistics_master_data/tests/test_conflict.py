import json

import responses

from .common import MasterDataCase

CONFLICT_ACTIVITY = "logistics_master_data.mail_activity_type_master_data_conflict"


class TestConflicts(MasterDataCase):
    """A record the TMS holds in another version goes to review, never overwritten."""

    def test_conflict_becomes_an_activity_for_the_exception_owner(self):
        line = self.ownership._get_owner("master_products")
        line.exception_owner_id = self.logistics_manager
        self.sync._send("products", self.endpoint, self.product)
        self._deliver(self._messages("products"), conflicts=("WID-1",))
        state = self._state(self.product)
        self.assertEqual((state.state, state.tms_version), ("conflict", 1))
        self.assertIn("name: Odoo", state.conflict_detail)
        self.assertIn('TMS "Edited in the TMS"', state.conflict_detail)
        activity = state.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref(CONFLICT_ACTIVITY))
        self.assertEqual(activity.user_id, self.logistics_manager)

        # A later change does not overwrite the TMS's version on its own.
        self.product.weight = 30.0
        counts = self.sync._send("products", self.endpoint, self.product)
        self.assertEqual(counts["conflict"], 1)
        self.assertEqual(len(self._messages("products")), 1)

        # The owner decides: Odoo's version goes over the TMS's.
        self.tms_versions[("products", "WID-1")] = 1
        state.with_user(self.logistics_manager).action_send_odoo_version()
        resolution = self._messages("products")[-1]
        record = json.loads(resolution.payload)["records"][0]
        self.assertEqual((record["base_version"], record["data"]["weight_kg"]), (1, 30.0))
        self._deliver(resolution)
        self.assertEqual((state.state, state.tms_version), ("sent", 2))
        self.assertFalse(state.activity_ids, "the activity is done")

    def test_a_failed_batch_leaves_its_records_failed(self):
        self.sync._send("partners", self.endpoint, self.ship_to)
        message = self._messages("partners")
        with responses.RequestsMock() as mocked:
            mocked.post(
                f"{self.endpoint.base_url}/v1/master-data/partners",
                status=422,
                json={"error": "invalid", "message": "zip unknown"},
            )
            message._send()
        self.assertEqual(message.state, "failed")
        self.assertEqual(self._state(self.ship_to).state, "failed")
        # The next send is the replay of the same batch.
        self.sync._send("partners", self.endpoint, self.ship_to)
        self.assertEqual(self._messages("partners"), message)
        self.assertEqual(message.state, "pending")
