import json

from .common import MasterDataCase


class TestTmsChangeNotification(MasterDataCase):
    """The TMS's change notification, forwarded by the bridge with its events: a change
    of a record Odoo owns is a conflict to review; the same notification again changes
    nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bridge_user = cls._create_user("lgx_bridge", "logistics_inbound.group_logistics_bridge")
        cls.ingest = cls.env["logistics.ingest"].with_user(cls.bridge_user)

    def setUp(self):
        super().setUp()
        self.sync._send("products", self.endpoint, self.product)
        self._deliver(self._messages("products"))
        self.state = self._state(self.product)

    def _notification(self, notification_id="mdc-1", version=2, **changes):
        data = dict(json.loads(self.state.pending_data), weight_kg=99.0)
        document = {
            "schema": "tms-master-data",
            "schema_version": 1,
            "document": "changed",
            "notification_id": notification_id,
            "kind": "products",
            "occurred_at": "2026-03-02T08:00:00+00:00",
            "records": [{"key": "WID-1", "version": version, "data": data}],
        }
        document.update(changes)
        return {
            "event_id": notification_id,
            "format": "tms-master-data",
            "received_at": "2026-03-02T08:00:01+00:00",
            "correlation_id": "corr-mdc",
            "document": document,
        }

    def _forward(self, *events):
        return self.ingest.ingest_events(self.endpoint.code, list(events))

    def test_a_notified_change_becomes_a_conflict_without_odoo_sending(self):
        self.ownership._get_owner("master_products").exception_owner_id = self.integration_admin
        [answer] = self._forward(self._notification())
        self.assertEqual(answer, {"event_id": "mdc-1", "result": "needs_review", "reason": None})
        activity = self._assert_reported_change_in_review(self.state)
        # Forwarded again (the bridge did not hear the answer): nothing changes.
        detail = self.state.conflict_detail
        [again] = self._forward(self._notification())
        self.assertEqual(again["result"], "duplicate")
        self.assertIn("version 2", again["reason"])
        self.assertEqual(self.state.activity_ids, activity)
        self.assertEqual(self.state.conflict_detail, detail)

    def test_a_version_reported_again_with_other_data_is_a_new_conflict(self):
        # The TMS holds one version 2 of WID-1: a second report of version 2 saying
        # something else is not that report again, and its data must not be dropped.
        self.ownership._get_owner("master_products").exception_owner_id = self.integration_admin
        self._forward(self._notification())
        other = self._notification("mdc-2")
        other["document"]["records"][0]["data"]["weight_kg"] = 77.0
        [answer] = self._forward(other)
        self.assertEqual(answer["result"], "needs_review", answer)
        self.assertIn("WID-1: version 2 was reported before with other data", answer["reason"])
        self.assertEqual((self.state.state, self.state.tms_version), ("conflict", 2))
        self.assertIn("weight_kg: Odoo 12.5, TMS 77.0", self.state.conflict_detail)
        self.assertEqual(self.product.weight, 12.5, "never applied to Odoo's record")
        log = self.env["logistics.integration.log"].search(
            [("endpoint_id", "=", self.endpoint.id), ("external_identifier", "=", "WID-1")],
            order="id desc",
            limit=1,
        )
        self.assertEqual(log.state, "needs_review")
        # Each report again, however its numbers are written, is a duplicate.
        [again] = self._forward(other)
        self.assertEqual(again["result"], "duplicate")
        other["document"]["records"][0]["data"]["weight_kg"] = 77
        [again] = self._forward(other)
        self.assertEqual(again["result"], "duplicate")

    def test_one_notification_reporting_a_version_twice_keeps_both_contents(self):
        self.ownership._get_owner("master_products").exception_owner_id = self.integration_admin
        notification = self._notification()
        [record] = notification["document"]["records"]
        twice = [record, dict(record, data=dict(record["data"], weight_kg=77.0))]
        notification["document"]["records"] = twice
        [answer] = self._forward(notification)
        self.assertEqual(answer["result"], "needs_review", answer)
        self.assertIn("version 2 was reported before with other data", answer["reason"])
        self.assertIn("weight_kg: Odoo 12.5, TMS 77.0", self.state.conflict_detail)

    def test_a_notification_beside_events_is_answered_in_order(self):
        event = {
            "event_id": "evt-unknown-shipment",
            "event_type": "status",
            "shipment_reference": "NO-SUCH-SHIPMENT",
            "occurred_at": "2026-03-02T08:00:00+00:00",
            "payload": {"status_code": "X3"},
        }
        answers = self._forward(event, self._notification())
        self.assertEqual([a["event_id"] for a in answers], ["evt-unknown-shipment", "mdc-1"])
        self.assertEqual(answers[1]["result"], "needs_review")

    def test_a_bad_notification_is_rejected_naming_the_field(self):
        [answer] = self._forward(self._notification(kind="warehouses"))
        self.assertEqual(answer["result"], "rejected")
        self.assertIn("kind:", answer["reason"])
        [answer] = self._forward(
            self._notification("mdc-2", records=[{"key": "NOPE-1", "version": 1, "data": {}}])
        )
        self.assertEqual(answer["result"], "rejected")
        self.assertIn("NOPE-1: key: Odoo never sent 'NOPE-1'", answer["reason"])
        self.assertEqual(self.state.state, "sent")
        log = self.env["logistics.integration.log"].search(
            [("endpoint_id", "=", self.endpoint.id), ("external_identifier", "=", "mdc-1")],
            limit=1,
        )
        self.assertEqual((log.state, log.direction), ("rejected", "inbound"))
        self.assertIn("kind:", log.error)
