"""The TMS's master data change notification (``tms-master-data`` v1, ``document``
``changed``) on its bridge endpoint: validated, kept durably, forwarded raw to Odoo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import (
    FakeOdoo,
    RunningBridge,
    bridge_settings,
    signed_headers,
    start_bridge,
    wait_for,
)


def _notification(**changes: Any) -> dict[str, Any]:
    notification = {
        "schema": "tms-master-data",
        "schema_version": 1,
        "document": "changed",
        "notification_id": "mdc-products-WID-1-v2",
        "kind": "products",
        "occurred_at": "2026-05-01T10:00:00+02:00",
        "records": [{"key": "WID-1", "version": 2, "data": {"weight_kg": 999.0}}],
    }
    notification.update(changes)
    return notification


def _post(bridge: RunningBridge, document: dict[str, Any]) -> requests.Response:
    body = json.dumps(document)
    headers = {"Content-Type": "application/json", **signed_headers(body)}
    return requests.post(bridge.events_url(), data=body, headers=headers, timeout=10)


@pytest.fixture
def forwarding_bridge(tmp_path: Path, fake_odoo: FakeOdoo) -> Iterator[RunningBridge]:
    running = start_bridge(bridge_settings(tmp_path, fake_odoo.url), forward=True)
    yield running
    running.service.shutdown()


def _ingested(fake_odoo: FakeOdoo) -> list[dict[str, Any]]:
    with fake_odoo.lock:
        return [
            event
            for call in fake_odoo.calls
            if call.get("method") == "execute_kw" and call["args"][4] == "ingest_events"
            for event in call["args"][5][1]
        ]


def test_a_notification_is_kept_and_forwarded_raw(forwarding_bridge, fake_odoo):
    answer = _post(forwarding_bridge, _notification())
    assert answer.status_code == 202, answer.text
    [accepted] = answer.json()["events"]
    assert (accepted["event_id"], accepted["status"]) == ("mdc-products-WID-1-v2", "accepted")
    wait_for(lambda: _ingested(fake_odoo))
    [forwarded] = _ingested(fake_odoo)
    assert forwarded["format"] == "tms-master-data"
    assert forwarded["event_id"] == "mdc-products-WID-1-v2"
    assert forwarded["document"] == _notification()
    [stored] = forwarding_bridge.service.inbox.list_events()
    assert (stored.format, stored.ordering_key) == ("tms-master-data", "master-data:products")
    wait_for(lambda: forwarding_bridge.service.inbox.list_events()[0].state == "forwarded")
    # Sent again (the TMS did not hear the answer): a duplicate, not forwarded again.
    again = _post(forwarding_bridge, _notification())
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "duplicate"
    assert len(forwarding_bridge.service.inbox.list_events()) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "warehouses"}, "kind"),
        ({"records": []}, "records"),
        ({"notification_id": None}, "notification_id"),
        ({"records": [{"key": "WID-1", "data": {}}]}, "records[0].version"),
        ({"records": [{"key": "WID-1", "version": "2", "data": {}}]}, "records[0].version"),
        # Beyond an integer column: Odoo failed the whole call, and it was retried forever.
        ({"records": [{"key": "WID-1", "version": 2**31, "data": {}}]}, "records[0].version"),
        ({"records": [{"key": "WID-1", "version": 10**30, "data": {}}]}, "records[0].version"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_notification_is_refused_naming_the_field(bridge, changes, field):
    answer = _post(bridge, _notification(**changes))
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["fields"]
    assert field in answer.json()["message"]
    assert bridge.service.inbox.list_events() == []


def test_a_notification_without_its_kind_is_refused(bridge):
    document = _notification()
    del document["kind"]
    answer = _post(bridge, document)
    assert answer.status_code == 422
    assert answer.json()["fields"] == ["kind"]
    assert "kind: Field required" in answer.json()["message"]
