"""Delivery appointments of the simulated TMS: the ``tms-appointment`` v1 contract from the
TMS side, and the final leg of an order delivered by appointment.

An order asking for the service ``appointment`` (its ``carrier_preference.service_level``)
stops at the last hub; the windows offered are slots of a fixed length on a grid (the one
under way first, while it lasts), so a test or a demo knows what is offered. A booking is
confirmed by an ``APPT_CONFIRMED`` callback (``APPT_RESCHEDULED`` for a later booking of the
same order); once the booked window has begun the vehicle leaves with the order as stop 3 of
7, reports its stops and ETA, and delivers it within the window. A window changed before it
began replaces the earlier one: only the booking in force is delivered.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

APPOINTMENT_SERVICE = "appointment"
SLOTS_OFFERED = 4
STOPS_TOTAL = 7
STOP_SEQUENCE = 3


class InvalidAppointmentRequest(ValueError):
    """A slot request or booking the TMS cannot take; ``fields`` names what is wrong."""

    def __init__(self, message: str, fields: list[str]) -> None:
        super().__init__(message)
        self.fields = fields


class UnknownSlot(InvalidAppointmentRequest):
    """A booking names a window the TMS did not offer this order."""


def by_appointment(order_payload: dict[str, Any]) -> bool:
    """Whether a ``tms-order`` asks for delivery by appointment."""
    preference = order_payload.get("carrier_preference")
    return isinstance(preference, dict) and preference.get("service_level") == APPOINTMENT_SERVICE


@dataclass(frozen=True)
class Window:
    slot_id: str
    start: datetime
    end: datetime

    def as_slot(self) -> dict[str, str]:
        return {
            "slot_id": self.slot_id,
            "window_start": self.start.isoformat(),
            "window_end": self.end.isoformat(),
        }


@dataclass(frozen=True)
class Booking:
    """The window in force for one order, how many bookings it took, and the booking
    version the request carried (echoed in the confirmation as ``appointment_booking``)."""

    reference: str
    window: Window
    version: int
    reason: str | None
    requested_version: int | None = None


def _requested_version(request: dict[str, Any]) -> int | None:
    version = request.get("booking_version")
    if version is None:
        return None
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidAppointmentRequest(
            "booking_version must be a whole number from 1", ["booking_version"]
        )
    return version


def _reference(document: Any) -> str:
    reference = document.get("order_reference") if isinstance(document, dict) else None
    if not isinstance(reference, str) or not reference:
        raise InvalidAppointmentRequest("order_reference is required", ["order_reference"])
    return reference


class AppointmentDesk:
    """Windows offered and booked, by order reference; safe across threads."""

    def __init__(self, slot_minutes: int = 120) -> None:
        self._length = timedelta(minutes=slot_minutes)
        self._lock = threading.Lock()
        self._offered: dict[str, dict[str, Window]] = {}
        self._bookings: dict[str, Booking] = {}

    def slots(self, request: Any, now: datetime | None = None) -> dict[str, Any]:
        """The ``tms-appointment`` v1 slot answer: the window under way and the next ones."""
        reference = _reference(request)
        now = now or datetime.now(UTC)
        epoch = datetime(2000, 1, 1, tzinfo=UTC)
        first = epoch + ((now - epoch) // self._length) * self._length
        windows = []
        for index in range(SLOTS_OFFERED):
            start = first + index * self._length
            windows.append(
                Window(f"SL-{reference}-{start:%Y%m%d%H%M}", start, start + self._length)
            )
        with self._lock:
            self._offered.setdefault(reference, {}).update({w.slot_id: w for w in windows})
        return {"slots": [window.as_slot() for window in windows]}

    def book(self, request: Any, now: datetime | None = None) -> Booking:
        """Take a booking of an offered window that has not ended; the booking in force."""
        reference = _reference(request)
        slot_id = request.get("slot_id")
        requested_version = _requested_version(request)
        now = now or datetime.now(UTC)
        with self._lock:
            window = self._offered.get(reference, {}).get(slot_id)
            if window is None:
                raise UnknownSlot(f"slot {slot_id!r} was not offered for {reference}", ["slot_id"])
            if window.end <= now:
                raise InvalidAppointmentRequest(f"slot {slot_id!r} has ended", ["slot_id"])
            earlier = self._bookings.get(reference)
            reason = request.get("reason")
            booking = Booking(
                reference,
                window,
                (earlier.version + 1) if earlier else 1,
                reason if isinstance(reason, str) else None,
                requested_version,
            )
            self._bookings[reference] = booking
        return booking

    def in_force(self, booking: Booking) -> bool:
        """Whether ``booking`` is still the order's (not replaced by a later one)."""
        with self._lock:
            return self._bookings.get(booking.reference) == booking


def confirmation_payload(booking: Booking) -> dict[str, Any]:
    """The ``tms-event`` payload confirming ``booking`` (a later one reschedules)."""
    payload = {
        "status_code": "APPT_CONFIRMED" if booking.version == 1 else "APPT_RESCHEDULED",
        "status_detail": "NS",
        "appointment_start": booking.window.start.isoformat(),
        "appointment_end": booking.window.end.isoformat(),
    }
    if booking.reason:
        payload["appointment_reason"] = booking.reason
    if booking.requested_version is not None:
        payload["appointment_booking"] = booking.requested_version
    return payload


def final_leg_payloads(
    booking: Booking, start: datetime, step: timedelta
) -> list[tuple[str, datetime, dict[str, Any]]]:
    """``(event type, event time, payload)`` of the delivery round: out for delivery as
    stop 3 of 7, the stops served before it with their ETA, then the delivery with its
    proof, every one within the booked window."""
    eta = booking.window.start + (booking.window.end - booking.window.start) / 2
    route = {"stop_sequence": STOP_SEQUENCE, "stops_total": STOPS_TOTAL}
    leg = [
        (
            "status",
            start,
            {
                "status_code": "X6",
                "status_detail": "NS",
                "location": "Liège hub",
                "eta": max(eta, start + 2 * step).isoformat(),
                "stops_before": STOP_SEQUENCE - 1,
                **route,
            },
        ),
        (
            "planning",
            start + step,
            {"eta": (start + 2 * step).isoformat(), "stops_before": 0, **route},
        ),
    ]
    delivered = start + 2 * step
    leg.append(
        (
            "pod",
            delivered,
            {
                "status_code": "D1",
                "status_detail": "NS",
                "location": "Consignee dock",
                "pod": {
                    "signed_by": "Receiving clerk",
                    "signed_at": delivered.isoformat(),
                    "document_reference": f"POD-{booking.reference}",
                },
            },
        )
    )
    return leg
