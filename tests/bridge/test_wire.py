"""Wire-level tests against the real HTTP front of `serve` on 127.0.0.1."""

from __future__ import annotations

import json
import time

import requests
from conftest import (
    SECRET_A,
    SECRET_B,
    SECRET_OLD,
    RunningBridge,
    bridge_settings,
    make_event,
    new_event,
    signed_headers,
    start_bridge,
)
from logistics_demo.processes import free_port


def post(bridge: RunningBridge, document, *, endpoint="acme", secret=SECRET_A, **kwargs):
    body = json.dumps(document)
    headers = signed_headers(body, secret, **kwargs)
    return requests.post(bridge.events_url(endpoint), data=body, headers=headers, timeout=10)


def test_single_event_accepted_then_duplicate(bridge):
    event = make_event("evt-1")
    body = json.dumps(event)
    headers = signed_headers(body, msg_id="msg-1")
    first = requests.post(bridge.events_url(), data=body, headers=headers, timeout=10)
    assert first.status_code == 202
    assert first.json()["status"] == "accepted"
    assert first.json()["events"][0]["event_id"] == "evt-1"
    again = requests.post(
        bridge.events_url(), data=body, headers=signed_headers(body, msg_id="msg-1"), timeout=10
    )
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert bridge.service.inbox.counts()["pending"] == 1
    # The duplicate names the transaction already kept, not a new one.
    kept = first.json()["events"][0]["correlation_id"]
    assert again.json()["events"][0]["correlation_id"] == kept


def test_same_webhook_id_with_other_event_id_is_duplicate(bridge):
    first = post(bridge, make_event("evt-a"), msg_id="msg-same")
    assert first.status_code == 202
    answer = post(bridge, make_event("evt-b"), msg_id="msg-same")
    assert answer.status_code == 200
    assert answer.json()["status"] == "duplicate"
    kept = first.json()["events"][0]["correlation_id"]
    assert answer.json()["events"][0]["correlation_id"] == kept


def test_same_event_id_on_other_endpoint_is_new(bridge):
    assert post(bridge, make_event("evt-x")).status_code == 202
    assert post(bridge, make_event("evt-x"), endpoint="other").status_code == 202


def test_array_accepted_with_correlation_ids(bridge):
    events = [make_event("b-1"), make_event("b-2", correlation_id="corr-own")]
    body = json.dumps(events)
    headers = signed_headers(body) | {"X-Correlation-ID": "corr-header"}
    answer = requests.post(bridge.events_url(), data=body, headers=headers, timeout=10)
    assert answer.status_code == 202
    listing = answer.json()["events"]
    assert [item["correlation_id"] for item in listing] == ["corr-header", "corr-own"]
    stored = bridge.service.inbox.list_events()
    assert [event.event_id for event in stored] == ["b-1", "b-2"]


def test_array_partially_duplicate_is_202_with_per_event_status(bridge):
    assert post(bridge, make_event("p-1")).status_code == 202
    answer = post(bridge, [make_event("p-1"), make_event("p-2")])
    assert answer.status_code == 202
    assert [item["status"] for item in answer.json()["events"]] == ["duplicate", "accepted"]


