"""What follows delivery, as real processes: Odoo with its job runner, the bridge, the
simulated TMS reporting one order damaged (every callback sent twice). A return of a
delivered order goes to the TMS and comes back returned, the damage opens one service
case, and of two carrier bills one is ready to pay and one held. Asserts over JSON-RPC.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from logistics_demo.after_delivery import AfterDelivery, AfterDeliveryReport
from logistics_demo.cli import Demo

ORDERS = 3
TIMEOUT = 240


@pytest.fixture(scope="module")
def demo(demo_stack) -> Iterator[Demo]:
    with demo_stack(
        [
            f"--orders={ORDERS}",
            f"--timeout={TIMEOUT}",
            "--fault=duplicate-callbacks",
            "--damaged-orders=1",
            "--pace=0.2",
        ]
    ) as running:
        running.start_stack()
        yield running


@pytest.fixture(scope="module")
def flows(demo: Demo) -> tuple[AfterDeliveryReport, list[int]]:
    driver = demo.driver()
    setup = demo.setup
    order_ids = driver.confirm_orders(
        setup["product_id"], setup["carrier_id"], setup["partner_ids"], ORDERS
    )
    assert driver.wait_until_settled(order_ids, TIMEOUT), "not every order was delivered"
    return AfterDelivery(driver).run(order_ids, TIMEOUT), order_ids


def _logged(demo: Demo, correlation_id: str, summary: str) -> list[dict]:
    return demo.driver().call(
        "logistics.integration.log",
        "search_read",
        [("correlation_id", "=", correlation_id), ("summary", "=", summary)],
        fields=["state", "error", "res_id", "model"],
    )


def test_return_reaches_the_tms_and_comes_back_returned(demo, flows) -> None:
    report, _order_ids = flows
    driver = demo.driver()
    [returned] = driver.call(
        "logistics.shipment",
        "search_read",
        [("name", "=", report.returned.shipment)],
        fields=["state", "return_of_id", "correlation_id", "tms_reference"],
    )
    [original] = driver.call(
        "logistics.shipment",
        "search_read",
        [("name", "=", report.returned.original)],
        fields=["correlation_id"],
    )
    assert returned["state"] == "returned"
    assert returned["return_of_id"][0] == original["id"]
    assert returned["tms_reference"]
    assert (
        returned["correlation_id"] == original["correlation_id"] == report.returned.correlation_id
    )
    assert report.returned.picking_state == "done"
    sent = _logged(demo, returned["correlation_id"], "tms_return_create")
    assert [log["state"] for log in sent] == ["processed"], sent


def test_damage_opens_one_case_despite_the_duplicated_callback(demo, flows) -> None:
    report, order_ids = flows
    driver = demo.driver()
    assert len(report.cases) == 1, report.cases
    [case] = report.cases
    assert case.case_type == "Damage" and case.state == "open" and case.owner != "-"
    shipments = driver.shipments(order_ids)
    cases = driver.call(
        "logistics.case",
        "search_read",
        [("shipment_id", "in", [s["id"] for s in shipments])],
        fields=["shipment_id", "correlation_id"],
    )
    assert len(cases) == 1
    damaged = next(s for s in shipments if s["id"] == cases[0]["shipment_id"][0])
    assert cases[0]["correlation_id"] == damaged["correlation_id"]
    opened = _logged(demo, damaged["correlation_id"], "service_case_opened")
    assert [log["state"] for log in opened] == ["processed"], opened


def test_matching_bill_is_ready_and_overbilled_one_held_for_the_auditor(demo, flows) -> None:
    report, _order_ids = flows
    ready, held = report.bills
    assert ready.settlement == "ready" and not ready.reason
    assert held.settlement == "held"
    assert "outside the carrier's tolerance" in held.reason
    activities = demo.driver().call(
        "mail.activity",
        "search_read",
        [("res_model", "=", "account.move"), ("res_id", "=", held.bill_id)],
        fields=["summary", "user_id"],
    )
    assert [a["summary"] for a in activities] == ["Carrier bill does not match approved freight"]
    assert activities[0]["user_id"]
    for bill, state in ((ready, "processed"), (held, "needs_review")):
        logs = _logged(demo, bill.correlation_id, "carrier bill settlement")
        assert [(log["state"], log["res_id"]) for log in logs] == [(state, bill.bill_id)], logs
