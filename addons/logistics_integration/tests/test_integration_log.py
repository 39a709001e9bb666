import uuid
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.tools.safe_eval import safe_eval

from .common import LogisticsIntegrationCase

# web/static/src/core/code_editor/code_editor.js: CodeEditor.MODES of Odoo 18.
ODOO_CODE_EDITOR_MODES = {"javascript", "xml", "qweb", "scss", "python"}


class TestIntegrationLog(LogisticsIntegrationCase):
    def _record(self, **vals):
        values = {"direction": "outbound", "endpoint_id": self.endpoint.id}
        values.update(vals)
        payload = values.pop("payload", None)
        return self.env["logistics.integration.log"]._record_exchange(values, payload=payload)

    def test_payload_is_masked_with_company_rules(self):
        log = self._record(
            payload={"ship_to": {"email": "jane@example.com", "street": "1 Main St"}},
            correlation_id="corr-1",
        )
        self.assertIn("j***@example.com", log.payload)
        self.assertNotIn("1 Main St", log.payload)
        self.assertNotIn("jane@", log.payload)
        self.assertEqual(log.company_id, self.endpoint.company_id)
        self.assertTrue(log.identifier)

    def test_a_batch_of_records_has_its_own_identifiers_and_the_defaults(self):
        logs = self.env["logistics.integration.log"]._record_exchanges(
            [
                ({"direction": "inbound", "endpoint_id": self.endpoint.id}, {"n": n}, None)
                for n in range(3)
            ]
        )
        self.assertEqual(len(set(logs.mapped("identifier"))), 3)
        for identifier in logs.mapped("identifier"):
            parsed = uuid.UUID(identifier)
            self.assertEqual((str(parsed), parsed.version), (identifier, 4))
            self.assertEqual(parsed.variant, uuid.RFC_4122)
        self.assertEqual(logs.mapped("state"), ["received"] * 3)
        self.assertEqual(logs.mapped("attempt"), [1] * 3)
        self.assertEqual(logs.company_id, self.endpoint.company_id)

    def test_a_batch_keeps_the_empty_values_it_was_given(self):
        logs = (
            self.env["logistics.integration.log"]
            .with_context(default_correlation_id="from-context", default_summary="from-context")
            ._record_exchanges(
                [
                    (
                        {
                            "direction": "inbound",
                            "endpoint_id": self.endpoint.id,
                            "correlation_id": False,
                            "error": None,
                            "event_type_id": False,
                            "external_identifier": f"evt-{n}",
                        },
                        {"n": n},
                        None,
                    )
                    for n in range(3)
                ]
            )
        )
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(logs.mapped("correlation_id"), [False] * 3)
        self.assertEqual(logs.mapped("summary"), ["from-context"] * 3)
        self.assertFalse(logs.event_type_id)
        self.env.cr.execute(
            "SELECT count(*) FROM logistics_integration_log "
            "WHERE id IN %s AND error IS NULL AND event_type_id IS NULL",
            [tuple(logs.ids)],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 3)
        self.assertEqual(logs.mapped("external_identifier"), ["evt-0", "evt-1", "evt-2"])

    def test_a_batch_masks_each_record_with_its_endpoints_company_rules(self):
        other = self.env["res.company"].create({"name": "Other logistics company"})
        self.env["logistics.masking.rule"].create(
            {"name": "Codes", "key_pattern": "door_code", "company_id": other.id}
        )
        other_endpoint = self.endpoint.copy({"code": "other_company", "company_id": other.id})
        entries = [
            ({"direction": "inbound", "endpoint_id": endpoint.id}, {"door_code": "4711"}, None)
            for endpoint in (self.endpoint, other_endpoint, self.endpoint, other_endpoint)
        ]
        entries.append(({"direction": "inbound"}, {"door_code": "4711"}, None))
        logs = self.env["logistics.integration.log"]._record_exchanges(entries)
        self.assertEqual(
            [log.company_id for log in logs],
            [self.endpoint.company_id, other, self.endpoint.company_id, other, self.env.company],
        )
        self.assertEqual(["4711" in log.payload for log in logs], [True, False, True, False, True])

    def test_exchange_values_name_records_by_id(self):
        log_model = self.env["logistics.integration.log"]
        event_type = self.env.ref("logistics_integration.event_type_delivered")
        vals = log_model._prepare_exchange_vals(
            "inbound",
            "processed",
            endpoint=self.endpoint,
            record=self.endpoint,
            event_type=event_type,
            correlation_id="corr-3",
        )
        self.assertEqual(
            vals,
            {
                "direction": "inbound",
                "state": "processed",
                "endpoint_id": self.endpoint.id,
                "model": "logistics.endpoint",
                "res_id": self.endpoint.id,
                "event_type_id": event_type.id,
                "correlation_id": "corr-3",
            },
        )
        # Records left out are left out of the values: the log's defaults apply.
        self.assertEqual(
            log_model._prepare_exchange_vals("outbound", "failed", record=None, job=None),
            {"direction": "outbound", "state": "failed"},
        )
        log = log_model._record_exchange(vals, payload={"n": 1})
        self.assertEqual(
            (log.model, log.res_id, log.event_type_id),
            ("logistics.endpoint", self.endpoint.id, event_type),
        )

    def test_payload_is_bounded(self):
        self.company.logistics_log_payload_max_bytes = 200
        log = self._record(payload={"lines": ["x" * 50] * 20})
        self.assertLessEqual(len(log.payload.encode()), 200 + 40)
        self.assertIn("truncated", log.payload)

    def test_payload_limit_change_applies_to_the_next_record(self):
        """The limit is kept per worker once read; a change takes effect at once."""
        payload = {"lines": ["x" * 50] * 20}
        self.assertNotIn("truncated", self._record(payload=payload).payload)
        self.company.logistics_log_payload_max_bytes = 200
        self.assertIn("truncated", self._record(payload=payload).payload)

    def test_failure_flag_and_correlated_action(self):
        failed = self._record(state="failed", correlation_id="corr-2", error="HTTP 500")
        ok = self._record(state="processed", correlation_id="corr-2")
        self.assertTrue(failed.is_failure)
        self.assertFalse(ok.is_failure)
        action = ok.action_view_correlated()
        self.assertEqual(
            self.env["logistics.integration.log"].search(action["domain"]), failed | ok
        )

    def test_log_is_read_only_for_users(self):
        log = self._record()
        self.assertEqual(log.with_user(self.logistics_user).read(["state"])[0]["state"], "received")
        self.assertFalse(
            self.env["logistics.integration.log"]
            .with_user(self.integration_admin)
            .has_access("write")
        )

    def test_purge_keeps_recent_and_reviewable_records(self):
        self.company.logistics_log_retention_days = 30
        old = self._record()
        old_review = self._record(state="needs_review")
        recent = self._record()
        old_date = fields.Datetime.now() - timedelta(days=31)
        self.env.cr.execute(
            "UPDATE logistics_integration_log SET create_date = %s WHERE id IN %s",
            (old_date, (old.id, old_review.id)),
        )
        self.env["logistics.integration.log"].invalidate_model(["create_date"])
        self.env["logistics.integration.log"]._cron_purge_expired()
        self.assertFalse(old.exists())
        self.assertTrue(old_review.exists())
        self.assertTrue(recent.exists())

    def test_log_reads_well(self):
        """A title instead of a UUID, the related record by name, no HTTP status for an
        inbound exchange, payloads indented for reading."""
        log = self._record(
            direction="inbound",
            summary="inbound status",
            external_identifier="evt-42",
            model="logistics.endpoint",
            res_id=self.endpoint.id,
            payload={"event_id": "evt-42", "payload": {"status_code": "X6"}},
        )
        self.assertEqual(log.display_name, "Inbound · Test TMS · inbound status · evt-42")
        self.assertEqual(log.record_name, "Integration Endpoint Test TMS")
        self.assertEqual(log.payload_display.splitlines()[0], "{")
        self.assertIn('\n  "event_id": "evt-42"', log.payload_display)
        arch = self.env["logistics.integration.log"].get_view(view_type="form")["arch"]
        self.assertIn('name="http_status" invisible="not http_status"', arch)
        self.assertNotIn('name="model"', arch)
        self.assertEqual(self._record(payload="not json").payload_display, "not json")

    def test_log_groups_searches_and_shows_payloads_as_people_expect(self):
        """Grouping adds up no status codes or attempt numbers; text typed in the search
        finds an operation as well as a correlation id; payload editors ask for a mode
        Odoo's code editor ships (an unknown one is a 404 in the browser)."""
        self._record(summary="order export", correlation_id="corr-1", http_status=200)
        self._record(summary="order export", correlation_id="corr-2", http_status=500)
        logs = self.env["logistics.integration.log"]
        [group] = logs.read_group(
            [("summary", "=", "order export")], ["http_status", "attempt"], ["summary"]
        )
        self.assertNotIn("http_status", group)
        self.assertNotIn("attempt", group)
        search = etree.fromstring(logs.get_view(view_type="search")["arch"])
        first = search.xpath("//field")[0]
        domain = first.get("filter_domain")
        self.assertEqual(first.get("name"), "summary")
        self.assertIn("correlation_id", domain)
        self.assertEqual(
            logs.search(safe_eval(domain, {"self": "order exp"})).mapped("correlation_id"),
            ["corr-2", "corr-1"],
        )
        for model in ("logistics.integration.log", "logistics.outbound.message"):
            arch = etree.fromstring(self.env[model].get_view(view_type="form")["arch"])
            modes = {
                safe_eval(node.get("options"))["mode"]
                for node in arch.xpath("//field[@widget='ace']")
            }
            self.assertTrue(modes)
            self.assertLessEqual(modes, ODOO_CODE_EDITOR_MODES, model)
