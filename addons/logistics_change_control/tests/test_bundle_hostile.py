import json

from odoo.exceptions import ValidationError

from .common import ChangeControlCase

ENDPOINT = "logistics.endpoint"
EXCHANGE_TYPE = "logistics.exchange.type"


class TestBundleHostile(ChangeControlCase):
    """A bundle that is broken, tampered with or replayed is refused naming the problem,
    or previewed with every part it leaves out named; it never writes what a bundle
    may not carry."""

    def _import_text(self, text):
        return self.requests.with_user(self.requester).import_bundle(text)

    def test_not_json_or_not_an_object_is_refused(self):
        for text, reason in (
            ("", "upload a configuration bundle"),
            ("<html>502</html>", "not a JSON document"),
            ("[" * 100000, "not a JSON document"),
            ("[1, 2]", "a bundle is a JSON object"),
            ('"bundle"', "a bundle is a JSON object"),
        ):
            with self.subTest(text=text[:20]), self.assertRaisesRegex(ValidationError, reason):
                self._import_text(text)

    def test_a_wrong_version_is_refused(self):
        document = dict(self._export(), format_version=2)
        with self.assertRaisesRegex(ValidationError, "format_version: expected 1, got 2"):
            self._import(document)

    def test_entries_of_the_wrong_shape_are_refused_naming_the_entry(self):
        for broken, reason in (
            ({"model": "logistics.endpoint", "key": [], "values": {}}, r"records\[0\]: key"),
            ({"model": "logistics.endpoint", "key": {}, "values": "x"}, r"records\[0\]: values"),
            ({"model": 42, "key": {}, "values": {}}, r"records\[0\]: model"),
            (
                {"model": ENDPOINT, "key": {"code": {"$ne": ""}}, "values": {}},
                r"records\[0\] logistics.endpoint: key.code: expected a plain value",
            ),
            (
                {"model": ENDPOINT, "key": {"id": 1}, "values": {}},
                r"key.id: not a key field of logistics.endpoint",
            ),
            (
                {"model": ENDPOINT, "key": {"code": "x"}, "values": {"responsible_user_id": 2}},
                r"responsible_user_id: expected a reference or null",
            ),
        ):
            document = self._rehash(dict(self._export(), records=[broken]))
            with self.subTest(reason=reason), self.assertRaisesRegex(ValidationError, reason):
                self._import(document)

    def test_a_huge_file_is_refused_before_it_is_read(self):
        document = self._export()
        document["padding"] = "x" * (11 * 1024 * 1024)
        with self.assertRaisesRegex(ValidationError, "more than the 10 MB"):
            self._import(document)

    def test_unknown_models_and_fields_are_named_in_the_preview(self):
        document = self._export()
        entry = self._entry(document, ENDPOINT, code="test_tms")
        entry["values"]["frobnicate_level"] = 3
        document["records"].append(
            {"model": "logistics.unknown.thing", "key": {"code": "x"}, "values": {}}
        )
        request = self._import(self._rehash(document))
        line = self._line(request, ENDPOINT, "test_tms")
        self.assertEqual(line.action, "unchanged")
        self.assertIn("frobnicate_level: not a field a bundle carries here, ignored", line.note)
        skipped = request.line_ids.filtered(
            lambda line: line.model_name == "logistics.unknown.thing"
        )
        self.assertEqual(skipped.action, "skipped")

    def test_a_smuggled_secret_or_company_is_never_written(self):
        self.endpoint.sudo().auth_secret = "the-real-secret"
        document = self._export()
        entry = self._entry(document, ENDPOINT, code="test_tms")
        entry["values"].update(
            auth_secret="attacker-secret",
            auth_username="attacker",
            company_id=self.other_company.id,
            read_timeout=45.0,
        )
        request = self._import(self._rehash(document))
        line = self._line(request, ENDPOINT, "test_tms")
        self.assertEqual(set(line.changes), {"read_timeout"}, "only the bundled field")
        for name in ("auth_secret", "auth_username", "company_id"):
            self.assertIn(f"{name}: not a field a bundle carries here, ignored", line.note)
        self.assertNotIn("attacker", json.dumps(line.changes))
        self._approve_and_apply(request)
        self.assertEqual(self.endpoint.read_timeout, 45.0)
        self.assertEqual(self.endpoint.sudo().auth_secret, "the-real-secret")
        self.assertNotEqual(self.endpoint.sudo().auth_username, "attacker")
        self.assertEqual(self.endpoint.company_id, self.company)

    def test_a_reference_to_a_missing_record_is_named_in_the_preview(self):
        document = self._export()
        entry = self._entry(document, EXCHANGE_TYPE, code="cc_orders")
        entry["values"]["owner_id"] = {
            "model": "res.users",
            "xmlid": None,
            "key": {"login": "nobody-here"},
        }
        request = self._import(self._rehash(document))
        line = self._line(request, EXCHANGE_TYPE, "test_tms / tms / cc_orders")
        self.assertIn("owner_id: nobody-here not found here, left empty", line.note)

    def test_a_required_reference_to_a_missing_record_is_refused(self):
        document = self._export()
        entry = self._entry(document, EXCHANGE_TYPE, code="cc_orders")
        ghost = {"model": ENDPOINT, "xmlid": None, "key": {"code": "ghost_tms"}}
        entry["key"]["endpoint_id"] = ghost
        entry["values"]["endpoint_id"] = ghost
        with self.assertRaisesRegex(
            ValidationError, "endpoint_id: ghost_tms not found here nor in the bundle"
        ):
            self._import(self._rehash(document))

    def test_the_same_bundle_twice_shows_no_difference(self):
        document = self._export()
        self.endpoint.read_timeout = 60.0
        first = self._import(document)
        self.assertEqual(first.changed_count, 1)
        self._approve_and_apply(first)
        again = self._import(document)
        self.assertEqual((again.new_count, again.changed_count), (0, 0))

    def test_a_production_bundle_twice_in_a_test_database_shows_no_difference(self):
        document = self._export()
        document["environment"] = "production"
        endpoint = self._entry(document, ENDPOINT, code="test_tms")
        twin = json.loads(json.dumps(endpoint))
        twin["key"] = {"code": "prod_carrier"}
        twin["values"].update(
            code="prod_carrier",
            name="prod_carrier",
            kind="carrier",
            base_url="https://carrier.example.com",
            environment="production",
        )
        document["records"].append(twin)
        self._rehash(document)
        first = self._import(document)
        self._approve_and_apply(first)
        created = (
            self.env[ENDPOINT]
            .with_context(active_test=False)
            .search([("code", "=", "prod_carrier")])
        )
        self.assertEqual((created.active, created.base_url), (False, False))
        again = self._import(document)
        self.assertEqual(
            (again.new_count, again.changed_count), (0, 0), again.line_ids.mapped("changes")
        )
        self.assertFalse(created.active, "a production bundle never activates it here")
