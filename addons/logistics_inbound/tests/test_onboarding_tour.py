import hashlib
import hmac
import json

from logistics_bridge.auth import build_verifier
from logistics_bridge.exceptions import CredentialsInvalid
from logistics_contract.documents import JsonDocuments
from logistics_contract.registry import Registry

from odoo.tests import HttpCase, new_test_user, tagged

BRIDGE_URL = "https://bridge.example.com"
RECEIVED_AT = "2026-03-03T09:00:00+00:00"


@tagged("post_install", "-at_install")
class TestOnboardingTour(HttpCase):
    def test_integration_admin_onboards_a_carrier_from_a_sample_document(self):
        """A sample no preset covers, onboarded in the browser; its first document is a
        milestone of the shipment whose delivery carries the tracking number."""
        self.env["ir.config_parameter"].set_param("logistics_inbound.bridge_public_url", BRIDGE_URL)
        admin = new_test_user(
            self.env,
            login="lgx_onboarding_admin",
            groups="base.group_user,logistics_integration.group_integration_admin",
        )
        bridge = new_test_user(
            self.env,
            login="lgx_onboarding_bridge",
            groups="logistics_inbound.group_logistics_bridge",
        )
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.env.ref("stock.picking_type_out").id,
                "partner_id": self.env["res.partner"].create({"name": "Tour Customer"}).id,
                "carrier_tracking_ref": "NXS-4471-0093",
            }
        )
        shipment = picking.logistics_shipment_ids or self.env["logistics.shipment"].create(
            {"partner_id": picking.partner_id.id, "picking_id": picking.id}
        )

        self.start_tour(
            "/odoo/action-logistics_inbound.logistics_inbound_profile_action",
            "logistics_inbound_onboarding",
            login=admin.login,
        )

        endpoint = self.env["logistics.endpoint"].search([("code", "=", "nexus_parcel")])
        self.assertEqual(endpoint.inbound_url, f"{BRIDGE_URL}/v1/in/nexus_parcel")
        self.assertEqual(endpoint.create_uid, admin)
        [recipe] = endpoint.auth_recipe_ids
        self.assertEqual((recipe.scheme, recipe.header), ("hmac", "X-Nexus-Signature"))
        # The partner sends what the administrator pasted, signed with the secret it was
        # handed; the bridge checks it with the registry Odoo serves and makes its events
        # with the endpoint's settings, as it will in production.
        wizard = self.env["logistics.onboarding.wizard"].search([("endpoint_id", "=", endpoint.id)])
        body = wizard.sample.encode()
        self.assertFalse(wizard.secret, "the secret was shown once, then forgotten")
        secret = recipe.secret_ids.value
        signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        registry = Registry.model_validate(
            self.env["logistics.bridge.registry"].with_user(bridge).registry()
        )
        entry = registry.endpoints[endpoint.code]
        verifier = build_verifier(entry.auth, 300, endpoint.inbound_url)
        verifier.verify(body, {"x-nexus-signature": signature})
        with self.assertRaises(CredentialsInvalid):
            verifier.verify(body.replace(b"DLV", b"XXX"), {"x-nexus-signature": signature})
        documents = JsonDocuments.from_settings(
            event_id_path=entry.event_id_path,
            shipment_key_path=entry.shipment_key_path,
            split_path=entry.split_path,
        ).events(json.loads(body), endpoint.code)
        events = [
            {
                "event_id": document.event_id,
                "format": entry.format,
                "received_at": RECEIVED_AT,
                "correlation_id": None,
                "document": document.document,
            }
            for document in documents
        ]
        answers = (
            self.env["logistics.ingest"].with_user(bridge).ingest_events(endpoint.code, events)
        )
        self.assertEqual([a["result"] for a in answers], ["processed"], answers)
        [milestone] = shipment.milestone_ids
        self.assertEqual(milestone.event_type_id.code, "delivered")
        self.assertEqual(milestone.raw_code, "DLV")
        self.assertEqual(milestone.external_event_id, "17")
        self.assertEqual(str(milestone.event_time), "2024-12-06 15:46:40")
        self.assertEqual(milestone.location, "Ghent, VOV, BE")
        self.assertEqual(milestone.endpoint_id, endpoint)
        self.assertEqual(shipment.state, "delivered")
