"""The inbox schema version: an inbox of the previous release is migrated at open, intact."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import commit_together, new_event
from logistics_bridge.exceptions import InboxSchemaTooNew
from logistics_bridge.models import NewEvent, event_hash
from logistics_bridge.store import NOT_JSON_REASON, SCHEMA_VERSION, migrations, open_inbox
from logistics_contract.content import content_hash

FIXTURES = Path(__file__).parent / "fixtures"
_COLUMNS = (
    "endpoint, event_id, webhook_id, event_type, shipment_reference, occurred_at, payload, "
    "correlation_id, schema_version, received_at, received_ts, state, attempts, "
    "next_attempt_ts, result, reason, updated_ts"
)
# Rows as the previous release wrote them, one per state, plus the Infinity it let through.
OLD_ROWS = [
    ("acme", "e-1", "w-1", "status", "S1", "2026-05-01T10:00:00+02:00", '{"a":1}', "c-1",
     "1", "2026-05-01T08:00:01+00:00", 1777622401.0, "forwarded", 1, 0.0, "processed", None,
     1777622402.0),
    ("acme", "e-2", None, "status", "S1", "2026-05-01T11:00:00+02:00", '{"b":[1,2]}', "c-2",
     "1", "2026-05-01T09:00:01+00:00", 1777626001.0, "pending", 3, 0.0, None,
     "Odoo unreachable", 1777626050.0),
    ("acme", "e-3", None, "pod", "S2", "2026-05-01T12:00:00+02:00", '{"note":"NaN here"}',
     "c-3", "1", "2026-05-01T10:00:01+00:00", 1777629601.0, "rejected", 1, 0.0, "rejected",
     "unknown shipment", 1777629602.0),
    ("acme", "e-4", None, "charges", "S3", "2026-05-01T13:00:00+02:00", '{"amount":Infinity}',
     "c-4", "1", "2026-05-01T11:00:01+00:00", 1777633201.0, "pending", 0, 0.0, None, None,
     1777633201.0),
]  # fmt: skip


def old_statements(dialect: str) -> list[str]:
    text = (FIXTURES / f"inbox-18.0.1.0.0.{dialect}.sql").read_text()
    lines = [line for line in text.splitlines() if not line.startswith("--")]
    return [statement for statement in "\n".join(lines).split(";") if statement.strip()]


def insert_sql(placeholder: str) -> str:
    marks = ", ".join([placeholder] * len(OLD_ROWS[0]))
    return f"INSERT INTO inbox_event ({_COLUMNS}) VALUES ({marks})"


def assert_migrated(url: str) -> None:
    inbox = open_inbox(url)
    try:
        events = {event.event_id: event for event in inbox.list_events()}
        assert sorted(events) == ["e-1", "e-2", "e-3", "e-4"]
        for row in OLD_ROWS[:3]:
            event = events[row[1]]
            kept = (event.state, event.payload_json, event.correlation_id, event.attempts)
            assert kept == (row[11], row[6], row[7], row[12])
            assert (event.received_at, event.reason) == (row[9], row[15])
        # The event with a non-JSON payload no longer blocks its batch: rejected, with why.
        assert (events["e-4"].state, events["e-4"].reason) == ("rejected", NOT_JSON_REASON)
        # Receipt order and uniqueness survive: new events get later ids, duplicates stay so.
        resent = as_kept(new_event("e-1", "S1", webhook_id="w-9"))
        added = inbox.add([new_event("e-5", "S1"), resent])
        assert [result.status for result in added] == ["accepted", "duplicate"]
        assert [event.event_id for event in inbox.list_events()][-1] == "e-5"
        assert [event.event_id for event in inbox.claim("t", 10, 60)] == ["e-2"]
    finally:
        inbox.close()


def stored_version(conn) -> int:
    return conn.execute("SELECT version FROM inbox_schema").fetchone()[0]


@pytest.fixture
def old_sqlite(tmp_path) -> Path:
    path = tmp_path / "old-inbox.sqlite3"
    conn = sqlite3.connect(path)
    for statement in old_statements("sqlite"):
        conn.execute(statement)
    conn.executemany(insert_sql("?"), OLD_ROWS)
    conn.commit()
    conn.close()
    return path


def test_old_sqlite_inbox_migrated_with_events_intact(old_sqlite):
    assert_migrated(f"sqlite:///{old_sqlite}")
    conn = sqlite3.connect(old_sqlite)
    assert stored_version(conn) == SCHEMA_VERSION
    conn.close()


def test_migration_is_idempotent(old_sqlite):
    url = f"sqlite:///{old_sqlite}"
    open_inbox(url).close()
    conn = sqlite3.connect(old_sqlite)
    migrated_ts = conn.execute("SELECT migrated_ts FROM inbox_schema").fetchone()[0]
    conn.close()
    inbox = open_inbox(url)
    assert len(inbox.list_events()) == len(OLD_ROWS)
    inbox.close()
    conn = sqlite3.connect(old_sqlite)
    assert conn.execute("SELECT migrated_ts FROM inbox_schema").fetchone()[0] == migrated_ts
    conn.close()


def test_new_inbox_starts_at_current_version(tmp_path):
    path = tmp_path / "new.sqlite3"
    open_inbox(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path)
    assert stored_version(conn) == SCHEMA_VERSION
    conn.close()


def test_newer_schema_refused_with_clear_error(tmp_path):
    path = tmp_path / "future.sqlite3"
    open_inbox(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE inbox_schema SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(InboxSchemaTooNew, match=f"version {SCHEMA_VERSION + 1} is newer"):
        open_inbox(f"sqlite:///{path}")


def test_failed_migration_leaves_the_old_inbox_untouched(old_sqlite, monkeypatch):
    def broken(execute):
        raise RuntimeError("disk on fire")

    steps = (
        *migrations.MIGRATIONS[:-1],
        migrations.Migration(SCHEMA_VERSION, "broken", data=broken),
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    with pytest.raises(RuntimeError, match="disk on fire"):
        open_inbox(f"sqlite:///{old_sqlite}")
    conn = sqlite3.connect(old_sqlite)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "inbox_schema" not in tables
    assert conn.execute("SELECT COUNT(*) FROM inbox_event").fetchone()[0] == len(OLD_ROWS)
    conn.close()


@pytest.fixture
def pg_schema_url(pg_url) -> Iterator[str]:
    """The PostgreSQL URL of a schema of its own, dropped afterwards."""
    import psycopg

    schema = f"inbox_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{pg_url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def new_inbox_url(request, tmp_path) -> str:
    """Where a new inbox is made, in each dialect."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/inbox.sqlite3"
    return request.getfixturevalue("pg_schema_url")


