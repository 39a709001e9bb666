"""Conflicting duplicates: the same event id with other content is kept for review, never
dropped, and answered 409; a re-send of the same content (whatever its whitespace or key
order) stays a plain duplicate."""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import replace

import pytest
import requests
from conftest import make_event, new_event, signed_headers
from logistics_bridge.store import SCHEMA_VERSION, Outcome, migrations, open_inbox

CONFLICT_MESSAGE = "conflicting duplicate kept for review"


def post_text(bridge, body: str):
    return requests.post(bridge.events_url(), data=body, headers=signed_headers(body), timeout=10)


def test_same_id_other_content_is_409_and_both_bodies_are_kept(bridge):
    first = make_event("evt-c1", payload={"status": "in_transit", "amount": 10.5})
    assert post_text(bridge, json.dumps(first)).status_code == 202
    changed = make_event("evt-c1", payload={"status": "delivered", "amount": 10.5})
    answer = post_text(bridge, json.dumps(changed))
    assert answer.status_code == 409
    document = answer.json()
    assert document["status"] == "conflict"
    assert document["message"] == CONFLICT_MESSAGE
    assert document["events"] == [
        {
            "event_id": "evt-c1",
            "status": "conflict",
            "correlation_id": document["events"][0]["correlation_id"],
            "message": CONFLICT_MESSAGE,
        }
    ]
    kept = bridge.service.inbox.list_events()
    assert [(event.event_id, event.state) for event in kept] == [
        ("evt-c1", "pending"),
        ("evt-c1", "pending"),
    ]
    assert json.loads(kept[0].payload_json)["status"] == "in_transit"
    assert json.loads(kept[1].payload_json)["status"] == "delivered"
    assert (kept[0].conflict_of, kept[1].conflict_of) == (None, kept[0].id)


def test_other_content_under_a_kept_webhook_id_reaches_odoo_as_that_event_s_conflict(bridge):
    # The webhook-id names one message: resent with other content (re-rendered by its
    # sender, so a json document's hashed id differs too) it is that message's conflict.
    # Forwarded under its own event id, Odoo took it for a second event and applied it,
    # while the sender had been told it was kept for review.
    first = make_event("evt-w1", payload={"status": "in_transit"})
    body = json.dumps(first)
    sent = requests.post(
        bridge.events_url(), data=body, headers=signed_headers(body, msg_id="msg-w1"), timeout=10
    )
    assert sent.status_code == 202
    changed = json.dumps(make_event("evt-w2", payload={"status": "delivered"}))
    answer = requests.post(
        bridge.events_url(),
        data=changed,
        headers=signed_headers(changed, msg_id="msg-w1"),
        timeout=10,
    )
    assert answer.status_code == 409
    assert [(e["event_id"], e["status"]) for e in answer.json()["events"]] == [
        ("evt-w2", "conflict")
    ]
    kept, conflict = bridge.service.inbox.list_events()
    assert conflict.conflict_of == kept.id
    forwarded = conflict.to_odoo()
    assert forwarded["event_id"] == "evt-w1"
    assert forwarded["payload"] == {"status": "delivered"}


def test_a_conflict_naming_another_shipment_waits_for_the_event_it_conflicts_with(tmp_path):
    # Forwarded first, Odoo would apply the conflicting content as the event and keep
    # the first content, arriving after it, for review: the other way round.
    inbox = open_inbox(f"sqlite:///{tmp_path}/inbox.sqlite3")
    try:
        inbox.add([new_event("e-0", "SHP-1"), new_event("e-1", "SHP-1")])
        [result] = inbox.add([new_event("e-1", "SHP-9")])
        assert result.status == "conflict"
        [oldest] = inbox.claim("lane", 10, 60)
        assert oldest.event_id == "e-0"
        inbox.record("lane", [Outcome(oldest.id, "forwarded", "processed")])
        [first] = inbox.claim("lane", 10, 60)
        assert (first.event_id, first.conflict_of) == ("e-1", None)
        inbox.record("lane", [Outcome(first.id, "forwarded", "processed")])
        [conflict] = inbox.claim("lane", 10, 60)
        assert (conflict.event_id, conflict.conflict_of) == ("e-1", first.id)
        assert conflict.shipment_reference == "SHP-9"
    finally:
        inbox.close()


def test_resent_with_other_whitespace_and_key_order_is_a_plain_duplicate(bridge):
    event = make_event("evt-c2", payload={"status": "in_transit", "amount": 1.50})
    assert post_text(bridge, json.dumps(event)).status_code == 202
    reordered = json.dumps(dict(reversed(list(event.items()))), indent=3).replace("1.5", "1.50")
    answer = post_text(bridge, reordered)
    assert answer.status_code == 200
    assert answer.json()["status"] == "duplicate"
    assert len(bridge.service.inbox.list_events()) == 1


