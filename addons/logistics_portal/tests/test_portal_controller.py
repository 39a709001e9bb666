from datetime import datetime

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import LogisticsPortalCase


@tagged("post_install", "-at_install")
class TestPortalController(HttpCase, LogisticsPortalCase):
    """Run with: python3 -m odoo ... --test-enable --test-tags /logistics_portal"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._add_milestone(
            cls.shipment_a, "in_transit", datetime(2026, 3, 2, 9, 30), location="Utrecht"
        )
        cls._add_milestone(cls.shipment_a, "invoice_approved", datetime(2026, 3, 2, 10, 0))

    def test_list_shows_own_shipments_only(self):
        self.authenticate("portal_a", "portal_a-Passw0rd!")
        response = self.url_open("/my/shipments")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.shipment_a.name, response.text)
        self.assertNotIn(self.shipment_b.name, response.text)

    def test_detail_shows_customer_visible_timeline(self):
        self.authenticate("portal_a", "portal_a-Passw0rd!")
        response = self.url_open(f"/my/shipments/{self.shipment_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("On its way", response.text)
        self.assertIn("Utrecht", response.text)
        self.assertNotIn("Invoice Approved", response.text)

    def test_other_customers_shipment_is_not_found(self):
        self.authenticate("portal_a", "portal_a-Passw0rd!")
        response = self.url_open(f"/my/shipments/{self.shipment_b.id}")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.shipment_b.name, response.text)

    def test_portal_home_has_entry(self):
        self.authenticate("portal_a", "portal_a-Passw0rd!")
        response = self.url_open("/my/home")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/shipments", response.text)

    def test_shipment_page_opens_with_its_access_token(self):
        """The e-mails' link: without an account, with the shipment's token only."""
        token = self.shipment_a._portal_ensure_token()
        response = self.url_open(f"/my/shipments/{self.shipment_a.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.shipment_a.name, response.text)
        self.assertIn("On its way", response.text)
        self.assertNotIn("Invoice Approved", response.text)
        wrong = self.url_open(f"/my/shipments/{self.shipment_a.id}?access_token=not-{token}")
        self.assertEqual(wrong.status_code, 404)
        anonymous = self.url_open(f"/my/shipments/{self.shipment_a.id}", allow_redirects=False)
        self.assertEqual(anonymous.status_code, 303)
        self.assertIn("/web/login", anonymous.headers["Location"])
        self.authenticate("portal_b", "portal_b-Passw0rd!")
        other = self.url_open(f"/my/shipments/{self.shipment_a.id}")
        self.assertEqual(other.status_code, 404)

    def test_portal_link_of_a_shipment_is_its_page(self):
        self.assertEqual(self.shipment_a.access_url, f"/my/shipments/{self.shipment_a.id}")

    def test_customer_replies_on_own_shipment_only(self):
        self.authenticate("portal_a", "portal_a-Passw0rd!")

        def post(shipment, body):
            return self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "logistics.shipment",
                    "thread_id": shipment.id,
                    "post_data": {
                        "body": body,
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                    },
                },
            )

        post(self.shipment_a, "Please ring twice")
        self.assertTrue(
            self.shipment_a.message_ids.filtered(
                lambda m: m.author_id == self.contact_a and "ring twice" in m.body
            )
        )
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            post(self.shipment_b, "Not my shipment")
        self.assertFalse(
            self.shipment_b.message_ids.filtered(lambda m: "Not my shipment" in (m.body or ""))
        )
