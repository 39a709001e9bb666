import json

from odoo.exceptions import UserError

from .. import x12
from .common import LogisticsInboundSourceCase
from .samples import EASYPOST_TRACKER_UPDATED, X12_214_INTERCHANGE


class TestSampleWizard(LogisticsInboundSourceCase):
    def _counts(self):
        return [
            self.env[model].search_count([])
            for model in (
                "logistics.inbound.event",
                "logistics.milestone",
                "logistics.integration.log",
            )
        ]

    def _try(self, xmlid, sample, endpoint=None):
        profile = self.env.ref(f"logistics_inbound.{xmlid}")
        action = profile.with_user(self.integration_admin).action_try_sample()
        self.assertEqual(action["res_model"], "logistics.inbound.sample")
        wizard = (
            self.env["logistics.inbound.sample"]
            .with_user(self.integration_admin)
            .with_context(**action["context"])
            .create({"sample": sample, "endpoint_id": endpoint.id if endpoint else False})
        )
        wizard.action_try()
        return wizard.line_ids

    def test_json_sample_shows_events_and_reviews_without_storing(self):
        shipment = self._shipment_with_tracking("EZ4000000004")
        before = self._counts()
        lines = self._try("inbound_profile_easypost", json.dumps(EASYPOST_TRACKER_UPDATED))
        self.assertEqual(self._counts(), before, "trying a sample stores nothing")
        self.assertEqual(lines.mapped("outcome"), ["processed", "processed"])
        self.assertEqual(lines.mapped("shipment_id"), shipment)
        self.assertEqual(
            lines.mapped("canonical_event_id.code"), ["shipment_planned", "in_transit"]
        )
        self.assertEqual(lines[1].location, "SOUTH SAN FRANCISCO, CA, US")
        self.assertFalse(shipment.milestone_ids)

    def test_x12_text_sample_and_what_would_wait(self):
        lines = self._try("inbound_profile_x12_214", X12_214_INTERCHANGE)
        self.assertEqual(lines.mapped("status_code"), ["AF", "X6"])
        self.assertEqual(set(lines.mapped("outcome")), {"needs_review"})
        self.assertIn("no shipment 'PRO123456'", lines[0].reason)
        self.assertEqual(lines[0].event_time, self._utc(2026, 3, 2, 13, 0))

    def test_rejections_and_already_received_events(self):
        shipment = self._shipment_with_tracking("EZ4000000004")
        endpoint = self._carrier_endpoint(
            self.env.ref("logistics_inbound.inbound_profile_easypost")
        )
        self._ingest_into(endpoint, self._raw(EASYPOST_TRACKER_UPDATED))
        lines = self._try(
            "inbound_profile_easypost", json.dumps(EASYPOST_TRACKER_UPDATED), endpoint
        )
        self.assertEqual(lines.mapped("outcome"), ["duplicate", "duplicate"])
        self.assertEqual(lines.mapped("shipment_id"), shipment)
        broken = json.loads(json.dumps(EASYPOST_TRACKER_UPDATED))
        broken["result"]["tracking_details"][0]["datetime"] = "2014-08-21 14:24"
        lines = self._try("inbound_profile_easypost", json.dumps(broken), endpoint)
        self.assertEqual(lines[0].outcome, "rejected")
        self.assertIn("document.result.tracking_details[0].datetime", lines[0].reason)

    def test_unreadable_sample_is_explained(self):
        with self.assertRaisesRegex(UserError, "neither X12 nor JSON"):
            self._try("inbound_profile_easypost", "tracking: EZ4000000004")
        with self.assertRaisesRegex(UserError, "X12: .*SE"):
            self._try("inbound_profile_x12_214", X12_214_INTERCHANGE.split("SE*")[0])

    def test_tms_event_envelopes_and_x12_segment_json(self):
        profile = self._create_profile(
            name="Envelope profile",
            document_format="tms-event",
            path_event_type=False,
            path_shipment_reference="shipment_reference",
            path_status_code="payload.status_code",
            path_event_time="payload.event_time",
        )
        self._map(profile, "AF", "picked_up")
        shipment = self._create_shipment()
        envelope = {
            "event_id": "env-1",
            "event_type": "status",
            "shipment_reference": shipment.name,
            "occurred_at": "2026-03-02T08:00:00+00:00",
            "payload": {"status_code": "AF"},
        }
        wizard = self.env["logistics.inbound.sample"].create(
            {
                "profile_id": profile.id,
                "sample": json.dumps([envelope, dict(envelope, event_id="")]),
            }
        )
        wizard.action_try()
        self.assertEqual(wizard.line_ids.mapped("outcome"), ["processed", "rejected"])
        self.assertEqual(wizard.line_ids[0].shipment_id, shipment)
        self.assertIn("event_id:", wizard.line_ids[1].reason)
        # The bridge's segment JSON of an X12 transaction set is accepted as well.
        [document] = x12.parse_interchange(X12_214_INTERCHANGE)
        lines = self._try("inbound_profile_x12_214", json.dumps(document))
        self.assertEqual(lines.mapped("status_code"), ["AF", "X6"])
