"""The simulated TMS quotes rates (``tms-rate`` v1): deterministic, under its fault switches."""

from __future__ import annotations

import json
from typing import Any

from conftest import SECRET_A
from logistics_tms_simulator.faults import Faults
from logistics_tms_simulator.rates import base_freight
from logistics_tms_simulator.sender import CallbackSender
from logistics_tms_simulator.server import SimulatedTms
from wsgi_client import call

API_KEY = "tms-key"


def _tms(faults: Faults | None = None) -> SimulatedTms:
    sender = CallbackSender("http://127.0.0.1:9/v1/tms/demo/events", SECRET_A)
    return SimulatedTms(sender, API_KEY, faults or Faults(), pace_seconds=0.01, seed=7)


def _request(weight: float = 25.0, country: str = "BE", **extra: Any) -> dict[str, Any]:
    request = {
        "schema": "tms-rate",
        "schema_version": 1,
        "order_reference": "S00042",
        "correlation_id": "corr-1",
        "ship_from": {"country_code": "BE", "zip": "1000"},
        "ship_to": {"country_code": country, "zip": "1011"},
        "total_weight_kg": weight,
        "parcels": [{"reference": "WID-1", "weight_kg": weight}],
        "requested_services": [],
        "currency": "EUR",
    }
    request.update(extra)
    return request


def _rate(tms: SimulatedTms, request: Any, api_key: str = API_KEY):
    return call(
        tms,
        "/v1/rates",
        json.dumps(request).encode(),
        {"X-API-Key": api_key, "Content-Type": "application/json"},
    )


def test_four_services_from_weight_and_destination_the_same_every_time():
    tms = _tms()
    first = _rate(tms, _request())
    assert first.status == 200
    services = first.json()["services"]
    assert [s["service_code"] for s in services] == [
        "economy",
        "standard",
        "express",
        "appointment",
    ]
    assert [s["price"] for s in services] == [56.25, 67.5, 90.0, 73.12]
    assert [s["transit_days"] for s in services] == [4, 2, 1, 3]
    assert {s["currency"] for s in services} == {"EUR"}
    assert all(s["quote_id"].startswith("Q-") and s["valid_until"] for s in services)
    again = _rate(tms, _request()).json()["services"]
    assert [(s["quote_id"], s["price"]) for s in again] == [
        (s["quote_id"], s["price"]) for s in services
    ]


def test_abroad_costs_more_and_takes_a_day_longer():
    services = _rate(_tms(), _request(country="NL")).json()["services"]
    assert services[0]["price"] == base_freight(25.0, domestic=False) == 78.75
    assert [s["transit_days"] for s in services] == [5, 3, 2, 4]


def test_heavy_consignments_get_no_express():
    services = _rate(_tms(), _request(weight=800.0)).json()["services"]
    assert [s["service_code"] for s in services] == ["economy", "standard", "appointment"]


def test_requested_services_narrow_the_quote():
    services = _rate(_tms(), _request(requested_services=["express"])).json()["services"]
    assert [s["service_code"] for s in services] == ["express"]


def test_bad_rate_requests_get_clear_answers():
    tms = _tms()
    assert _rate(tms, _request(), api_key="wrong").status == 401
    answer = _rate(tms, _request(weight=0, ship_to={"zip": "1011"}))
    assert answer.status == 422
    assert answer.json()["fields"] == ["total_weight_kg", "ship_to.country_code"]
    malformed = call(tms, "/v1/rates", b"{not json", {"X-API-Key": API_KEY})
    assert malformed.status == 400


def test_rate_calls_honour_the_fault_switches():
    tms = _tms(Faults(order_error_rate=1.0, order_failure_modes="5xx"))
    assert _rate(tms, _request()).status == 503
    tms = _tms(Faults(order_error_rate=1.0, order_failure_modes="429"))
    answer = _rate(tms, _request())
    assert answer.status == 429
    assert answer.headers["Retry-After"] == "1"
    assert tms.stats()["rate_calls"] == {"429": 1}
    assert tms.stats()["order_calls"] == {}


def test_an_order_of_a_quoted_service_goes_to_its_carrier_billed_at_the_quote():
    tms = _tms()
    express = _rate(tms, _request()).json()["services"][2]
    order = {
        "order_reference": "SHP/2026/00001",
        "sale_order": "S00042",
        "correlation_id": "corr-1",
        "lines": [{"product_code": "WID-1", "quantity": 2, "weight_kg": 25.0}],
        "carrier_preference": {"carrier_code": "KN", "service_level": "express"},
    }
    answer = call(
        tms,
        "/v1/orders",
        json.dumps(order).encode(),
        {"X-API-Key": API_KEY, "Idempotency-Key": "key-1"},
    )
    assert answer.status == 201
    assert answer.json()["carrier"]["code"] == "KN", "the quoted carrier, when the TMS has it"
    reference = answer.json()["planning_reference"]
    callbacks = call(tms, f"/v1/orders/{reference}/callbacks", method="GET").json()["callbacks"]
    charges = [
        charge
        for envelope in callbacks
        for charge in envelope.get("payload", {}).get("charges", [])
    ]
    assert [charge["amount"] for charge in charges] == [express["price"]]
