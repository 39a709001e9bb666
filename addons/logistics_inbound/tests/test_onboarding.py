import json

from odoo.exceptions import UserError, ValidationError

from .common import LogisticsInboundSourceCase
from .samples import (
    EASYPOST_TRACKER_UPDATED,
    FLAT_NOTIFICATION,
    NESTED_SCANS,
    X12_214_INTERCHANGE,
)

BRIDGE_URL = "https://bridge.example.com"


class TestOnboarding(LogisticsInboundSourceCase):
    """The onboarding assistant, step by step, as an Integration Administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("logistics_inbound.bridge_public_url", BRIDGE_URL)
        cls.shipment = cls._shipment_with_tracking("NXS-4471-0093")

    def _wizard(self, **values):
        vals = {"name": "Nexus Parcel", "code": "nexus_parcel", "sample": json.dumps(NESTED_SCANS)}
        vals.update(values)
        return (
            self.env["logistics.onboarding.wizard"].with_user(self.integration_admin).create(vals)
        )

    def _stored_counts(self):
        return [
            self.env[model].search_count([])
            for model in (
                "logistics.endpoint",
                "logistics.inbound.profile",
                "logistics.status.mapping",
                "logistics.inbound.event",
                "logistics.milestone",
            )
        ]

    def test_sample_proposes_paths_and_try_runs_it_storing_nothing(self):
        before = self._stored_counts()
        wizard = self._wizard()
        wizard.action_propose()
        self.assertEqual(wizard.step, "paths")
        self.assertEqual(wizard.path_status_code, "document.scans[*].code")
        self.assertEqual(wizard.path_shipment_reference, "document.shipment.trackingNo")
        self.assertEqual(wizard.event_time_format, "epoch_ms")
        self.assertEqual(wizard.ordering_key_path, "shipment.trackingNo")
        [code] = wizard.mapping_ids
        self.assertEqual((code.raw_code, code.event_type_id.id), ("DLV", False))
        wizard.action_try()
        [line] = wizard.line_ids
        self.assertEqual(line.outcome, "needs_review")
        self.assertIn("no mapping for code 'DLV'", line.reason)
        self.assertEqual(line.shipment_id, self.shipment)
        code.event_type_id = self.event_types["delivered"]
        wizard.action_try()
        [line] = wizard.line_ids
        self.assertEqual(line.outcome, "processed", line.reason)
        self.assertEqual(line.event_id, "17")
        self.assertEqual(line.canonical_event_id, self.event_types["delivered"])
        self.assertEqual(line.event_time, self._utc(2024, 12, 6, 15, 46, 40))
        self.assertEqual(line.location, "Ghent, VOV, BE")
        self.assertEqual(len(wizard.mapping_ids), 1, "a mapped code is not listed again")
        self.assertEqual(self._stored_counts(), before, "proposing and trying store nothing")

    def test_one_update_per_document_and_the_other_candidates(self):
        wizard = self._wizard(sample=json.dumps(FLAT_NOTIFICATION))
        wizard.action_propose()
        # No list: each document is one event, known by the webhook's own id.
        self.assertEqual(wizard.path_event_id, "event_id")
        self.assertEqual(wizard.event_id_path, "notification.uuid")
        self.assertEqual(wizard.path_shipment_reference, "document.consignment.waybill")
        self.assertEqual(wizard.event_time_format, "epoch_s")
        self.assertIn("Tracking number: consignment.reference (PO-55)", wizard.proposal_note)
        self.assertIn("Event time: notification.sentAt", wizard.proposal_note)
        self.assertEqual(wizard.mapping_ids.mapped("raw_code"), ["OFD"])
        self._shipment_with_tracking("WB99120034")
        wizard.action_try()
        self.assertEqual(wizard.line_ids.event_id, "6d1f0c2a-93b4-4a8e-b1de-2f5c7a9e0d41")
        self.assertEqual(wizard.line_ids.event_time, self._utc(2026, 3, 2, 9, 30))

    def test_save_creates_the_endpoint_profile_mapping_recipe_and_secret(self):
        wizard = self._wizard(responsible_user_id=self.logistics_manager.id)
        wizard.action_propose()
        wizard.action_next()
        self.assertEqual(wizard.step, "auth")
        wizard.write({"scheme": "hmac", "header": "X-Nexus-Signature", "prefix": "sha256="})
        wizard.action_save()
        self.assertEqual(wizard.step, "done")
        endpoint = wizard.endpoint_id
        self.assertEqual(
            (endpoint.name, endpoint.code, endpoint.kind, endpoint.responsible_user_id),
            ("Nexus Parcel", "nexus_parcel", "carrier", self.logistics_manager),
        )
        self.assertEqual(
            (endpoint.inbound_format, endpoint.event_id_path, endpoint.ordering_key_path),
            ("json", False, "shipment.trackingNo"),
        )
        self.assertEqual(wizard.inbound_url, f"{BRIDGE_URL}/v1/in/nexus_parcel")
        profile = endpoint.logistics_inbound_profile_id
        self.assertEqual(profile.path_event_id, "document.scans[*].scanId")
        self.assertEqual(profile.path_charge_amount, False)
        # DLV was left to map: it waits for review when it arrives, never guessed.
        self.assertFalse(profile.status_mapping_ids)
        [recipe] = endpoint.auth_recipe_ids
        self.assertEqual(
            (recipe.scheme, recipe.header, recipe.prefix, recipe.hmac_algorithm, recipe.encoding),
            ("hmac", "X-Nexus-Signature", "sha256=", "sha256", "hex"),
        )
        [secret] = recipe.secret_ids
        self.assertTrue(wizard.secret)
        self.assertEqual(secret.value, wizard.secret)
        wizard.action_done()
        self.assertFalse(wizard.secret, "shown once")
        [answer] = self._ingest_into(endpoint, self._raw(NESTED_SCANS))
        self.assertEqual(answer["result"], "needs_review")
        self.assertIn("no mapping for code 'DLV'", answer["reason"])

    def test_a_preset_is_copied_with_its_mapping(self):
        preset = self.env.ref("logistics_inbound.inbound_profile_easypost")
        wizard = self._wizard(
            origin="preset",
            preset_id=preset.id,
            sample=json.dumps(EASYPOST_TRACKER_UPDATED),
            scheme="token",
            header="X-Api-Token",
        )
        wizard.action_propose()
        self.assertEqual(wizard.path_status_code, preset.path_status_code)
        wizard.action_try()
        self.assertFalse(wizard.mapping_ids, "the preset maps every code of its sample")
        self.assertEqual(set(wizard.line_ids.mapped("outcome")), {"needs_review"})
        wizard.path_location = "document.result.tracking_details[*].tracking_location.city"
        wizard.action_next()
        wizard.action_save()
        profile = wizard.endpoint_id.logistics_inbound_profile_id
        self.assertNotEqual(profile, preset)
        self.assertEqual(profile.path_location, wizard.path_location)
        self.assertNotEqual(preset.path_location, wizard.path_location)
        self.assertEqual(
            sorted(profile.status_mapping_ids.mapped("raw_code")),
            sorted(preset.status_mapping_ids.mapped("raw_code")),
        )
        self.assertEqual(wizard.endpoint_id.auth_recipe_ids.scheme, "token")

    def test_an_x12_sample_starts_from_the_x12_preset(self):
        wizard = self._wizard(sample=X12_214_INTERCHANGE)
        wizard.action_propose()
        preset = self.env.ref("logistics_inbound.inbound_profile_x12_214")
        self.assertEqual(wizard.document_format, "x12-214")
        self.assertEqual(wizard.path_status_code, preset.path_status_code)
        wizard.action_try()
        self.assertEqual(wizard.line_ids.mapped("status_code"), ["AF", "X6"])
        self.assertFalse(wizard.mapping_ids)

    def test_what_cannot_be_saved_is_said_before_the_secret_is_made(self):
        self.assertRaisesRegex(
            UserError, "name and an endpoint code", self._wizard(name=False).action_propose
        )
        self.assertRaisesRegex(
            ValidationError, "must start with a letter", self._wizard(code="9x").action_propose
        )
        self.assertRaisesRegex(
            UserError, "already used", self._wizard(code=self.endpoint.code).action_propose
        )
        self.assertRaisesRegex(
            UserError, "neither X12 nor JSON", self._wizard(sample="tracking: 1").action_propose
        )
        self.assertRaisesRegex(UserError, "Paste", self._wizard(sample=False).action_propose)
        wizard = self._wizard()
        wizard.action_propose()
        wizard.path_shipment_reference = False
        self.assertRaisesRegex(UserError, "Tracking Number|Shipment Key", wizard.action_next)
        wizard.path_shipment_reference = "document..x"
        self.assertRaises(ValidationError, wizard.action_next)
        self.assertEqual(wizard.step, "paths")
