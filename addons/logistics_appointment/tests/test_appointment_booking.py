import json
from datetime import timedelta

import requests
import responses

from odoo.exceptions import AccessError

from odoo.addons.logistics_integration.tests.common import assert_values_refused
from odoo.addons.logistics_tms_export.models.logistics_endpoint import SynchronousCallFailed

from ..models.logistics_shipment import AppointmentRefused
from .common import T0, AppointmentCase, trap_jobs


class TestAppointmentBooking(AppointmentCase):
    """Windows offered by the TMS (synchronous) and booked through the outbox."""

    def _log(self, summary):
        return self.env["logistics.integration.log"].search(
            [("summary", "=", summary), ("res_id", "=", self.shipment_a.id)],
            order="id desc",
            limit=1,
        )

    def test_offered_windows_are_kept_and_the_call_is_logged(self):
        self.shipment_a.correlation_id = "corr-a1"
        offered, body = self._offer(
            self.shipment_a, self._slot("S-1", 20), self._slot("S-2", 44), self._slot("S-0", -5)
        )
        self.assertEqual(offered.mapped("slot_reference"), ["S-1", "S-2"])
        request = json.loads(body)
        self.assertEqual(request["schema"], "tms-appointment")
        self.assertEqual(request["order_reference"], self.shipment_a.name)
        self.assertEqual(request["planning_reference"], "TMS-A1")
        log = self._log("tms_appointment_slots")
        self.assertEqual(
            (log.state, log.correlation_id, log.schema_version),
            ("processed", "corr-a1", "tms-appointment/1"),
        )
        # A second ask replaces the offer.
        offered, _body = self._offer(self.shipment_a, self._slot("S-3", 30))
        self.assertEqual(self.shipment_a.appointment_slot_ids, offered)

    def _failed_fetch(self, **answer):
        """Fetch the windows from a TMS answering ``answer``; the failure's reason (Odoo's
        assertRaises would roll the integration log back with it)."""
        with (
            responses.RequestsMock() as mocked,
            self.assertLogs(
                "odoo.addons.logistics_tms_export.models.logistics_endpoint", "WARNING"
            ),
        ):
            mocked.post(self.slots_url, **answer)
            try:
                self.shipment_a._fetch_appointment_slots()
            except SynchronousCallFailed as err:
                return err.reason
        self.fail("the windows were fetched")

    def test_appointment_timeout_a_customer_cannot_wait_for_is_refused(self):
        values = (0, -1, float("nan"), 3600)
        assert_values_refused(self, self.endpoint, "appointment_timeout", values)

    def test_a_tms_that_does_not_answer_in_time_offers_nothing(self):
        self.endpoint.appointment_timeout = 0.5
        reason = self._failed_fetch(body=requests.exceptions.ReadTimeout("slow"))
        self.assertIn("slow", reason)
        self.assertEqual(self._log("tms_appointment_slots").state, "failed")
        reason = self._failed_fetch(json={"slots": [{"slot_id": "S-1"}]})
        self.assertIn("slots 0 window start: missing", reason)
        self.assertEqual(self._log("tms_appointment_slots").state, "rejected")
        self.assertFalse(self.shipment_a.appointment_slot_ids)

    def test_a_booked_window_goes_through_the_outbox_and_waits_for_the_tms(self):
        self._ingest(self._event(status_code="X4", reference="TMS-A1", occurred_at=T0))
        self._offer(self.shipment_a, self._slot("S-1", 20), self._slot("S-2", 44))
        with trap_jobs() as trap:
            self.shipment_a._request_appointment("S-2", reason="Dock closes at 16:00")
        trap.assert_jobs_count(1)
        shipment = self.shipment_a
        self.assertEqual(shipment.appointment_state, "requested")
        self.assertEqual(shipment.state, "in_transit")
        message = self.env["logistics.outbound.message"].search(
            [("exchange_type_code", "=", "tms_appointment_book"), ("res_id", "=", shipment.id)]
        )
        payload = json.loads(message.payload)
        self.assertEqual((payload["slot_id"], payload["booking_version"]), ("S-2", 1))
        self.assertEqual(payload["reason"], "Dock closes at 16:00")
        with responses.RequestsMock() as mocked:
            mocked.post(self.book_url, status=202, json={"booking_id": "B-1"})
            message._send()
            headers = mocked.calls[0].request.headers
        self.assertEqual(message.state, "sent")
        self.assertTrue(headers["Idempotency-Key"].endswith(f"{shipment.name}-appointment-1"))
        self.assertEqual(shipment.appointment_state, "requested")
        # The TMS confirms it by callback.
        window = (payload["window_start"], payload["window_end"])
        self._ingest(
            self._appointment_event(
                "APPT_CONFIRMED",
                (shipment.appointment_time + timedelta(seconds=1)).isoformat() + "+00:00",
            )
        )
        self.assertEqual(shipment.appointment_state, "confirmed")
        self.assertEqual(shipment.appointment_start.isoformat() + "Z", window[0])
        self.assertEqual(shipment.appointment_change_ids.mapped("origin"), ["tms", "customer"])

    def test_a_window_not_offered_or_passed_is_refused(self):
        self._offer(self.shipment_a, self._slot("S-1", 20))
        with self.assertRaisesRegex(AppointmentRefused, "was not offered"):
            self.shipment_a._request_appointment("S-FORGED")
        self.shipment_a.appointment_slot_ids.window_end = (
            self.shipment_a.appointment_slot_ids.window_start - timedelta(days=2)
        )
        with self.assertRaisesRegex(AppointmentRefused, "has passed"):
            self.shipment_a._request_appointment("S-1")
        self.assertFalse(
            self.env["logistics.outbound.message"].search_count(
                [("exchange_type_code", "=", "tms_appointment_book")]
            )
        )

    def test_a_delivered_shipment_takes_no_appointment(self):
        self._offer(self.shipment_a, self._slot("S-1", 20))
        self._ingest(self._event(status_code="D1", reference="TMS-A1", occurred_at=T0))
        with self.assertRaisesRegex(AppointmentRefused, "no longer"):
            self.shipment_a._request_appointment("S-1")

    def test_logistics_users_book_for_the_customer_and_salespeople_cannot(self):
        shipment = self.shipment_a.with_user(self.logistics_user)
        with responses.RequestsMock() as mocked:
            mocked.post(self.slots_url, json={"slots": [self._slot("S-7", 3)]})
            windows = shipment.action_appointment_windows()
        self.assertEqual([w["slot_id"] for w in windows], ["S-7"])
        with trap_jobs():
            shipment.action_book_appointment("S-7", reason="By phone")
        change = self.shipment_a.appointment_change_ids
        self.assertEqual((change.origin, change.user_id), ("staff", self.logistics_user))
        salesperson = self._create_user("lgx_appt_sales", "sales_team.group_sale_salesman")
        with self.assertRaises(AccessError):
            self.shipment_a.with_user(salesperson).action_book_appointment("S-7")

    def _book_twice(self):
        """Book S-1, then change to S-2: booking 2 is in force, requested."""
        self._offer(self.shipment_a, self._slot("S-1", 20), self._slot("S-2", 44))
        with trap_jobs():
            self.shipment_a._request_appointment("S-1")
            self.shipment_a._request_appointment("S-2", reason="Later suits us")
        return self.shipment_a.appointment_slot_ids.sorted("window_start")

    def test_a_confirmation_of_an_older_booking_never_moves_the_window(self):
        first, second = self._book_twice()
        shipment = self.shipment_a
        later = (shipment.appointment_time + timedelta(minutes=5)).isoformat() + "+00:00"
        window = (
            first.window_start.isoformat() + "+00:00",
            first.window_end.isoformat() + "+00:00",
        )
        answer = self._ingest_one(
            self._appointment_event("APPT_CONFIRMED", later, window, appointment_booking=1)
        )
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(shipment.appointment_state, "requested")
        self.assertEqual(shipment.appointment_start, second.window_start)
        stale = shipment.appointment_change_ids.filtered(lambda c: c.origin == "tms")
        self.assertEqual((stale.applied, stale.booking_version), (False, 1))
        self.assertEqual(stale.new_start, first.window_start)
        self.assertIn("booking 1", stale.not_applied_reason)
        self.assertIn("booking 2", stale.not_applied_reason)
        # The confirmation of the booking in force applies.
        self._ingest(self._appointment_event("APPT_RESCHEDULED", later, appointment_booking=2))
        self.assertEqual(shipment.appointment_state, "confirmed")
        self.assertEqual(shipment.appointment_start, second.window_start)
        confirmed = shipment.appointment_change_ids.filtered(lambda c: c.state == "confirmed")
        self.assertEqual(confirmed.mapped("booking_version"), [1, 2])
        self.assertEqual(confirmed.mapped("applied"), [False, True])

    def test_a_confirmation_without_booking_keeps_the_event_time_rule(self):
        first, _second = self._book_twice()
        shipment = self.shipment_a
        earlier = (shipment.appointment_time - timedelta(minutes=5)).isoformat() + "+00:00"
        later = (shipment.appointment_time + timedelta(minutes=5)).isoformat() + "+00:00"
        self._ingest(self._appointment_event("APPT_CONFIRMED", earlier))
        self.assertEqual(shipment.appointment_state, "requested")
        stale = shipment.appointment_change_ids.filtered(lambda c: c.origin == "tms")
        self.assertFalse(stale.applied)
        self.assertIn("older than the change in force", stale.not_applied_reason)
        window = (
            first.window_start.isoformat() + "+00:00",
            first.window_end.isoformat() + "+00:00",
        )
        self._ingest(self._appointment_event("APPT_RESCHEDULED", later, window))
        self.assertEqual(shipment.appointment_state, "confirmed")
        self.assertEqual(shipment.appointment_start, first.window_start)
        rescheduled = shipment.appointment_change_ids.filtered(
            lambda c: c.applied and c.origin == "tms"
        )
        self.assertFalse(rescheduled.not_applied_reason)
        self.assertEqual(rescheduled.booking_version, 0)

    def test_a_booking_never_sent_is_rejected_naming_the_field(self):
        answer = self._ingest_one(
            self._appointment_event("APPT_CONFIRMED", T0, appointment_booking=0)
        )
        self.assertEqual(answer["result"], "rejected")
        self.assertIn("appointment_booking", answer["reason"])
        self.assertFalse(self.shipment_a.appointment_change_ids)
        self._ingest(self._appointment_event("APPT_CONFIRMED", T0, appointment_booking=3))
        unknown = self.shipment_a.appointment_change_ids
        self.assertFalse(unknown.applied)
        self.assertIn("never sent", unknown.not_applied_reason)
        self.assertFalse(self.shipment_a.appointment_state)
