import json

from odoo.exceptions import AccessError, UserError

from .common import MasterDataCase


class TestTmsReportsChanges(MasterDataCase):
    """The TMS reporting a change of master data Odoo owns: review, never applied."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bridge_user = cls._create_user("lgx_bridge", "logistics_inbound.group_logistics_bridge")
        cls.push = cls.env["logistics.master.data.push"]

    def setUp(self):
        super().setUp()
        self.sync._send("products", self.endpoint, self.product)
        self._deliver(self._messages("products"))
        self.state = self._state(self.product)

    def _report(self, records, user=None, code="test_tms"):
        return self.push.with_user(user or self.bridge_user).tms_master_data_changed(
            code, "products", records
        )

    def test_a_reported_change_becomes_a_conflict_to_review(self):
        self.ownership._get_owner("master_products").exception_owner_id = self.integration_admin
        data = dict(json.loads(self.state.pending_data), weight_kg=99.0)
        answer = self._report([{"key": "WID-1", "version": 2, "data": data}])
        self.assertEqual(answer, [{"key": "WID-1", "result": "needs_review", "reason": None}])
        self._assert_reported_change_in_review(self.state)
        log = self.env["logistics.integration.log"].search(
            [("endpoint_id", "=", self.endpoint.id), ("external_identifier", "=", "WID-1")],
            limit=1,
        )
        self.assertEqual((log.direction, log.state), ("inbound", "needs_review"))

    def test_refused_by_the_matrix_or_unknown_or_malformed(self):
        self.ownership._get_owner("master_products").conflicting_edit_policy = "refuse"
        answer = self._report(
            [
                {"key": "WID-1", "version": 2, "data": {"weight_kg": 99.0}},
                {"key": "NOPE-1", "version": 1, "data": {}},
                {"key": "WID-1", "version": "two", "data": {}},
            ]
        )
        self.assertEqual([a["result"] for a in answer], ["rejected"] * 3)
        self.assertIn("edits from the TMS are refused", answer[0]["reason"])
        self.assertIn("Odoo never sent 'NOPE-1'", answer[1]["reason"])
        self.assertTrue(answer[2]["reason"].startswith("version:"))
        self.assertEqual(self.state.state, "sent")

    def test_a_version_beyond_an_integer_is_rejected_naming_it(self):
        # Written as the state's TMS version, it failed the whole call with a database
        # error, and the bridge retried the notification forever.
        data = dict(json.loads(self.state.pending_data), weight_kg=99.0)
        answer = self._report(
            [
                {"key": "WID-1", "version": 2**31, "data": data},
                {"key": "WID-1", "version": 10**30, "data": data},
            ]
        )
        self.assertEqual([a["result"] for a in answer], ["rejected"] * 2)
        self.assertTrue(all(a["reason"].startswith("version:") for a in answer), answer)
        self.assertEqual(self.state.state, "sent")
        answer = self._report([{"key": "WID-1", "version": 2**31 - 1, "data": data}])
        self.assertEqual(answer[0]["result"], "needs_review")
        self.assertEqual(self.state.tms_version, 2**31 - 1)

    def test_only_the_bridge_of_the_company_reports(self):
        with self.assertRaises(AccessError):
            self._report([], user=self.logistics_manager)
        with self.assertRaises(UserError):
            self._report([], code="unknown_tms")
        other_tms = self._create_endpoint(
            name="Other TMS", code="other_tms", company_id=self.other_company.id
        )
        with self.assertRaisesRegex(UserError, "endpoint: no active TMS endpoint"):
            self._report([], code=other_tms.code)
