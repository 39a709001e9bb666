import base64
import json

from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.logistics_integration.tests.common import published_schema

from .common import ChangeControlCase

ENDPOINT = "logistics.endpoint"
EXCHANGE_TYPE = "logistics.exchange.type"


class TestBundle(ChangeControlCase):
    def test_export_carries_no_secret(self):
        self.endpoint.sudo().write({"auth_username": "tms-user", "auth_secret": "s3cr3t-api-key"})
        recipe = self.env["logistics.auth.recipe"].create(
            {
                "name": "Signed callbacks",
                "endpoint_id": self.endpoint.id,
                "scheme": "hmac",
                "header": "X-Signature",
            }
        )
        self.env["logistics.auth.secret"].create(
            {"recipe_id": recipe.id, "value": "whsec-very-secret-value"}
        )
        document = self._export()
        text = json.dumps(document)
        for secret in ("s3cr3t-api-key", "whsec-very-secret-value", "tms-user"):
            self.assertNotIn(secret, text)
        endpoint = self._entry(document, ENDPOINT, code="test_tms")
        self.assertNotIn("auth_secret", endpoint["values"])
        self.assertNotIn("auth_username", endpoint["values"])
        self.assertEqual(endpoint["values"]["base_url"], "http://127.0.0.1:8999")
        recipe_entry = self._entry(document, "logistics.auth.recipe", name="Signed callbacks")
        self.assertEqual(recipe_entry["values"]["header"], "X-Signature")
        self.assertNotIn("secret_ids", recipe_entry["values"])
        self.assertFalse(
            [entry for entry in document["records"] if entry["model"] == "logistics.auth.secret"]
        )

    def test_document_header_and_schema(self):
        document = self._export()
        self.assertEqual(document["format"], "logistics-config-bundle")
        self.assertEqual(document["format_version"], 1)
        self.assertEqual(document["environment"], "test")
        self.assertEqual(document["created_by"], "lgx_cc_requester")
        self.assertEqual(document["source"]["database"], self.env.cr.dbname)
        self.assertTrue(document["content_hash"].startswith("sha256:"))
        exchange_type = self._entry(document, EXCHANGE_TYPE, code="cc_orders")
        # references are stable keys, never database ids
        self.assertEqual(
            exchange_type["key"]["endpoint_id"],
            {"model": ENDPOINT, "xmlid": None, "key": {"code": "test_tms"}},
        )
        schema = published_schema("config-bundle.v1.schema.json")
        if schema is not None:
            import jsonschema

            jsonschema.validate(document, schema)

    def test_round_trip_into_a_second_company(self):
        self.exchange_type.sla_max_failure_rate = 2.5
        document = self._export()
        request = self._import(document, company=self.other_company)
        self.assertEqual(request.state, "to_approve")
        endpoint_line = self._line(request, ENDPOINT, "test_tms")
        self.assertEqual(endpoint_line.action, "new")
        self.assertEqual(
            self._line(request, EXCHANGE_TYPE, "test_tms / tms / cc_orders").action, "new"
        )
        self._approve_and_apply(request)
        self.assertEqual(request.state, "applied")
        copy = self.env[ENDPOINT].search(
            [("code", "=", "test_tms"), ("company_id", "=", self.other_company.id)]
        )
        self.assertEqual(copy.base_url, "http://127.0.0.1:8999")
        self.assertFalse(copy.sudo().auth_secret)
        self.assertNotEqual(copy, self.endpoint)
        orders = copy.exchange_type_ids.filtered(lambda t: t.code == "cc_orders")
        self.assertEqual((orders.schema_name, orders.schema_version), ("cc-order", "1"))
        self.assertEqual(orders.sla_max_failure_rate, 2.5)
        self.assertEqual(orders.company_id, self.other_company)
        # the source company is untouched, and a second import has nothing to do
        self.assertEqual(self.endpoint.company_id, self.company)
        again = self._import(document, company=self.other_company)
        self.assertEqual((again.new_count, again.changed_count), (0, 0))
        self.assertTrue(again.unchanged_count)

    def test_preview_shows_each_changed_field_and_apply_restores(self):
        document = self._export()
        self.endpoint.read_timeout = 60.0
        self.exchange_type.description = "edited here"
        request = self._import(document)
        endpoint_line = self._line(request, ENDPOINT, "test_tms")
        self.assertEqual(endpoint_line.action, "changed")
        self.assertEqual(endpoint_line.changes, {"read_timeout": ["60.0", "30.0"]})
        self.assertIn("Read Timeout: 60.0 → 30.0", endpoint_line.changes_text)
        type_line = self._line(request, EXCHANGE_TYPE, "test_tms / tms / cc_orders")
        self.assertEqual(type_line.changes, {"description": ["edited here", "-"]})
        self.assertEqual(request.changed_count, 2)
        self.assertEqual(request.new_count, 0)
        self._approve_and_apply(request)
        self.assertEqual(self.endpoint.read_timeout, 30.0)
        self.assertFalse(self.exchange_type.description)

    def test_deleted_records_come_back_and_local_ones_stay(self):
        document = self._export()
        self.exchange_type.unlink()
        local = self.env[EXCHANGE_TYPE].create(
            {
                "name": "Local only",
                "code": "cc_local",
                "endpoint_id": self.endpoint.id,
                "direction": "outbound",
            }
        )
        request = self._import(document)
        self.assertEqual(
            self._line(request, EXCHANGE_TYPE, "test_tms / tms / cc_orders").action, "new"
        )
        local_line = self._line(request, EXCHANGE_TYPE, "test_tms / tms / cc_local")
        self.assertEqual(local_line.action, "absent")
        self._approve_and_apply(request)
        recreated = self.endpoint.exchange_type_ids.filtered(lambda t: t.code == "cc_orders")
        self.assertEqual(recreated.schema_name, "cc-order")
        self.assertTrue(local.exists())

    def test_production_bundle_never_makes_a_test_database_call_production(self):
        document = self._export()
        document["environment"] = "production"
        endpoint = self._entry(document, ENDPOINT, code="test_tms")
        endpoint["values"].update(base_url="https://tms.example.com", environment="production")
        endpoint["values"]["read_timeout"] = 12.0
        for code in ("prod_carrier", "mapped_carrier"):
            twin = json.loads(json.dumps(endpoint))
            twin["key"] = {"code": code}
            twin["values"].update(code=code, name=code, kind="carrier")
            document["records"].append(twin)
        request = self._import(
            self._rehash(document), url_mapping="mapped_carrier = http://127.0.0.1:9001"
        )
        self.assertIn("production", request.guard_note)
        line = self._line(request, ENDPOINT, "test_tms")
        self.assertEqual(line.changes, {"read_timeout": ["30.0", "12.0"]})
        self.assertIn("URL and environment kept", line.note)
        self.assertIn("archived", self._line(request, ENDPOINT, "prod_carrier").note)
        self._approve_and_apply(request)
        self.assertEqual(self.endpoint.base_url, "http://127.0.0.1:8999")
        self.assertEqual(self.endpoint.environment, "test")
        self.assertEqual(self.endpoint.read_timeout, 12.0)
        endpoints = self.env[ENDPOINT].with_context(active_test=False)
        created = endpoints.search([("code", "=", "prod_carrier")])
        self.assertFalse(created.active)
        self.assertFalse(created.base_url)
        with self.assertRaisesRegex(UserError, "archived"):
            created._assert_call_allowed()
        mapped = endpoints.search([("code", "=", "mapped_carrier")])
        self.assertEqual(
            (mapped.base_url, mapped.environment, mapped.active),
            ("http://127.0.0.1:9001", "test", True),
        )

    def test_bad_bundles_are_refused_with_the_reason(self):
        document = self._export()
        document["records"][0]["values"]["name"] = "tampered"
        with self.assertRaisesRegex(ValidationError, "content_hash"):
            self._import(document)
        with self.assertRaisesRegex(ValidationError, "format"):
            self._import(dict(self._rehash(document), format="something-else"))
        with self.assertRaisesRegex(ValidationError, "not a JSON document"):
            self.requests.with_user(self.requester).import_bundle("{not json")
        with self.assertRaisesRegex(ValidationError, "Endpoint URL Mapping, line 1"):
            self._import(self._rehash(document), url_mapping="test_tms ftp://x")

    def test_only_integration_administrators(self):
        manager = self.logistics_manager
        with self.assertRaises(AccessError):
            self.requests.with_user(manager).search([])
        with self.assertRaises(AccessError):
            self.requests.with_user(manager).export_bundle()
        with self.assertRaises(AccessError):
            self.env["logistics.change.model"].with_user(manager).search([])
        menus = self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids()
        admin_menus = self.env["ir.ui.menu"].with_user(self.requester)._visible_menu_ids()
        for xmlid in (
            "logistics_change_control.menu_logistics_change_request",
            "logistics_change_control.menu_logistics_bundle_export",
            "logistics_change_control.menu_logistics_change_model",
        ):
            menu = self.env.ref(xmlid)
            self.assertNotIn(menu.id, menus)
            self.assertIn(menu.id, admin_menus)

    def test_models_of_addons_not_installed_are_skipped_with_a_note(self):
        self.env["logistics.change.model"].create(
            {"model": "logistics.not.installed", "key_fields": "code", "sequence": 99}
        )
        document = self._export()
        self.assertIn(
            {"model": "logistics.not.installed", "reason": "not installed"},
            document["skipped_models"],
        )
        self.assertFalse(
            [entry for entry in document["records"] if entry["model"] == "logistics.not.installed"]
        )

    def test_export_wizard_gives_the_file(self):
        wizard = self.env["logistics.bundle.export"].with_user(self.requester).create({})
        wizard.action_export()
        document = json.loads(base64.b64decode(wizard.bundle_file))
        self.assertEqual(wizard.record_count, len(document["records"]))
        self.assertEqual(wizard.environment, "test")
        self.assertTrue(wizard.bundle_filename.startswith(f"config-bundle-{self.env.cr.dbname}-"))
        request = self._import(document)
        self.assertEqual((request.new_count, request.changed_count), (0, 0))
        self.assertEqual(request.source_created_by, "lgx_cc_requester")
