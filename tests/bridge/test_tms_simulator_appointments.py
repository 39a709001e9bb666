"""The simulated TMS offers delivery windows and delivers an order by appointment within
the window booked last (``tms-appointment`` v1)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import SECRET_A
from logistics_tms_simulator.appointments import AppointmentDesk, UnknownSlot
from logistics_tms_simulator.faults import Faults
from logistics_tms_simulator.lifecycle import lifecycle_callbacks
from logistics_tms_simulator.sender import CallbackSender
from logistics_tms_simulator.server import SimulatedTms
from wsgi_client import call

API_KEY = "tms-key"
HEADERS = {"X-API-Key": API_KEY, "Content-Type": "application/json"}


class RecordingSender(CallbackSender):
    """Keeps what would be sent, in the order it is due."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9/v1/tms/demo/events", SECRET_A)
        self.scheduled: list[tuple[float, dict[str, Any]]] = []

    def schedule(self, callback, due):  # noqa: ANN001 - the sender's signature
        self.scheduled.append((due, callback.envelope))

    def envelopes(self) -> list[dict[str, Any]]:
        return [envelope for _due, envelope in sorted(self.scheduled, key=lambda s: s[0])]


def _tms(sender: RecordingSender) -> SimulatedTms:
    return SimulatedTms(sender, API_KEY, Faults(), pace_seconds=0.01, seed=7, slot_minutes=60)


def _post(tms: SimulatedTms, path: str, body: dict[str, Any], **headers: str):
    return call(tms, path, json.dumps(body).encode(), dict(HEADERS, **headers))


def _order(tms: SimulatedTms, reference: str = "SHP/0001", sale_order: str = "S00001") -> None:
    order = {
        "schema": "tms-order",
        "schema_version": 1,
        "order_reference": reference,
        "sale_order": sale_order,
        "correlation_id": "corr-1",
        "carrier_preference": {"carrier_code": "DSV", "service_level": "appointment"},
        "lines": [{"weight_kg": 10}],
    }
    assert _post(tms, "/v1/orders", order, **{"Idempotency-Key": reference}).status == 201


def _wait_for(sender: RecordingSender, status_code: str, timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(e["payload"].get("status_code") == status_code for e in sender.envelopes()):
            return
        time.sleep(0.01)
    raise AssertionError(f"no {status_code} callback")


def test_an_order_by_appointment_waits_at_the_hub():
    sender = RecordingSender()
    tms = _tms(sender)
    _order(tms)
    codes = [e["payload"].get("status_code") for e in sender.envelopes()]
    assert codes == [None, "AF", "P1", "X4"]
    order = tms.orders.get("SHP/0001")
    order.payload["carrier_preference"]["service_level"] = "standard"
    full = lifecycle_callbacks(order, order.received_at, timedelta(seconds=1), Faults(), None)
    assert [c.envelope["event_type"] for c in full][-2:] == ["pod", "charges"]


def test_windows_are_a_grid_starting_with_the_one_under_way():
    desk = AppointmentDesk(slot_minutes=120)
    now = datetime(2026, 12, 9, 9, 15, tzinfo=UTC)
    slots = desk.slots({"order_reference": "SHP/1"}, now=now)["slots"]
    assert [(s["window_start"], s["window_end"]) for s in slots[:2]] == [
        ("2026-12-09T08:00:00+00:00", "2026-12-09T10:00:00+00:00"),
        ("2026-12-09T10:00:00+00:00", "2026-12-09T12:00:00+00:00"),
    ]
    assert len(slots) == 4
    try:
        desk.book({"order_reference": "SHP/1", "slot_id": "SL-forged"}, now=now)
    except UnknownSlot as err:
        assert err.fields == ["slot_id"]
    else:
        raise AssertionError("a forged slot was booked")


def test_booked_then_rescheduled_and_delivered_within_the_last_window():
    sender = RecordingSender()
    tms = _tms(sender)
    _order(tms)
    slots = _post(tms, "/v1/appointments/slots", {"order_reference": "SHP/0001"}).json()["slots"]
    later, current = slots[1], slots[0]
    first = _post(
        tms, "/v1/appointments", {"order_reference": "SHP/0001", "booking_version": 1, **later}
    )
    assert first.status == 202 and first.json()["booking_version"] == 1
    moved = _post(
        tms,
        "/v1/appointments",
        {"order_reference": "SHP/0001", "booking_version": 2, "reason": "earlier", **current},
    )
    assert moved.status == 202 and moved.json()["booking_version"] == 2
    _wait_for(sender, "D1")
    envelopes = sender.envelopes()
    confirmations = [
        e["payload"] for e in envelopes if e["payload"].get("status_code", "").startswith("APPT_")
    ]
    assert [c["status_code"] for c in confirmations] == ["APPT_CONFIRMED", "APPT_RESCHEDULED"]
    assert confirmations[1]["appointment_start"] == current["window_start"]
    assert confirmations[1]["appointment_reason"] == "earlier"
    # Each confirmation says which booking it answers.
    assert [c["appointment_booking"] for c in confirmations] == [1, 2]
    stops = [e["payload"] for e in envelopes if "stop_sequence" in e["payload"]]
    assert [(s["stop_sequence"], s["stops_total"], s["stops_before"]) for s in stops] == [
        (3, 7, 2),
        (3, 7, 0),
    ]
    delivered = next(e for e in envelopes if e["payload"].get("status_code") == "D1")
    start = datetime.fromisoformat(current["window_start"])
    end = datetime.fromisoformat(current["window_end"])
    assert start <= datetime.fromisoformat(delivered["occurred_at"]) <= end
    assert envelopes[-1]["event_type"] == "charges"
    # Only the booking in force is delivered: one delivery, however many bookings.
    assert sum(e["payload"].get("status_code") == "D1" for e in envelopes) == 1


def test_a_booking_of_a_window_not_offered_is_refused():
    sender = RecordingSender()
    tms = _tms(sender)
    _order(tms)
    answer = _post(tms, "/v1/appointments", {"order_reference": "SHP/0001", "slot_id": "SL-x"})
    assert answer.status == 422
    assert answer.json()["fields"] == ["slot_id"]
    slot = _post(tms, "/v1/appointments/slots", {"order_reference": "SHP/0001"}).json()["slots"][0]
    answer = _post(
        tms,
        "/v1/appointments",
        {"order_reference": "SHP/0001", "booking_version": "two", "slot_id": slot["slot_id"]},
    )
    assert answer.status == 422
    assert answer.json()["fields"] == ["booking_version"]
    assert _post(tms, "/v1/appointments/slots", {}).status == 422


def test_the_quoted_appointment_service_is_billed_at_its_quote():
    sender = RecordingSender()
    tms = _tms(sender)
    rate_request = {
        "order_reference": "S00042",
        "ship_from": {"country_code": "BE"},
        "ship_to": {"country_code": "BE"},
        "total_weight_kg": 10,
    }
    services = _post(tms, "/v1/rates", rate_request).json()["services"]
    [quoted] = [s for s in services if s["service_code"] == "appointment"]
    assert (quoted["carrier_code"], quoted["price"]) == ("DSV", 68.25)
    _order(tms, sale_order="S00042")
    [current, *_later] = _post(
        tms, "/v1/appointments/slots", {"order_reference": "SHP/0001"}
    ).json()["slots"]
    _post(tms, "/v1/appointments", {"order_reference": "SHP/0001", **current})
    _wait_for(sender, "D1")
    charges = [
        charge
        for envelope in sender.envelopes()
        for charge in envelope["payload"].get("charges", [])
    ]
    assert [charge["amount"] for charge in charges] == [quoted["price"]]
