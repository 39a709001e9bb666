from datetime import timedelta
from itertools import count
from unittest.mock import patch

from odoo import fields
from odoo.tools import mute_logger

from .common import T0, LogisticsInboundCase


class TestIngest(LogisticsInboundCase):
    def test_status_event_becomes_milestone_with_source_time(self):
        event = self._event(status_code="AF", location="Rotterdam NL", occurred_at=T0)
        answer = self._ingest_one(event)
        self.assertEqual(
            answer, {"event_id": event["event_id"], "result": "processed", "reason": None}
        )
        milestone = self.shipment.milestone_ids
        self.assertEqual(milestone.event_type_id.code, "picked_up")
        self.assertEqual(milestone.raw_code, "AF")
        self.assertEqual(milestone.event_time, T0.replace(tzinfo=None))
        self.assertEqual(milestone.location, "Rotterdam NL")
        self.assertEqual(milestone.endpoint_id, self.source_endpoint)
        self.assertEqual(self.shipment.state, "picked_up")
        inbox = self.env["logistics.inbound.event"].search([("milestone_id", "=", milestone.id)])
        exchange_type = inbox.exchange_type_id
        self.assertEqual(exchange_type.endpoint_id, self.source_endpoint)
        self.assertEqual(exchange_type.direction, "inbound")

    def test_event_without_receipt_time_has_one_on_milestone_and_inbox_record(self):
        event = self._event(status_code="AF")
        del event["received_at"]
        # The clock moves on between the two records' values.
        clock = (T0.replace(tzinfo=None) + timedelta(seconds=second) for second in count())
        with patch.object(fields.Datetime, "now", side_effect=clock):
            self.assertEqual(self._ingest_one(event)["result"], "processed")
        milestone = self.shipment.milestone_ids
        inbox = self.env["logistics.inbound.event"].search([("milestone_id", "=", milestone.id)])
        self.assertTrue(milestone.received_time)
        self.assertEqual(inbox.received_time, milestone.received_time)

    def test_inbox_record_keeps_the_content_as_sent(self):
        event = self._event(
            location="Zürich CH", status_code="AF", occurred_at="2026-03-02T08:00:00Z"
        )
        self._ingest_one(event)
        inbox = self.env["logistics.inbound.event"].search(
            [("external_event_id", "=", event["event_id"])]
        )
        self.assertEqual(
            inbox.content,
            '{"event_type":"status","shipment_reference":"TMS-1000",'
            '"occurred_at":"2026-03-02T08:00:00+00:00","schema_version":"1",'
            '"payload":{"location":"Zürich CH","status_code":"AF"}}',
        )

    def test_traceparent_kept_on_the_inbox_record(self):
        traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        traced = dict(self._event(status_code="AF"), traceparent=traceparent)
        untraced = self._event(status_code="X6")
        answers = self._ingest(traced, untraced)
        self.assertEqual([answer["result"] for answer in answers], ["processed", "processed"])
        inbox = self.env["logistics.inbound.event"].search(
            [("external_event_id", "in", [traced["event_id"], untraced["event_id"]])]
        )
        kept = {record.external_event_id: record.traceparent for record in inbox}
        self.assertEqual(kept, {traced["event_id"]: traceparent, untraced["event_id"]: False})

    def test_duplicate_answers_duplicate_and_changes_nothing(self):
        event = self._event(status_code="AF")
        self.assertEqual(self._ingest_one(event)["result"], "processed")
        before = (
            len(self.shipment.milestone_ids),
            self.env["logistics.inbound.event"].search_count([]),
        )
        resent = dict(event, correlation_id="other-transaction", received_at=T0.isoformat())
        self.assertEqual(self._ingest_one(resent)["result"], "duplicate")
        # Other content under the same id is a conflict kept for review: nothing applied.
        repeat = dict(event, payload={"status_code": "D1"})
        answer = self._ingest_one(repeat)
        self.assertEqual(answer["result"], "conflict")
        after = (
            len(self.shipment.milestone_ids),
            self.env["logistics.inbound.event"].search_count([]),
        )
        self.assertEqual(before, after)
        self.assertEqual(self.shipment.state, "picked_up")

    def test_duplicate_within_one_batch(self):
        event = self._event(status_code="AF")
        answers = self._ingest(event, dict(event))
        self.assertEqual([a["result"] for a in answers], ["processed", "duplicate"])
        self.assertEqual(len(self.shipment.milestone_ids), 1)

    def test_one_bad_event_leaves_the_others_processed(self):
        good_1 = self._event(status_code="AF", occurred_at=T0)
        bad = self._event(
            event_type="charges", charges=[{"external_id": "c1", "amount": -5, "currency": "EUR"}]
        )
        good_2 = self._event(status_code="X6", occurred_at=T0 + timedelta(hours=3))
        answers = self._ingest(good_1, bad, good_2)
        self.assertEqual([a["result"] for a in answers], ["processed", "rejected", "processed"])
        self.assertEqual(
            [a["event_id"] for a in answers],
            [good_1["event_id"], bad["event_id"], good_2["event_id"]],
        )
        self.assertEqual(len(self.shipment.milestone_ids), 2)
        self.assertEqual(self.shipment.state, "out_for_delivery")

    @mute_logger("odoo.sql_db", "odoo.addons.logistics_inbound.models.logistics_ingest")
    def test_event_failing_while_applied_is_kept_for_review_others_processed(self):
        other = self._create_shipment(tms_reference="TMS-2000")
        # A milestone with the same source id already exists (recorded by hand):
        # applying the event breaks a database constraint inside its savepoint.
        clash = self._event(status_code="AF", reference="TMS-2000")
        self._add_milestone(
            other,
            "picked_up",
            T0.replace(tzinfo=None),
            endpoint_id=self.source_endpoint.id,
            external_event_id=clash["event_id"],
        )
        good = self._event(status_code="X6")
        answers = self._ingest(clash, good)
        self.assertEqual([a["result"] for a in answers], ["needs_review", "processed"])
        self.assertIn("processing failed", answers[0]["reason"])
        self.assertEqual(self.shipment.state, "out_for_delivery")
        waiting = self.env["logistics.inbound.event"].search(
            [("external_event_id", "=", clash["event_id"])]
        )
        self.assertEqual(waiting.state, "needs_review")

    def test_every_event_is_logged_with_the_shipment_correlation(self):
        events = [
            self._event(status_code="AF"),
            self._event(
                event_type="charges",
                charges=[
                    {
                        "external_id": "c1",
                        "amount": 10,
                        "currency": self.env.company.currency_id.name,
                    }
                ],
            ),
        ]
        self._ingest(*events)
        logs = self.env["logistics.integration.log"].search(
            [("external_identifier", "in", [e["event_id"] for e in events])]
        )
        self.assertEqual(len(logs), 2)
        self.assertEqual(set(logs.mapped("correlation_id")), {self.shipment.correlation_id})
        self.assertEqual(set(logs.mapped("direction")), {"inbound"})
        self.assertEqual(set(logs.mapped("state")), {"processed"})
        self.assertEqual(set(logs.mapped("model")), {"logistics.inbound.event"})

    def test_unknown_endpoint_is_answered_per_event(self):
        event = self._event()
        answers = (
            self.env["logistics.ingest"].with_user(self.bridge_user).ingest_events("nope", [event])
        )
        self.assertEqual(answers[0]["result"], "rejected")
        self.assertIn("endpoint", answers[0]["reason"])

    def test_shipment_found_by_odoo_reference(self):
        answer = self._ingest_one(self._event(status_code="AF", reference=self.shipment.name))
        self.assertEqual(answer["result"], "processed")
        self.assertEqual(self.shipment.state, "picked_up")
