from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException, new_test_user
from odoo.tools import mute_logger

from .common import LogisticsPortalCase, trap_jobs

EVENT_TIME = datetime(2026, 3, 2, 9, 30)


@tagged("post_install", "-at_install")
class TestPortalMultiCompany(HttpCase, LogisticsPortalCase):
    """Company B ships to the same customer as company A and has a portal customer of
    its own: each company's portal users see their company's shipments only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.other_company
        cls.shipment_of_b = cls._create_shipment(company_id=cls.company_b.id)
        cls.milestone_of_b = cls._add_milestone(cls.shipment_of_b, "in_transit", EVENT_TIME)
        cls.customer_of_b = cls.env["res.partner"].create(
            {"name": "Gamma Goods", "is_company": True, "email": "info@gamma.example"}
        )
        cls.portal_of_b = new_test_user(
            cls.env,
            login="portal_of_b",
            password="portal_of_b-Passw0rd!",
            groups="base.group_portal",
            partner_id=cls.customer_of_b.id,
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.shipment_of_b_for_gamma = cls._create_shipment(
            company_id=cls.company_b.id, partner_id=cls.customer_of_b.id
        )

    def test_portal_customer_of_a_sees_nothing_of_b(self):
        shipments = self.env["logistics.shipment"].with_user(self.portal_a).search([])
        self.assertEqual(shipments, self.shipment_a, "the same customer's shipment of B too")
        milestones = self.env["logistics.milestone"].with_user(self.portal_a).search([])
        self.assertNotIn(self.milestone_of_b, milestones)
        for record in (self.shipment_of_b, self.milestone_of_b, self.shipment_of_b_for_gamma):
            with self.subTest(record=record), self.assertRaises(AccessError):
                record.with_user(self.portal_a).read(["display_name"])

    def test_portal_customer_of_b_sees_nothing_of_a(self):
        shipments = self.env["logistics.shipment"].with_user(self.portal_of_b).search([])
        self.assertEqual(shipments, self.shipment_of_b_for_gamma)
        with self.assertRaises(AccessError):
            self.shipment_a.with_user(self.portal_of_b).read(["display_name"])

    def test_portal_pages_and_replies_stay_within_the_company(self):
        self.authenticate("portal_a", "portal_a-Passw0rd!")
        listing = self.url_open("/my/shipments")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.shipment_a.name, listing.text)
        for shipment in (self.shipment_of_b, self.shipment_of_b_for_gamma):
            self.assertNotIn(shipment.name, listing.text)
            page = self.url_open(f"/my/shipments/{shipment.id}")
            self.assertEqual(page.status_code, 404)
            self.assertNotIn(shipment.name, page.text)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "logistics.shipment",
                    "thread_id": self.shipment_of_b.id,
                    "post_data": {"body": "Not my company's", "message_type": "comment"},
                },
            )
        self.assertFalse(
            self.shipment_of_b.message_ids.filtered(lambda m: "my company" in (m.body or ""))
        )

    def test_portal_events_go_to_the_shipment_company_portal_only(self):
        portal_of_b = self._create_portal_endpoint(company_id=self.company_b.id)
        with trap_jobs():
            self._add_milestone(self.shipment_a, "out_for_delivery", EVENT_TIME)
            self._add_milestone(self.shipment_of_b, "out_for_delivery", EVENT_TIME)
        messages = self.env["logistics.outbound.message"].search(
            [("endpoint_id", "=", portal_of_b.id)]
        )
        self.assertEqual(messages.mapped("res_id"), self.shipment_of_b.ids)
