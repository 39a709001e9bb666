from odoo.tests import HttpCase, tagged

from odoo.addons.logistics_portal.tests.common import LogisticsPortalCase


@tagged("post_install", "-at_install")
class TestReturnPortal(HttpCase, LogisticsPortalCase):
    """The customer sees a return among their shipments, linked to the original."""

    def test_return_page_names_the_original_shipment(self):
        returned = self._create_shipment(return_of_id=self.shipment_a.id)
        self.authenticate("portal_a", "portal_a-Passw0rd!")
        response = self.url_open(f"/my/shipments/{returned.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Return of shipment", response.text)
        self.assertIn(f"/my/shipments/{self.shipment_a.id}", response.text)
        original = self.url_open(f"/my/shipments/{self.shipment_a.id}")
        self.assertNotIn("Return of shipment", original.text)