def test_missing_signature_401(bridge):
    body = json.dumps(make_event())
    answer = requests.post(
        bridge.events_url(),
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "missing_signature"


def test_bad_signature_401(bridge):
    answer = post(bridge, make_event(), secret=SECRET_OLD)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_signature"


def test_tampered_body_401(bridge):
    body = json.dumps(make_event())
    headers = signed_headers(body)
    tampered = body.replace("in_transit", "delivered")
    answer = requests.post(bridge.events_url(), data=tampered, headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_signature"


def test_malformed_signature_header_401(bridge):
    body = json.dumps(make_event())
    headers = signed_headers(body) | {"webhook-signature": "v1,@@@not-base64"}
    answer = requests.post(bridge.events_url(), data=body, headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_signature"


def test_stale_timestamp_401_with_distinct_message(bridge):
    answer = post(bridge, make_event(), timestamp=time.time() - 3600)
    assert answer.status_code == 401
    assert answer.json()["error"] == "timestamp_out_of_window"
    assert "tolerance" in answer.json()["message"]
    future = post(bridge, make_event(), timestamp=time.time() + 3600)
    assert future.status_code == 401
    assert future.json()["error"] == "timestamp_out_of_window"


def test_rotation_either_active_secret_works_old_fails(bridge):
    assert post(bridge, make_event(), secret=SECRET_A).status_code == 202
    assert post(bridge, make_event(), secret=SECRET_B).status_code == 202
    # Sender signs with old and new secret during its own rotation: one match is enough.
    assert (
        post(bridge, make_event(), secret=SECRET_OLD, extra_signatures=(SECRET_B,)).status_code
        == 202
    )
    assert post(bridge, make_event(), secret=SECRET_OLD).status_code == 401


def test_unknown_endpoint_and_path_404(bridge):
    answer = post(bridge, make_event(), endpoint="nobody")
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"
    other = requests.get(f"{bridge.url}/nothing/here", timeout=10)
    assert other.status_code == 404
    assert other.json()["error"] == "not_found"


def test_wrong_method_405_with_allow(bridge):
    answer = requests.get(bridge.events_url(), timeout=10)
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "POST"
    assert answer.json()["error"] == "method_not_allowed"
    health = requests.post(f"{bridge.url}/healthz", timeout=10)
    assert health.status_code == 405
    assert "GET" in health.headers["Allow"]


def test_not_json_415(bridge):
    body = json.dumps(make_event())
    headers = signed_headers(body) | {"Content-Type": "text/plain"}
    answer = requests.post(bridge.events_url(), data=body, headers=headers, timeout=10)
    assert answer.status_code == 415
    assert answer.json()["error"] == "unsupported_media_type"


def test_json_with_charset_is_fine(bridge):
    body = json.dumps(make_event())
    headers = signed_headers(body) | {"Content-Type": "application/json; charset=utf-8"}
    answer = requests.post(bridge.events_url(), data=body, headers=headers, timeout=10)
    assert answer.status_code == 202


def test_malformed_json_400(bridge):
    body = '{"event_id": "x", '
    answer = requests.post(bridge.events_url(), data=body, headers=signed_headers(body), timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"] == "malformed_json"
    nan = '{"event_id": NaN}'
    answer = requests.post(bridge.events_url(), data=nan, headers=signed_headers(nan), timeout=10)
    assert answer.status_code == 422
    assert answer.json() | {"message": ""} == {
        "error": "number_out_of_range",
        "message": "",
        "fields": ["event_id"],
    }


def test_schema_violations_422_name_each_field(bridge):
    event = make_event(occurred_at="2026-05-01T10:00:00", unexpected="x", event_type="teleport")
    del event["shipment_reference"]
    answer = post(bridge, event)
    assert answer.status_code == 422
    document = answer.json()
    assert document["error"] == "validation_failed"
    assert set(document["fields"]) == {
        "occurred_at",
        "unexpected",
        "event_type",
        "shipment_reference",
    }
    assert "timezone" in document["message"]


def test_schema_violations_in_array_name_the_index(bridge):
    events = [make_event(), make_event(), make_event(occurred_at="2026-05-01T10:00:00")]
    events[0]["event_id"] = ""
    answer = post(bridge, events)
    assert answer.status_code == 422
    assert answer.json()["fields"] == ["[0].event_id", "[2].occurred_at"]
    # All-or-nothing: the valid element was not stored either.
    assert bridge.service.inbox.counts()["pending"] == 0


def test_wrong_top_level_shapes_422(bridge):
    assert post(bridge, []).status_code == 422
    assert post(bridge, "just a string").status_code == 422


def test_oversize_body_413_by_content_length(tmp_path, fake_odoo):
    running = start_bridge(bridge_settings(tmp_path, fake_odoo.url, max_body_bytes=2048))
    try:
        event = make_event(payload={"blob": "x" * 4096})
        answer = post(running, event)
        assert answer.status_code == 413
        assert answer.json()["error"] == "payload_too_large"
        # Far over the limit: refused before the body is processed.
        huge = requests.post(
            running.events_url(),
            data=b"x" * (64 * 1024),
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert huge.status_code == 413
    finally:
        running.service.shutdown()


def test_oversize_chunked_body_413(tmp_path, fake_odoo):
    running = start_bridge(bridge_settings(tmp_path, fake_odoo.url, max_body_bytes=2048))
    try:
        chunks = (b"x" * 1000 for _ in range(5))  # no Content-Length: chunked transfer
        answer = requests.post(
            running.events_url(),
            data=chunks,
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert answer.status_code == 413
    finally:
        running.service.shutdown()


def test_backpressure_503_with_retry_after(tmp_path, fake_odoo):
    settings = bridge_settings(tmp_path, fake_odoo.url, high_water_mark=2, retry_after_seconds=7)
    running = start_bridge(settings)
    try:
        running.service.inbox.add([new_event(f"fill-{index}", "S") for index in range(3)])
        answer = post(running, make_event())
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "7"
        assert answer.json()["error"] == "backpressure"
    finally:
        running.service.shutdown()


def test_healthz_readyz_metrics(bridge):
    assert requests.get(f"{bridge.url}/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(f"{bridge.url}/readyz", timeout=10)
    assert ready.status_code == 200
    assert post(bridge, make_event("m-1")).status_code == 202
    assert post(bridge, make_event("m-1")).status_code == 200
    assert post(bridge, make_event(), secret=SECRET_OLD).status_code == 401
    metrics = requests.get(f"{bridge.url}/metrics", timeout=10)
    assert metrics.status_code == 200
    text = metrics.text
    assert 'logistics_bridge_events_accepted_total{endpoint="acme",format="tms-event"} 1.0' in text
    assert 'logistics_bridge_events_duplicate_total{endpoint="acme",format="tms-event"} 1.0' in text
    assert 'logistics_bridge_requests_rejected_total{reason="invalid_signature"} 1.0' in text
    assert 'logistics_bridge_inbox_events{state="pending"}' in text
    assert "logistics_bridge_forward_seconds_bucket" in text


def test_readyz_503_when_odoo_unreachable(tmp_path):
    running = start_bridge(bridge_settings(tmp_path, f"http://127.0.0.1:{free_port()}"))
    try:
        answer = requests.get(f"{running.url}/readyz", timeout=10)
        assert answer.status_code == 503
        assert answer.json()["error"] == "not_ready"
        assert "Odoo unreachable" in answer.json()["message"]
    finally:
        running.service.shutdown()


def test_two_app_instances_have_separate_metrics(tmp_path, fake_odoo):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = start_bridge(bridge_settings(tmp_path / "a", fake_odoo.url))
    second = start_bridge(bridge_settings(tmp_path / "b", fake_odoo.url))
    try:
        assert post(first, make_event()).status_code == 202
        text = requests.get(f"{second.url}/metrics", timeout=10).text
        assert "logistics_bridge_events_accepted_total{" not in text
    finally:
        first.service.shutdown()
        second.service.shutdown()
