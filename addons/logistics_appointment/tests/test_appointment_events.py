from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tools.safe_eval import safe_eval

from .common import T0, AppointmentCase


class TestAppointmentEvents(AppointmentCase):
    """Appointment milestones and route reports from TMS callbacks."""

    def test_appointment_milestone_never_changes_the_transport_state(self):
        self._ingest(self._event(status_code="X6", reference="TMS-A1", occurred_at=T0))
        window = self._span(T0 + timedelta(hours=2))
        answer = self._ingest_one(
            self._appointment_event("APPT_CONFIRMED", T0 + timedelta(minutes=5), window)
        )
        self.assertEqual(answer["result"], "processed", answer)
        shipment = self.shipment_a
        self.assertEqual(shipment.state, "out_for_delivery")
        self.assertEqual(shipment.appointment_state, "confirmed")
        self.assertEqual(shipment.appointment_start, self._utc(2026, 3, 2, 10, 0))
        self.assertEqual(shipment.appointment_end, self._utc(2026, 3, 2, 12, 0))
        change = shipment.appointment_change_ids
        self.assertEqual((change.origin, change.state, change.applied), ("tms", "confirmed", True))
        self.assertEqual(change.endpoint_id, self.endpoint)
        self.assertIn("appointment_confirmed", shipment.milestone_ids.event_type_id.mapped("code"))

    def test_an_older_appointment_event_does_not_overwrite_a_newer_one(self):
        moved = self._span(T0 + timedelta(hours=6))
        first = self._span(T0 + timedelta(hours=2))
        self._ingest(
            self._appointment_event(
                "APPT_RESCHEDULED", T0 + timedelta(hours=1), moved, appointment_reason="truck"
            ),
            self._appointment_event("APPT_CONFIRMED", T0 + timedelta(minutes=10), first),
        )
        shipment = self.shipment_a
        self.assertEqual(shipment.appointment_start, self._utc(2026, 3, 2, 14, 0))
        self.assertEqual(shipment.appointment_state, "confirmed")
        late = shipment.appointment_change_ids.filtered(lambda c: not c.applied)
        self.assertEqual(late.new_start, self._utc(2026, 3, 2, 10, 0))
        applied = shipment.appointment_change_ids.filtered("applied")
        self.assertEqual(applied.reason, "truck")
        # A missed appointment after it still counts.
        self._ingest(self._appointment_event("APPT_MISSED", T0 + timedelta(hours=9)))
        self.assertEqual(shipment.appointment_state, "missed")
        self.assertEqual(shipment.appointment_start, self._utc(2026, 3, 2, 14, 0))
        self.assertEqual(shipment.appointment_result, "missed")

    def test_an_invalid_window_is_rejected_naming_the_field(self):
        window = (self._iso(T0 + timedelta(hours=3)), self._iso(T0 + timedelta(hours=1)))
        answer = self._ingest_one(self._appointment_event("APPT_CONFIRMED", T0, window))
        self.assertEqual(answer["result"], "rejected")
        self.assertIn("payload: appointment_end must be after appointment_start", answer["reason"])
        half = self._appointment_event("APPT_CONFIRMED", T0, appointment_start=self._iso(T0))
        answer = self._ingest_one(half)
        self.assertEqual(answer["result"], "rejected")
        self.assertIn("appointment_end is required", answer["reason"])
        self.assertFalse(self.shipment_a.appointment_state)

    def test_a_nul_character_in_the_reason_is_rejected_naming_the_field(self):
        window = self._span(T0 + timedelta(hours=2))
        event = self._appointment_event(
            "APPT_RESCHEDULED", T0, window, appointment_reason="tr\u0000uck"
        )
        answer = self._ingest_one(event)
        self.assertEqual(answer["result"], "rejected", answer)
        self.assertIn("payload.appointment_reason:", answer["reason"])
        self.assertFalse(self.shipment_a.appointment_state)

    def _stop_report(self, hours, eta_hours, stops_before, stop=4, stops_total=7):
        return self._event(
            event_type="planning",
            reference="TMS-A1",
            occurred_at=T0 + timedelta(hours=hours),
            eta=self._iso(T0 + timedelta(hours=eta_hours)),
            stop_sequence=stop,
            stops_total=stops_total,
            stops_before=stops_before,
        )

    def test_the_customer_reads_no_route_once_delivered(self):
        self._ingest(self._stop_report(hours=1, eta_hours=3, stops_before=2))
        self.assertEqual(self.shipment_a._customer_route_position()["stops_before"], 2)
        self._ingest(
            self._event(status_code="D1", reference="TMS-A1", occurred_at=T0 + timedelta(hours=2))
        )
        self.assertEqual(self.shipment_a.state, "delivered")
        self.assertEqual(self.shipment_a._customer_route_position(), {})
        self.assertEqual(self.shipment_a.stop_sequence, 4, "staff keep the route history")

    def test_every_eta_and_stop_is_kept_and_the_newest_counts(self):
        later = self._stop_report(hours=2, eta_hours=4, stops_before=1)
        earlier = self._stop_report(hours=1, eta_hours=3, stops_before=3)
        self._ingest(later)
        self._ingest(earlier)
        shipment = self.shipment_a
        self.assertEqual(len(shipment.route_update_ids), 2)
        self.assertEqual(
            sorted(shipment.route_update_ids.mapped("eta")),
            [self._utc(2026, 3, 2, 11, 0), self._utc(2026, 3, 2, 12, 0)],
        )
        self.assertEqual(shipment.stops_before, 1)
        self.assertEqual(
            shipment._customer_route_position(), {"stop": 4, "stops_total": 7, "stops_before": 1}
        )

    def test_times_outside_the_years_odoo_keeps_are_rejected_naming_them(self):
        # In UTC, where Odoo keeps times, these are in the year 10000 or 0: the event
        # waited in review as "processing failed", which reprocessing could never clear.
        late, early = "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"
        for field, event in (
            ("eta", self._event(event_type="planning", reference="TMS-A1", eta=late)),
            ("eta", self._event(event_type="planning", reference="TMS-A1", eta=early)),
            (
                "appointment_end",
                self._appointment_event("APPT_CONFIRMED", T0, ("9999-12-31T20:00:00-05:00", late)),
            ),
            (
                "pod.signed_at",
                self._event(event_type="pod", reference="TMS-A1", pod={"signed_at": early}),
            ),
            ("event_time", self._event(reference="TMS-A1", event_time=early)),
        ):
            with self.subTest(field=field):
                answer = self._ingest_one(event)
                self.assertEqual(answer["result"], "rejected", answer)
                self.assertIn(f"payload.{field}:", answer["reason"])
                self.assertIn("in UTC", answer["reason"])
        self.assertFalse(self.shipment_a.route_update_ids)
        self.assertFalse(self.shipment_a.appointment_state)

    def test_a_stop_beyond_the_route_is_rejected(self):
        answer = self._ingest_one(self._stop_report(0, 3, 0, stop=9, stops_total=7))
        self.assertEqual(answer["result"], "rejected")
        self.assertIn("stop_sequence cannot be greater than stops_total", answer["reason"])
        self.assertFalse(self.shipment_a.route_update_ids)

    def test_route_numbers_that_are_not_numbers_are_rejected_naming_them(self):
        # pydantic alone reads True as 1 and "1_0" as 10: a stop the TMS never reported.
        for field, report in (
            ("stop_sequence", self._stop_report(0, 3, 0, stop=True, stops_total=7)),
            ("stops_total", self._stop_report(0, 3, 0, stop=1, stops_total="1_0")),
            ("stops_before", self._stop_report(0, 3, False, stop=1, stops_total=7)),
        ):
            with self.subTest(field=field):
                answer = self._ingest_one(report)
                self.assertEqual(answer["result"], "rejected", answer)
                self.assertIn(f"payload.{field}: must be a number", answer["reason"])
        self.assertFalse(self.shipment_a.route_update_ids)
        answer = self._ingest_one(self._stop_report(0, 3, "2", stop="4", stops_total=7))
        self.assertEqual(answer["result"], "processed", answer)
        self.assertEqual(self.shipment_a.stop_sequence, 4)

    def test_route_numbers_beyond_an_integer_are_rejected_naming_them(self):
        # Kept, they failed the write of the route update with a database error.
        for field, report in (
            ("stop_sequence", self._stop_report(0, 3, 0, stop=2**31, stops_total=2**31)),
            ("stops_total", self._stop_report(0, 3, 0, stop=1, stops_total=2**31)),
            ("stops_before", self._stop_report(0, 3, 2**31, stop=1, stops_total=1)),
            (
                "appointment_booking",
                self._appointment_event(
                    "APPT_CONFIRMED",
                    T0,
                    self._span(T0 + timedelta(hours=2)),
                    appointment_booking=2**31,
                ),
            ),
        ):
            with self.subTest(field=field):
                answer = self._ingest_one(report)
                self.assertEqual(answer["result"], "rejected", answer)
                self.assertIn(f"payload.{field}:", answer["reason"])
        self.assertFalse(self.shipment_a.route_update_ids)
        self.assertFalse(self.shipment_a.appointment_state)

    def test_delivery_within_or_outside_the_window_and_the_overview_card(self):
        window = self._span(T0 + timedelta(hours=2))
        for reference, delivered_at in (("TMS-A1", 3), ("TMS-B1", 5)):
            self._ingest(
                self._appointment_event("APPT_CONFIRMED", T0, window, reference=reference),
                self._event(
                    status_code="D1",
                    reference=reference,
                    occurred_at=T0 + timedelta(hours=delivered_at),
                ),
            )
        self.assertEqual(self.shipment_a.appointment_result, "kept")
        self.assertEqual(self.shipment_b.appointment_result, "late")
        card = self.env.ref("logistics_appointment.overview_card_appointments_not_kept")
        not_kept = self.env["logistics.shipment"].search(safe_eval(card.domain))
        self.assertIn(self.shipment_b, not_kept)
        self.assertNotIn(self.shipment_a, not_kept)

    def test_history_is_read_by_logistics_users_of_the_company_only(self):
        self._ingest(
            self._appointment_event("APPT_CONFIRMED", T0, self._span(T0 + timedelta(hours=2)))
        )
        change = self.shipment_a.appointment_change_ids
        self.assertEqual(
            change.with_user(self.logistics_user).read(["state"])[0]["state"], "confirmed"
        )
        outsider = self._create_user(
            "lgx_other_co", "logistics_integration.group_logistics_user", self.other_company
        )
        self.assertFalse(self.env["logistics.appointment.change"].with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            change.with_user(self.portal_a).read(["state"])
