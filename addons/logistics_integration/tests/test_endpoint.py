from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from ..models.logistics_endpoint import PRODUCTION_DATABASE_PARAM
from .common import LogisticsIntegrationCase


class TestEndpoint(LogisticsIntegrationCase):
    def test_code_must_be_a_channel_safe_name(self):
        for bad_code in ("Main TMS", "1tms", "tms-main", "TMS"):
            with self.subTest(code=bad_code), self.assertRaises(ValidationError):
                self._create_endpoint(code=bad_code)

    def test_code_unique_per_company(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._create_endpoint()
        other = self._create_endpoint(company_id=self.other_company.id)
        self.assertEqual(other.code, self.endpoint.code)

    def test_base_url_timeouts_and_retry_pattern_are_validated(self):
        with self.assertRaisesRegex(ValidationError, "http or https"):
            self._create_endpoint(code="bad_url", base_url="ftp://tms")
        with self.assertRaisesRegex(ValidationError, "Read Timeout"):
            self._create_endpoint(code="bad_timeout", read_timeout=0)
        with self.assertRaisesRegex(ValidationError, "attempt:seconds"):
            self._create_endpoint(code="bad_retry", retry_pattern="every minute")

    def test_retry_pattern_and_channel(self):
        endpoint = self._create_endpoint(code="patterned", retry_pattern="1: 10, 3:60 ,6:600")
        self.assertEqual(endpoint._get_retry_pattern(), {1: 10, 3: 60, 6: 600})
        self.assertEqual(endpoint._get_channel_name(), "root.logistics.patterned")

    def test_request_auth_per_scheme(self):
        self.assertEqual(self.endpoint._get_request_auth(), ({"X-API-Key": "s3cr3t-api-key"}, None))
        bearer = self._create_endpoint(code="bearer", auth_scheme="bearer", auth_secret="tok")
        self.assertEqual(bearer._get_request_auth(), ({"Authorization": "Bearer tok"}, None))
        basic = self._create_endpoint(
            code="basic", auth_scheme="basic", auth_username="u", auth_secret="p"
        )
        self.assertEqual(basic._get_request_auth(), ({}, ("u", "p")))

    def test_test_endpoint_may_be_called(self):
        self.endpoint._assert_call_allowed()

    def test_production_endpoint_refused_unless_database_registered(self):
        production = self._create_endpoint(code="prod", environment="production")
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(PRODUCTION_DATABASE_PARAM, False)
        with self.assertRaisesRegex(UserError, "no database is registered as production"):
            production._assert_call_allowed()

        params.set_param(PRODUCTION_DATABASE_PARAM, params.get_param("database.uuid"))
        production._assert_call_allowed()

    def test_production_endpoint_refused_in_a_copied_database(self):
        production = self._create_endpoint(code="prod", environment="production")
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(PRODUCTION_DATABASE_PARAM, "uuid-of-the-original-database")
        with self.assertRaisesRegex(UserError, "copy of the registered production database"):
            production._assert_call_allowed()

    def test_production_endpoint_refused_in_a_neutralized_database(self):
        production = self._create_endpoint(code="prod", environment="production")
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(PRODUCTION_DATABASE_PARAM, params.get_param("database.uuid"))
        params.set_param("database.is_neutralized", True)
        with self.assertRaisesRegex(UserError, "neutralized"):
            production._assert_call_allowed()

    def test_settings_register_the_production_database(self):
        settings = self.env["res.config.settings"].create(
            {"logistics_is_production_database": True}
        )
        settings.execute()
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(
            params.get_param(PRODUCTION_DATABASE_PARAM), params.get_param("database.uuid")
        )
        self.assertTrue(self.env["res.config.settings"].create({}).logistics_is_production_database)

    def test_archived_endpoint_and_missing_url_are_refused(self):
        no_url = self._create_endpoint(code="no_url", base_url=False)
        with self.assertRaisesRegex(UserError, "no base URL"):
            no_url._assert_call_allowed()
        self.endpoint.active = False
        with self.assertRaisesRegex(UserError, "archived"):
            self.endpoint._assert_call_allowed()

    def test_one_owner_per_endpoint_for_failures_and_reviews(self):
        foreign = self._create_endpoint(company_id=self.other_company.id, code="foreign")
        foreign_admin = self._create_user(
            "foreign_admin", "logistics_integration.group_integration_admin", self.other_company
        )
        self.assertEqual(foreign._get_failure_assignee(), foreign_admin)

        self.endpoint.responsible_user_id = self.integration_admin
        self.assertEqual(self.endpoint._get_failure_assignee(), self.integration_admin)
        self.integration_admin.active = False
        fallback = self.endpoint._get_failure_assignee()
        self.assertNotEqual(fallback, foreign_admin, "an admin of another company only")
        self.assertTrue(fallback.active)
        self.assertIn(self.company, fallback.company_ids)

    def _active_ids_of_kind(self, kind):
        return self.env["logistics.endpoint"]._get_active_ids_of_kind(kind, self.company.id)

    def test_endpoints_of_a_kind_follow_additions_moves_and_deletions(self):
        self.assertNotIn(self.endpoint.id, self._active_ids_of_kind("finance"))
        self.endpoint.kind = "finance"
        self.assertIn(self.endpoint.id, self._active_ids_of_kind("finance"))
        added = self._create_endpoint(code="second_finance", kind="finance")
        self.assertIn(added.id, self._active_ids_of_kind("finance"))
        added.unlink()
        self.assertNotIn(added.id, self._active_ids_of_kind("finance"))
        self.endpoint.company_id = self.other_company
        self.assertNotIn(self.endpoint.id, self._active_ids_of_kind("finance"))

    def test_editing_what_decides_no_lookup_keeps_them(self):
        """Renaming an endpoint does not make every worker search its endpoints again."""
        self.assertIn(self.endpoint.id, self._active_ids_of_kind("tms"))
        # Archived behind the ORM's back: only the kept lookup still names the endpoint.
        self.env.cr.execute(
            "UPDATE logistics_endpoint SET active = FALSE WHERE id = %s", [self.endpoint.id]
        )
        self.env.invalidate_all()
        self.endpoint.name = "Renamed TMS"
        self.assertIn(self.endpoint.id, self._active_ids_of_kind("tms"))
        self.endpoint.active = False
        self.assertNotIn(self.endpoint.id, self._active_ids_of_kind("tms"))
