"""The ``json`` format over the wire: event id path, fallback hash, split, shipment key.

Sample: ``fixtures/easypost_tracker_updated.json`` has the shape of the ``tracker.updated``
Event that EasyPost documents for its tracking webhooks (docs.easypost.com, Trackers and
Events), signed as EasyPost signs: ``X-Hmac-Signature: hmac-sha256-hex=<hex of the body>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import FakeOdoo, RunningBridge, bridge_settings, start_bridge
from logistics_contract.documents import JsonDocuments
from logistics_contract.ids import derived_id, element_hash

TRACKER = (Path(__file__).parent / "fixtures" / "easypost_tracker_updated.json").read_bytes()
TRACKER_ID = "evt_5c1ac04e0f8e11f1a7d3ac1f6bc53342"
SECRET = "easypost-webhook-secret"
AUTH = {
    "scheme": "hmac",
    "header": "X-Hmac-Signature",
    "prefix": "hmac-sha256-hex=",
    "secrets": [SECRET],
}
ENDPOINTS = {
    "easypost": {
        "format": "json",
        "event_id_path": "id",
        "shipment_key_path": "result.tracking_code",
        "auth": AUTH,
    },
    "details": {
        "format": "json",
        "event_id_path": "$.id",
        "shipment_key_path": "$.result.tracking_code",
        "split_path": "result.tracking_details[*]",
        "auth": AUTH,
    },
    "anything": {"format": "json", "auth": AUTH},
}


@pytest.fixture
def json_bridge(tmp_path: Path, fake_odoo: FakeOdoo) -> Iterator[RunningBridge]:
    running = start_bridge(bridge_settings(tmp_path, fake_odoo.url, endpoints=ENDPOINTS))
    yield running
    running.service.shutdown()


def post_json(
    bridge: RunningBridge, endpoint: str, body: bytes, **headers: str
) -> requests.Response:
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Hmac-Signature": f"hmac-sha256-hex={signature}",
    } | {name.replace("_", "-"): value for name, value in headers.items()}
    return requests.post(bridge.events_url(endpoint), data=body, headers=headers, timeout=10)


def test_event_id_and_shipment_key_from_paths(json_bridge):
    answer = post_json(json_bridge, "easypost", TRACKER, X_Correlation_Id="corr-ep-1")
    assert answer.status_code == 202, answer.text
    assert answer.json()["events"] == [
        {
            "event_id": "evt_5c1ac04e0f8e11f1a7d3ac1f6bc53342",
            "status": "accepted",
            "correlation_id": "corr-ep-1",
        }
    ]
    (event,) = json_bridge.service.inbox.list_events()
    assert (event.format, event.ordering_key) == ("json", "9400110898825022579493")
    # A raw document has no event type or shipment reference until Odoo's profile maps it.
    assert (event.event_type, event.shipment_reference) == (None, None)
    forwarded = event.to_odoo()
    assert forwarded["format"] == "json"
    assert forwarded["correlation_id"] == "corr-ep-1"
    assert forwarded["document"] == json.loads(TRACKER)
    assert post_json(json_bridge, "easypost", TRACKER).json()["status"] == "duplicate"


@pytest.mark.parametrize(("value", "text"), [(539, "539"), (-2, "-2"), (5.25, "5.25")])
def test_a_numeric_id_is_taken_as_its_json_text(json_bridge, value, text):
    body = json.dumps({"id": value, "result": {"tracking_code": value}}).encode()
    answer = post_json(json_bridge, "easypost", body)
    assert answer.status_code == 202, answer.text
    assert answer.json()["events"][0]["event_id"] == text
    (event,) = json_bridge.service.inbox.list_events()
    assert event.ordering_key == text


def test_stored_events_are_the_contracts_events_that_try_a_sample_shows(json_bridge):
    """Odoo's Try a sample runs ``JsonDocuments`` with the endpoint's paths: the same ids,
    shipment keys and documents as the bridge keeps."""
    assert post_json(json_bridge, "details", TRACKER).status_code == 202
    settings = ENDPOINTS["details"]
    expected = JsonDocuments.from_settings(
        settings["event_id_path"], settings["shipment_key_path"], settings["split_path"]
    ).events(json.loads(TRACKER), "details")
    stored = json_bridge.service.inbox.list_events()
    assert [(e.event_id, e.ordering_key, e.to_odoo()["document"]) for e in stored] == [
        (event.event_id, event.shipment_key, event.document) for event in expected
    ]


def test_same_event_id_on_another_endpoint_is_new(json_bridge):
    assert post_json(json_bridge, "easypost", TRACKER).status_code == 202
    assert post_json(json_bridge, "anything", TRACKER).status_code == 202


def test_fallback_id_is_a_hash_of_endpoint_and_canonical_document(json_bridge):
    body = b'{"tracking": "ABC", "status": "delivered", "weight": 1.50}'
    answer = post_json(json_bridge, "anything", body)
    canonical = b'{"status":"delivered","tracking":"ABC","weight":15e-1}'
    expected = "sha256:" + hashlib.sha256(b"anything\n" + canonical).hexdigest()
    assert answer.json()["events"][0]["event_id"] == expected
    # The same document written otherwise (key order, whitespace, 1.5 for 1.50) is the
    # same event again, not a second one.
    rewritten = b'{ "weight": 1.5,\n  "status": "delivered", "tracking": "ABC" }'
    redelivered = post_json(json_bridge, "anything", rewritten)
    assert redelivered.status_code == 200
    assert redelivered.json()["status"] == "duplicate"
    (event,) = json_bridge.service.inbox.list_events()
    assert event.ordering_key == f"document:{expected}"


def test_split_makes_one_event_per_element_in_shipment_order(json_bridge):
    answer = post_json(json_bridge, "details", TRACKER)
    assert answer.status_code == 202, answer.text
    ids = [item["event_id"] for item in answer.json()["events"]]
    details = json.loads(TRACKER)["result"]["tracking_details"]
    assert ids == [TRACKER_ID + "#" + element_hash(detail) for detail in details]
    stored = json_bridge.service.inbox.list_events()
    assert {event.ordering_key for event in stored} == {"9400110898825022579493"}
    assert [event.to_odoo()["document"] for event in stored] == details


def test_events_of_one_shipment_are_claimed_oldest_first(json_bridge):
    other = json.dumps(
        {"id": "evt_other", "result": {"tracking_code": "OTHER", "tracking_details": [{}]}}
    ).encode()
    assert post_json(json_bridge, "details", TRACKER).status_code == 202
    assert post_json(json_bridge, "details", other).status_code == 202
    claimed = json_bridge.service.inbox.claim("test", 10, 60)
    # Only the oldest pending event of each shipment can be claimed.
    first_detail = json.loads(TRACKER)["result"]["tracking_details"][0]
    assert [event.event_id for event in claimed] == [
        derived_id(TRACKER_ID, first_detail),
        derived_id("evt_other", {}),
    ]


def test_split_ids_follow_the_content_not_the_position(json_bridge):
    """A document delivered again with an element inserted at the front: the elements it
    already held are duplicates, only the new one is stored."""
    assert post_json(json_bridge, "details", TRACKER).status_code == 202
    grown = json.loads(TRACKER)
    grown["result"]["tracking_details"].insert(0, {"message": "Label created", "status": "x"})
    answer = post_json(json_bridge, "details", json.dumps(grown).encode())
    assert answer.status_code == 202, answer.text
    statuses = [item["status"] for item in answer.json()["events"]]
    assert statuses == ["accepted", "duplicate", "duplicate", "duplicate"]
    assert len(json_bridge.service.inbox.list_events()) == 4


def test_forwarder_sends_the_raw_shape(tmp_path, fake_odoo):
    running = start_bridge(
        bridge_settings(tmp_path, fake_odoo.url, endpoints=ENDPOINTS), forward=True
    )
    try:
        assert post_json(running, "details", TRACKER).status_code == 202
        deadline = time.monotonic() + 10
        while len(fake_odoo.processed) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        running.service.shutdown()
    details = json.loads(TRACKER)["result"]["tracking_details"]
    assert [event_id for _endpoint, event_id in fake_odoo.processed] == [
        derived_id(TRACKER_ID, detail) for detail in details
    ]
    sent = [
        event
        for call in fake_odoo.calls
        if call["method"] == "execute_kw"
        for event in call["args"][5][1]
    ]
    assert set(sent[0]) == {"event_id", "format", "received_at", "correlation_id", "document"}
    assert sent[0]["document"]["message"] == "Pre-Shipment Info Sent to USPS"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'"just a string"', "body must be a JSON object or array"),
        (b'{"id": {"nested": 1}}', "event_id_path id: the value there is an object"),
        (b'{"id": [539]}', "event_id_path id: the value there is an array"),
        (b'{"id": true}', "event_id_path id: the value there is a boolean"),
        (b"{not json", "body is not valid JSON"),
    ],
)
def test_bad_documents_refused_by_name(json_bridge, body, message):
    answer = post_json(json_bridge, "easypost", body)
    assert answer.status_code in (400, 422)
    assert message in answer.json()["message"]
    assert json_bridge.service.inbox.list_events() == []


def test_split_path_without_a_list_is_422(json_bridge):
    answer = post_json(json_bridge, "details", b'{"id": "evt_1", "result": {}}')
    assert answer.status_code == 422
    assert answer.json()["fields"] == ["result.tracking_details[*]"]