def version_at(url: str) -> int:
    """The schema version the inbox at ``url`` records."""
    if url.startswith("sqlite:"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return stored_version(conn)
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(url) as conn:
        return stored_version(conn)


def test_old_postgres_inbox_migrated_with_events_intact(pg_schema_url):
    import psycopg

    with psycopg.connect(pg_schema_url) as conn:
        for statement in old_statements("postgresql"):
            conn.execute(statement)
        with conn.cursor() as cursor:
            cursor.executemany(insert_sql("%s"), OLD_ROWS)
    assert_migrated(pg_schema_url)
    assert version_at(pg_schema_url) == SCHEMA_VERSION


def as_kept(event):
    """``event`` with the content of the previous release's e-1: a redelivery of it."""
    return replace(event, payload_json='{"a":1}')


def test_group_commit_on_a_migrated_inbox(old_sqlite):
    """A group commit stores into the migrated schema and
    finds the previous release's rows as duplicates, by event id and by webhook id."""
    inbox = open_inbox(f"sqlite:///{old_sqlite}")
    try:
        outcomes = commit_together(
            inbox,
            [
                [new_event("e-5", "S1")],
                [as_kept(new_event("e-1", "S1")), new_event("e-6", "S2")],
                [as_kept(new_event("e-7", "S1", webhook_id="w-1"))],
            ],
        )
        assert [[result.status for result in outcome] for outcome in outcomes] == [
            ["accepted"],
            ["duplicate", "accepted"],
            ["duplicate"],
        ]
        assert [event.event_id for event in inbox.list_events()][-2:] == ["e-5", "e-6"]
    finally:
        inbox.close()


TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
# The previous release's insert (schema version 2), without the traceparent column.
V2_INSERT = (
    "INSERT INTO inbox_event (endpoint, event_id, event_type, shipment_reference, occurred_at, "
    "payload, correlation_id, schema_version, received_at, received_ts, state, updated_ts) "
    "VALUES ('acme', 'old-1', 'status', 'S1', '2026-05-01T10:00:00+02:00', '{}', 'c-old', '1', "
    "'2026-05-01T08:00:01+00:00', 1777622401.0, 'pending', 1777622401.0)"
)


def assert_version_2_inbox_migrates(url: str, monkeypatch) -> None:
    """An inbox written by the release before traceparents were kept gains the column, keeps
    its events (without a traceparent) and stores new events with theirs."""
    with monkeypatch.context() as previous_release:
        previous_release.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
        previous_release.setattr(migrations, "SCHEMA_VERSION", 2)
        inbox = open_inbox(url)
        inbox._ops(lambda conn: conn.execute(V2_INSERT))
        inbox.close()
    inbox = open_inbox(url)
    try:
        added = new_event("new-1", "S2")
        added.traceparent = TRACEPARENT
        inbox.add([added])
        kept = {event.event_id: event for event in inbox.list_events()}
        assert (kept["old-1"].correlation_id, kept["old-1"].traceparent) == ("c-old", None)
        assert "traceparent" not in kept["old-1"].to_odoo()
        assert kept["new-1"].traceparent == TRACEPARENT
        assert [event.event_id for event in inbox.claim("t", 10, 60)] == ["old-1", "new-1"]
    finally:
        inbox.close()


def test_version_2_inbox_gains_traceparent_and_keeps_its_events(new_inbox_url, monkeypatch):
    assert_version_2_inbox_migrates(new_inbox_url, monkeypatch)
    assert version_at(new_inbox_url) == SCHEMA_VERSION


# The previous release's insert (schema version 4): a raw document kept its format name as
# event type and its shipment key as shipment reference.
V4_INSERT = (
    "INSERT INTO inbox_event (endpoint, event_id, webhook_id, event_type, shipment_reference, "
    "occurred_at, payload, correlation_id, schema_version, received_at, received_ts, state, "
    "updated_ts, traceparent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1777622401.0, ?, "
    "1777622401.0, ?)"
)
RECEIVED = "2026-05-01T08:00:01+00:00"
V4_ROWS = [
    ("acme", "tms-1", "w-1", "status", "S1", "2026-05-01T10:00:00+02:00", '{"k":1}', "c-1",
     "1", RECEIVED, "pending", TRACEPARENT),
    ("docs", "doc-1", None, "json", "KEY-1", RECEIVED, '{"tracking":"KEY-1","n":1}', "c-2",
     "raw-1", RECEIVED, "pending", None),
    ("docs", "doc-2", None, "json", "KEY-1", RECEIVED, '{"tracking":"KEY-1","n":2}', "c-2",
     "raw-1", RECEIVED, "pending", None),
    ("edi", "ABCD:1:1:0001", None, "x12-214", "SHP-0042", RECEIVED, '{"st_control":"0001"}',
     "c-3", "raw-1", RECEIVED, "forwarded", None),
]  # fmt: skip
# What the previous release forwarded for each of them (``StoredEvent.to_odoo``).
V4_FORWARDED = {
    "tms-1": {
        "event_id": "tms-1",
        "event_type": "status",
        "shipment_reference": "S1",
        "occurred_at": "2026-05-01T10:00:00+02:00",
        "payload": {"k": 1},
        "correlation_id": "c-1",
        "schema_version": "1",
        "received_at": RECEIVED,
        "traceparent": TRACEPARENT,
    },
    "doc-1": {
        "event_id": "doc-1",
        "format": "json",
        "received_at": RECEIVED,
        "correlation_id": "c-2",
        "document": {"tracking": "KEY-1", "n": 1},
    },
    "ABCD:1:1:0001": {
        "event_id": "ABCD:1:1:0001",
        "format": "x12-214",
        "received_at": RECEIVED,
        "correlation_id": "c-3",
        "document": {"st_control": "0001"},
    },
}


def raw_document(event_id: str, document: str) -> NewEvent:
    """A json document of endpoint ``docs`` under the ordering key KEY-1, as decoded now."""
    return replace(
        new_event(event_id, "KEY-1", endpoint="docs"),
        format="json",
        event_type=None,
        shipment_reference=None,
        payload_json=document,
        schema_version="raw-1",
    )


def assert_version_4_inbox_migrates(url: str, monkeypatch) -> None:
    """An inbox of the release that kept a raw document's format in ``event_type`` and its
    ordering key in ``shipment_reference`` gets the columns ``format`` and ``ordering_key``:
    every row means what it meant, is forwarded the same and keeps its place in its order."""
    with monkeypatch.context() as previous_release:
        previous_release.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
        previous_release.setattr(migrations, "SCHEMA_VERSION", 4)
        inbox = open_inbox(url)
        inbox._ops(lambda conn: [conn.execute(inbox._sql(V4_INSERT), row) for row in V4_ROWS])
        inbox.close()
    inbox = open_inbox(url)
    try:
        kept = {event.event_id: event for event in inbox.list_events()}
        columns = {
            event_id: (e.format, e.ordering_key, e.event_type, e.shipment_reference)
            for event_id, e in kept.items()
        }
        assert columns == {
            "tms-1": ("tms-event", "S1", "status", "S1"),
            "doc-1": ("json", "KEY-1", None, None),
            "doc-2": ("json", "KEY-1", None, None),
            "ABCD:1:1:0001": ("x12-214", "SHP-0042", None, None),
        }
        assert {event_id: kept[event_id].to_odoo() for event_id in V4_FORWARDED} == V4_FORWARDED
        # doc-2 waits behind doc-1, the older pending event of its ordering key.
        assert [event.event_id for event in inbox.claim("t", 10, 60)] == ["tms-1", "doc-1"]
        # A redelivered document is told from a changed one by its content, as before.
        again = raw_document("doc-1", '{"n":1,"tracking":"KEY-1"}')
        changed = raw_document("doc-2", '{"tracking":"KEY-1","n":3}')
        assert [r.status for r in inbox.add([again, changed])] == ["duplicate", "conflict"]
    finally:
        inbox.close()


def test_version_4_inbox_gains_format_and_ordering_key(new_inbox_url, monkeypatch):
    assert_version_4_inbox_migrates(new_inbox_url, monkeypatch)
    assert version_at(new_inbox_url) == SCHEMA_VERSION


def x12_set(event_id: str, b10: str, date: str = "260501") -> NewEvent:
    """An X12 214 set of endpoint ``edi`` as decoded now, its interchange dated ``date``."""
    document = {
        "isa": {"sender_id": "ABCD", "control_number": "000000001", "date": date, "time": "1015"},
        "gs": {"sender_code": "ABCD", "control_number": "1", "version": "004010"},
        "st_control": "0001",
        "segments": [["B10", b10, "SHP-1", "ABCD"], ["AT7", "AF", "NS"]],
    }
    return replace(
        new_event(event_id, "SHP-1", endpoint="edi"),
        format="x12-214",
        event_type=None,
        shipment_reference=None,
        payload_json=json.dumps(document),
        schema_version="raw-1",
    )


def conflict_rows(inbox) -> list[tuple[int, str]]:
    return inbox._ops(
        lambda conn: inbox._run(
            conn,
            "SELECT id, content_hash FROM inbox_event WHERE conflict_of IS NOT NULL ORDER BY id",
        ).fetchall()
    )


def keep_under_whole_document_hash(inbox, event: NewEvent) -> None:
    """The conflicting ``event`` as kept before the interchange date and time were left out
    of an X12 set's content: under the hash of its whole document."""
    whole_hash = content_hash(json.loads(event.payload_json))
    inbox._ops(
        lambda conn: inbox._run(
            conn,
            "UPDATE inbox_event SET content_hash = ? WHERE event_id = ? "
            "AND conflict_of IS NOT NULL AND content_hash <> ?",
            (whole_hash, event.event_id, whole_hash),
        )
    )


def test_version_5_inbox_hashes_its_conflicts_again(new_inbox_url, monkeypatch):
    """Conflicting X12 sets kept under their whole document's hash are kept under their
    content's: sent again, as they were or in a new envelope, they are the same conflict."""
    moved = x12_set("ABCD:1:1:0001", "PRO2")
    with monkeypatch.context() as previous_release:
        previous_release.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
        previous_release.setattr(migrations, "SCHEMA_VERSION", 5)
        inbox = open_inbox(new_inbox_url)
        statuses = [r.status for r in inbox.add([x12_set("ABCD:1:1:0001", "PRO1"), moved])]
        assert statuses == ["accepted", "conflict"]
        keep_under_whole_document_hash(inbox, moved)
        [(conflict_pk, whole_hash)] = conflict_rows(inbox)
        inbox.close()
    inbox = open_inbox(new_inbox_url)
    try:
        assert conflict_rows(inbox) == [(conflict_pk, event_hash(moved))]
        assert whole_hash != event_hash(moved)
        reenveloped = x12_set("ABCD:1:1:0001", "PRO2", date="260502")
        assert [r.status for r in inbox.add([moved, reenveloped])] == ["conflict", "conflict"]
        assert [pk for pk, _hash in conflict_rows(inbox)] == [conflict_pk]
    finally:
        inbox.close()
    assert version_at(new_inbox_url) == SCHEMA_VERSION


def test_a_conflict_kept_again_under_the_new_hash_keeps_both_rows(new_inbox_url, monkeypatch):
    """A content kept under its whole document's hash and again under its content's (sent
    again in a new envelope in between) is two rows: the later one keeps the hash, the
    earlier one its own, and a resend adds none."""
    moved = x12_set("ABCD:1:1:0001", "PRO2")
    reenveloped = x12_set("ABCD:1:1:0001", "PRO2", date="260502")
    with monkeypatch.context() as previous_release:
        previous_release.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
        previous_release.setattr(migrations, "SCHEMA_VERSION", 5)
        inbox = open_inbox(new_inbox_url)
        inbox.add([x12_set("ABCD:1:1:0001", "PRO1"), moved])
        keep_under_whole_document_hash(inbox, moved)
        inbox.add([reenveloped])
        kept = conflict_rows(inbox)
        inbox.close()
    assert len(kept) == 2
    inbox = open_inbox(new_inbox_url)
    try:
        assert conflict_rows(inbox) == kept
        assert [r.status for r in inbox.add([moved])] == ["conflict"]
        assert conflict_rows(inbox) == kept
    finally:
        inbox.close()
