"""The TMS simulator against the real bridge: contract, idempotency, signed lifecycle, faults."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import waitress
from conftest import SECRET_A, bridge_settings, start_bridge
from logistics_tms_simulator.faults import Faults
from logistics_tms_simulator.orders import CARRIERS
from logistics_tms_simulator.sender import CallbackSender, retry_delay
from logistics_tms_simulator.server import SimulatedTms

API_KEY = "tms-key"


@dataclass
class Stack:
    tms_url: str
    tms: SimulatedTms
    sender: CallbackSender
    inbox_events: Callable[[], list[Any]]


def _order(reference: str = "SHP/2026/00001", **extra: Any) -> dict[str, Any]:
    order = {
        "order_reference": reference,
        "correlation_id": "corr-1",
        "lines": [{"product_code": "WIDGET", "quantity": 2, "weight_kg": 40.0}],
    }
    order.update(extra)
    return order


def _post(stack: Stack, body: dict, key: str | None = "key-1", api_key: str = API_KEY):
    headers = {"X-API-Key": api_key}
    if key:
        headers["Idempotency-Key"] = key
    return requests.post(f"{stack.tms_url}/v1/orders", json=body, headers=headers, timeout=5)


def _wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def make_stack(tmp_path: Path) -> Iterator[Callable[..., Stack]]:
    started: list[Callable[[], None]] = []

    def build(faults: Faults | None = None, bridge_up: bool = True) -> Stack:
        settings = bridge_settings(tmp_path, endpoints={"demo": [SECRET_A]})
        bridge = start_bridge(settings) if bridge_up else None
        bridge_url = bridge.url if bridge else "http://127.0.0.1:9"
        sender = CallbackSender(
            f"{bridge_url}/v1/tms/demo/events", SECRET_A, backoff_cap_seconds=0.2
        )
        tms = SimulatedTms(sender, API_KEY, faults or Faults(), pace_seconds=0.01, seed=7)
        server = waitress.create_server(tms, host="127.0.0.1", port=0, threads=2)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        sender.start()

        def stop() -> None:
            sender.stop()
            server.close()
            if bridge:
                bridge.service.shutdown()

        started.append(stop)

        def inbox_events() -> list[Any]:
            return bridge.service.inbox.list_events() if bridge else []

        return Stack(f"http://127.0.0.1:{server.effective_port}", tms, sender, inbox_events)

    yield build
    for stop in started:
        stop()


def test_order_is_planned_once_per_idempotency_key(make_stack):
    stack = make_stack()
    first = _post(stack, _order())
    assert first.status_code == 201
    planning = first.json()["planning_reference"]
    assert planning.startswith("TMS-")
    assert first.json()["carrier"]["code"]

    replay = _post(stack, _order())
    assert (replay.status_code, replay.json()) == (201, first.json())

    again = _post(stack, _order(), key="key-2")
    assert again.status_code == 409
    assert again.json() == {
        "error": "order_exists",
        "message": "order SHP/2026/00001 already exists",
        "planning_reference": planning,
    }
    assert len(stack.tms.orders.all()) == 1


def test_bad_order_calls_get_clear_answers(make_stack):
    stack = make_stack()
    assert _post(stack, _order(), api_key="wrong").status_code == 401
    assert _post(stack, _order(), key=None).json()["error"] == "missing_idempotency_key"
    missing_reference = _post(stack, {"lines": []})
    assert missing_reference.status_code == 422
    assert missing_reference.json()["fields"] == ["order_reference"]
    assert _post(stack, _order()).status_code == 201
    reused = _post(stack, _order(correlation_id="other"))
    assert reused.status_code == 422
    assert reused.json()["error"] == "idempotency_key_reused"


def test_lifecycle_reaches_the_bridge_signed_and_in_order(make_stack):
    stack = make_stack()
    _post(stack, _order())
    assert _wait_for(lambda: len(stack.inbox_events()) == 7)
    events = sorted(stack.inbox_events(), key=lambda e: e.id)
    kinds = [e.event_type for e in events]
    assert kinds == ["planning", "status", "status", "status", "status", "pod", "charges"]
    codes = [json.loads(e.payload_json).get("status_code") for e in events[1:6]]
    assert codes == ["AF", "P1", "X4", "X6", "D1"]
    planning = json.loads(events[0].payload_json)
    # The carrier's consignment number, for the customer's tracking link in Odoo.
    code = {carrier["name"]: carrier["code"] for carrier in CARRIERS}[planning["carrier"]]
    number = planning["planning_reference"].removeprefix("TMS-")
    assert planning["tracking_number"] == code + number
    times = [e.occurred_at for e in events]
    assert times == sorted(times)
    assert {e.shipment_reference for e in events} == {"SHP/2026/00001"}
    assert {e.correlation_id for e in events} == {"corr-1"}
    charges = json.loads(events[-1].payload_json)["charges"]
    assert charges == [
        {
            "external_id": charges[0]["external_id"],
            "charge_type": "base_freight",
            "amount": 60.0,
            "currency": "EUR",
        }
    ]
    assert stack.sender.stats.refused == 0


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_event_times_follow_the_order_life(make_stack):
    """Nothing happens before the order was received nor is reported before it
    happened, and a return ordered after the delivery is collected after it."""
    stack = make_stack(Faults(callback_copies=2, shuffle_callbacks=True))
    ordered = datetime.now(UTC).replace(microsecond=0)
    _post(stack, _order())
    assert _wait_for(lambda: len(stack.inbox_events()) == 7)
    events = stack.inbox_events()
    for event in events:
        assert ordered <= _instant(event.occurred_at) <= _instant(event.received_at)
    delivered = max(_instant(e.occurred_at) for e in events)

    headers = {"X-API-Key": API_KEY, "Idempotency-Key": "return-key-1"}
    return_order = _order("SHP/2026/00002", schema="tms-return")
    answer = requests.post(
        f"{stack.tms_url}/v1/returns", json=return_order, headers=headers, timeout=5
    )
    assert answer.status_code == 201
    assert _wait_for(lambda: len(stack.inbox_events()) == 12)
    returned = [e for e in stack.inbox_events() if e.shipment_reference == "SHP/2026/00002"]
    assert len(returned) == 5
    for event in returned:
        assert delivered <= _instant(event.occurred_at) <= _instant(event.received_at)


def test_cancellation_is_reported(make_stack):
    stack = make_stack()
    planning = _post(stack, _order()).json()["planning_reference"]
    answer = requests.post(
        f"{stack.tms_url}/v1/orders/{planning}/cancel", headers={"X-API-Key": API_KEY}, timeout=5
    )
    assert answer.json()["status"] == "cancelled"
    assert _wait_for(
        lambda: any(
            json.loads(e.payload_json).get("status_code") == "CA" for e in stack.inbox_events()
        )
    )


def test_fault_switches(make_stack):
    faults = Faults(
        duplicate_callbacks=True, unknown_status_codes=True, charges_out_of_tolerance=True
    )
    stack = make_stack(faults)
    _post(stack, _order())
    assert _wait_for(lambda: stack.sender.stats.duplicates_acknowledged == 8)
    events = stack.inbox_events()
    assert len(events) == 8
    codes = {json.loads(e.payload_json).get("status_code") for e in events}
    assert "ZZ7" in codes
    charge = next(e for e in events if e.event_type == "charges")
    assert json.loads(charge.payload_json)["charges"][0]["amount"] == 78.0


def test_order_outage_answers_503(make_stack):
    stack = make_stack(Faults(order_error_rate=1.0))
    answer = _post(stack, _order())
    assert answer.status_code == 503
    assert stack.tms.orders.all() == []


def test_callbacks_wait_for_the_bridge(make_stack):
    stack = make_stack(bridge_up=False)
    _post(stack, _order())
    assert _wait_for(lambda: stack.sender.stats.retried >= 7)
    assert stack.sender.stats.sent == 0
    assert stack.sender.pending() == 7


def test_retry_delay_doubles_up_to_the_cap_and_never_overflows():
    assert [retry_delay(attempt, 10.0) for attempt in range(6)] == [0.5, 1, 2, 4, 8, 10.0]
    # A bridge down for hours: thousands of attempts still give the cap, not OverflowError.
    assert retry_delay(5000, 10.0) == 10.0


def test_return_order_is_collected_and_reported_returned(make_stack):
    stack = make_stack()
    original = _post(stack, _order())
    assert original.status_code == 201
    return_order = _order(
        "SHP/2026/00002",
        schema="tms-return",
        return_of={
            "order_reference": "SHP/2026/00001",
            "planning_reference": original.json()["planning_reference"],
        },
    )
    headers = {"X-API-Key": API_KEY, "Idempotency-Key": "return-key-1"}
    url = f"{stack.tms_url}/v1/returns"
    first = requests.post(url, json=return_order, headers=headers, timeout=5)
    assert first.status_code == 201
    replay = requests.post(url, json=return_order, headers=headers, timeout=5)
    assert (replay.status_code, replay.json()) == (201, first.json())
    assert first.json()["kind"] == "return"

    def return_events() -> list[Any]:
        return sorted(
            (e for e in stack.inbox_events() if e.shipment_reference == "SHP/2026/00002"),
            key=lambda e: e.id,
        )

    assert _wait_for(lambda: len(return_events()) == 5)
    events = return_events()
    assert [e.event_type for e in events] == ["planning", "status", "status", "status", "charges"]
    codes = [json.loads(e.payload_json)["status_code"] for e in events[1:4]]
    assert codes == ["AF", "P1", "A3"]  # picked up, in transit, returned
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)

    cancel = requests.post(
        f"{stack.tms_url}/v1/returns/{first.json()['planning_reference']}/cancel",
        headers={"X-API-Key": API_KEY},
        timeout=5,
    )
    assert cancel.json()["status"] == "cancelled"


def test_callbacks_three_times_shuffled_arrive_once_each(make_stack):
    stack = make_stack(Faults(callback_copies=3, shuffle_callbacks=True))
    planning = _post(stack, _order()).json()["planning_reference"]
    assert _wait_for(lambda: stack.sender.stats.duplicates_acknowledged == 14)
    assert stack.sender.stats.sent == 7
    lifecycle = requests.get(f"{stack.tms_url}/v1/orders/{planning}/callbacks", timeout=5).json()
    in_order = [envelope["event_id"] for envelope in lifecycle["callbacks"]]
    assert len(in_order) == 7 and in_order[0].startswith(f"{planning}-planning-")
    assert sorted(e.event_id for e in stack.inbox_events()) == sorted(in_order)
    stats = requests.get(f"{stack.tms_url}/v1/stats", timeout=5).json()
    assert stats["callbacks"]["sent"] == 7
    assert stats["order_calls"] == {"answered": 1}


def test_rate_limited_order_call_says_when_to_retry(make_stack):
    stack = make_stack(Faults(order_error_rate=1.0, order_failure_modes="429"))
    answer = _post(stack, _order())
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["error"] == "rate_limited"
    assert stack.tms.orders.all() == []


def test_timed_out_order_call_took_the_order(make_stack):
    stack = make_stack(
        Faults(order_error_rate=1.0, order_failure_modes="timeout", order_timeout_seconds=2)
    )
    with pytest.raises(requests.Timeout):
        requests.post(
            f"{stack.tms_url}/v1/orders",
            json=_order(),
            headers={"X-API-Key": API_KEY, "Idempotency-Key": "key-1"},
            timeout=0.5,
        )
    assert [order.reference for order in stack.tms.orders.all()] == ["SHP/2026/00001"]


def test_unknown_failure_mode_is_refused():
    with pytest.raises(ValueError, match="order_failure_modes"):
        Faults(order_failure_modes="5xx,teapot")


def test_lifecycle_of_an_unknown_order_is_404(make_stack):
    stack = make_stack()
    answer = requests.get(f"{stack.tms_url}/v1/orders/TMS-999999/callbacks", timeout=5)
    assert answer.status_code == 404
    assert answer.json()["error"] == "unknown_order"


def test_chosen_orders_report_damage_before_delivery(make_stack):
    stack = make_stack(Faults(damaged_orders="2"))
    for number in (1, 2, 3):
        reference = f"SHP/2026/0000{number}"
        assert _post(stack, _order(reference), key=f"key-{number}").status_code == 201

    def codes(reference: str) -> list[tuple[str, str]]:
        events = sorted(
            (e for e in stack.inbox_events() if e.shipment_reference == reference),
            key=lambda e: e.id,
        )
        payloads = [json.loads(e.payload_json) for e in events if e.event_type != "planning"]
        return [(p["status_code"], p["status_detail"]) for p in payloads if "status_code" in p]

    assert _wait_for(lambda: len(stack.inbox_events()) == 3 * 7 + 1)
    assert codes("SHP/2026/00002") == [
        ("AF", "NS"),
        ("P1", "NS"),
        ("X4", "NS"),
        ("X6", "NS"),
        ("A9", "AK"),
        ("D1", "NS"),
    ]
    assert ("A9", "AK") not in codes("SHP/2026/00001") + codes("SHP/2026/00003")


def test_damaged_order_positions_are_checked():
    assert Faults(damaged_orders=" 1, 3 ").damaged_positions == {1, 3}
    with pytest.raises(ValueError, match="0, x"):
        Faults(damaged_orders="0,x")
