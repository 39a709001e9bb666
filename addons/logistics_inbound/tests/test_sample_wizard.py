import json
from unittest.mock import patch

from logistics_contract.documents import JsonDocuments
from logistics_contract.ids import derived_id
from logistics_contract.x12 import shipment_status_events
from lxml import etree

from odoo.exceptions import UserError

from ..wizards.logistics_inbound_sample import LogisticsInboundSample
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
        profile = (
            xmlid if not isinstance(xmlid, str) else self.env.ref(f"logistics_inbound.{xmlid}")
        )
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
        # What the bridge refuses, Try refuses with the bridge's message.
        with self.assertRaisesRegex(UserError, "X12: SE01 is 12 but the transaction set has 11"):
            self._try("inbound_profile_x12_214", X12_214_INTERCHANGE.replace("SE*11*", "SE*12*"))

    def test_tms_event_envelopes_and_x12_segment_json(self):
        profile = self._create_envelope_profile()
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
        [transaction] = shipment_status_events(X12_214_INTERCHANGE)[1]
        lines = self._try("inbound_profile_x12_214", json.dumps(transaction.document))
        self.assertEqual(lines.mapped("status_code"), ["AF", "X6"])

    def test_x12_text_events_carry_the_bridges_ids(self):
        lines = self._try("inbound_profile_x12_214", X12_214_INTERCHANGE)
        [transaction] = shipment_status_events(X12_214_INTERCHANGE)[1]
        self.assertEqual(transaction.event_id, "ABCD:000000101:101:0001")
        self.assertTrue(
            all(line.startswith(transaction.event_id + "#") for line in lines.mapped("event_id"))
        )

    def test_try_of_a_split_document_shows_the_events_the_bridge_forwards(self):
        """With an endpoint's json settings, Try splits as the bridge does: its ids
        (the document id and the hash of each element), one element per event for the
        profile to read."""
        shipment = self._shipment_with_tracking("EZ4000000004")
        profile = self._create_profile(
            name="EasyPost tracking details, split by the bridge",
            path_event_id="event_id",
            path_shipment_reference="=EZ4000000004",
            path_status_code="document.status",
            path_event_time="document.datetime",
            shipment_match_order="tracking_number",
        )
        self._map(profile, "pre_transit", "shipment_planned")
        self._map(profile, "in_transit", "in_transit")
        documents = JsonDocuments.from_settings(
            event_id_path="$.id",
            shipment_key_path="$.result.tracking_code",
            split_path="result.tracking_details[*]",
        )
        sample = json.dumps(EASYPOST_TRACKER_UPDATED)
        with patch.object(LogisticsInboundSample, "_get_json_documents", return_value=documents):
            lines = self._try(profile, sample)
        bridge_events = documents.events(EASYPOST_TRACKER_UPDATED, "sample")
        details = EASYPOST_TRACKER_UPDATED["result"]["tracking_details"]
        self.assertEqual(
            lines.mapped("event_id"), [derived_id("evt_qatAiJDM", detail) for detail in details]
        )
        self.assertEqual(lines.mapped("event_id"), [event.event_id for event in bridge_events])
        self.assertEqual(lines.mapped("status_code"), ["pre_transit", "in_transit"])
        self.assertEqual(lines.mapped("outcome"), ["processed", "processed"])
        self.assertEqual(lines.mapped("shipment_id"), shipment)

    def test_a_document_the_bridge_refuses_is_refused_by_try(self):
        documents = JsonDocuments.from_settings(split_path="result.checkpoints[*]")
        sample = json.dumps(EASYPOST_TRACKER_UPDATED)
        with (
            patch.object(LogisticsInboundSample, "_get_json_documents", return_value=documents),
            self.assertRaisesRegex(
                UserError,
                "The bridge would refuse this document: split_path result.checkpoints.*"
                ": the document has no list there",
            ),
        ):
            self._try("inbound_profile_easypost", sample)

    def test_a_body_the_bridge_cannot_read_is_refused_by_try_saying_why(self):
        too_deep = '{"a":' * 5000 + "1" + "}" * 5000
        for profile in ("inbound_profile_easypost", self._create_envelope_profile()):
            for sample, reason in (
                ('{"weight": 1e999}', "out of range"),
                ('{"weight": NaN}', "out of range"),
                (too_deep, "nests more than 64 levels"),
                ('{"status": "a", "status": "b"}', "duplicate"),
            ):
                with (
                    self.subTest(profile=str(profile), sample=sample[:20]),
                    self.assertRaisesRegex(
                        UserError, f"The bridge would refuse this document.*{reason}"
                    ),
                ):
                    self._try(profile, sample)

    def test_without_json_settings_the_document_is_one_event(self):
        endpoint = self._carrier_endpoint(
            self.env.ref("logistics_inbound.inbound_profile_easypost")
        )
        documents = self.env["logistics.inbound.sample"]._get_json_documents(endpoint)
        self.assertEqual(documents, JsonDocuments())

    def test_dialog_is_titled_and_shows_the_reason_column(self):
        profile = self.env.ref("logistics_inbound.inbound_profile_easypost")
        self._carrier_endpoint(profile)
        endpoint = profile.endpoint_ids[:1]
        action = profile.with_user(self.integration_admin).action_try_sample()
        self.assertEqual(action["name"], f"Try a sample: {endpoint.display_name}")
        wizard = (
            self.env["logistics.inbound.sample"]
            .with_user(self.integration_admin)
            .with_context(**action["context"])
            .create({"sample": json.dumps(EASYPOST_TRACKER_UPDATED)})
        )
        self.assertEqual(wizard.endpoint_id, endpoint)
        wizard.endpoint_id = False
        after_try = wizard.action_try()
        self.assertEqual(after_try["name"], f"Try a sample: {profile.display_name}")
        self.assertEqual(after_try["context"]["dialog_size"], "extra-large")
        arch = wizard.get_views([(False, "form")])["views"]["form"]["arch"]
        columns = [
            (column.get("name"), column.get("optional"))
            for column in etree.fromstring(arch).xpath("//field[@name='line_ids']/list/field")
        ]
        names = [name for name, _optional in columns]
        # Outcome and reason come before the optional details, and show by default.
        self.assertLess(names.index("reason"), names.index("event_type"))
        self.assertEqual(names.index("reason"), names.index("outcome") + 1)
        self.assertIn(("reason", "show"), columns)
