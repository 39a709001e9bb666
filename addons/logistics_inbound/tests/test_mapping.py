from odoo.exceptions import AccessError

from .common import LogisticsInboundCase


class TestMapping(LogisticsInboundCase):
    def test_unmapped_code_review_mapping_reprocess(self):
        event = self._event(status_code="ZZ", status_detail="NS", location="Antwerp")
        answer = self._ingest_one(event)
        self.assertEqual(answer["result"], "needs_review")
        self.assertIn("payload.status_code: no mapping for code 'ZZ'", answer["reason"])
        waiting = self.env["logistics.inbound.event"].search(
            [("external_event_id", "=", event["event_id"])]
        )
        self.assertEqual(waiting.state, "needs_review")
        self.assertFalse(self.shipment.milestone_ids, "an unmapped code is never guessed")
        activity = waiting.activity_ids
        self.assertEqual(activity.user_id, self.integration_admin)
        # A redelivery while waiting is still a duplicate.
        self.assertEqual(self._ingest_one(dict(event))["result"], "duplicate")

        mapping = self.env["logistics.status.mapping"].create(
            {
                "endpoint_id": self.source_endpoint.id,
                "raw_code": "ZZ",
                "event_type_id": self.event_types["in_transit"].id,
            }
        )
        self.assertEqual(mapping.waiting_count, 1)
        mapping.action_reprocess_waiting()
        self.assertEqual(waiting.state, "processed")
        self.assertEqual(self.shipment.state, "in_transit")
        self.assertEqual(self.shipment.milestone_ids.location, "Antwerp")
        self.assertEqual(self.shipment.milestone_ids.external_event_id, event["event_id"])
        mapping.invalidate_recordset(["waiting_count"])
        self.assertEqual(mapping.waiting_count, 0)
        log = self.env["logistics.integration.log"].search(
            [("external_identifier", "=", event["event_id"]), ("state", "=", "processed")]
        )
        self.assertEqual(log.correlation_id, self.shipment.correlation_id)

    def test_reprocess_from_event_list(self):
        event = self._event(status_code="QQ")
        self._ingest(event)
        waiting = self.env["logistics.inbound.event"].search(
            [("external_event_id", "=", event["event_id"])]
        )
        waiting.action_reprocess()
        self.assertEqual(waiting.state, "needs_review", "still unmapped")
        self.env["logistics.status.mapping"].create(
            {
                "endpoint_id": self.source_endpoint.id,
                "raw_code": "QQ",
                "event_type_id": self.event_types["delivered"].id,
            }
        )
        with self.assertRaises(AccessError):
            waiting.with_user(self.logistics_user).action_reprocess()
        waiting.with_user(self.integration_admin).action_reprocess()
        self.assertEqual(waiting.state, "processed")
        self.assertEqual(self.shipment.state, "delivered")

    def test_detail_specific_mapping_wins_and_sets_flags(self):
        self.env["logistics.status.mapping"].create(
            {
                "endpoint_id": self.source_endpoint.id,
                "raw_code": "SD",
                "raw_detail": "A2",
                "event_type_id": self.event_types["exception_raised"].id,
                "action_required": True,
                "customer_visibility": "hidden",
            }
        )
        self._ingest(self._event(status_code="SD", status_detail="A2"))
        milestone = self.shipment.milestone_ids
        self.assertTrue(milestone.action_required)
        self.assertFalse(milestone.customer_visible)
        self.assertTrue(self.shipment.action_required)

    def test_unknown_shipment_waits_for_review(self):
        event = self._event(status_code="AF", reference="TMS-LATER")
        self.assertEqual(self._ingest_one(event)["result"], "needs_review")
        later = self._create_shipment(tms_reference="TMS-LATER")
        waiting = self.env["logistics.inbound.event"].search(
            [("external_event_id", "=", event["event_id"])]
        )
        waiting.action_reprocess()
        self.assertEqual(waiting.shipment_id, later)
        self.assertEqual(later.state, "picked_up")

    def test_custom_profile_onboards_a_new_format_without_code(self):
        profile = self.env["logistics.inbound.profile"].create(
            {
                "name": "Carrier X webhook",
                "path_event_id": "payload.meta.id",
                "path_shipment_reference": "payload.tracking.ref",
                "path_status_code": "payload.tracking.status",
                "path_status_detail": "payload.tracking.substatus",
                "path_event_time": "payload.tracking.at",
                "path_location": "payload.tracking.where.city",
                "path_charge_external_id": "payload.costs[*].code",
                "path_charge_charge_type": False,
                "path_charge_amount": "payload.costs[*].value",
                "path_charge_currency": "payload.costs[*].cur",
            }
        )
        carrier_x = self._create_endpoint(
            code="carrier_x", kind="carrier", logistics_inbound_profile_id=profile.id
        )
        self.env["logistics.status.mapping"].create(
            {
                "profile_id": profile.id,
                "raw_code": "in_transit",
                "event_type_id": self.event_types["in_transit"].id,
            }
        )
        raw = {
            "event_id": "outer-1",
            "event_type": "status",
            "shipment_reference": "ignored",
            "occurred_at": "2026-03-02T08:00:00+00:00",
            "payload": {
                "meta": {"id": "cx-1"},
                "tracking": {
                    "ref": "TMS-1000",
                    "status": "in_transit",
                    "substatus": "departed",
                    "at": "2026-03-02T07:30:00+01:00",
                    "where": {"city": "Lyon"},
                },
            },
        }
        answer = self._ingest_one(raw, endpoint=carrier_x)
        self.assertEqual(answer["result"], "processed", answer)
        milestone = self.shipment.milestone_ids
        self.assertEqual(
            (milestone.raw_code, milestone.raw_detail, milestone.location),
            ("in_transit", "departed", "Lyon"),
        )
        self.assertEqual(milestone.external_event_id, "cx-1")
        self.assertEqual(str(milestone.event_time), "2026-03-02 06:30:00")
        bad = dict(raw, event_type="charges")
        bad["payload"] = dict(
            raw["payload"],
            meta={"id": "cx-2"},
            costs=[
                {"code": "f", "value": 3, "cur": "EUR"},
                {"code": "g", "value": -2, "cur": "EUR"},
            ],
        )
        answer = self._ingest_one(bad, endpoint=carrier_x)
        self.assertEqual(answer["result"], "rejected")
        self.assertIn("payload.costs[1].value:", answer["reason"])

    def test_profile_paths_are_checked(self):
        from odoo.exceptions import ValidationError

        required = {
            "name": "Bad",
            "path_event_id": "event_id",
            "path_shipment_reference": "shipment_reference",
        }
        with self.assertRaises(ValidationError):
            self.env["logistics.inbound.profile"].create(
                dict(required, path_status_code="payload..code")
            )
        with self.assertRaises(ValidationError):
            self.env["logistics.inbound.profile"].create(
                dict(required, path_charge_amount="payload.amount")
            )

    def test_each_milestone_of_a_batch_takes_its_own_lines_values(self):
        profile = self.source_endpoint.logistics_inbound_profile_id
        hidden = self._map(profile, "ZA", "in_transit")
        hidden.write({"customer_visibility": "hidden", "action_required": True})
        self._map(profile, "ZB", "delivered").customer_visibility = "visible"
        events = [self._event(status_code=code) for code in ("ZA", "ZB", "ZB", "ZA")]
        answers = self._ingest(*events)
        self.assertEqual({answer["result"] for answer in answers}, {"processed"})
        milestones = self.env["logistics.milestone"].search(
            [("external_event_id", "in", [event["event_id"] for event in events])]
        )
        self.assertEqual(
            sorted(
                (m.raw_code, m.event_type_id.code, m.customer_visible, m.action_required)
                for m in milestones
            ),
            [("ZA", "in_transit", False, True)] * 2 + [("ZB", "delivered", True, False)] * 2,
        )
