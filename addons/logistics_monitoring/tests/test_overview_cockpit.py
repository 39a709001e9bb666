import io
from datetime import timedelta

from lxml import etree
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests.common import TransactionCase, new_test_user
from odoo.tools import mute_logger
from odoo.tools.convert import convert_xml_import

from .common import LogisticsOverviewCase, create_bill, create_case

ENDPOINT_FIGURES = {
    "exchanges": "exchange_count",
    "failures": "failure_count",
    "jobs_pending": "job_pending_count",
    "jobs_failed": "job_failed_count",
    "reviews": "review_count",
    "bridges": "bridge_count",
}
WINDOWS = ("24h", "7d", "30d")
FREIGHT_AUDITOR = "logistics_settlement.group_freight_auditor"
# What an addon writes to put its own concept on the Overview: events dismissed in the
# window, those of the last hour being a problem already.
CONTRIBUTED_CARD = b"""<odoo>
    <record id="overview_card_events_dismissed" model="logistics.overview.card">
        <field name="name">Events dismissed</field>
        <field name="indicator">events_dismissed</field>
        <field name="res_model_id" ref="logistics_inbound.model_logistics_inbound_event" />
        <field name="domain">[('state', '=', 'dismissed')]</field>
        <field name="danger_domain">[('create_date', '&gt;=', now - timedelta(hours=1))]</field>
        <field name="date_field">create_date</field>
        <field name="action_label">Look at dismissed events</field>
    </record>
</odoo>"""


class TestFiguresCountTheirLists(TransactionCase):
    """On the database as it is (the demo data in CI), every figure of every card
    counts exactly the records of the list it opens, for a Logistics Manager and
    a Freight Auditor; with a held and a disputed carrier bill and open service cases,
    one of them overdue, beside what the database holds. Every card the Overview
    offers is checked, whichever addon contributed it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now()
        create_bill(cls.env, "CARDS-1", "mismatch")
        create_bill(cls.env, "CARDS-2", "mismatch", disputed=True)
        create_bill(cls.env, "CARDS-3", "matched")
        shipment = cls.env["logistics.shipment"].create(
            {"partner_id": cls.env["res.partner"].create({"name": "Cards Customer"}).id}
        )
        create_case(cls.env, shipment, now + timedelta(days=2))
        create_case(cls.env, shipment, now - timedelta(days=1))
        create_case(cls.env, shipment, now - timedelta(days=1), resolved=True)

    def _user(self, login, groups):
        return new_test_user(
            self.env,
            login=login,
            groups=f"base.group_user,{groups}",
            company_id=self.env.company.id,
            company_ids=[(6, 0, self.env.company.ids)],
        )

    def _manager(self, login, groups):
        return self._user(login, f"logistics_integration.group_logistics_manager,{groups}")

    def _assert_figures_count_their_lists(self, user):
        """Per (indicator or endpoint card, figure) checked: its count, last window's."""
        cards = self.env["logistics.overview.card"]
        cards._sync_endpoint_cards()
        checked = {}
        for window in WINDOWS:
            as_user = cards.with_user(user).with_context(
                allowed_company_ids=self.env.company.ids, overview_window=window
            )
            shown = as_user.search(as_user._overview_action(window)["domain"])
            business = shown.filtered(lambda c: c.kind == "business")
            self.assertTrue(business)
            # every business card the user may see is offered: none left unchecked
            self.assertEqual(
                business,
                as_user.search([("kind", "=", "business")]).filtered(
                    lambda c: self.env[c.res_model].with_user(user).has_access("read")
                ),
            )
            for card in shown:
                if card.kind == "endpoint":
                    figures = ENDPOINT_FIGURES
                else:
                    figures = {False: "indicator_count"}
                    if card.danger_domain:
                        figures["overdue"] = "indicator_overdue_count"
                for figure, field in figures.items():
                    action = card.with_context(figure=figure).action_open_figure()
                    model = self.env[action["res_model"]].with_user(user)
                    if not model.has_access("read"):
                        continue  # shown without a link to this role
                    with self.subTest(window=window, card=card.name, figure=figure):
                        self.assertEqual(model.search_count(action["domain"]), card[field])
                        checked[card.indicator or card.name, figure or card.indicator] = card[field]
        return checked

    def test_figures_of_a_logistics_manager(self):
        user = self._manager("lgx_cockpit_manager", "base.group_user")
        checked = self._assert_figures_count_their_lists(user)
        self.assertGreaterEqual(checked["cases_open", "cases_open"], 2)
        self.assertGreaterEqual(checked["cases_open", "overdue"], 1)
        # deciding on carrier bills is a Freight Auditor's duty: not on this card set
        self.assertNotIn(("bills_held", "bills_held"), checked)

    def test_figures_of_a_freight_auditor(self):
        user = self._user("lgx_cockpit_auditor", FREIGHT_AUDITOR)
        checked = self._assert_figures_count_their_lists(user)
        self.assertGreaterEqual(checked["bills_held", "bills_held"], 2)
        self.assertGreaterEqual(checked["cases_open", "cases_open"], 2)

    def test_figures_of_a_manager_who_also_reads_jobs_and_orders(self):
        """The job and held-order figures link only for those who may read jobs and
        orders: such a manager checks them too."""
        user = self._manager(
            "lgx_cockpit_manager_plus",
            "queue_job.group_queue_job_manager,sales_team.group_sale_salesman_all_leads",
        )
        plain = self._manager("lgx_cockpit_manager_plain", "base.group_user")
        self.assertGreater(
            len(self._assert_figures_count_their_lists(user)),
            len(self._assert_figures_count_their_lists(plain)),
        )


