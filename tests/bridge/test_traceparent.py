"""W3C ``traceparent`` over the wire: a valid one is kept with every event of the request
and forwarded to Odoo; a malformed one is ignored (the trace restarts), never refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import pytest
import requests
from conftest import (
    FakeOdoo,
    RunningBridge,
    bridge_settings,
    make_event,
    signed_headers,
    start_bridge,
)
from logistics_bridge.tracecontext import incoming_traceparent

VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def post(bridge: RunningBridge, document, traceparent: str | None) -> requests.Response:
    body = json.dumps(document)
    headers = signed_headers(body)
    if traceparent is not None:
        headers["traceparent"] = traceparent
    return requests.post(bridge.events_url(), data=body, headers=headers, timeout=10)


def forwarded_events(fake_odoo: FakeOdoo, count: int) -> list[dict]:
    deadline = time.monotonic() + 10
    while len(fake_odoo.processed) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return [
        event
        for call in list(fake_odoo.calls)
        if call["method"] == "execute_kw" and call["args"][4] == "ingest_events"
        for event in call["args"][5][1]
    ]


@pytest.fixture
def forwarding_bridge(tmp_path, fake_odoo):
    running = start_bridge(bridge_settings(tmp_path, fake_odoo.url), forward=True)
    yield running
    running.service.shutdown()


def test_valid_traceparent_kept_with_each_event_and_forwarded(forwarding_bridge, fake_odoo):
    answer = post(forwarding_bridge, [make_event("t-1"), make_event("t-2")], VALID)
    assert answer.status_code == 202, answer.text
    sent = forwarded_events(fake_odoo, 2)
    assert [(event["event_id"], event["traceparent"]) for event in sent] == [
        ("t-1", VALID),
        ("t-2", VALID),
    ]
    stored = forwarding_bridge.service.inbox.list_events()
    assert [event.traceparent for event in stored] == [VALID, VALID]


MALFORMED = [
    "garbage",
    VALID.upper(),  # hex must be lowercase
    "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # all-zero trace id
    "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # all-zero parent id
    "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # version ff is invalid
    VALID + "-extra",  # version 00 has exactly four fields
    "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  # trace id one digit short
]


@pytest.mark.parametrize("header", MALFORMED)
def test_malformed_traceparent_ignored_not_an_error(forwarding_bridge, fake_odoo, header, caplog):
    with caplog.at_level(logging.DEBUG, logger="logistics_bridge.tracecontext"):
        answer = post(forwarding_bridge, make_event("m-1"), header)
    assert answer.status_code == 202, answer.text
    (sent,) = forwarded_events(fake_odoo, 1)
    assert "traceparent" not in sent
    (stored,) = forwarding_bridge.service.inbox.list_events()
    assert stored.traceparent is None
    assert any("ignoring traceparent" in record.getMessage() for record in caplog.records)


def test_missing_traceparent_is_fine(forwarding_bridge, fake_odoo):
    assert post(forwarding_bridge, make_event("n-1"), None).status_code == 202
    (sent,) = forwarded_events(fake_odoo, 1)
    assert "traceparent" not in sent


def test_later_version_keeps_its_level_1_fields():
    later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next"
    assert incoming_traceparent(later) == later[:55]
    assert incoming_traceparent("  " + VALID + " ") == VALID
    assert incoming_traceparent("") is None
    assert incoming_traceparent(None) is None


def test_raw_format_events_carry_the_traceparent(tmp_path, fake_odoo):
    secret = "raw-webhook-secret"
    auth = {"scheme": "hmac", "header": "X-Signature", "secrets": [secret]}
    endpoints = {
        "raw": {"format": "json", "event_id_path": "id", "shipment_key_path": "ref", "auth": auth}
    }
    running = start_bridge(bridge_settings(tmp_path, fake_odoo.url, endpoints=endpoints))
    try:
        body = json.dumps({"id": "r-1", "ref": "SHP-9"}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Signature": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
            "traceparent": VALID,
        }
        answer = requests.post(running.events_url("raw"), data=body, headers=headers, timeout=10)
        assert answer.status_code == 202, answer.text
        (stored,) = running.service.inbox.list_events()
        assert stored.to_odoo()["format"] == "json"
        assert stored.to_odoo()["traceparent"] == VALID
    finally:
        running.service.shutdown()
