import json

from odoo.exceptions import AccessError, UserError
from odoo.tests.common import new_test_user

from .common import LogisticsInboundSourceCase

AT = "2026-03-02T08:00:00+00:00"
# The two forms Odoo gives its own multi-company rules: records of one company, and
# records shared by every company (empty company) beside those.
COMPANY_RULE_DOMAINS = {
    "[('company_id','in',company_ids)]",
    "['|',('company_id','=',False),('company_id','in',company_ids)]",
}


class TestMultiCompany(LogisticsInboundSourceCase):
    """Company B has its own endpoint, shipment, bridge user and manager; the users of
    company A (the fixtures' company) try to reach B's records and B's endpoint tries
    to reach A's shipments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.other_company
        cls.profile = cls._create_profile()
        cls._map(cls.profile, "moving", "in_transit")
        cls.endpoint_a = cls._carrier_endpoint(cls.profile)
        cls.endpoint_b = cls._create_endpoint(
            name="Carrier of B",
            code="carrier_b",
            kind="carrier",
            inbound_format="json",
            company_id=cls.company_b.id,
            logistics_inbound_profile_id=cls.profile.id,
        )
        cls.shipment_a = cls._create_shipment()
        cls.shipment_b = cls._create_shipment(company_id=cls.company_b.id)
        cls.bridge_b = new_test_user(
            cls.env,
            login="lgx_bridge_b",
            groups="logistics_inbound.group_logistics_bridge",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.manager_b = cls._create_user(
            "lgx_manager_b", "logistics_integration.group_logistics_manager", cls.company_b
        )
        cls._create_records_of_b()

    @classmethod
    def _create_records_of_b(cls):
        """One record of company B of every kind the inbound flow makes or reads."""
        ingest = cls.env["logistics.ingest"].with_user(cls.bridge_b)
        applied = cls._raw(cls._document(cls.shipment_b.name), event_id="b-applied")
        waiting = cls._raw(cls._document("UNKNOWN-REF"), event_id="b-waiting")
        ingest.ingest_events("carrier_b", [applied, waiting])
        other_content = cls._raw(
            cls._document(cls.shipment_b.name, at="2026-03-02T09:00:00+00:00"),
            event_id="b-applied",
        )
        ingest.ingest_events("carrier_b", [other_content])
        cls.env["logistics.status.mapping"].create(
            {
                "endpoint_id": cls.endpoint_b.id,
                "raw_code": "parked",
                "event_type_id": cls.event_types["in_transit"].id,
            }
        )
        cls._create_recipe(cls.endpoint_b, secrets=["company-b-secret"])
        cls.env["logistics.freight.charge"].create(
            {"shipment_id": cls.shipment_b.id, "expected_amount": 120.0}
        )
        cls.notice = cls.env["logistics.exchange.type"].create(
            {
                "name": "Shipment notice",
                "code": "shipment_notice",
                "endpoint_id": cls.endpoint_b.id,
                "direction": "outbound",
            }
        )
        cls.env["logistics.outbound.message"]._enqueue(
            cls.endpoint_b, cls.notice, cls.shipment_b, {"shipment": "B"}, "/v1/notices"
        )
        cls._create_profile(name="B's own format", company_id=cls.company_b.id)

    @staticmethod
    def _document(reference, at=AT):
        return {"ref": reference, "status": "moving", "at": at}

    def _inbox(self, raw):
        return self.env["logistics.inbound.event"].search(
            [("external_event_id", "=", raw["event_id"])]
        )

    def _company_models(self):
        """Every stored logistics model with a company, of whichever addons are installed."""
        return [
            model
            for name, model in self.env.registry.items()
            if name.startswith("logistics.")
            and not model._abstract
            and not model._transient
            and "company_id" in model._fields
            and model._fields["company_id"].store
        ]

    def test_every_model_with_a_company_has_a_company_rule(self):
        models = self._company_models()
        self.assertIn("logistics.shipment", [m._name for m in models])
        for model in models:
            with self.subTest(model=model._name):
                rules = self.env["ir.rule"].search(
                    [("model_id.model", "=", model._name), ("global", "=", True)]
                )
                domains = {"".join(rule.domain_force.split()) for rule in rules}
                self.assertTrue(
                    domains & COMPANY_RULE_DOMAINS,
                    f"{model._name} has no multi-company rule among {domains}",
                )

    def test_users_of_a_see_and_touch_nothing_of_b(self):
        found = set()
        for model in self._company_models():
            records_of_b = self.env[model._name].search([("company_id", "=", self.company_b.id)])
            if not records_of_b:
                continue
            found.add(model._name)
            for user in (self.logistics_manager, self.integration_admin, self.bridge_user):
                with self.subTest(model=model._name, user=user.login):
                    as_user = self.env[model._name].with_user(user)
                    try:
                        visible = as_user.search([("id", "in", records_of_b.ids)])
                    except AccessError:
                        visible = as_user
                    self.assertFalse(visible)
                    for operation in ("read", "write"):
                        with self.assertRaises(AccessError):
                            records_of_b.with_user(user).check_access(operation)
        for name in (
            "logistics.endpoint",
            "logistics.exchange.type",
            "logistics.shipment",
            "logistics.milestone",
            "logistics.freight.charge",
            "logistics.inbound.event",
            "logistics.inbound.conflict",
            "logistics.inbound.profile",
            "logistics.integration.log",
            "logistics.outbound.message",
            "logistics.status.mapping",
            "logistics.auth.recipe",
            "logistics.auth.secret",
        ):
            self.assertIn(name, found, f"the fixtures made no record of {name} for company B")

    def test_a_manager_of_a_cannot_change_b_shipment_or_endpoint(self):
        with self.assertRaises(AccessError):
            self.shipment_b.with_user(self.logistics_manager).write({"tms_reference": "HIJACK"})
        with self.assertRaises(AccessError):
            self.endpoint_b.with_user(self.integration_admin).write({"name": "Hijacked"})
        self.assertFalse(
            self.env["logistics.shipment"]
            .with_user(self.logistics_manager)
            .search([("name", "=", self.shipment_b.name)])
        )

    def test_bridge_of_a_cannot_ingest_for_b_endpoint(self):
        raw = self._raw(self._document(self.shipment_b.name))
        [answer] = self._ingest_into(self.endpoint_b, raw)
        self.assertEqual(answer["result"], "rejected")
        self.assertIn("no active endpoint with code 'carrier_b'", answer["reason"])
        self.assertFalse(self._inbox(raw), "nothing kept")
        served = self.env["logistics.bridge.registry"].with_user(self.bridge_user).registry()
        self.assertNotIn("carrier_b", served["endpoints"])
        self.assertIn(
            "carrier_b",
            self.env["logistics.bridge.registry"].with_user(self.bridge_b).registry()["endpoints"],
        )

    def test_b_event_naming_an_a_shipment_is_refused(self):
        raw = self._raw(self._document(self.shipment_a.name))
        [answer] = (
            self.env["logistics.ingest"].with_user(self.bridge_b).ingest_events("carrier_b", [raw])
        )
        self.assertEqual(answer["result"], "rejected")
        self.assertIn(
            f"shipment_reference: {self.shipment_a.name!r} is a shipment of another company; "
            f"endpoint 'carrier_b' only reaches shipments of {self.company_b.name}",
            answer["reason"],
        )
        self.assertFalse(self.shipment_a.milestone_ids, "never applied")
        self.assertFalse(self._inbox(raw), "nothing kept")
        log = self.env["logistics.integration.log"].search(
            [("external_identifier", "=", raw["event_id"])]
        )
        self.assertEqual(log.state, "rejected")
        self.assertEqual(log.company_id, self.company_b)
        self.assertIn("is a shipment of another company", log.error)
        self.assertEqual(
            self.env["logistics.integration.log"]
            .with_user(self.manager_b)
            .search([("id", "=", log.id)]),
            log,
            "the refusal is B's to review",
        )
        # The same event again is refused again: nothing was kept to call it a duplicate.
        [again] = (
            self.env["logistics.ingest"].with_user(self.bridge_b).ingest_events("carrier_b", [raw])
        )
        self.assertEqual(again["result"], "rejected")

    def test_try_a_sample_shows_the_refusal(self):
        admin_b = self._create_user(
            "lgx_admin_b", "logistics_integration.group_integration_admin", self.company_b
        )
        wizard = (
            self.env["logistics.inbound.sample"]
            .with_user(admin_b)
            .create(
                {
                    "profile_id": self.profile.id,
                    "endpoint_id": self.endpoint_b.id,
                    "sample": json.dumps(self._document(self.shipment_a.name)),
                }
            )
        )
        wizard.action_try()
        self.assertEqual(wizard.line_ids.mapped("outcome"), ["rejected"])
        self.assertIn("is a shipment of another company", wizard.line_ids.reason)
        self.assertFalse(wizard.line_ids.shipment_id)

    def test_b_shipment_with_the_same_key_wins(self):
        self.shipment_a.tms_reference = "SHARED-7"
        self.shipment_b.tms_reference = "SHARED-7"
        self.profile.shipment_match_order = "tms_reference"
        raw = self._raw(self._document("SHARED-7"))
        [answer] = (
            self.env["logistics.ingest"].with_user(self.bridge_b).ingest_events("carrier_b", [raw])
        )
        self.assertEqual(answer["result"], "processed", answer)
        milestone = self.env["logistics.milestone"].search(
            [("external_event_id", "=", raw["event_id"])]
        )
        self.assertEqual(milestone.shipment_id, self.shipment_b)

    def test_waiting_b_event_never_reaches_a_later_a_shipment(self):
        waiting = self.env["logistics.inbound.event"].search(
            [("external_event_id", "=", "b-waiting")]
        )
        self.assertEqual(waiting.state, "needs_review")
        late = self._create_shipment(name="UNKNOWN-REF")
        waiting.action_reprocess()
        self.assertEqual(waiting.state, "needs_review")
        self.assertFalse(waiting.shipment_id)
        self.assertIn("is a shipment of another company", waiting.review_reason)
        self.assertFalse(late.milestone_ids)
        with self.assertRaises(UserError):
            waiting.shipment_id = late

    def test_a_milestone_comes_from_a_source_of_its_shipment_company(self):
        with self.assertRaises(UserError):
            self._add_milestone(
                self.shipment_a, "in_transit", "2026-03-02 08:00:00", endpoint_id=self.endpoint_b.id
            )

    def test_a_shipment_is_only_sent_through_its_company_endpoints(self):
        outbox = self.env["logistics.outbound.message"]
        with self.assertRaisesRegex(UserError, "only sent through endpoints of"):
            outbox._enqueue(
                self.endpoint_b, self.notice, self.shipment_a, {"shipment": "A"}, "/v1/notices"
            )
        message = outbox.search([("endpoint_id", "=", self.endpoint_b.id)])
        self.assertEqual(message.job_id.company_id, self.company_b, "a job of B's endpoint")
        self.assertFalse(
            self.env["queue.job"]
            .with_user(self.logistics_manager)
            .search([("id", "=", message.job_id.id)])
        )
