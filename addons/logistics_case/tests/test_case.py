from datetime import timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import new_test_user

from odoo.addons.logistics_inbound.tests.common import LogisticsInboundSourceCase
from odoo.addons.logistics_integration.tests.common import assert_values_refused

from ..models.logistics_case import CASE_OPENED_SUMMARY


class TestServiceCase(LogisticsInboundSourceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = cls._create_profile()
        cls._map(cls.profile, "DMG-17", "exception_raised")
        cls._map(cls.profile, "LATE", "exception_raised")
        cls._map(cls.profile, "ODD", "exception_raised")
        cls.carrier = cls._carrier_endpoint(cls.profile)
        cls.carrier.responsible_user_id = cls.logistics_manager
        cls.damage = cls.env.ref("logistics_case.case_type_damage")
        cls.delay = cls.env.ref("logistics_case.case_type_delay")
        cls.refusal = cls.env.ref("logistics_case.case_type_refusal")
        rules = cls.env["logistics.case.rule"]
        rules.create(
            {"endpoint_id": cls.carrier.id, "raw_code": "DMG-17", "case_type_id": cls.damage.id}
        )
        rules.create({"raw_code": "LATE", "case_type_id": cls.delay.id})
        cls.order = cls.env["sale.order"].create({"partner_id": cls.customer.id})
        cls.shipment = cls._create_shipment(sale_order_id=cls.order.id)

    def _report(self, code, event_id, at="2026-03-02T10:00:00Z"):
        document = {"ref": self.shipment.name, "status": code, "at": at}
        return self._ingest_into(self.carrier, self._raw(document, event_id=event_id))

    def test_exception_opens_one_case_with_owner_due_date_and_customer_update(self):
        [answer] = self._report("DMG-17", "evt-1")
        self.assertEqual(answer["result"], "processed")
        case = self.shipment.case_ids
        self.assertEqual(len(case), 1)
        self.assertEqual(case.case_type_id, self.damage)
        self.assertEqual(case.user_id, self.logistics_manager)
        self.assertEqual(case.milestone_id, self.shipment.milestone_ids)
        self.assertEqual(case.sale_order_id, self.order)
        self.assertEqual(case.date_deadline, case.opened_date + timedelta(hours=48))
        self.assertEqual(case.activity_ids.user_id, self.logistics_manager)
        self.assertIn("DMG-17", case.activity_ids.note)
        # The shipment's responsible still hears of the exception.
        self.assertEqual(len(self.shipment.activity_ids), 1)
        self.assertEqual(case.exception_activity_ids, self.shipment.activity_ids)
        announced = self.shipment.message_ids.filtered(lambda m: "activity for" in str(m.body))
        self.assertIn("A service case tracks it", str(announced.body))
        self.assertNotIn("Resolve Exception", str(announced.body))
        # The customer is told on the case, where an answer lands for its owner.
        customer_update = case.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(customer_update), 1)
        self.assertEqual(customer_update.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn("goods arrived damaged", customer_update.body)
        self.assertIn(case.name, customer_update.body)
        self.assertNotIn("DMG-17", customer_update.body)
        log = self.env["logistics.integration.log"].search(
            [("model", "=", "logistics.case"), ("res_id", "=", case.id)]
        )
        self.assertEqual(log.summary, CASE_OPENED_SUMMARY)
        self.assertEqual(log.correlation_id, self.shipment.correlation_id)
        self.assertEqual(log.endpoint_id, self.carrier)
        self.assertEqual(self.order.logistics_case_count, 1)

    def test_exception_tells_the_customer_its_reason(self):
        """Damage reads as damage, not as a delay, in the portal status and the e-mails;
        an exception no rule maps keeps the canonical wording."""
        self._report("LATE", "evt-0", at="2026-03-02T08:00:00Z")
        self._report("DMG-17", "evt-1")
        late, damage = self.shipment.milestone_ids.sorted("event_time")
        self.assertEqual(late.customer_label, "Delayed – we are on it")
        self.assertEqual(damage.customer_label, "Damage reported – we are on it")
        as_customer = self.shipment.with_user(self._portal_user())
        [current] = as_customer._get_latest_customer_milestones().values()
        self.assertEqual(current.customer_label, "Damage reported – we are on it")
        self.assertEqual(
            self.shipment._prepare_portal_event(damage)["label"], "Damage reported – we are on it"
        )
        self._report("ODD", "evt-2", at="2026-03-02T12:00:00Z")
        odd = self.shipment.milestone_ids.sorted("event_time")[-1]
        self.assertEqual(odd.customer_label, "Delayed – we are on it")
        # The case opened by the exception names it, whatever the rules say later.
        self.env["logistics.case.rule"].search([("raw_code", "=", "DMG-17")]).active = False
        damage.invalidate_recordset(["customer_label"])
        self.assertEqual(damage.customer_label, "Damage reported – we are on it")

    def test_address_problem_reads_as_such(self):
        """X12 214 AH (attempted delivery) with reason A2 (incorrect address)."""
        milestone = self.env["logistics.milestone"].create(
            {
                "shipment_id": self.shipment.id,
                "event_type_id": self.env.ref(
                    "logistics_integration.event_type_exception_raised"
                ).id,
                "event_time": "2026-03-02 10:00:00",
                "raw_code": "AH",
                "raw_detail": "A2",
            }
        )
        self.assertEqual(milestone.customer_label, "Address problem – we are on it")
        self.assertEqual(
            self.shipment.case_ids.case_type_id, self.env.ref("logistics_case.case_type_address")
        )

    def _portal_user(self):
        contact = self.env["res.partner"].create(
            {"name": "Acme receiving", "parent_id": self.customer.id, "email": "dock@acme.example"}
        )
        return new_test_user(
            self.env, login="lgx_case_reader", groups="base.group_portal", partner_id=contact.id
        )

    def test_duplicate_exception_never_opens_a_second_case(self):
        self._report("DMG-17", "evt-1")
        [again] = self._report("DMG-17", "evt-1")
        self.assertEqual(again["result"], "duplicate")
        self._report("DMG-17", "evt-2", at="2026-03-02T12:00:00Z")
        case = self.shipment.case_ids
        self.assertEqual(len(case), 1)
        self.assertEqual(len(self.shipment.milestone_ids), 2)
        self.assertTrue(case.message_ids.filtered(lambda m: "Reported again" in (m.body or "")))
        self.assertEqual(len(case.activity_ids), 1)
        # The same milestone told twice (by two paths) is not a new report.
        notes = len(case.message_ids)
        self.shipment._notify_exception(case.milestone_id)
        self.assertEqual(len(case.message_ids), notes)

    def test_rule_for_the_source_wins_and_type_owner_wins(self):
        self.env["logistics.case.rule"].create(
            {"endpoint_id": self.carrier.id, "raw_code": "LATE", "case_type_id": self.refusal.id}
        )
        self.delay.user_id = self.logistics_user
        self._report("LATE", "evt-1")
        self.assertEqual(self.shipment.case_ids.case_type_id, self.refusal)
        self.refusal.user_id = self.logistics_user
        other = self._create_shipment()
        document = {"ref": other.name, "status": "LATE", "at": "2026-03-02T10:00:00Z"}
        self._ingest_into(self.carrier, self._raw(document, event_id="evt-2"))
        self.assertEqual(other.case_ids.user_id, self.logistics_user)

    def test_exception_without_rule_stays_an_activity_on_the_shipment(self):
        self._report("ODD", "evt-1")
        self.assertFalse(self.shipment.case_ids)
        self.assertEqual(len(self.shipment.activity_ids), 1)

    def test_resolution_needs_its_reason_and_tells_the_customer(self):
        self.env["logistics.status.mapping"].search(
            [("profile_id", "=", self.profile.id), ("raw_code", "=", "DMG-17")]
        ).action_required = True
        self._report("DMG-17", "evt-1")
        case = self.shipment.case_ids.with_user(self.logistics_user)
        with self.assertRaisesRegex(ValidationError, "Resolution"):
            case.action_resolve()
        case.write({"resolution": "carrier_claim", "resolution_reason": "Pallet crushed"})
        with self.assertRaisesRegex(ValidationError, "Claim amount"):
            case.action_resolve()
        case.claim_amount = 250.0
        self.assertTrue(self.shipment.action_required)
        case.action_resolve()
        self.assertEqual(case.state, "resolved")
        self.assertTrue(case.resolved_date)
        # The case's own activity is done; the claim's follow-up is what is left.
        self.assertEqual(
            case.activity_ids.activity_type_id,
            self.env.ref("logistics_case.mail_activity_type_carrier_claim"),
        )
        # The shipment's exception activity is done with its case, and no longer holds it.
        self.assertFalse(self.shipment.activity_ids)
        self.assertFalse(self.shipment.action_required)
        told = case.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(told), 2)
        self.assertIn("is resolved", told[0].body)
        self.assertIn("We settle this with the carrier", told[0].body)
        self.assertNotIn("Pallet crushed", told[0].body)
        self.assertNotIn("250", told[0].body)
        # Once resolved, the same exception opens a new case.
        self._report("DMG-17", "evt-2", at="2026-03-03T10:00:00Z")
        self.assertEqual(len(self.shipment.case_ids), 2)

    def test_cases_follow_company_and_portal_rules(self):
        self._report("DMG-17", "evt-1")
        case = self.shipment.case_ids
        outsider = self._create_user(
            "lgx_other_case_user",
            "logistics_integration.group_logistics_user",
            company=self.other_company,
        )
        self.assertFalse(self.env["logistics.case"].with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            case.with_user(outsider).read(["name"])
        contact = self.env["res.partner"].create(
            {"name": "Acme buyer", "parent_id": self.customer.id, "email": "buyer@acme.example"}
        )
        portal_user = new_test_user(
            self.env, login="lgx_case_portal", groups="base.group_portal", partner_id=contact.id
        )
        seen = self.env["logistics.case"].with_user(portal_user).search([])
        self.assertEqual(seen, case)
        self.assertEqual(seen.read(["name", "customer_label", "state"])[0]["state"], "open")
        with self.assertRaises(AccessError):
            seen.read(["resolution_reason"])
        with self.assertRaises(AccessError):
            seen.read(["claim_amount"])
        salesperson = self._create_user("lgx_case_sales", "sales_team.group_sale_salesman")
        self.order.user_id = salesperson
        self.assertEqual(self.order.with_user(salesperson).logistics_case_count, 1)
        with self.assertRaises(AccessError):
            case.with_user(salesperson).write({"resolution": "no_action"})
        stranger = new_test_user(self.env, login="lgx_case_stranger", groups="base.group_portal")
        self.assertFalse(self.env["logistics.case"].with_user(stranger).search([]))
        self.assertEqual(
            self.shipment.with_user(portal_user).case_ids.mapped("customer_label"),
            ["goods arrived damaged"],
        )

    def test_sla_hours_out_of_range_are_refused(self):
        case_type = self.damage.with_user(self.integration_admin)
        assert_values_refused(self, case_type, "sla_hours", (0, -1, 2**31 - 1))
        case_type.sla_hours = 24 * 3653
        self.assertEqual(self.damage.sla_hours, 24 * 3653)

    def test_case_type_codes_differing_by_case_or_blanks_are_refused(self):
        case_types = self.env["logistics.case.type"].with_user(self.integration_admin)
        for code in ("Damage", "damage ", " damage", "water damage"):
            with (
                self.subTest(code=code),
                self.assertRaisesRegex(ValidationError, "Case type code"),
                self.env.cr.savepoint(),
            ):
                case_types.create({"name": "Damage", "code": code, "customer_label": "Damage"})
        self.assertEqual(
            case_types.create(
                {"name": "Water", "code": "water_damage", "customer_label": "Water damage"}
            ).code,
            "water_damage",
        )