class TestOverviewCockpit(LogisticsOverviewCase):
    """Time window, trend, SLA compliance, severity and the cockpit's actions."""

    def _log(self, hours_ago, state="processed"):
        log = self.Log.create(
            {"direction": "outbound", "endpoint_id": self.ops_endpoint.id, "state": state}
        )
        self._age(log, "create_date", hours_ago)
        return log

    def _in_window(self, card, window):
        return card.with_context(overview_window=window)

    def test_window_changes_the_figures_and_their_lists(self):
        self._log(2)
        self._log(3 * 24, state="failed")
        self._log(20 * 24)
        self._log(40 * 24)  # older than every window
        for window, exchanges, failures in (("24h", 1, 0), ("7d", 2, 1), ("30d", 3, 1)):
            with self.subTest(window=window):
                card = self._in_window(self.card, window)
                self.assertEqual(card.window, window)
                self.assertEqual(card.exchange_count, exchanges)
                self.assertEqual(card.failure_count, failures)
                action = card.with_context(figure="exchanges").action_open_figure()
                self.assertEqual(
                    self.env[action["res_model"]].search_count(action["domain"]), exchanges
                )
        default = self.cards.search([("endpoint_id", "=", self.ops_endpoint.id)])
        self.assertEqual(default.window, "24h")
        self.assertEqual(default.exchange_count, 1)

    def test_window_buttons_reopen_the_overview(self):
        action = self.cards.with_context(overview_window="7d").action_overview_window()
        self.assertEqual(action["res_model"], "logistics.overview.card")
        self.assertEqual(action["context"], {"overview_window": "7d"})
        self.assertEqual(action["target"], "main")
        self.assertIn("last 7 days", action["name"])
        # an unknown window falls back to the last 24 hours
        fallback = self.cards.with_context(overview_window="1y").action_overview_window()
        self.assertEqual(fallback["context"], {"overview_window": "24h"})

    def test_trend_per_hour_and_per_day(self):
        self._log(2.5)
        self._log(2.5, state="failed")
        self._log(2.5)
        self._log(5 * 24 + 1)
        hourly = self._in_window(self.card, "24h").trend_data
        self.assertEqual(len(hourly), 24)
        # buckets end at now: 2.5 h ago falls in the third one from the end
        self.assertEqual((hourly[21]["total"], hourly[21]["failed"]), (3, 1))
        self.assertEqual(sum(bar["total"] for bar in hourly), 3)
        self.assertEqual((hourly[21]["ok_height"], hourly[21]["failed_height"]), (66.7, 33.3))
        self.assertEqual(hourly[21]["title"], "Exchanges: 3, failed: 1")
        daily = self._in_window(self.card, "7d").trend_data
        self.assertEqual(len(daily), 7)
        self.assertEqual([bar["total"] for bar in daily], [0, 1, 0, 0, 0, 0, 3])
        self.assertEqual(daily[1]["ok_height"], 33.3)
        self.assertEqual(len(self._in_window(self.card, "30d").trend_data), 30)

    def test_sla_compliance_share_of_callbacks_within_target(self):
        exchange_types = self.env["logistics.exchange.type"].search(
            [("endpoint_id", "=", self.ops_endpoint.id), ("direction", "=", "inbound")]
        )
        self.assertTrue(exchange_types)
        self.assertFalse(self.card.sla_measured_count)  # no target: nothing measured
        exchange_types.sla_max_milestone_minutes = 10
        shipment = self._create_shipment(company_id=self.ops_company.id)
        for index, minutes in enumerate((2, 5, 30, 60 * 30)):
            milestone = self._add_milestone(shipment, "picked_up", self.now)
            self.env["logistics.inbound.event"].sudo().create(
                {
                    "endpoint_id": self.ops_endpoint.id,
                    "external_event_id": f"evt-sla-{index}",
                    "shipment_id": shipment.id,
                    "milestone_id": milestone.id,
                    "received_time": self.now - timedelta(minutes=minutes),
                    "state": "processed",
                }
            )
        self.card.invalidate_recordset()
        self.assertEqual((self.card.sla_within_count, self.card.sla_measured_count), (2, 4))
        self.assertEqual(self.card.sla_compliance, 50.0)

    def test_severity_from_thresholds(self):
        card = self.env.ref("logistics_tms_export.overview_card_exports_blocked")
        card.write({"warning_threshold": 1, "danger_threshold": 3})
        self.assertEqual(card.severity, "ok")
        shipments = self._create_shipment(company_id=self.ops_company.id, export_state="blocked")
        card.invalidate_recordset()
        self.assertEqual(card.severity, "warning")
        for __ in range(2):
            shipments |= self._create_shipment(
                company_id=self.ops_company.id, export_state="blocked"
            )
        card.invalidate_recordset()
        self.assertEqual(card.indicator_count, 3)
        self.assertEqual(card.severity, "danger")

        # an endpoint card: the failure rate against its thresholds
        self.assertEqual(self.card.severity, "ok")
        self.card.write({"warning_threshold": 10, "danger_threshold": 50})
        for __ in range(9):
            self._log(1)
        self._log(1, state="failed")
        self.card.invalidate_recordset()
        self.assertEqual(self.card.failure_rate, 10.0)
        self.assertEqual(self.card.severity, "warning")
        self._log(1, state="failed")
        self._log(1, state="failed")
        self.card.invalidate_recordset()
        self.assertEqual(self.card.severity, "warning")  # 25 %
        self.card.danger_threshold = 20
        self.assertEqual(self.card.severity, "danger")

    def test_thresholds_are_set_on_the_card(self):
        card = self.env.ref("logistics_shipment.overview_card_late")
        arch = card.get_view(view_type="form")["arch"]
        self.assertIn('name="warning_threshold"', arch)
        self.assertIn('name="danger_threshold"', arch)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            card.write({"warning_threshold": 10, "danger_threshold": 2})
            card.flush_recordset()

    def test_endpoint_with_work_to_review_needs_a_look(self):
        self.env["logistics.inbound.event"].sudo().create(
            {
                "endpoint_id": self.ops_endpoint.id,
                "external_event_id": "evt-review-cockpit",
                "state": "needs_review",
            }
        )
        self.assertEqual(self.card.failure_rate, 0.0)
        self.assertEqual(self.card.severity, "warning")

    def test_every_business_card_names_its_action(self):
        for card in self.cards.search([("kind", "=", "business")]):
            with self.subTest(indicator=card.indicator):
                self.assertTrue(card.action_label)
        late = self.env.ref("logistics_shipment.overview_card_late")
        self.assertEqual(late.action_label, "Chase late shipments")

    def test_lists_opened_from_cards_explain_an_empty_list(self):
        held = self.env.ref("logistics_freight.overview_card_invoices_held")
        action = held.action_open_figure()
        self.assertIn("o_view_nocontent_smiling_face", action["help"])
        list_view_id = action["views"][0][0]
        self.assertTrue(list_view_id)
        arch = self.env["sale.order"].get_view(list_view_id, "list")["arch"]
        self.assertEqual(etree.fromstring(arch).get("sample"), "0")
        action = self.card.with_context(figure="failures").action_open_figure()
        self.assertIn("All clear", action["help"])
        self.assertEqual(action["name"], "Ops TMS: failures, last 24 hours")

    def test_held_carrier_bills_card_for_those_who_decide_them(self):
        card = self.env.ref("logistics_settlement.overview_card_bills_held")
        self.assertEqual(card.indicator_count, 0)
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=self.ops_company, install_demo=False
        )
        held = create_bill(self.env, "OPS-1", "mismatch")
        disputed = create_bill(self.env, "OPS-2", "unmatched", disputed=True)
        create_bill(self.env, "OPS-3", "accepted")
        create_bill(self.env, "OPS-4")  # not matched yet
        self.assertEqual(
            (held | disputed).mapped("logistics_settlement_state"), ["held", "disputed"]
        )
        card.invalidate_recordset()
        self.assertEqual(card.indicator_count, 2)
        self.assertEqual(card.action_label, "Decide held bills")
        action = card.action_open_figure()
        self.assertEqual(self.env["account.move"].search(action["domain"]), held | disputed)
        self.assertEqual(
            action["views"][0][0], self.env.ref("account.view_in_invoice_bill_tree").id
        )
        for groups, shown in (
            (FREIGHT_AUDITOR, True),
            ("account.group_account_manager", True),
            ("logistics_integration.group_logistics_manager", False),
        ):
            user = new_test_user(
                self.env,
                login=f"lgx_cards_{groups.replace('.', '_')}",
                groups=f"base.group_user,logistics_integration.group_logistics_user,{groups}",
                company_id=self.ops_company.id,
                company_ids=[(6, 0, self.ops_company.ids)],
            )
            with self.subTest(groups=groups):
                cards = self.cards.with_user(user).search([("kind", "=", "business")])
                self.assertEqual(card in cards, shown)

    def test_open_service_cases_overdue_ones_are_a_problem(self):
        card = self.env.ref("logistics_case.overview_card_cases_open")
        card.write({"warning_threshold": 1, "danger_threshold": 5})
        shipment = self._create_shipment(company_id=self.ops_company.id)
        create_case(self.env, shipment, self.now + timedelta(days=3))
        create_case(self.env, shipment, self.now - timedelta(days=3), resolved=True)
        card.invalidate_recordset()
        self.assertEqual((card.indicator_count, card.indicator_overdue_count), (1, 0))
        self.assertEqual(card.severity, "warning")
        self.assertEqual(card.action_label, "Resolve service cases")
        overdue = create_case(self.env, shipment, self.now - timedelta(hours=1))
        card.invalidate_recordset()
        self.assertEqual((card.indicator_count, card.indicator_overdue_count), (2, 1))
        self.assertEqual(card.severity, "danger")
        action = card.with_context(figure="overdue").action_open_figure()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), overdue)
        self.assertEqual(action["name"], "Open service cases: overdue")
        late = self.env.ref("logistics_shipment.overview_card_late")
        with self.assertRaises(UserError):
            late.with_context(figure="overdue").action_open_figure()
        arch = card.get_view(view_type="kanban")["arch"]
        self.assertIn("'figure': 'overdue'", arch)

    def test_a_card_added_as_data_counts_and_opens_its_records(self):
        """An addon adds a card with an XML record only: the Overview offers it to
        whoever may read its records, counts them in the window of its date field and
        opens exactly them."""
        xml_file = io.BytesIO(CONTRIBUTED_CARD)
        xml_file.name = "logistics_overview_card_data.xml"
        convert_xml_import(self.env, "logistics_inbound", xml_file)
        card = self.env.ref("logistics_inbound.overview_card_events_dismissed")
        events = self.env["logistics.inbound.event"].sudo()
        for index, (state, hours_ago) in enumerate(
            (("dismissed", 0), ("dismissed", 3), ("dismissed", 3 * 24), ("processed", 0))
        ):
            event = events.create(
                {
                    "endpoint_id": self.ops_endpoint.id,
                    "external_event_id": f"evt-card-{index}",
                    "state": state,
                }
            )
            self._age(event, "create_date", hours_ago)
            events |= event
        manager = new_test_user(
            self.env,
            login="lgx_cards_contributed",
            groups="base.group_user,logistics_integration.group_logistics_manager",
            company_id=self.ops_company.id,
            company_ids=[(6, 0, self.ops_company.ids)],
        )
        cards = self.cards.with_user(manager)
        for window, count, listed in (("24h", 2, events[:2]), ("7d", 3, events[:3])):
            with self.subTest(window=window):
                shown = cards.with_context(overview_window=window)
                shown = shown.search(shown._overview_action(window)["domain"])
                self.assertIn(card, shown)
                as_manager = card.with_user(manager).with_context(overview_window=window)
                self.assertEqual(as_manager.indicator_count, count)
                self.assertEqual(as_manager.indicator_overdue_count, 1)
                self.assertEqual(as_manager.severity, "danger")
                self.assertEqual(as_manager.action_label, "Look at dismissed events")
                action = as_manager.action_open_figure()
                self.assertEqual(self.env[action["res_model"]].search(action["domain"]), listed)
                overdue = as_manager.with_context(figure="overdue").action_open_figure()
                self.assertEqual(
                    self.env[overdue["res_model"]].search(overdue["domain"]), events[0]
                )

    def test_a_card_names_a_model_and_a_domain_that_evaluates(self):
        inbound_event = self.env.ref("logistics_inbound.model_logistics_inbound_event")
        for values in (
            {"res_model_id": False},
            {"res_model_id": inbound_event.id, "domain": "[('state', '=', now.nope)]"},
            {"res_model_id": inbound_event.id, "domain": "[('no_such_field', '=', 1)]"},
            {"res_model_id": inbound_event.id, "date_field": "no_such_date"},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.cards.create({"name": "Broken", "indicator": "broken", **values})

    def test_demo_exception_has_a_person_to_act_on_it(self):
        """The exception the Overview counts on the demo database is the admin's, the
        demo's login, not OdooBot's."""
        shipment = self.env.ref("logistics_shipment.shipment_demo_exception")
        self.assertEqual(shipment.state, "exception")
        self.assertEqual(shipment.user_id, self.env.ref("base.user_admin"))
