"""The whole flow as real processes: Odoo with workers and its job runner, the bridge,
the simulated TMS. Runs wherever Odoo 18 is importable; asserts over JSON-RPC.

The fault scenario sends every callback twice and shuffled, kills the bridge with
SIGKILL and restarts Odoo while orders are in flight, and still expects every order
delivered, reconciled and invoiced, with nothing lost and nothing doubled.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import pytest
import requests
from logistics_demo.cli import Demo
from logistics_tms_simulator.lifecycle import CALLBACKS_PER_ORDER

ORDERS = 4
# planning -> shipment planned; AF picked up; P1, X4 in transit; X6 out for delivery; D1 delivered
MILESTONES_PER_SHIPMENT = 6


@pytest.fixture(scope="module")
def demo(demo_stack) -> Iterator[Demo]:
    with demo_stack(
        [
            f"--orders={ORDERS}",
            "--timeout=300",
            "--fault=duplicate-callbacks",
            "--fault=shuffle-callbacks",
            "--pace=0.5",
            "--damaged-orders=",
        ]
    ) as running:
        yield running


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def test_orders_survive_a_bridge_crash_and_an_odoo_restart(demo: Demo) -> None:
    odoo = demo.start_odoo()
    bridge = demo.start_bridge(demo.bridge_odoo_settings())
    demo.start_simulator()
    driver = demo.driver()
    setup = demo.setup
    order_ids = driver.confirm_orders(
        setup["product_id"], setup["carrier_id"], setup["partner_ids"], ORDERS
    )

    def inbound_processed() -> int:
        return driver.call(
            "logistics.integration.log",
            "search_count",
            [("direction", "=", "inbound"), ("state", "in", ("processed", "duplicate"))],
        )

    _wait(lambda: inbound_processed() >= 3, 180, "the first callbacks to reach Odoo")
    assert inbound_processed() < ORDERS * CALLBACKS_PER_ORDER, "the flow ended before the faults"
    bridge.kill()
    odoo.stop()
    demo.start(odoo, f"{demo.odoo.url}/web/health", timeout=180)
    demo.start(bridge, f"{demo.bridge_url}/healthz")

    assert driver.wait_until_settled(order_ids, 300), "not every order settled"
    invoices = driver.invoice(order_ids)
    assert all(outcome.startswith("invoiced") for outcome in invoices.values()), invoices

    shipments = driver.shipments(order_ids)
    assert len(shipments) == ORDERS
    assert {s["state"] for s in shipments} == {"delivered"}
    assert all(s["tms_reference"] for s in shipments)

    # Exactly one transport order per shipment reached the TMS.
    tms_orders = requests.get(f"{demo.tms_url}/v1/orders", timeout=5).json()["orders"]
    assert sorted(o["reference"] for o in tms_orders) == sorted(s["name"] for s in shipments)

    # Nothing doubled: one milestone per reported transport event, one charge line each.
    shipment_ids = [s["id"] for s in shipments]
    milestones = driver.call(
        "logistics.milestone",
        "search_read",
        [("shipment_id", "in", shipment_ids), ("endpoint_id", "!=", False)],
        fields=["shipment_id", "external_event_id"],
    )
    per_shipment = Counter(m["shipment_id"][0] for m in milestones)
    assert per_shipment == dict.fromkeys(shipment_ids, MILESTONES_PER_SHIPMENT)
    assert len({m["external_event_id"] for m in milestones}) == len(milestones)
    charges = driver.call(
        "logistics.freight.charge",
        "search_read",
        [("shipment_id", "in", shipment_ids)],
        fields=["shipment_id", "state", "expected_amount", "actual_amount"],
    )
    assert len(charges) == ORDERS
    assert {c["state"] for c in charges} == {"approved"}
    assert all(c["expected_amount"] == c["actual_amount"] > 0 for c in charges)

    # Nothing lost: every callback was applied once, each duplicate recognised.
    inbound = driver.call(
        "logistics.integration.log",
        "search_read",
        [
            ("direction", "=", "inbound"),
            ("correlation_id", "in", [s["correlation_id"] for s in shipments]),
        ],
        fields=["state"],
    )
    states = Counter(log["state"] for log in inbound)
    assert states["processed"] == ORDERS * CALLBACKS_PER_ORDER, states
    assert not states.keys() - {"processed", "duplicate"}, states

    # The trace of each order runs from the export to the invoice under one correlation id.
    for trace in driver.traces(order_ids):
        operations = " ".join(trace.exchanges)
        assert "tms_order" in operations and "invoice" in operations, trace
