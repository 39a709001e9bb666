from datetime import timedelta

from logistics_contract.registry import Registry

from odoo import fields
from odoo.exceptions import AccessError, ValidationError

from .common import X12_PROFILE_XMLID, LogisticsInboundSourceCase

REGISTRY_LOGGER = "odoo.addons.logistics_inbound.models.logistics_bridge_registry"


class TestRegistry(LogisticsInboundSourceCase):
    """The document the bridges run: what is in it, its version, who may read or import it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry_model = cls.env["logistics.bridge.registry"]
        cls.expiry = fields.Datetime.now().replace(microsecond=0) + timedelta(days=30)
        cls.profiles = {"json": cls._create_profile(), "x12-214": cls.env.ref(X12_PROFILE_XMLID)}
        cls.carrier = cls._raw_endpoint(
            name="Carrier A",
            code="carrier_a",
            kind="carrier",
            event_id_path="id",
            ordering_key_path="result.tracking_code",
            split_path="events[*]",
        )
        cls.recipe = cls._create_recipe(cls.carrier, header="X-Carrier-Signature", prefix="sha256=")
        cls.secret = cls._create_secret(cls.recipe, "carrier-secret-1", expires_at=cls.expiry)

    @classmethod
    def _raw_endpoint(cls, inbound_format="json", **values):
        """An endpoint receiving raw documents, with a profile reading them."""
        return cls._create_endpoint(
            inbound_format=inbound_format,
            logistics_inbound_profile_id=cls.profiles[inbound_format].id,
            **values,
        )

    def _registry(self):
        return self.registry_model.with_user(self.bridge_user).registry()

    def _version(self):
        return self.registry_model.with_user(self.bridge_user).registry_version()["version"]

    def _served(self):
        return set(self._registry()["endpoints"])

    def test_document(self):
        document = self._registry()
        Registry.model_validate(document)
        self.assertEqual(document["version"], self._version())
        self.assertEqual(
            document["database"], self.env["ir.config_parameter"].get_param("database.uuid")
        )
        self.assertEqual(
            document["endpoints"]["carrier_a"],
            {
                "format": "json",
                "event_id_path": "id",
                "shipment_key_path": "result.tracking_code",
                "split_path": "events[*]",
                "auth": [
                    {
                        "scheme": "hmac",
                        "header": "X-Carrier-Signature",
                        "allow_sha1": False,
                        "algorithm": "sha256",
                        "encoding": "hex",
                        "prefix": "sha256=",
                        "timestamp_header": None,
                        "tolerance_seconds": 300,
                        "secrets": [
                            {
                                "value": "carrier-secret-1",
                                "expires_at": self.expiry.isoformat() + "+00:00",
                            }
                        ],
                    }
                ],
            },
        )
        # The TMS endpoint of the fixtures has no inbound side.
        self.assertNotIn(self.endpoint.code, document["endpoints"])

    def test_tms_event_entry_has_no_paths(self):
        tms = self._create_endpoint(name="TMS B", code="tms_b", inbound_format="tms-event")
        self._create_recipe(tms, scheme="standard-webhooks", secrets=["whsec_dGVzdHNlY3JldA=="])
        entry = self._registry()["endpoints"]["tms_b"]
        self.assertEqual(
            entry,
            {
                "format": "tms-event",
                "auth": [
                    {
                        "scheme": "standard-webhooks",
                        "secrets": [{"value": "whsec_dGVzdHNlY3JldA==", "expires_at": None}],
                    }
                ],
            },
        )

    def test_only_served_endpoints(self):
        unsigned = self._raw_endpoint(name="No recipe", code="no_recipe")
        keyless = self._raw_endpoint(name="No secret", code="no_secret")
        self._create_recipe(keyless)
        archived = self._raw_endpoint(name="Archived", code="archived")
        self._create_recipe(archived, secrets=["archived-secret"])
        archived.active = False
        elsewhere = self._raw_endpoint(
            name="Elsewhere",
            code="elsewhere",
            company_id=self.other_company.id,
        )
        self._create_recipe(elsewhere, secrets=["other-company-secret"])
        served = self._served()
        self.assertIn("carrier_a", served)
        for endpoint in (unsigned, keyless, archived, elsewhere):
            self.assertNotIn(endpoint.code, served)

    def test_archived_recipe_and_secret_are_not_served(self):
        second = self._create_recipe(self.carrier, scheme="basic", secrets=["carrier:pw"])
        auth = self._registry()["endpoints"]["carrier_a"]["auth"]
        self.assertEqual([recipe["scheme"] for recipe in auth], ["hmac", "basic"])
        second.active = False
        self.secret.copy({"value": "carrier-secret-2", "active": False})
        auth = self._registry()["endpoints"]["carrier_a"]["auth"]
        self.assertEqual([recipe["scheme"] for recipe in auth], ["hmac"])
        self.assertEqual([s["value"] for s in auth[0]["secrets"]], ["carrier-secret-1"])

    def test_version_increments_on_every_change(self):
        Endpoint, Recipe = self.env["logistics.endpoint"], self.env["logistics.auth.recipe"]
        other = self._raw_endpoint(name="Carrier C", code="carrier_c")
        recipe = self._create_recipe(other)
        changes = {
            "endpoint created with an inbound side": lambda: self._raw_endpoint(
                "x12-214", name="Carrier D", code="carrier_d"
            ),
            "inbound format": lambda: other.write(
                {
                    "inbound_format": "x12-214",
                    "logistics_inbound_profile_id": self.profiles["x12-214"].id,
                }
            ),
            "inbound profile": lambda: other.write(
                {"logistics_inbound_profile_id": self.env.ref(X12_PROFILE_XMLID).copy().id}
            ),
            "event id path": lambda: self.carrier.write({"event_id_path": "data.id"}),
            "ordering key path": lambda: self.carrier.write({"ordering_key_path": "ref"}),
            "split path": lambda: self.carrier.write({"split_path": False}),
            "code": lambda: other.write({"code": "carrier_cc"}),
            "endpoint archived": lambda: other.write({"active": False}),
            "endpoint deleted": lambda: Endpoint.browse(other.id).unlink(),
            "recipe created": lambda: self._create_recipe(self.carrier, scheme="basic"),
            "recipe setting": lambda: self.recipe.write({"prefix": "v1="}),
            "recipe order": lambda: self.recipe.write({"sequence": 5}),
            "recipe archived": lambda: Recipe.browse(recipe.id).write({"active": False}),
            "recipe deleted": lambda: Recipe.browse(recipe.id).unlink(),
            "secret created": lambda: self._create_secret(self.recipe, "carrier-secret-2"),
            "secret expiry": lambda: self.secret.write({"expires_at": self.expiry + timedelta(1)}),
            "secret archived": lambda: self.secret.write({"active": False}),
            "secret deleted": lambda: self.secret.unlink(),
        }
        for change, apply in changes.items():
            with self.subTest(change=change):
                before = self._version()
                apply()
                self.assertEqual(self._version(), before + 1)
        unrelated = {
            "endpoint name": lambda: self.carrier.write({"name": "Carrier A (EU)"}),
            "endpoint without inbound side": lambda: self.endpoint.write({"code": "test_tms_2"}),
            "recipe name": lambda: self.recipe.write({"name": "Renamed"}),
        }
        for change, apply in unrelated.items():
            with self.subTest(change=change):
                before = self._version()
                apply()
                self.assertEqual(self._version(), before)

    def test_expired_secret_leaves_the_registry(self):
        self._create_secret(self.recipe, "carrier-secret-2")
        self.env.cr.execute(
            "UPDATE logistics_bridge_registry_state SET expiry_checked_at = %s",
            [fields.Datetime.now() - timedelta(hours=1)],
        )
        self.secret.flush_recordset()
        # time passes: the first secret's expiry is reached
        self.env.cr.execute(
            "UPDATE logistics_auth_secret SET expires_at = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(minutes=1), self.secret.id],
        )
        self.secret.invalidate_recordset()
        secrets = self._registry()["endpoints"]["carrier_a"]["auth"][0]["secrets"]
        self.assertEqual([s["value"] for s in secrets], ["carrier-secret-2"])

        before = self._version()
        self.registry_model._cron_bump_on_expiry()
        self.assertEqual(self._version(), before + 1)
        self.registry_model._cron_bump_on_expiry()
        self.assertEqual(self._version(), before + 1, "one expiry, one new version")

    def test_endpoint_whose_last_secret_expired_is_left_out(self):
        self.secret.expires_at = fields.Datetime.now() - timedelta(seconds=1)
        self.assertNotIn("carrier_a", self._served())

    def test_refused_settings_leave_the_endpoint_out_and_are_logged(self):
        other = self._raw_endpoint(name="Carrier C", code="carrier_c")
        self._create_recipe(other, secrets=["good-secret"])
        self.recipe.flush_recordset()
        # written around the checks, as an older release or a direct SQL fix could
        self.env.cr.execute(
            "UPDATE logistics_auth_recipe SET header = 'X_Carrier_Signature' WHERE id = %s",
            [self.recipe.id],
        )
        self.recipe.invalidate_recordset()
        with self.assertLogs(REGISTRY_LOGGER, "ERROR") as logged:
            served = self._served()
        self.assertEqual(served, {"carrier_c"})
        self.assertIn("carrier_a left out", logged.output[0])
        self.assertNotIn("carrier-secret-1", logged.output[0])

    def test_bridge_reads_the_registry_and_nothing_else_new(self):
        self.assertIn("carrier_a", self._served())
        bridge = self.bridge_user
        with self.assertRaises(AccessError):
            self.registry_model.with_user(bridge).import_endpoints({})
        with self.assertRaises(AccessError):
            self.recipe.with_user(bridge).write({"header": "X-Other"})
        with self.assertRaises(AccessError):
            self.env["logistics.auth.secret"].with_user(bridge).create(
                {"recipe_id": self.recipe.id, "value": "bridge-made"}
            )
        with self.assertRaises(AccessError):
            self.carrier.with_user(bridge).write({"inbound_format": "x12-214"})
        for model in (
            "logistics.endpoint",
            "logistics.inbound.event",
            "logistics.inbound.profile",
            "logistics.shipment",
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(bridge).search([])

    def test_logistics_user_reads_neither_registry_nor_secret_values(self):
        user = self.logistics_user
        with self.assertRaises(AccessError):
            self.registry_model.with_user(user).registry()
        with self.assertRaises(AccessError):
            self.registry_model.with_user(user).registry_version()
        secret = self.secret.with_user(user)
        self.assertEqual(secret.preview, "…et-1")
        with self.assertRaises(AccessError):
            secret.read(["value"])
        with self.assertRaises(AccessError):
            self.registry_model.with_user(user).import_endpoints({})

    def test_import_creates_updates_and_is_idempotent(self):
        entries = {
            "carrier_a": self.registry_model.with_user(self.bridge_user).registry()["endpoints"][
                "carrier_a"
            ],
            # the original TOML form: a list of whsec_ secrets for a tms-event endpoint
            "partner_tms": ["whsec_dGVzdHNlY3JldA=="],
            "carrier_b": {
                "format": "x12-214",
                "auth": {"scheme": "basic", "secrets": ["edi:first", "edi:second"]},
            },
        }
        # a raw document endpoint is imported onto one that has its profile
        self._raw_endpoint("x12-214", name="carrier_b", code="carrier_b", kind="carrier")
        importer = self.registry_model.with_user(self.integration_admin)
        self.assertEqual(
            importer.import_endpoints(entries),
            {"created": ["partner_tms"], "updated": ["carrier_b"], "unchanged": ["carrier_a"]},
        )
        before = self._version()
        self.assertEqual(
            importer.import_endpoints(entries),
            {"created": [], "updated": [], "unchanged": ["carrier_a", "carrier_b", "partner_tms"]},
        )
        self.assertEqual(self._version(), before, "an unchanged import changes nothing")
        created = self.env["logistics.endpoint"].search([("code", "=", "carrier_b")])
        self.assertEqual((created.kind, created.inbound_format), ("carrier", "x12-214"))
        served = self._registry()["endpoints"]
        self.assertEqual(served["partner_tms"]["auth"][0]["scheme"], "standard-webhooks")
        self.assertEqual(
            sorted(s["value"] for s in served["carrier_b"]["auth"][0]["secrets"]),
            ["edi:first", "edi:second"],
        )

        entries["carrier_b"]["auth"]["secrets"] = ["edi:second", "edi:third"]
        self.assertEqual(importer.import_endpoints(entries)["updated"], ["carrier_b"])
        recipe = created.auth_recipe_ids
        self.assertEqual(sorted(recipe.secret_ids.mapped("value")), ["edi:second", "edi:third"])
        archived = recipe.with_context(active_test=False).secret_ids - recipe.secret_ids
        self.assertEqual(archived.mapped("value"), ["edi:first"])

        entries["carrier_b"]["auth"] = [
            {"scheme": "hmac", "header": "X-Edi-Signature", "secrets": ["hmac-key"]}
        ]
        self.assertEqual(importer.import_endpoints(entries)["updated"], ["carrier_b"])
        self.assertEqual(created.auth_recipe_ids.mapped("scheme"), ["hmac"])
        self.assertEqual(importer.import_endpoints(entries)["updated"], [])

    def test_import_of_a_raw_endpoint_without_profile_is_refused(self):
        importer = self.registry_model.with_user(self.integration_admin)
        entries = {
            "carrier_h": {"format": "x12-214", "auth": {"scheme": "basic", "secrets": ["h:1"]}}
        }
        with self.assertRaises(ValidationError) as caught:
            importer.import_endpoints(entries)
        self.assertIn("Inbound Profile:", str(caught.exception))
        self.assertIn("carrier_h", str(caught.exception))

    def test_import_refuses_what_the_bridge_refuses_and_writes_nothing(self):
        importer = self.registry_model.with_user(self.integration_admin)
        entries = {
            "carrier_e": {"format": "json", "auth": {"scheme": "basic", "secrets": ["e:1"]}},
            "carrier_f": {"format": "json", "auth": {"scheme": "hmac", "header": "X_Sig"}},
            "carrier_g": {"format": "tms-event", "event_id_path": "id", "auth": []},
        }
        with self.assertRaises(ValidationError) as caught:
            importer.import_endpoints(entries)
        message = str(caught.exception)
        self.assertIn("carrier_f: auth.0.header:", message)
        self.assertIn("carrier_g", message)
        self.assertNotIn("carrier_e", message)
        self.assertFalse(
            self.env["logistics.endpoint"].search([("code", "in", list(entries))]),
        )

    def test_inbound_url(self):
        self.assertFalse(self.carrier.inbound_url)
        self.env["ir.config_parameter"].set_param(
            "logistics_inbound.bridge_public_url", "https://hooks.example.com/"
        )
        self.carrier.invalidate_recordset(["inbound_url"])
        self.assertEqual(self.carrier.inbound_url, "https://hooks.example.com/v1/in/carrier_a")
        self.assertFalse(self.endpoint.inbound_url, "no inbound side, no URL")
