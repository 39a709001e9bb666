from datetime import datetime, timedelta

import responses

from odoo import fields

from odoo.addons.logistics_tms_export.models.logistics_endpoint import SynchronousCallFailed

from ..models.logistics_shipment import AppointmentRefused
from .common import AppointmentCase

ENDPOINT_LOGGER = "odoo.addons.logistics_tms_export.models.logistics_endpoint"


class TestAppointmentHostileSlots(AppointmentCase):
    """Whatever windows the TMS answers, the customer is offered only real, bookable
    ones, or none with a reason in the log; a window is never booked twice."""

    def _refused_offer(self, *slots):
        """Ask for windows from a TMS answering ``slots``; the refusal's reason."""
        self.shipment_a.appointment_slot_ids.unlink()
        with (
            responses.RequestsMock() as mocked,
            self.assertLogs(ENDPOINT_LOGGER, "WARNING") as server_log,
        ):
            mocked.post(self.slots_url, json={"slots": list(slots)})
            try:
                self.shipment_a._fetch_appointment_slots()
            except SynchronousCallFailed as err:
                reason = err.reason
            else:
                self.fail("the windows were offered")
        self.assertFalse(self.shipment_a.appointment_slot_ids, "nothing offered")
        log = self.env["logistics.integration.log"].search(
            [("summary", "=", "tms_appointment_slots"), ("res_id", "=", self.shipment_a.id)],
            order="id desc",
            limit=1,
        )
        self.assertEqual(log.state, "rejected")
        self.assertIn(reason, log.error)
        self.assertIn(self.shipment_a.correlation_id or self.shipment_a.name, server_log.output[0])
        return reason

    def test_a_window_ending_before_it_starts_is_refused(self):
        start, end = self._window(20)
        reason = self._refused_offer({"slot_id": "S-1", "window_start": end, "window_end": start})
        self.assertIn("slots 0: window_end must be after window_start", reason)

    def test_a_slot_id_given_twice_is_refused(self):
        reason = self._refused_offer(self._slot("S-1", 20), self._slot("S-1", 44))
        self.assertIn("slots 1 slot id: S-1 given twice", reason)

    def test_overlapping_windows_are_all_offered(self):
        offered, _body = self._offer(self.shipment_a, self._slot("S-1", 20), self._slot("S-2", 21))
        self.assertEqual(offered.mapped("slot_reference"), ["S-1", "S-2"])

    def test_windows_that_ended_are_not_offered(self):
        offered, _body = self._offer(
            self.shipment_a, self._slot("S-PAST", -30), self._slot("S-1", 20)
        )
        self.assertEqual(offered.mapped("slot_reference"), ["S-1"])

    def test_a_window_without_time_zone_is_refused(self):
        start, end = self._window(20)
        reason = self._refused_offer(
            {"slot_id": "S-1", "window_start": start[:-6], "window_end": end}
        )
        self.assertIn("slots 0 window start", reason)

    def test_a_window_given_as_a_number_is_refused_not_read_as_unix_time(self):
        # The unix time of a good window would otherwise be offered as that window.
        start, end = self._window(20)
        unix_start = int(datetime.fromisoformat(start).timestamp())
        for given in (unix_start, str(unix_start), float(unix_start), True):
            reason = self._refused_offer(
                {"slot_id": "S-1", "window_start": given, "window_end": end}
            )
            self.assertIn(
                "slots 0 window start: must be an ISO 8601 date-time string with a timezone offset",
                reason,
            )

    def test_absurd_years_are_refused_or_dropped_without_error(self):
        # A window outside the years 1 to 9999 once in UTC cannot be kept: the answer is
        # malformed, like a window ending before it starts.
        for slot_id, start, end, said in (
            ("S-FAR", "9999-12-31T20:00:00-05:00", "9999-12-31T22:00:00-05:00", "after"),
            ("S-ANCIENT", "0001-01-01T00:00:00+05:00", "0001-01-01T02:00:00+05:00", "before"),
        ):
            reason = self._refused_offer(
                {"slot_id": slot_id, "window_start": start, "window_end": end}
            )
            self.assertIn(f"slots 0 window start: is {said} the year", reason)
        reason = self._refused_offer(
            {
                "slot_id": "S-FAR",
                "window_start": "9999-12-30T20:00:00+00:00",
                "window_end": "9999-12-30T22:00:00+00:00",
            }
        )
        self.assertIn("slots 0 window start: more than a year ahead", reason)
        offered, _body = self._offer(
            self.shipment_a,
            {
                "slot_id": "S-ANCIENT",
                "window_start": "0001-01-02T00:00:00+00:00",
                "window_end": "0001-01-02T02:00:00+00:00",
            },
            self._slot("S-1", 20),
        )
        self.assertEqual(offered.mapped("slot_reference"), ["S-1"])
        _start, end = self._window(20)
        reason = self._refused_offer(
            {"slot_id": "S-AGES", "window_start": "0001-01-02T00:00:00+00:00", "window_end": end}
        )
        self.assertIn("slots 0 window start: more than a year before its end", reason)

    def test_booking_the_same_window_again_sends_nothing_more(self):
        self._offer(self.shipment_a, self._slot("S-1", 20), self._slot("S-2", 44))
        outbox = self.env["logistics.outbound.message"]
        domain = [("exchange_type_code", "=", "tms_appointment_book")]
        before = outbox.search_count(domain)
        self.shipment_a._request_appointment("S-1")
        self.shipment_a._request_appointment("S-1")
        self.assertEqual(outbox.search_count(domain), before + 1, "one booking sent")
        self.assertEqual(self.shipment_a.appointment_version, 1)
        self.assertEqual(len(self.shipment_a.appointment_change_ids), 1)
        self.shipment_a._request_appointment("S-2")
        self.assertEqual(outbox.search_count(domain), before + 2, "a change is a new booking")
        self.assertEqual(self.shipment_a.appointment_version, 2)

    def test_a_window_that_ended_since_it_was_offered_is_refused(self):
        self._offer(self.shipment_a, self._slot("S-1", 1))
        self.shipment_a.appointment_slot_ids.window_end = fields.Datetime.now() - timedelta(
            minutes=1
        )
        with self.assertRaisesRegex(AppointmentRefused, "has passed"):
            self.shipment_a._request_appointment("S-1")
        self.assertFalse(self.shipment_a.appointment_state)

    def test_a_window_of_another_shipment_is_refused(self):
        self._offer(self.shipment_b, self._slot("S-B", 20))
        self._offer(self.shipment_a, self._slot("S-A", 20))
        with self.assertRaisesRegex(AppointmentRefused, "was not offered for your shipment"):
            self.shipment_a._request_appointment("S-B")
