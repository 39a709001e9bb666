"""Master data through the simulated TMS, as real processes: ship-to addresses, products
and carrier services sent once, a changed weight sent as a delta of one product, and a
record changed in the TMS notified through the bridge and kept for review, never
overwritten."""

from __future__ import annotations

import time

import pytest
import requests
from logistics_demo.cli import Demo
from logistics_demo.master_data import STATE_MODEL, MasterDataRound

TIMEOUT = 120
# As test_appointments asks: both run on one stack, each with records of its own.
DEMO_OPTIONS = ("--pace=0.2",)


@pytest.fixture(scope="module")
def demo(shared_demo) -> Demo:
    return shared_demo(DEMO_OPTIONS)


def _tms(demo: Demo, method: str, path: str, **kwargs) -> dict:
    answer = requests.request(
        method,
        f"{demo.tms_url}{path}",
        headers={"X-API-Key": demo.tms_api_key},
        timeout=10,
        **kwargs,
    )
    answer.raise_for_status()
    return answer.json()


def test_sent_once_then_a_change_as_a_delta(demo: Demo) -> None:
    driver = demo.driver()
    product_id = demo.setup["product_id"]
    round_ = MasterDataRound(driver, demo.tms_url, demo.tms_api_key)
    outcome = round_.run(product_id, TIMEOUT)
    print(outcome.line())

    assert all(outcome.acknowledged[kind] > 0 for kind in outcome.acknowledged), outcome
    assert outcome.sent_once, "a Send Now without changes sends no batch"
    assert outcome.delta_records == 1
    assert outcome.delta_version == 2

    summary = _tms(demo, "GET", "/v1/master-data")
    for kind, acknowledged in outcome.acknowledged.items():
        assert summary[kind]["held"] == acknowledged, kind
        assert summary[kind]["outcomes"].get("conflict", 0) == 0
    [product] = driver.call("product.product", "read", [product_id], fields=["weight"])
    [state] = driver.call(
        STATE_MODEL,
        "search_read",
        [("model", "=", "product.product"), ("res_id", "=", product_id)],
        fields=["key", "state"],
    )
    held = _tms(demo, "GET", "/v1/master-data/products")["records"][state["key"]]
    assert held["version"] == 2
    assert held["data"]["weight_kg"] == pytest.approx(product["weight"])


def _state(driver, state_id: int) -> dict:
    [state] = driver.call(
        STATE_MODEL,
        "search_read",
        [("id", "=", state_id)],
        fields=["state", "tms_version", "conflict_detail", "activity_ids"],
    )
    return state


def test_a_record_changed_in_the_tms_goes_to_review(demo: Demo) -> None:
    driver = demo.driver()
    product_id = demo.setup["product_id"]
    round_ = MasterDataRound(driver, demo.tms_url, demo.tms_api_key)
    round_.send_now(["master_products"])
    round_.wait_answered(TIMEOUT)
    [state] = driver.call(
        STATE_MODEL,
        "search_read",
        [("model", "=", "product.product"), ("res_id", "=", product_id)],
        fields=["key", "tms_version"],
    )
    batches = round_.batches()["products"]
    _tms(demo, "PUT", f"/v1/master-data/products/{state['key']}", json={"weight_kg": 999.0})

    # The TMS's change notification, through the bridge, makes the conflict visible
    # before Odoo sends anything.
    deadline = time.monotonic() + TIMEOUT
    while (after := _state(driver, state["id"]))["state"] != "conflict":
        assert time.monotonic() < deadline, f"no conflict from the TMS's notification: {after}"
        time.sleep(0.5)
    assert round_.batches()["products"] == batches, "Odoo sent nothing meanwhile"
    assert after["tms_version"] == state["tms_version"] + 1
    assert "TMS 999.0" in after["conflict_detail"]
    assert after["activity_ids"], "the domain's exception owner has the conflict to review"

    # A change made in Odoo meanwhile waits for the review: never sent over the TMS's.
    driver.call("product.product", "write", [product_id], {"weight": 7.25})
    round_.send_now(["master_products"])
    round_.wait_answered(TIMEOUT)
    assert _state(driver, state["id"])["state"] == "conflict"
    assert round_.batches()["products"] == batches
    held = _tms(demo, "GET", "/v1/master-data/products")["records"][state["key"]]
    assert held["data"]["weight_kg"] == 999.0, "the TMS's version is never overwritten"
