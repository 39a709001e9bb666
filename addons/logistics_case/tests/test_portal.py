from datetime import datetime

from odoo.tests import HttpCase, tagged

from odoo.addons.logistics_portal.tests.common import LogisticsPortalCase


@tagged("post_install", "-at_install")
class TestCasePortal(HttpCase, LogisticsPortalCase):
    """The portal's shipment page lists the shipment's cases, customer-safe fields only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls.env["logistics.case"].create(
            {
                "shipment_id": cls.shipment_a.id,
                "case_type_id": cls.env.ref("logistics_case.case_type_damage").id,
                "user_id": cls.logistics_manager.id,
                "date_deadline": datetime(2026, 12, 24, 12, 0),
                "resolution": "carrier_claim",
                "resolution_reason": "Forklift damage at the carrier's hub",
                "claim_amount": 1234.5,
            }
        )

    def test_shipment_page_shows_its_case_without_internal_fields(self):
        self.authenticate("portal_a", "portal_a-Passw0rd!")
        response = self.url_open(f"/my/shipments/{self.shipment_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.case.name, response.text)
        self.assertIn("goods arrived damaged", response.text)
        self.assertNotIn("Forklift", response.text)
        self.assertNotIn("1234", response.text)
        self.assertNotIn(self.logistics_manager.name, response.text)

    def test_other_customer_sees_no_case(self):
        self.authenticate("portal_b", "portal_b-Passw0rd!")
        response = self.url_open(f"/my/shipments/{self.shipment_b.id}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(self.case.name, response.text)

    def test_case_page_opens_for_its_customer_or_with_its_token(self):
        self.authenticate("portal_a", "portal_a-Passw0rd!")
        page = self.url_open(f"/my/cases/{self.case.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("goods arrived damaged", page.text)
        self.assertIn(self.shipment_a.name, page.text)
        for internal in ("Forklift", "1234", self.logistics_manager.name):
            self.assertNotIn(internal, page.text)
        self.assertEqual(self.case.access_url, f"/my/cases/{self.case.id}")
        self.authenticate("portal_b", "portal_b-Passw0rd!")
        self.assertEqual(self.url_open(f"/my/cases/{self.case.id}").status_code, 404)
        self.authenticate(None, None)
        token = self.case._portal_ensure_token()
        with_token = self.url_open(f"/my/cases/{self.case.id}?access_token={token}")
        self.assertEqual(with_token.status_code, 200)
        self.assertIn(self.case.name, with_token.text)
