from datetime import datetime

from odoo.tests import HttpCase, tagged

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
