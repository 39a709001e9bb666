"""The simulated TMS holds master data (``tms-master-data`` v1): versions, deltas, 409-like
conflicts on a stale version, idempotent batches."""

from __future__ import annotations

import json
from typing import Any

from conftest import SECRET_A
from logistics_contract.master_data import TmsMasterDataChangedV1
from logistics_tms_simulator.faults import Faults
from logistics_tms_simulator.sender import CallbackSender
from logistics_tms_simulator.server import SimulatedTms
from test_tms_simulator_appointments import RecordingSender
from wsgi_client import call

API_KEY = "tms-key"
HEADERS = {"X-API-Key": API_KEY, "Content-Type": "application/json"}


def _tms(sender: CallbackSender | None = None) -> SimulatedTms:
    sender = sender or CallbackSender("http://127.0.0.1:9/v1/tms/demo/events", SECRET_A)
    return SimulatedTms(sender, API_KEY, Faults(), pace_seconds=0.01, seed=7)


def _batch(*records: dict[str, Any], kind: str = "products") -> dict[str, Any]:
    return {
        "schema": "tms-master-data",
        "schema_version": 1,
        "kind": kind,
        "batch_id": "MD-products-1",
        "records": list(records),
    }


def _product(key: str, weight: float, base: int | None = None) -> dict[str, Any]:
    return {"key": key, "base_version": base, "data": {"name": key, "weight_kg": weight}}


def _send(tms: SimulatedTms, batch: Any, key: str, kind: str = "products"):
    headers = dict(HEADERS, **{"Idempotency-Key": key})
    return call(tms, f"/v1/master-data/{kind}", json.dumps(batch).encode(), headers)


def test_records_are_held_with_versions_and_a_delta_moves_one():
    tms = _tms()
    first = _send(tms, _batch(_product("WID-1", 12.5), _product("BOX-1", 2.0)), "k1")
    assert first.status == 200
    assert [(r["key"], r["status"], r["version"]) for r in first.json()["results"]] == [
        ("WID-1", "accepted", 1),
        ("BOX-1", "accepted", 1),
    ]
    delta = _send(tms, _batch(_product("WID-1", 14.0, base=1)), "k2").json()["results"]
    assert delta == [{"key": "WID-1", "status": "accepted", "version": 2}]
    held = call(tms, "/v1/master-data/products", headers=HEADERS, method="GET").json()
    assert held["records"]["WID-1"] == {"version": 2, "data": {"name": "WID-1", "weight_kg": 14.0}}
    summary = call(tms, "/v1/master-data", headers=HEADERS, method="GET").json()
    assert summary["products"]["held"] == 2
    assert summary["products"]["batches"] == 2
    assert summary["products"]["last_batch_records"] == 1


def test_a_stale_version_is_a_conflict_with_the_tms_version():
    sender = RecordingSender()
    tms = _tms(sender)
    _send(tms, _batch(_product("WID-1", 12.5)), "k1")
    edited = call(
        tms,
        "/v1/master-data/products/WID-1",
        json.dumps({"weight_kg": 13.0}).encode(),
        HEADERS,
        method="PUT",
    )
    assert edited.json()["version"] == 2
    # The change is told to Odoo through the bridge, as the contract says.
    [notification] = sender.envelopes()
    told = TmsMasterDataChangedV1.model_validate(notification)
    assert (told.notification_id, told.kind) == ("mdc-products-WID-1-v2", "products")
    assert [(r.key, r.version, r.data["weight_kg"]) for r in told.records] == [("WID-1", 2, 13.0)]
    answer = _send(tms, _batch(_product("WID-1", 15.0, base=1)), "k2").json()["results"][0]
    assert answer["status"] == "conflict"
    assert answer["version"] == 2
    assert answer["held"]["weight_kg"] == 13.0
    held = call(tms, "/v1/master-data/products", headers=HEADERS, method="GET").json()
    assert held["records"]["WID-1"]["data"]["weight_kg"] == 13.0, "never overwritten"


def test_a_batch_sent_again_gets_the_same_answer():
    tms = _tms()
    batch = _batch(_product("WID-1", 12.5))
    first = _send(tms, batch, "k1").json()
    assert _send(tms, batch, "k1").json() == first, "a retry is not a conflict"
    assert _send(tms, batch, "k2").json()["results"][0]["status"] == "conflict"


def test_bad_batches_are_refused_naming_the_field():
    tms = _tms()
    wrong_kind = _send(tms, _batch(_product("WID-1", 1.0)), "k1", kind="partners")
    assert wrong_kind.status == 422
    assert wrong_kind.json()["fields"] == ["kind"]
    no_key = _send(tms, _batch({"data": {}}), "k2")
    assert no_key.json()["fields"] == ["records[0].key"]
    unauthorised = call(tms, "/v1/master-data/products", json.dumps(_batch()).encode())
    assert unauthorised.status == 401