def test_the_same_conflicting_body_twice_is_kept_once(bridge):
    assert post_text(bridge, json.dumps(make_event("evt-c3"))).status_code == 202
    changed = json.dumps(make_event("evt-c3", shipment="SHP-9"))
    assert post_text(bridge, changed).status_code == 409
    assert post_text(bridge, changed).status_code == 409
    assert len(bridge.service.inbox.list_events()) == 2


def test_array_with_one_conflict_is_409_naming_each_status(bridge):
    assert post_text(bridge, json.dumps(make_event("evt-a1"))).status_code == 202
    body = json.dumps([make_event("evt-a1", payload={"status": "x"}), make_event("evt-a2")])
    answer = post_text(bridge, body)
    assert answer.status_code == 409
    assert [item["status"] for item in answer.json()["events"]] == ["conflict", "accepted"]


@pytest.fixture(params=["sqlite", "postgresql"])
def inbox_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/inbox.sqlite3"
        return
    import psycopg

    pg_url = request.getfixturevalue("pg_url")
    schema = f"conflicts_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{pg_url}?options=-csearch_path%3D{schema}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_conflict_is_durable_and_forwarded_after_the_first(inbox_url):
    inbox = open_inbox(inbox_url)
    original = new_event("e-1", "S1")
    conflicting = replace(original, payload_json='{"k": 2}', correlation_id="corr-2")
    assert [r.status for r in inbox.add([original])] == ["accepted"]
    assert [r.status for r in inbox.add([conflicting])] == ["conflict"]
    # The same content again, written otherwise: a duplicate of the original.
    assert [r.status for r in inbox.add([replace(original, payload_json='{ "k" : 1.0 }')])] == [
        "duplicate"
    ]
    inbox.close()
    inbox = open_inbox(inbox_url)  # what was answered is on disk
    try:
        first = inbox.claim("t", 10, 60)
        assert [(e.event_id, e.payload_json) for e in first] == [("e-1", '{"k": 1}')]
        inbox.record("t", [Outcome(first[0].id, "forwarded", "processed")])
        (second,) = inbox.claim("t", 10, 60)
        assert (second.event_id, second.payload_json, second.conflict_of) == (
            "e-1",
            '{"k": 2}',
            first[0].id,
        )
        assert second.to_odoo()["payload"] == {"k": 2}
    finally:
        inbox.close()


# The previous release's insert (schema version 3).
V3_INSERT = (
    "INSERT INTO inbox_event (endpoint, event_id, webhook_id, event_type, shipment_reference, "
    "occurred_at, payload, correlation_id, schema_version, received_at, received_ts, state, "
    "updated_ts, traceparent) VALUES ('acme', ?, ?, 'status', 'SHP-1', "
    "'2026-05-01T10:00:00+02:00', '{\"k\": 1}', 'c-old', '1', '2026-05-01T08:00:01+00:00', "
    "1777622401.0, 'pending', 1777622401.0, NULL)"
)
V3_ROWS = [("old-1", None), ("old-2", "w-1"), ("old-3", None)]


def test_version_3_sqlite_inbox_migrates_keeping_ids_and_uniqueness(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/v3.sqlite3"
    with monkeypatch.context() as previous_release:
        previous_release.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
        previous_release.setattr(migrations, "SCHEMA_VERSION", 3)
        inbox = open_inbox(url)
        inbox._ops(lambda conn: conn.executemany(V3_INSERT, V3_ROWS))
        # A purged event: its id is never given again.
        inbox._ops(lambda conn: conn.execute("DELETE FROM inbox_event WHERE event_id = 'old-3'"))
        inbox.close()
    inbox = open_inbox(url)
    try:
        kept = inbox.list_events()
        assert [(e.id, e.event_id, e.conflict_of) for e in kept] == [
            (1, "old-1", None),
            (2, "old-2", None),
        ]
        statuses = inbox.add(
            [new_event("old-1"), new_event("other", webhook_id="w-1"), new_event("new-1")]
        )
        assert [r.status for r in statuses] == ["duplicate", "duplicate", "accepted"]
        assert inbox.list_events()[-1].id > 3
    finally:
        inbox.close()
    conn = sqlite3.connect(tmp_path / "v3.sqlite3")
    assert conn.execute("SELECT version FROM inbox_schema").fetchone()[0] == SCHEMA_VERSION
    conn.close()
