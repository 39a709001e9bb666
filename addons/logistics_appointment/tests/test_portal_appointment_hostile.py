from odoo.tests import HttpCase, tagged

from .common import AppointmentCase, portal_csrf_token

PASSWORD_A = "portal_a-Passw0rd!"


@tagged("post_install", "-at_install")
class TestPortalAppointmentHostile(HttpCase, AppointmentCase):
    """Forged, repeated or malformed bookings on the portal get a status and a message
    the customer can read, and never book a window twice."""

    def _csrf_token(self):
        return portal_csrf_token(self, self.shipment_a)

    def _post(self, path, **data):
        return self.url_open(path, data=data, allow_redirects=True)

    def _bookings(self):
        return self.env["logistics.outbound.message"].search_count(
            [("exchange_type_code", "=", "tms_appointment_book")]
        )

    def test_a_double_click_books_the_window_once(self):
        self._offer(self.shipment_a, self._slot("S-1", 20))
        self.authenticate("portal_a", PASSWORD_A)
        token = self._csrf_token()
        path = f"/my/shipments/{self.shipment_a.id}/appointment"
        before = self._bookings()
        first = self._post(path, slot_id="S-1", csrf_token=token)
        second = self._post(path, slot_id="S-1", csrf_token=token)
        self.assertEqual((first.status_code, second.status_code), (200, 200))
        self.assertEqual(self._bookings(), before + 1)
        self.assertEqual(self.shipment_a.appointment_version, 1)

    def test_a_post_without_csrf_token_is_refused(self):
        self._offer(self.shipment_a, self._slot("S-1", 20))
        self.authenticate("portal_a", PASSWORD_A)
        response = self._post(f"/my/shipments/{self.shipment_a.id}/appointment", slot_id="S-1")
        self.assertEqual(response.status_code, 400)
        self.assertIn("This page has expired: reload it", response.text)
        self.assertFalse(self.shipment_a.appointment_state)

    def test_non_integer_ids_are_not_found(self):
        self.authenticate("portal_a", PASSWORD_A)
        for path in ("/my/shipments/abc/appointment", "/my/shipments/1.5/appointment"):
            with self.subTest(path=path):
                self.assertEqual(self.url_open(path).status_code, 404)

    def test_a_missing_or_strange_slot_id_is_a_readable_refusal(self):
        self._offer(self.shipment_a, self._slot("S-1", 20))
        self.authenticate("portal_a", PASSWORD_A)
        token = self._csrf_token()
        path = f"/my/shipments/{self.shipment_a.id}/appointment"
        for slot_id in ("", "  ", "S-1' OR 1=1 --", "x" * 5000):
            with self.subTest(slot_id=slot_id[:20]):
                response = self._post(path, slot_id=slot_id, csrf_token=token)
                self.assertEqual(response.status_code, 422)
                self.assertIn("was not offered for your shipment", response.text)
        self.assertFalse(self.shipment_a.appointment_state)

    def test_a_window_of_another_shipment_is_refused(self):
        self._offer(self.shipment_b, self._slot("S-B", 20))
        self._offer(self.shipment_a, self._slot("S-A", 20))
        self.authenticate("portal_a", PASSWORD_A)
        response = self._post(
            f"/my/shipments/{self.shipment_a.id}/appointment",
            slot_id="S-B",
            csrf_token=self._csrf_token(),
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("was not offered for your shipment", response.text)
        self.assertNotIn("S-B", response.text.split("was not offered")[0][-200:])
        self.assertFalse(self.shipment_a.appointment_state)
        self.assertFalse(self.shipment_b.appointment_state)
