from datetime import datetime, timedelta

from lxml import html

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import (
    FREIGHT_AUDITOR,
    INTEGRATION_ADMIN,
    LOGISTICS_MANAGER,
    LOGISTICS_USER,
    PRODUCT_KEY,
    REFERENCE,
    RoleStoryCase,
    new_role_user,
    shown_logistics_menus,
    trap_jobs,
)


@tagged("post_install", "-at_install")
class TestRoleTours(RoleStoryCase, HttpCase):
    """Each role, as a freshly created user, walks the Logistics app in a browser over
    the story of one order."""

    # TmsExportCase puts the registry in test mode itself.
    registry_test_mode = False

    def _walk_as(self, login, groups, menu_count):
        """A new user with ``groups`` opens every Logistics menu it is shown (each view
        of its action, its newest record), then every figure of every Overview card;
        a failed request or an error dialog fails the tour with where it was. The
        role is shown ``menu_count`` menus: the tree the walk reads them from."""
        user = new_role_user(self.env, login, groups, self.company)
        self.assertEqual(len(self._shown_menus(user)), menu_count)
        self.start_tour("/odoo", "logistics_role_menus", login=login, timeout=600)
        self.start_tour("/odoo", "logistics_overview_figures", login=login, timeout=600)
        return user

    def _shown_menus(self, user):
        """The paths of the Logistics menus with an action ``user`` is shown."""
        return [path for path, _action in shown_logistics_menus(user)]

    def _assert_reads_the_story(self, user):
        """``user`` reads the appointment, the route and the master data, and changes
        neither the appointment history nor the master data states."""
        shipment = self.shipment.with_user(user)
        self.assertEqual(shipment.appointment_state, "confirmed")
        self.assertEqual(shipment.appointment_change_ids.mapped("applied"), [True, True, False])
        self.assertEqual((shipment.stop_sequence, shipment.stops_total), (3, 7))
        states = self.env["logistics.master.data.state"].with_user(user)
        self.assertEqual(
            sorted(states.search([("endpoint_id", "=", self.endpoint.id)]).mapped("state")),
            ["conflict", "sent"],
        )
        for records in (shipment.appointment_change_ids, shipment.route_update_ids, states):
            with self.assertRaises(AccessError):
                records.check_access("write")

    def test_fixture_tells_a_whole_story(self):
        self.assertEqual(self.shipment.tms_reference, REFERENCE)
        self.assertEqual(self.shipment.state, "delivered")
        self.assertEqual(self.shipment.charge_ids.state, "on_hold")
        self.assertTrue(self.shipment.case_ids)
        self.assertTrue(self.shipment.return_ids)
        bill = self.env["account.move"].search([("partner_id", "=", self.vendor.id)])
        self.assertEqual(bill.logistics_settlement_state, "held")
        self.assertEqual(self.order.logistics_rate_quote_ids.mapped("service_code"), ["ECO", "EXP"])

    def test_fixture_books_a_window_and_follows_the_route(self):
        shipment = self.shipment
        booking = shipment._tms_messages("tms_appointment_book")
        self.assertEqual(booking.state, "sent")
        self.assertEqual(
            (shipment.appointment_state, shipment.appointment_version), ("confirmed", 1)
        )
        changes = shipment.appointment_change_ids
        self.assertEqual(changes.mapped("origin"), ["tms", "customer", "tms"])
        self.assertEqual(changes.mapped("applied"), [True, True, False])
        self.assertIn("older than the change in force", changes[-1].not_applied_reason)
        self.assertEqual(shipment.appointment_start, changes[0].new_start)
        self.assertEqual((shipment.stop_sequence, shipment.stops_total), (3, 7))
        self.assertEqual(shipment.route_update_id.eta, datetime(2026, 3, 2, 14, 0))

    def test_fixture_has_master_data_and_a_change_to_approve(self):
        states = self.env["logistics.master.data.state"].search(
            [("endpoint_id", "=", self.endpoint.id)]
        )
        by_kind = {state.kind: state for state in states}
        self.assertEqual(by_kind["partners"].state, "sent")
        conflict = by_kind["products"]
        self.assertEqual((conflict.key, conflict.state), (PRODUCT_KEY, "conflict"))
        self.assertEqual(
            conflict.activity_ids.activity_type_id,
            self.env.ref("logistics_master_data.mail_activity_type_master_data_conflict"),
        )
        request = self.change_request
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(request.line_ids.changes, {"schema_version": ["1", "2"]})

    def test_logistics_user_walks_the_app(self):
        user = self._walk_as("role_user", LOGISTICS_USER, menu_count=17)
        self._assert_reads_the_story(user)
        self.assertIn("Logistics / Integration / Master Data", self._shown_menus(user))
        with self.assertRaises(AccessError):
            self.change_request.with_user(user).check_access("read")

    def test_logistics_manager_walks_the_app(self):
        user = self._walk_as("role_manager", LOGISTICS_MANAGER, menu_count=19)
        self._assert_reads_the_story(user)
        with self.assertRaises(AccessError):
            self.change_request.with_user(user).check_access("read")
        # The conflict's Send Odoo's Version, shown to managers, runs for them.
        conflict = self.env["logistics.master.data.state"].search(
            [("endpoint_id", "=", self.endpoint.id), ("state", "=", "conflict")]
        )
        with trap_jobs() as trap:
            conflict.with_user(user).action_send_odoo_version()
        trap.assert_jobs_count(1)

    def test_freight_auditor_walks_the_app(self):
        user = self._walk_as("role_auditor", FREIGHT_AUDITOR, menu_count=19)
        self.assertIn("Logistics / Settlement / Carrier Settlement", self._shown_menus(user))
        self._assert_reads_the_story(user)
        with self.assertRaises(AccessError):
            self.change_request.with_user(user).check_access("read")

    def test_integration_administrator_walks_the_app(self):
        user = self._walk_as("role_integration_admin", INTEGRATION_ADMIN, menu_count=30)
        self._assert_reads_the_story(user)
        self.assertIn("Logistics / Configuration / Change Requests", self._shown_menus(user))
        request = self.change_request.with_user(user)
        self.assertEqual(request.line_ids.changes, {"schema_version": ["1", "2"]})
        # Another administrator asked: this one is shown Approve, and it applies.
        self.assertFalse(request.is_requester)
        request.action_approve()
        self.assertEqual(request.state, "applied")
        line = request.line_ids
        self.assertEqual(self.env[line.model_name].browse(line.res_id).schema_version, "2")

    def _portal_customer(self):
        """The customer contact's portal user, logged in by its login."""
        return new_test_user(
            self.env,
            login="role_portal",
            groups="base.group_portal",
            partner_id=self.customer_contact.id,
        )

    def _portal_page(self, shipment):
        """``shipment``'s page on *My Shipments*, as the logged-in customer reads it."""
        response = self.url_open(f"/my/shipments/{shipment.id}")
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.text)

    @staticmethod
    def _text(element):
        return " ".join(element.text_content().split())

    def test_portal_customer_opens_my_shipments(self):
        self._portal_customer()
        self.start_tour("/my", "logistics_portal_customer", login="role_portal")
        self.authenticate("role_portal", "role_portal")
        page = self._portal_page(self.shipment)
        [appointment] = page.find_class("o_logistics_appointment")
        self.assertIn("Delivery window:", self._text(appointment))
        self.assertIn("Confirmed", self._text(appointment))
        self.assertFalse(
            page.find_class("o_logistics_route"), "a delivered shipment is on no route"
        )
        text = self._text(page)
        self.assertIn("Delivery window confirmed", text, "the timeline")
        for internal in (
            "Dispatcher confirmed",
            "Provisional slot",
            "older than the change in force",
            "APPT_CONFIRMED",
            "tms_appointment_book",
        ):
            self.assertNotIn(internal, text)

    def test_portal_customer_follows_a_shipment_on_its_route(self):
        self._portal_customer()
        shipment = self._export(self._create_order(confirm=False), "ROLE-101")
        now = fields.Datetime.now().replace(microsecond=0)
        self._ingest(
            self._event(
                "role-101-1", "status", now - timedelta(hours=2), "ROLE-101", status_code="AF"
            ),
            self._event(
                "role-101-2",
                "planning",
                now - timedelta(hours=1),
                "ROLE-101",
                eta=(now + timedelta(hours=5)).isoformat() + "Z",
                stop_sequence=5,
                stops_total=9,
                stops_before=4,
            ),
        )
        self.authenticate("role_portal", "role_portal")
        page = self._portal_page(shipment)
        [route] = page.find_class("o_logistics_route")
        self.assertEqual(self._text(route), "Your delivery is stop 5 of 9, 4 stop(s) before yours.")
        self.assertIn("Expected delivery:", self._text(page), "the ETA")
        self.assertIn("Choose a delivery window", self._text(page))
