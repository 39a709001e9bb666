import responses

from odoo.exceptions import UserError, ValidationError

from .common import LogisticsIntegrationCase, trap_jobs

FINANCE_URL = "http://127.0.0.1:18304"


class TestExchangeType(LogisticsIntegrationCase):
    """A new outbound target is an exchange type (here a template for finance
    endpoints) and a handler; the base handler serves documents nobody in Odoo
    waits for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["logistics.exchange.type"].create(
            {
                "name": "Invoice release",
                "code": "invoice_release",
                "endpoint_kind": "finance",
                "direction": "outbound",
                "schema_name": "invoice-release",
                "schema_version": "2",
            }
        )
        cls.finance = cls._create_endpoint(
            name="Finance", code="finance", kind="finance", base_url=FINANCE_URL
        )
        cls.exchange_type = cls.finance._get_exchange_type("invoice_release")
        cls.owner = cls._create_user(
            "lgx_finance_owner", "logistics_integration.group_logistics_user"
        )

    def _enqueue(self, exchange_type="invoice_release", **kwargs):
        with trap_jobs() as trap:
            message = self.env["logistics.outbound.message"]._enqueue(
                self.finance,
                exchange_type,
                self.env["res.partner"],
                {"invoice": "INV/1"},
                "/v1/releases",
                **kwargs,
            )
            trap.assert_jobs_count(1)
        return message

    def test_endpoint_gets_the_templates_of_its_kind(self):
        self.assertEqual(self.exchange_type.endpoint_kind, "finance")
        self.assertEqual(self.exchange_type.channel, "root.logistics.finance")
        self.assertEqual(self.exchange_type.handler_model, "logistics.exchange.handler")
        self.assertEqual(
            (self.exchange_type.schema_name, self.exchange_type.schema_version),
            ("invoice-release", "2"),
        )
        self.assertNotIn("invoice_release", self.endpoint.exchange_type_ids.mapped("code"))
        self.endpoint.kind = "finance"
        self.assertIn("invoice_release", self.endpoint.exchange_type_ids.mapped("code"))

    def test_archived_exchange_type_is_not_recreated(self):
        self.exchange_type.active = False
        self.env["logistics.endpoint"]._ensure_all_exchange_types()
        all_types = self.finance.with_context(active_test=False).exchange_type_ids
        self.assertEqual(all_types.mapped("code").count("invoice_release"), 1)
        with self.assertRaisesRegex(UserError, "invoice_release of Finance is archived"):
            self._enqueue()

    def test_message_takes_code_contract_and_channel_from_its_type(self):
        self.exchange_type.channel = "root.logistics.finance_slow"
        with trap_jobs() as trap:
            message = self.env["logistics.outbound.message"]._enqueue(
                self.finance, self.exchange_type, self.finance, {"invoice": "INV/2"}, "/v1/x"
            )
        self.assertEqual(message.exchange_type_id, self.exchange_type)
        self.assertEqual(message.exchange_type_code, "invoice_release")
        self.assertEqual(message.schema_version, "invoice-release/2")
        self.assertEqual(trap.enqueued_jobs[0].channel, "root.logistics.finance_slow")

    def test_unknown_code_is_registered_and_a_foreign_type_refused(self):
        with self.assertLogs(
            "odoo.addons.logistics_integration.models.logistics_endpoint", "WARNING"
        ) as logged:
            message = self._enqueue("credit_note")
        self.assertIn("no exchange type 'credit_note'", logged.output[0])
        registered = message.exchange_type_id
        self.assertEqual(
            (registered.code, registered.endpoint_id, registered.direction),
            ("credit_note", self.finance, "outbound"),
        )
        self.assertEqual(registered.handler_model, "logistics.exchange.handler")
        self.assertEqual(
            self._enqueue("credit_note", payload_version=2).exchange_type_id, registered
        )
        with self.assertRaisesRegex(ValidationError, "lower-case"):
            self._enqueue("Credit Note")
        foreign = self.env["logistics.exchange.type"].create(
            {
                "name": "Other",
                "code": "other",
                "endpoint_id": self.endpoint.id,
                "direction": "outbound",
            }
        )
        with self.assertRaisesRegex(UserError, "not an outbound exchange type of Finance"):
            self._enqueue(foreign)

    def test_channel_must_be_below_root(self):
        with self.assertRaisesRegex(ValidationError, "root or below it"):
            self.exchange_type.channel = "logistics.finance"

    def test_handler_model_must_be_an_exchange_handler(self):
        for bad in ("res.partner", "no.such.model"):
            with self.subTest(model=bad), self.assertRaisesRegex(ValidationError, "inheriting"):
                self.exchange_type.handler_model = bad

    def test_codes_are_unique_per_template_kind(self):
        with self.assertRaisesRegex(ValidationError, "already exists for this endpoint kind"):
            self.template.copy()
        with self.assertRaisesRegex(ValidationError, "lower-case"):
            self.template.copy({"code": "Invoice Release"})

    @responses.activate
    def test_base_handler_success(self):
        message = self._enqueue()
        responses.post(f"{FINANCE_URL}/v1/releases", status=201, json={"id": "R-1"})
        message._send()
        self.assertEqual(message.state, "sent")
        self.assertFalse(message.activity_ids)

    @responses.activate
    def test_base_handler_failure_is_an_activity_for_the_types_owner(self):
        self.exchange_type.owner_id = self.owner
        message = self._enqueue()
        responses.post(
            f"{FINANCE_URL}/v1/releases", status=400, json={"message": "no such invoice"}
        )
        message._send()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.activity_ids.user_id, self.owner)
        self.assertIn("no such invoice", message.activity_ids.note)

    @responses.activate
    def test_base_handler_conflict(self):
        duplicate = self._enqueue()
        responses.post(f"{FINANCE_URL}/v1/releases", status=409, json={"error": "duplicate"})
        duplicate._send()
        self.assertEqual(duplicate.state, "sent")
        locked = self._enqueue(idempotency_key="locked-release")
        responses.replace(
            responses.POST, f"{FINANCE_URL}/v1/releases", status=409, json={"error": "order_exists"}
        )
        locked._send()
        self.assertEqual(locked.state, "failed", "order_exists is the TMS's word, not the core's")

    def test_handler_put_right_applies_to_the_next_message(self):
        self.env.cr.execute(
            "UPDATE logistics_exchange_type SET handler_model = 'uninstalled.handler' "
            "WHERE id = %s",
            [self.exchange_type.id],
        )
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        logger = "odoo.addons.logistics_integration.models.logistics_exchange_type"
        with self.assertLogs(logger, "WARNING"):
            self.exchange_type._get_handler()
        self.exchange_type.handler_model = "logistics.exchange.handler"
        with self.assertNoLogs(logger, "WARNING"):
            handler = self.exchange_type._get_handler()
        self.assertEqual(handler._name, "logistics.exchange.handler")

    @responses.activate
    def test_missing_handler_falls_back_to_the_base_handler(self):
        message = self._enqueue()
        self.env.cr.execute(
            "UPDATE logistics_exchange_type SET handler_model = 'uninstalled.handler' "
            "WHERE id = %s",
            [self.exchange_type.id],
        )
        self.env.invalidate_all()
        self.env.registry.clear_cache()  # the handler name is kept per worker
        responses.post(f"{FINANCE_URL}/v1/releases", status=422, json={"message": "refused"})
        with self.assertLogs(
            "odoo.addons.logistics_integration.models.logistics_exchange_type", "WARNING"
        ):
            message._send()
        self.assertEqual(message.state, "failed")
        self.assertEqual(len(message.activity_ids), 1)
