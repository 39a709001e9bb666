"""Delivery by appointment, as real processes: Odoo with its job runner, the bridge and the
simulated TMS. An order shipped with the TMS service ``appointment`` waits at the hub; staff
book one of the windows the TMS offers, the customer moves it from the portal to the window
under way, and the TMS delivers within it, reporting its stop and ETA. Asserts over JSON-RPC.
"""

from __future__ import annotations

import pytest
from logistics_demo.appointment import AppointmentFlow
from logistics_demo.cli import Demo
from logistics_demo.partner_isolation import PartnerEndpoint, PartnerIsolationRound

TIMEOUT = 180
# As test_master_data asks: both run on one stack, each with records of its own.
DEMO_OPTIONS = ("--pace=0.2",)


@pytest.fixture(scope="module")
def demo(shared_demo) -> Demo:
    return shared_demo(DEMO_OPTIONS)


@pytest.fixture(scope="module")
def delivered(demo: Demo) -> tuple[str, dict]:
    assert demo.setup["appointment_carrier_id"], "logistics_appointment is not installed"
    flow = AppointmentFlow(demo.driver(), demo.odoo.url)
    line = flow.run(demo.setup, 0, TIMEOUT)
    [shipment] = demo.driver().call(
        "logistics.shipment",
        "read",
        [flow.shipment_id],
        fields=[
            "name",
            "state",
            "correlation_id",
            "appointment_state",
            "appointment_result",
            "appointment_change_ids",
            "route_update_ids",
            "stop_sequence",
        ],
    )
    return line, shipment


def test_delivered_within_the_window_the_customer_chose(demo, delivered) -> None:
    line, shipment = delivered
    assert "rescheduled from the portal" in line and "delivered within the window" in line, line
    assert shipment["state"] == "delivered"
    assert (shipment["appointment_state"], shipment["appointment_result"]) == (
        "confirmed",
        "kept",
    )
    changes = demo.driver().call(
        "logistics.appointment.change",
        "read",
        shipment["appointment_change_ids"],
        fields=["origin", "state", "applied", "event_time"],
    )
    # Odoo keeps times to the second: the record's id orders changes of one second.
    in_order = sorted(changes, key=lambda c: (c["event_time"], c["id"]))
    assert [(c["origin"], c["state"]) for c in in_order if c["applied"]] == [
        ("staff", "requested"),
        ("tms", "confirmed"),
        ("customer", "requested"),
        ("tms", "confirmed"),
    ]
    milestones = demo.driver().call(
        "logistics.milestone",
        "search_read",
        [("shipment_id", "=", shipment["id"])],
        fields=["event_type_id"],
    )
    codes = {m["event_type_id"][1] for m in milestones}
    assert {"Appointment Confirmed", "Appointment Rescheduled", "Delivered"} <= codes


def test_windows_and_bookings_are_governed_exchanges(demo, delivered) -> None:
    _line, shipment = delivered
    logs = demo.driver().call(
        "logistics.integration.log",
        "search_read",
        [
            ("correlation_id", "=", shipment["correlation_id"]),
            ("summary", "in", ["tms_appointment_slots", "tms_appointment_book"]),
        ],
        fields=["summary", "state"],
    )
    assert {(log["summary"], log["state"]) for log in logs} >= {
        ("tms_appointment_slots", "processed"),
        ("tms_appointment_book", "processed"),
    }
    messages = demo.driver().call(
        "logistics.outbound.message",
        "search_read",
        [("exchange_type_code", "=", "tms_appointment_book"), ("res_id", "=", shipment["id"])],
        fields=["state", "payload_version"],
    )
    assert sorted((m["payload_version"], m["state"]) for m in messages) == [
        (1, "sent"),
        (2, "sent"),
    ]


def test_stop_and_eta_history_kept(demo, delivered) -> None:
    _line, shipment = delivered
    assert shipment["stop_sequence"] == 3
    updates = demo.driver().call(
        "logistics.route.update",
        "read",
        shipment["route_update_ids"],
        fields=["stop_sequence", "stops_before", "eta"],
    )
    assert {(u["stop_sequence"], u["stops_before"]) for u in updates} >= {(3, 2), (3, 0)}
    assert all(u["eta"] for u in updates)


def test_a_second_companys_callback_is_refused(demo, delivered) -> None:
    """The demo's partner-isolation line: the second company's endpoint names the
    delivered shipment of the first company, through the bridge, and is refused."""
    _line, shipment = delivered
    endpoint = PartnerEndpoint(**demo.setup["partner_endpoint"])
    outcome = PartnerIsolationRound(demo.driver(), demo.bridge_url, endpoint).run(TIMEOUT)
    line = outcome.line()
    print(line)

    assert outcome.refused, line
    assert line.startswith(
        f"Partner isolation: {endpoint.company}'s endpoint {endpoint.code} sent a status "
        f"for {shipment['name']} of "
    ), line
    assert (
        f"is a shipment of another company; endpoint {endpoint.code!r} only reaches "
        f"shipments of {endpoint.company}"
    ) in outcome.reason, line
    assert line.endswith("the shipment still Delivered"), line
    [after] = demo.driver().call("logistics.shipment", "read", [shipment["id"]], fields=["state"])
    assert after["state"] == "delivered"
