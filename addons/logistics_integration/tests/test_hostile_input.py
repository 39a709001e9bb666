from odoo.exceptions import ValidationError

from ..validation import check_bounds
from .common import LogisticsIntegrationCase, assert_values_refused

NAN = float("nan")


class TestHostileInput(LogisticsIntegrationCase):
    """What an Integration Administrator types in an endpoint or the Settings is either
    refused naming the field, or stored as typed and usable by the jobs that read it."""

    def test_base_url_must_be_an_address_to_call(self):
        endpoint = self.endpoint.with_user(self.integration_admin)
        bad_urls = (
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://tms.example.com",
            "http:///orders",
            "https://tms.example.com /v1",
            "https://tms.example.com/v1\x00",
            "https://user:secret@tms.example.com",
            "https://tms.example.com:0",
            "https://tms.example.com:99999",
            "http://::1/v1",
        )
        assert_values_refused(self, endpoint, "base_url", bad_urls)
        for url in (
            "https://tms.example.com:8443/v1",
            "http://[::1]:8080",
            "HTTPS://tms.example.com",
        ):
            endpoint.base_url = url
            self.assertEqual(endpoint.base_url, url)

    def test_timeouts_and_retries_are_numbers_a_job_can_use(self):
        endpoint = self.endpoint.with_user(self.integration_admin)
        for field_name in ("connect_timeout", "read_timeout"):
            assert_values_refused(self, endpoint, field_name, (0, -1, NAN, float("inf"), 10**9))
        assert_values_refused(self, endpoint, "max_retries", (0, -1, 10**6))
        endpoint.write({"connect_timeout": 0.3, "read_timeout": 3600, "max_retries": 100})
        self.assertEqual(
            (endpoint.connect_timeout, endpoint.read_timeout, endpoint.max_retries),
            (0.3, 3600, 100),
        )

    def test_refusals_say_what_range_is_allowed(self):
        endpoint = self.endpoint.with_user(self.integration_admin)
        for values, message in (
            (
                {"read_timeout": 0},
                "Read Timeout must be more than 0 and at most 3600 seconds (not 0.0).",
            ),
            ({"connect_timeout": NAN}, "Connect Timeout must be more than 0 and at most 3600"),
            ({"max_retries": 0}, "Max Retries must be between 1 and 100 (not 0)."),
        ):
            with (
                self.subTest(values=values),
                self.assertRaises(ValidationError) as refused,
                self.env.cr.savepoint(),
            ):
                endpoint.write(values)
                endpoint.env.flush_all()
            self.assertTrue(refused.exception.args[0].startswith(message))

    def test_bounds_may_exclude_their_lowest(self):
        retries = self.endpoint.max_retries
        check_bounds(self.endpoint, {"max_retries": (retries, retries)})
        with self.assertRaisesRegex(ValidationError, f"more than {retries} and at most"):
            check_bounds(self.endpoint, {"max_retries": (retries, retries)}, lowest_excluded=True)
        check_bounds(self.endpoint, {"max_retries": (retries - 1, retries)}, lowest_excluded=True)

    def test_log_settings_out_of_range_are_refused(self):
        settings = self.env["res.config.settings"]
        for field_name, values in (
            ("logistics_log_retention_days", (-1, 10**6)),
            ("logistics_log_payload_max_bytes", (-1,)),
        ):
            assert_values_refused(
                self,
                self.company,
                field_name,
                values,
                write=lambda value, name=field_name: settings.create({name: value}).execute(),
            )

    def test_longest_retention_still_purges(self):
        self.company.logistics_log_retention_days = 36500
        log = self.env["logistics.integration.log"].sudo()
        entry = log.create({"summary": "kept", "direction": "outbound", "state": "processed"})
        log._cron_purge_expired()
        self.assertTrue(entry.exists())

    def test_event_codes_differing_by_case_or_blanks_are_refused(self):
        event_types = self.env["logistics.event.type"].with_user(self.integration_admin)
        for code in ("In_Transit", "in_transit ", " in_transit", "in transit", "in-transit"):
            with (
                self.subTest(code=code),
                self.assertRaisesRegex(ValidationError, "Canonical event code"),
                self.env.cr.savepoint(),
            ):
                event_types.create({"name": "In transit", "code": code, "rank": 35})
        created = event_types.create(
            {"name": "Held at customs", "code": "customs_hold", "rank": 35}
        )
        self.assertEqual(created.code, "customs_hold")

    def test_card_thresholds_that_never_colour_a_card_are_refused(self):
        card = self.env["logistics.overview.card"].search([], limit=1)
        card = card.with_user(self.integration_admin)
        for field_name in ("warning_threshold", "danger_threshold"):
            assert_values_refused(self, card, field_name, (-1, NAN))
        card.write({"warning_threshold": 0, "danger_threshold": 0})
        self.assertEqual(card.danger_threshold, 0)

    def test_masking_pattern_with_surrounding_blanks_is_refused(self):
        rules = self.env["logistics.masking.rule"].with_user(self.integration_admin)
        rule = rules.create({"name": "E-mails", "key_pattern": "*email*"})
        assert_values_refused(self, rule, "key_pattern", ("*email* ", " *email*", "   ", "\t"))
        self.assertEqual(rule.key_pattern, "*email*")
        in_force = [r for r in rules._get_rules() if r.key_pattern == "*email*"]
        self.assertTrue(in_force and in_force[0].matches("Contact_Email"))
