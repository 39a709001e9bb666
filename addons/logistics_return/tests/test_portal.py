from datetime import datetime

from odoo.tests import HttpCase, tagged

from odoo.addons.logistics_portal.tests.common import LogisticsPortalCase, trap_jobs


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

    def test_customer_reads_their_return_as_received_not_returned_to_sender(self):
        self.shipment_a.name = "TOUR-ORIGINAL"
        returned = self._create_shipment(
            return_of_id=self.shipment_a.id, name="TOUR-RETURN", partner_id=self.contact_a.id
        )
        with trap_jobs() as trap:
            self._add_milestone(self.shipment_a, "delivered", datetime(2026, 3, 2, 15, 0))
            self._add_milestone(returned, "shipment_planned", datetime(2026, 3, 4, 8, 0))
            self._add_milestone(returned, "picked_up", datetime(2026, 3, 5, 9, 0))
            self._add_milestone(returned, "in_transit", datetime(2026, 3, 5, 13, 0))
            self._add_milestone(returned, "returned", datetime(2026, 3, 6, 10, 0))
            trap.perform_enqueued_jobs()
        told = returned.message_ids.filtered(lambda m: self.contact_a in m.partner_ids)
        self.assertIn("Return received", told.body)
        self.assertNotIn("Returned to sender", told.body)
        # A shipment the carrier brings back undelivered is still returned to sender.
        bounced = self._add_milestone(self.shipment_b, "returned", datetime(2026, 3, 6, 10, 0))
        self.assertEqual(bounced.customer_label, "Returned to sender")
        self.start_tour("/my/shipments", "logistics_return_received", login="portal_a")
