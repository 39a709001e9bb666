"""Delivery by appointment as one order chain, as real processes: Odoo with its job runner,
the bridge and the simulated TMS. The TMS quotes the order's services and the one that
delivers by appointment is chosen; the order waits at the hub, staff book one of the windows
the TMS offers, the customer moves it from the portal to the window under way, the TMS
delivers within it, reporting its stop and ETA, and bills the quoted price, which the freight
audit reconciles against the chosen quote. Asserts over JSON-RPC.
"""

from __future__ import annotations

import re

import pytest
from logistics_demo.appointment import AppointmentFlow, AppointmentOutcome
from logistics_demo.cli import Demo
from logistics_demo.partner_isolation import PartnerEndpoint, PartnerIsolationRound

TIMEOUT = 180
# As test_master_data asks: both run on one stack, each with records of its own.
DEMO_OPTIONS = ("--pace=0.2",)


@pytest.fixture(scope="module")
def demo(shared_demo) -> Demo:
    return shared_demo(DEMO_OPTIONS)


@pytest.fixture(scope="module")
def delivered(demo: Demo) -> tuple[AppointmentOutcome, dict]:
    assert demo.setup["appointment_portal"], "logistics_appointment is not installed"
    assert demo.setup["quote_carrier_id"], "logistics_delivery is not installed"
    flow = AppointmentFlow(demo.driver(), demo.odoo.url)
    outcome = flow.run(demo.setup, 0, TIMEOUT)
    [shipment] = demo.driver().call(
        "logistics.shipment",
        "read",
        [flow.shipment_id],
        fields=[
            "name",
            "state",
            "sale_order_id",
            "tms_reference",
            "export_state",
            "expected_freight_amount",
            "invoice_release_state",
            "correlation_id",
            "appointment_state",
            "appointment_result",
            "appointment_change_ids",
            "route_update_ids",
            "stop_sequence",
        ],
    )
    return outcome, shipment


def test_delivered_within_the_window_the_customer_chose(demo, delivered) -> None:
    outcome, shipment = delivered
    line = outcome.appointment
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
        fields=["origin", "state", "applied", "event_time", "booking_version"],
    )
    # Odoo keeps times to the second: the record's id orders changes of one second.
    in_order = sorted(changes, key=lambda c: (c["event_time"], c["id"]))
    # The TMS's confirmations name the booking they answer.
    assert [(c["origin"], c["state"], c["booking_version"]) for c in in_order if c["applied"]] == [
        ("staff", "requested", 1),
        ("tms", "confirmed", 1),
        ("customer", "requested", 2),
        ("tms", "confirmed", 2),
    ]
    milestones = demo.driver().call(
        "logistics.milestone",
        "search_read",
        [("shipment_id", "=", shipment["id"])],
        fields=["event_type_id"],
    )
    codes = {m["event_type_id"][1] for m in milestones}
    assert {"Appointment Confirmed", "Appointment Rescheduled", "Delivered"} <= codes


def test_the_chosen_quote_is_the_expected_freight_reconciled(demo, delivered) -> None:
    """The order chain: quoted, the appointment service chosen, exported, delivered by
    appointment, its freight reconciled against the chosen quote; the demo's line says so."""
    outcome, shipment = delivered
    print(f"Appointment: {outcome.appointment}\nOrder chain: {outcome.chain}")
    driver = demo.driver()
    [order] = driver.call(
        "sale.order",
        "read",
        [shipment["sale_order_id"][0]],
        fields=["name", "logistics_rate_quote_ids", "logistics_rate_quote_id"],
    )
    quotes = driver.call(
        "logistics.rate.quote",
        "read",
        order["logistics_rate_quote_ids"],
        fields=["service_code", "carrier_code", "price", "currency_id", "is_chosen"],
    )
    assert len(quotes) >= 3, "several services quoted"
    [chosen] = [q for q in quotes if q["is_chosen"]]
    assert chosen["id"] == order["logistics_rate_quote_id"][0]
    assert chosen["service_code"] == "appointment"
    assert shipment["export_state"] == "exported" and shipment["tms_reference"]
    assert shipment["expected_freight_amount"] == chosen["price"]
    [charge] = driver.call(
        "logistics.freight.charge",
        "search_read",
        [("shipment_id", "=", shipment["id"])],
        fields=["rate_quote_id", "expected_amount", "actual_amount", "has_actual", "state"],
    )
    assert charge["rate_quote_id"][0] == chosen["id"]
    assert charge["has_actual"]
    assert charge["expected_amount"] == charge["actual_amount"] == chosen["price"]
    assert charge["state"] == "approved"
    assert shipment["invoice_release_state"] == "released"
    price, currency = f"{chosen['price']:.2f}", chosen["currency_id"][1]
    pattern = re.escape(
        f"{order['name']} quoted {len(quotes)} services, chose {chosen['carrier_code']} "
        f"appointment at {price} {currency}, confirmed and exported to the TMS as "
        f"{shipment['name']} ({shipment['tms_reference']}), window WINDOW booked by staff, "
        f"rescheduled from the portal to WINDOW, delivered within the window, freight "
        f"{price} {currency} billed, reconciled against the quote's {price}"
    ).replace("WINDOW", r"\d\d/\d\d \d\d:\d\d–\d\d:\d\d UTC")
    assert re.fullmatch(pattern, outcome.chain), outcome.chain


def test_windows_and_bookings_are_governed_exchanges(demo, delivered) -> None:
    _outcome, shipment = delivered
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
    _outcome, shipment = delivered
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
    _outcome, shipment = delivered
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
