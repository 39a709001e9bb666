"""PostgreSQL inbox against the machine's real PostgreSQL (skipped if unreachable)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from conftest import commit_together, new_event
from logistics_bridge.config import ForwardSettings, OdooSettings
from logistics_bridge.forwarder import Forwarder
from logistics_bridge.odoo_client import OdooClient
from logistics_bridge.store import PostgresInbox, open_inbox


@pytest.fixture
def pg_inbox(pg_url):
    inbox = open_inbox(pg_url)
    assert isinstance(inbox, PostgresInbox)
    inbox._ops(lambda conn: conn.execute("TRUNCATE inbox_event, bridge_meta"))
    yield inbox
    inbox.close()


def test_duplicates_and_status(pg_inbox):
    first = pg_inbox.add([new_event("e1", "S1", webhook_id="w1"), new_event("e2", "S1")])
    assert [result.status for result in first] == ["accepted", "accepted"]
    again = pg_inbox.add([new_event("e1", "S1"), new_event("e9", "S1", webhook_id="w1")])
    assert [result.status for result in again] == ["duplicate", "duplicate"]
    assert pg_inbox.add([new_event("e1", "S1", endpoint="other")])[0].status == "accepted"
    status = pg_inbox.status()
    assert status.counts["pending"] == 3
    assert status.oldest_pending_received_at is not None


def test_expired_lease_is_claimed_again(pg_url, pg_inbox):
    pg_inbox.add([new_event("e1", "S1"), new_event("e2", "S1"), new_event("f1", "S2")])
    other = open_inbox(pg_url)
    try:
        claimed = pg_inbox.claim("crashed", 10, lease_seconds=300)
        assert sorted(event.event_id for event in claimed) == ["e1", "f1"]
        assert other.claim("live", 10, lease_seconds=300) == []  # leased, and e2 waits for e1
        # The claimer "crashes": an expired lease makes its work claimable again.
        pg_inbox._ops(lambda conn: conn.execute("UPDATE inbox_event SET claimed_until = 0"))
        reclaimed = other.claim("live", 10, lease_seconds=300)
        assert sorted(event.event_id for event in reclaimed) == ["e1", "f1"]
    finally:
        other.close()


def test_skip_locked_leaves_rows_locked_by_another_transaction(pg_url, pg_inbox):
    import psycopg

    pg_inbox.add([new_event("e1", "S1"), new_event("f1", "S2")])
    with psycopg.connect(pg_url) as holder:
        holder.execute("SELECT id FROM inbox_event WHERE event_id = 'e1' FOR UPDATE")
        claimed = pg_inbox.claim("me", 10, lease_seconds=60)
        assert [event.event_id for event in claimed] == ["f1"]
        holder.rollback()


def test_two_forwarders_claim_disjoint_work_in_order(pg_url, pg_inbox, fake_odoo):
    shipments = [f"SHP-{index}" for index in range(12)]
    expected: dict[str, list[str]] = {shipment: [] for shipment in shipments}
    for round_no in range(15):
        batch = []
        for shipment in shipments:
            event_id = f"{shipment}-{round_no:02d}"
            expected[shipment].append(event_id)
            batch.append(new_event(event_id, shipment))
        pg_inbox.add(batch)
    total = sum(len(ids) for ids in expected.values())

    inboxes = [open_inbox(pg_url), open_inbox(pg_url)]
    odoo_settings = OdooSettings(url=fake_odoo.url, db="db", login="l", api_key="k")
    forwarders = [
        Forwarder(inbox, OdooClient(odoo_settings), ForwardSettings(batch_size=5), owner=f"f{n}")
        for n, inbox in enumerate(inboxes)
    ]
    claimed_by: dict[str, list[str]] = {"f0": [], "f1": []}

    def drive(forwarder: Forwarder) -> None:
        deadline = time.monotonic() + 60
        idle_rounds = 0
        while time.monotonic() < deadline and idle_rounds < 20:
            original = forwarder.inbox.claim

            def spy(owner, limit, lease, _original=original):
                events = _original(owner, limit, lease)
                claimed_by[owner].extend(event.event_id for event in events)
                return events

            forwarder.inbox.claim = spy
            report = forwarder.run_once()
            forwarder.inbox.claim = original
            idle_rounds = idle_rounds + 1 if not report.claimed else 0
            if not report.claimed:
                time.sleep(0.01)

    threads = [threading.Thread(target=drive, args=(forwarder,)) for forwarder in forwarders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    try:
        assert not any(thread.is_alive() for thread in threads)
        assert pg_inbox.counts()["forwarded"] == total
        # Disjoint claims, nothing sent twice.
        assert not set(claimed_by["f0"]) & set(claimed_by["f1"])
        assert claimed_by["f0"] and claimed_by["f1"]
        sent = Counter(
            event["event_id"]
            for call in fake_odoo.calls
            if call["service"] == "object"
            for event in call["args"][5][1]
        )
        assert len(sent) == total
        assert max(sent.values()) == 1
        # Odoo saw every shipment's events in receipt order.
        for shipment, ids in expected.items():
            seen = [event_id for (_, event_id) in fake_odoo.processed if event_id in ids]
            assert seen == ids, shipment
    finally:
        for forwarder in forwarders:
            forwarder.client.close()
        for inbox in inboxes:
            inbox.close()


def test_group_commit_answers_each_request(pg_inbox):
    pg_inbox.add([new_event("e1", "S1")])
    outcomes = commit_together(
        pg_inbox, [[new_event("e2", "S1"), new_event("e1", "S1")], [new_event("e3", "S2")]]
    )
    assert [[result.status for result in outcome] for outcome in outcomes] == [
        ["accepted", "duplicate"],
        ["accepted"],
    ]
    assert pg_inbox.status().counts["pending"] == 3
