import responses

from odoo import fields

from .common import MasterDataCase


class TestOverviewCards(MasterDataCase):
    """The Overview counts the master records waiting for a person, as those who act."""

    def _card_records(self, xmlid, user):
        card = self.env.ref(f"logistics_master_data.{xmlid}").with_user(user)
        now = fields.Datetime.now()
        model = self.env[card.res_model].with_user(user)
        return model.search(card._records_domain(now, now))

    def test_conflicts_and_failures_have_their_own_cards(self):
        self.sync._send("products", self.endpoint, self.product)
        self._deliver(self._messages("products"), conflicts=("WID-1",))
        conflict = self._state(self.product)
        self.sync._send("partners", self.endpoint, self.ship_to)
        with responses.RequestsMock() as mocked:
            mocked.post(
                f"{self.endpoint.base_url}/v1/master-data/partners",
                status=422,
                json={"error": "invalid", "message": "zip unknown"},
            )
            self._messages("partners")._send()
        failed = self._state(self.ship_to)
        self.assertEqual((conflict.state, failed.state), ("conflict", "failed"))
        for user in (self.logistics_user, self.logistics_manager):
            conflicts = self._card_records("overview_card_master_data_conflicts", user)
            failures = self._card_records("overview_card_master_data_failed", user)
            self.assertIn(conflict, conflicts)
            self.assertNotIn(failed, conflicts)
            self.assertEqual(set(conflicts.mapped("state")), {"conflict"})
            self.assertIn(failed, failures)
            self.assertNotIn(conflict, failures)
            self.assertLessEqual(set(failures.mapped("state")), {"failed", "invalid"})
        # resolved: the conflict leaves the card
        self.tms_versions[("products", "WID-1")] = 1
        conflict.with_user(self.logistics_manager).action_send_odoo_version()
        self._deliver(self._messages("products")[-1])
        self.assertNotIn(
            conflict,
            self._card_records("overview_card_master_data_conflicts", self.logistics_user),
        )
