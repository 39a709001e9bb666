import base64
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from logistics_contract.recipes import recipe_problems

from odoo import fields
from odoo.exceptions import UserError, ValidationError

from odoo.addons.logistics_integration.tests.common import assert_values_refused

from ..hooks import set_inbound_formats
from .common import LogisticsInboundSourceCase


def _pem_public_key():
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


class TestAuthRecipe(LogisticsInboundSourceCase):
    """Recipes and secrets: what Odoo refuses, how secrets are made, shown and rotated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls._create_endpoint(
            name="Carrier R",
            code="carrier_r",
            kind="carrier",
            inbound_format="json",
            logistics_inbound_profile_id=cls._create_profile().id,
        )
        cls.Wizard = cls.env["logistics.auth.secret.wizard"].with_user(cls.integration_admin)

    def _served_auth(self):
        registry = self.env["logistics.bridge.registry"].with_user(self.bridge_user).registry()
        return registry["endpoints"]["carrier_r"]["auth"]

    def _wizard(self, recipe, source, **values):
        """The wizard as the recipe's buttons open it."""
        wizard = self.Wizard.with_context(default_recipe_id=recipe.id, default_source=source)
        return wizard.create(values)

    def test_refuses_what_can_never_match_naming_the_field(self):
        signature = {"scheme": "signature", "signature_header": "X-Signature"}
        cases = [
            ({"header": "X_Carrier_Signature"}, (), "Header"),
            ({"header": "X Signature"}, (), "Header"),
            ({"scheme": "token", "header": "X_Token"}, (), "Header"),
            ({"scheme": "basic"}, ["user-without-colon"], "Secret"),
            ({"scheme": "basic"}, [":password"], "Secret"),
            ({"scheme": "token", "header": "X-Token"}, [" padded-token"], "Secret"),
            ({"scheme": "standard-webhooks"}, ["whsec_not base64!"], "Secret"),
            ({**signature, "algorithm": "sha256"}, ["hash-key-1"], "Signed Template"),
            (
                {**signature, "signed_template": "{secret}.{body}"},
                ["hmac-key-1"],
                "Signed Template",
            ),
            (
                {**signature, "signature_format": "list", "signature_key": False},
                (),
                "Signature Key",
            ),
            ({**signature, "timestamp_unit": "ms"}, (), "Timestamp Unit"),
            ({**signature, "algorithm": "ed25519"}, ["bogus-key-material"], "Secret"),
            ({**signature, "key_encoding": "hex"}, ["xyz-not-hex"], "Secret"),
            ({"scheme": "signature"}, (), "Signature Header"),
        ]
        for values, secrets, field in cases:
            with self.subTest(values=values, secrets=secrets):
                with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                    self._create_recipe(self.carrier, secrets=secrets, **values)
                # a setting by its label, a secret by its preview
                self.assertRegex(str(caught.exception), rf"\n{field}( …\S+)?: ")
                for secret in secrets:
                    self.assertNotIn(secret, str(caught.exception), "secrets are never shown")

    def test_refuses_exactly_what_the_contract_refuses(self):
        """The Odoo check is the contract's: a recipe Odoo keeps has no problem there."""
        kept = [
            self._create_recipe(self.carrier, secrets=["plain-key"]),
            self._create_recipe(self.carrier, scheme="token", secrets=["t0ken"]),
            self._create_recipe(self.carrier, scheme="basic", secrets=["user:pass word"]),
            self._create_recipe(
                self.carrier, scheme="standard-webhooks", secrets=["whsec_dGVzdHNlY3JldA=="]
            ),
            self._create_recipe(
                self.carrier,
                scheme="signature",
                signature_header="Stripe-Signature",
                signature_format="list",
                timestamp_key="t",
                timestamp_unit="s",
                signed_template="{timestamp}.{body}",
                secrets=["whsec_stripe"],
            ),
            self._create_recipe(
                self.carrier,
                scheme="signature",
                signature_body_field="signature.value",
                algorithm="sha256",
                signed_template="{field:token}{secret}",
                secrets=["plain-hash-secret"],
            ),
            self._create_recipe(
                self.carrier,
                scheme="signature",
                signature_header="X-Signature-Ed25519",
                algorithm="ecdsa-sha256",
                signature_encoding="base64",
                secrets=[_pem_public_key()],
            ),
        ]
        now = fields.Datetime.now()
        for recipe in kept:
            with self.subTest(scheme=recipe.scheme):
                self.assertEqual(recipe_problems(recipe._registry_recipe(now)), [])
        self.assertEqual(len(self._served_auth()), len(kept))

    def test_public_key_recipe_waits_for_its_key(self):
        recipe = self._create_recipe(
            self.carrier, scheme="signature", signature_header="X-Sig", algorithm="rsa-sha256"
        )
        registry = self.env["logistics.bridge.registry"].with_user(self.bridge_user)
        self.assertNotIn("carrier_r", registry.registry()["endpoints"])
        with self.assertRaises(UserError):
            recipe._generate_secret_value()
        recipe.jwks_url = "https://keys.example.com/jwks.json"
        self.assertEqual(self._served_auth()[0]["jwks_url"], "https://keys.example.com/jwks.json")

    def test_at_most_two_live_secrets(self):
        recipe = self._create_recipe(self.carrier, secrets=["one", "two"])
        with self.assertRaises(ValidationError):
            self._create_secret(recipe, "three")
        past = fields.Datetime.now() - timedelta(days=1)
        self._create_secret(recipe, "expired", expires_at=past)
        recipe.secret_ids.filtered(lambda s: s.value == "one").active = False
        self._create_secret(recipe, "three")
        self.assertEqual(
            sorted(s["value"] for s in self._served_auth()[0]["secrets"]), ["three", "two"]
        )

    def test_generate_shows_the_value_once(self):
        recipe = self._create_recipe(self.carrier, scheme="standard-webhooks")
        wizard = self._wizard(recipe, "generate", label="Partner portal")
        expected_expiry = fields.Datetime.now() + timedelta(days=365)
        self.assertAlmostEqual(wizard.expires_at, expected_expiry, delta=timedelta(minutes=1))
        action = wizard.action_confirm()
        self.assertEqual((action["res_model"], action["res_id"]), (wizard._name, wizard.id))
        secret = wizard.secret_id
        self.assertEqual(secret.value, wizard.value)
        self.assertTrue(wizard.value.startswith("whsec_"))
        self.assertEqual(len(base64.b64decode(wizard.value.removeprefix("whsec_"))), 32)
        self.assertEqual(secret.preview, "…" + wizard.value[-4:])
        self.assertEqual(secret.label, "Partner portal")
        wizard.action_done()
        self.assertFalse(wizard.value, "the wizard forgets the value once shown")
        self.assertEqual(self._served_auth()[0]["secrets"][0]["value"], secret.value)

    def test_generated_values_follow_the_recipe(self):
        cases = {
            "hmac": ({}, r"^[\w-]{43}$"),
            "basic": ({}, r"^carrier_r:[\w-]{32}$"),
            "signature": (
                {"signature_header": "X-Sig", "key_encoding": "hex"},
                r"^[0-9a-f]{64}$",
            ),
        }
        for scheme, (values, pattern) in cases.items():
            with self.subTest(scheme=scheme):
                recipe = self._create_recipe(self.carrier, scheme=scheme, **values)
                self.assertRegex(recipe._generate_secret_value(), pattern)

    def test_paste_keeps_no_copy_and_default_no_expiry(self):
        recipe = self._create_recipe(self.carrier, scheme="token", header="X-Api-Token")
        wizard = self._wizard(recipe, "paste", value="partner-token")
        self.assertFalse(wizard.expires_at)
        wizard.action_confirm()
        self.assertFalse(wizard.value)
        self.assertEqual(recipe.secret_ids.mapped("value"), ["partner-token"])
        self.assertFalse(recipe.secret_ids.expires_at)
        bad = self._wizard(recipe, "paste", value="partner-token-2 ")
        with self.assertRaises(ValidationError):
            bad.action_confirm()

    def test_rotate_overlaps_then_refuses_a_third(self):
        recipe = self._create_recipe(self.carrier, secrets=["current-key"])
        wizard = self._wizard(recipe, "generate", rotate=True, overlap_days=3)
        wizard.action_confirm()
        current = recipe.secret_ids.filtered(lambda s: s.value == "current-key")
        expected = fields.Datetime.now() + timedelta(days=3)
        self.assertAlmostEqual(current.expires_at, expected, delta=timedelta(minutes=1))
        self.assertEqual(current.state, "expiring")
        served = {s["value"] for s in self._served_auth()[0]["secrets"]}
        self.assertEqual(served, {"current-key", wizard.value})
        again = self._wizard(recipe, "generate", rotate=True)
        with self.assertRaises(UserError):
            again.action_confirm()

    def test_rotate_overlap_out_of_range_is_refused_naming_the_field(self):
        recipe = self._create_recipe(self.carrier, secrets=["current-key"])
        assert_values_refused(
            self,
            self.Wizard,
            "overlap_days",
            (-1, 366, 10**7),
            write=lambda days: self._wizard(
                recipe, "generate", rotate=True, overlap_days=days
            ).action_confirm(),
        )
        current = recipe.secret_ids.filtered(lambda s: s.value == "current-key")
        self.assertFalse(current.expires_at, "the current secret keeps working")

    def test_rotate_default_overlap_is_a_week(self):
        recipe = self._create_recipe(self.carrier, secrets=["current-key"])
        self._wizard(recipe, "generate", rotate=True).action_confirm()
        current = recipe.secret_ids.filtered(lambda s: s.value == "current-key")
        expected = fields.Datetime.now() + timedelta(days=7)
        self.assertAlmostEqual(current.expires_at, expected, delta=timedelta(minutes=1))

    def test_secret_states(self):
        recipe = self._create_recipe(self.carrier)
        now = fields.Datetime.now()
        secrets = [
            self._create_secret(recipe, "a", expires_at=now + timedelta(days=100)),
            self._create_secret(recipe, "b", expires_at=now + timedelta(days=10)),
            self._create_secret(recipe, "c", expires_at=now - timedelta(days=1)),
        ]
        self.assertEqual([s.state for s in secrets], ["active", "expiring", "expired"])
        self.assertIn("…a (Active", recipe.secret_summary)

    def test_pem_preview_shows_the_key_not_its_armour(self):
        pem = _pem_public_key()
        recipe = self._create_recipe(
            self.carrier, scheme="signature", signature_header="X-Sig", algorithm="ecdsa-sha256"
        )
        secret = self._create_secret(recipe, pem)
        self.assertEqual(secret.preview, "…" + pem.split("-----END")[0].strip()[-4:])

    def test_recipe_changes_are_tracked(self):
        recipe = self._create_recipe(self.carrier).with_context(
            tracking_disable=False, mail_notrack=False
        )
        self.env.cr.precommit.run()  # as at the commit after the creation
        recipe.write({"header": "X-Carrier-Signature"})
        self.env.cr.precommit.run()
        recipe.invalidate_recordset(["message_ids"])
        tracked = recipe.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("header", tracked)

    def test_endpoint_paths_are_checked(self):
        with self.assertRaises(ValidationError) as caught:
            self.carrier.ordering_key_path = "result..tracking"
        self.assertIn("Ordering Key Path: ", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.carrier.split_path = "events[0]"
        self.assertIn("Split Path: ", str(caught.exception))

    def test_existing_receiving_endpoints_get_their_format(self):
        json_profile = self._create_profile()
        with_profile = self._carrier_endpoint(json_profile)
        tms = self._create_endpoint(name="TMS Z", code="tms_z", kind="tms")
        silent = self._create_endpoint(name="Finance", code="finance_z", kind="finance")
        endpoints = with_profile | tms | silent
        endpoints.flush_recordset()
        self.env.cr.execute(
            "UPDATE logistics_endpoint SET inbound_format = NULL WHERE id = ANY(%s)",
            [endpoints.ids],
        )
        set_inbound_formats(self.env.cr)
        endpoints.invalidate_recordset()
        self.assertEqual(endpoints.mapped("inbound_format"), ["json", "tms-event", False])
