import json

import responses

from odoo.addons.logistics_tms_export.tests.common import TmsExportCase, trap_jobs

__all__ = ["MasterDataCase", "trap_jobs"]


class MasterDataCase(TmsExportCase):
    """A TMS endpoint of its own for the master data tests, and a fake TMS that
    keeps a version per record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The demo TMS endpoints of the company stay out of the way.
        cls.env["logistics.endpoint"].search(
            [("kind", "=", "tms"), ("id", "!=", cls.endpoint.id)]
        ).active = False
        cls.sync = cls.env["logistics.master.data.sync"]
        cls.states = cls.env["logistics.master.data.state"]
        cls.ownership = cls.env["logistics.data.ownership"]
        cls.product.product_tmpl_id.write(
            {"logistics_length_cm": 120, "logistics_width_cm": 80, "logistics_height_cm": 100}
        )

    def setUp(self):
        super().setUp()
        self.tms_versions = {}
        self.received = []

    def _tms_answer(self, request, conflicts=()):
        """Like the TMS: a record based on the version it holds is stored as the next one."""
        body = json.loads(request.body)
        self.received.append(body)
        results = []
        for record in body["records"]:
            key = (body["kind"], record["key"])
            held = self.tms_versions.get(key, 0)
            if record["key"] in conflicts or (held and record["base_version"] != held):
                results.append(
                    {
                        "key": record["key"],
                        "status": "conflict",
                        "version": held + 1,
                        "held": dict(record["data"], name="Edited in the TMS"),
                    }
                )
                continue
            self.tms_versions[key] = held + 1
            results.append({"key": record["key"], "status": "accepted", "version": held + 1})
        return 200, {}, json.dumps({"results": results})

    def _deliver(self, messages, conflicts=()):
        """Send ``messages`` to the fake TMS."""
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
            for kind in ("partners", "products", "carrier_services"):
                mocked.add_callback(
                    responses.POST,
                    f"{self.endpoint.base_url}/v1/master-data/{kind}",
                    callback=lambda request: self._tms_answer(request, conflicts),
                )
            for message in messages:
                message._send()

    def _messages(self, kind=None):
        domain = [
            ("endpoint_id", "=", self.endpoint.id),
            ("exchange_type_code", "like", "tms_master_"),
        ]
        if kind:
            domain.append(("exchange_type_code", "=", f"tms_master_{kind}"))
        return self.env["logistics.outbound.message"].search(domain, order="id")

    def _state(self, record):
        return self.states.search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("endpoint_id", "=", self.endpoint.id),
            ]
        )

    def _assert_reported_change_in_review(self, state):
        """``state`` holds the TMS's reported change (version 2, weight 99.0) as a conflict
        for the Integration Administrator, never applied; its activity."""
        self.assertEqual(self.product.weight, 12.5, "never applied to Odoo's record")
        self.assertEqual((state.state, state.tms_version), ("conflict", 2))
        self.assertIn("weight_kg: Odoo 12.5, TMS 99.0", state.conflict_detail)
        activity = state.activity_ids
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("logistics_master_data.mail_activity_type_master_data_conflict"),
        )
        self.assertEqual(activity.user_id, self.integration_admin)
        return activity
