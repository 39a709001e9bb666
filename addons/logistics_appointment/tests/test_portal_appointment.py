import responses

from odoo.tests import HttpCase, tagged

from .common import SLOTS_PATH, AppointmentCase, portal_csrf_token

PASSWORD_A = "portal_a-Passw0rd!"


@tagged("post_install", "-at_install")
class TestPortalAppointment(HttpCase, AppointmentCase):
    """The customer picks or changes a delivery window on the portal."""

    def _book(self, shipment, slot_id):
        return self.url_open(
            f"/my/shipments/{shipment.id}/appointment",
            data={"slot_id": slot_id, "reason": "Ring twice", "csrf_token": self.csrf_token()},
        )

    def csrf_token(self):
        return portal_csrf_token(self, self.shipment_a)

    def test_customer_sees_the_offered_windows_and_books_one(self):
        self.authenticate("portal_a", PASSWORD_A)
        with responses.RequestsMock() as mocked:
            mocked.add_passthru(self.base_url())
            mocked.post(
                self.endpoint.base_url + SLOTS_PATH,
                json={"slots": [self._slot("S-1", 20), self._slot("S-2", 44)]},
            )
            page = self.url_open(f"/my/shipments/{self.shipment_a.id}/appointment")
        self.assertEqual(page.status_code, 200)
        self.assertIn('value="S-2"', page.text)
        response = self._book(self.shipment_a, "S-2")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.shipment_a.appointment_state, "requested")
        self.assertIn("Requested, waiting for confirmation", response.text)
        change = self.shipment_a.appointment_change_ids
        self.assertEqual((change.origin, change.user_id), ("customer", self.portal_a))
        self.assertTrue(
            self.env["logistics.outbound.message"].search_count(
                [("exchange_type_code", "=", "tms_appointment_book")]
            )
        )

    def test_a_forged_window_is_refused_with_a_clear_message(self):
        self._offer(self.shipment_a, self._slot("S-1", 20))
        self.authenticate("portal_a", PASSWORD_A)
        response = self._book(self.shipment_a, "S-FORGED")
        self.assertEqual(response.status_code, 422)
        self.assertIn("was not offered for your shipment", response.text)
        self.assertFalse(self.shipment_a.appointment_state)

    def test_another_customer_cannot_book_or_see_the_page(self):
        self._offer(self.shipment_b, self._slot("S-1", 20))
        self.authenticate("portal_a", PASSWORD_A)
        self.assertEqual(
            self.url_open(f"/my/shipments/{self.shipment_b.id}/appointment").status_code, 404
        )
        self.assertEqual(self._book(self.shipment_b, "S-1").status_code, 404)
        self.assertFalse(self.shipment_b.appointment_state)
