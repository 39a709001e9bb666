"""The inbox schema: one numbered migration per change, each with DDL per SQL dialect.

An inbox records the version it was brought to in ``inbox_schema``; opening it runs the
migrations above that version, in one transaction, so that an inbox written by any earlier
release is upgraded with every event kept.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..exceptions import InboxSchemaTooNew
from ..models import stored_hash

_logger = logging.getLogger(__name__)


class Execute(Protocol):
    """Runs one statement (``?`` placeholders) in the migrating transaction."""

    def __call__(self, statement: str, params: Sequence[Any] = (), /) -> Any: ...


def _baseline(id_column: str, real: str) -> tuple[str, ...]:
    """Schema version 1, the inbox of 18.0.1.0.0 (which had no version): frozen, because
    inboxes created by that release are migrated from exactly this. Changes go into a new
    migration below, never here."""
    return (
        f"""CREATE TABLE IF NOT EXISTS inbox_event (
            id {id_column},
            endpoint TEXT NOT NULL,
            event_id TEXT NOT NULL,
            webhook_id TEXT,
            event_type TEXT NOT NULL,
            shipment_reference TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            payload TEXT NOT NULL,
            correlation_id TEXT NOT NULL,
            schema_version TEXT NOT NULL,
            received_at TEXT NOT NULL,
            received_ts {real} NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_ts {real} NOT NULL DEFAULT 0,
            claimed_until {real},
            claimed_by TEXT,
            result TEXT,
            reason TEXT,
            updated_ts {real} NOT NULL,
            UNIQUE (endpoint, event_id),
            UNIQUE (endpoint, webhook_id)
        )""",
        (
            "CREATE INDEX IF NOT EXISTS inbox_event_pending_shipment "
            "ON inbox_event (endpoint, shipment_reference, id) WHERE state = 'pending'"
        ),
        # Serves the claim scan (pending by id), counts per state and purge.
        "CREATE INDEX IF NOT EXISTS inbox_event_state ON inbox_event (state, id)",
        "CREATE TABLE IF NOT EXISTS bridge_meta "
        f"(key TEXT PRIMARY KEY, value TEXT, updated_ts {real})",
    )


# AUTOINCREMENT: ids are never reused after a purge, so they keep meaning receipt order.
_SQLITE_BASELINE = _baseline("INTEGER PRIMARY KEY AUTOINCREMENT", "REAL")
_PG_BASELINE = _baseline("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "DOUBLE PRECISION")

NOT_JSON_REASON = "payload is not valid JSON (NaN or Infinity, kept by an older bridge)"


def _rejects_constant(name: str) -> Any:
    raise ValueError(name)


def _quarantine_non_json_payloads(execute: Execute) -> None:
    """Version 2: older bridges stored a number such as 1e400 as ``Infinity``,
    which is not JSON and which Odoo refuses, so such an event would fail its whole batch
    on every attempt. Unforwarded ones become *rejected* with the reason, so that they are
    visible in ``status`` and kept by ``purge`` until an operator has dealt with them."""
    rows = execute(
        "SELECT id, payload FROM inbox_event WHERE state IN ('pending', 'failed') "
        "AND (payload LIKE ? OR payload LIKE ?)",
        ("%Infinity%", "%NaN%"),
    ).fetchall()
    for event_pk, payload in rows:
        try:
            json.loads(payload, parse_constant=_rejects_constant)
        except ValueError:
            execute(
                "UPDATE inbox_event SET state = 'rejected', result = 'rejected', reason = ?, "
                "claimed_until = NULL, claimed_by = NULL, updated_ts = ? WHERE id = ?",
                (NOT_JSON_REASON, time.time(), event_pk),
            )
            _logger.warning("inbox event %s rejected: %s", event_pk, NOT_JSON_REASON)


# Nullable and without default: events kept before version 3 simply have none.
_ADD_TRACEPARENT = ("ALTER TABLE inbox_event ADD COLUMN traceparent TEXT",)

# Version 4: a conflicting duplicate is an inbox row of its own (``conflict_of`` = the row
# kept first, ``content_hash`` its content), so the ids stay unique among first rows only.
_CONFLICT_INDEXES = (
    "CREATE UNIQUE INDEX inbox_event_key ON inbox_event (endpoint, event_id) "
    "WHERE conflict_of IS NULL",
    "CREATE UNIQUE INDEX inbox_event_webhook ON inbox_event (endpoint, webhook_id) "
    "WHERE conflict_of IS NULL",
    "CREATE UNIQUE INDEX inbox_event_conflict ON inbox_event (conflict_of, content_hash) "
    "WHERE conflict_of IS NOT NULL",
)
_V3_COLUMNS = (
    "id, endpoint, event_id, webhook_id, event_type, shipment_reference, occurred_at, payload, "
    "correlation_id, schema_version, received_at, received_ts, state, attempts, "
    "next_attempt_ts, claimed_until, claimed_by, result, reason, updated_ts, traceparent"
)


def _sqlite_rebuilt(
    version: int, definition: str, columns: str, select: str, indexes: Sequence[str]
) -> tuple[str, ...]:
    """SQLite cannot drop a table constraint: the table is rebuilt as ``definition``, its
    ``columns`` filled from ``SELECT select`` of the old one, ids and sequence kept, then
    given ``indexes`` (dropped with the old table)."""
    table = f"inbox_event_v{version}"
    return (
        f"CREATE TABLE {table} ({definition})",
        f"INSERT INTO {table} ({columns}) SELECT {select} FROM inbox_event",
        # Purged ids stay unused: the new table continues the old one's sequence.
        f"DELETE FROM sqlite_sequence WHERE name = '{table}'",
        f"INSERT INTO sqlite_sequence (name, seq) SELECT '{table}', seq FROM sqlite_sequence "
        "WHERE name = 'inbox_event'",
        "DROP TABLE inbox_event",
        f"ALTER TABLE {table} RENAME TO inbox_event",
        *indexes,
    )


_SQLITE_CONFLICTS = _sqlite_rebuilt(
    4,
    """
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        endpoint TEXT NOT NULL,
        event_id TEXT NOT NULL,
        webhook_id TEXT,
        event_type TEXT NOT NULL,
        shipment_reference TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        schema_version TEXT NOT NULL,
        received_at TEXT NOT NULL,
        received_ts REAL NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ts REAL NOT NULL DEFAULT 0,
        claimed_until REAL,
        claimed_by TEXT,
        result TEXT,
        reason TEXT,
        updated_ts REAL NOT NULL,
        traceparent TEXT,
        content_hash TEXT,
        conflict_of INTEGER
    """,
    _V3_COLUMNS,
    _V3_COLUMNS,
    (
        "CREATE INDEX inbox_event_pending_shipment "
        "ON inbox_event (endpoint, shipment_reference, id) WHERE state = 'pending'",
        "CREATE INDEX inbox_event_state ON inbox_event (state, id)",
        *_CONFLICT_INDEXES,
    ),
)
_PG_CONFLICTS = (
    "ALTER TABLE inbox_event ADD COLUMN content_hash TEXT",
    "ALTER TABLE inbox_event ADD COLUMN conflict_of BIGINT",
    "ALTER TABLE inbox_event DROP CONSTRAINT IF EXISTS inbox_event_endpoint_event_id_key",
    "ALTER TABLE inbox_event DROP CONSTRAINT IF EXISTS inbox_event_endpoint_webhook_id_key",
    *_CONFLICT_INDEXES,
)


# Version 5: what a row is comes from columns that mean one thing. ``format`` is the endpoint
# format that read the event and ``ordering_key`` what its forwarding order is kept per;
# ``event_type`` and ``shipment_reference`` are the envelope's, NULL for a raw document.
# Until version 4 a raw document was stored with its format name as event type and its
# shipment key as shipment reference; that is how its rows are recognised and converted.
_WAS_RAW = "event_type IN ('json', 'x12-214')"
_V4_FORMAT = f"CASE WHEN {_WAS_RAW} THEN event_type ELSE 'tms-event' END"
_V4_EVENT_TYPE = f"CASE WHEN {_WAS_RAW} THEN NULL ELSE event_type END"
_V4_SHIPMENT_REFERENCE = f"CASE WHEN {_WAS_RAW} THEN NULL ELSE shipment_reference END"
_PENDING_BY_KEY = (
    "CREATE INDEX inbox_event_pending_key "
    "ON inbox_event (endpoint, ordering_key, id) WHERE state = 'pending'"
)
_V4_KEPT_COLUMNS = (
    "occurred_at, payload, correlation_id, schema_version, received_at, received_ts, state, "
    "attempts, next_attempt_ts, claimed_until, claimed_by, result, reason, updated_ts, "
    "traceparent, content_hash, conflict_of"
)
_SQLITE_FORMAT_COLUMNS = _sqlite_rebuilt(
    5,
    """
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        endpoint TEXT NOT NULL,
        event_id TEXT NOT NULL,
        webhook_id TEXT,
        format TEXT NOT NULL,
        ordering_key TEXT NOT NULL,
        event_type TEXT,
        shipment_reference TEXT,
        occurred_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        schema_version TEXT NOT NULL,
        received_at TEXT NOT NULL,
        received_ts REAL NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ts REAL NOT NULL DEFAULT 0,
        claimed_until REAL,
        claimed_by TEXT,
        result TEXT,
        reason TEXT,
        updated_ts REAL NOT NULL,
        traceparent TEXT,
        content_hash TEXT,
        conflict_of INTEGER
    """,
    "id, endpoint, event_id, webhook_id, format, ordering_key, event_type, shipment_reference, "
    + _V4_KEPT_COLUMNS,
    f"id, endpoint, event_id, webhook_id, {_V4_FORMAT}, shipment_reference, {_V4_EVENT_TYPE}, "
    f"{_V4_SHIPMENT_REFERENCE}, {_V4_KEPT_COLUMNS}",
    (
        _PENDING_BY_KEY,
        "CREATE INDEX inbox_event_state ON inbox_event (state, id)",
        *_CONFLICT_INDEXES,
    ),
)
_PG_FORMAT_COLUMNS = (
    "ALTER TABLE inbox_event ADD COLUMN format TEXT",
    "ALTER TABLE inbox_event ADD COLUMN ordering_key TEXT",
    "ALTER TABLE inbox_event ALTER COLUMN event_type DROP NOT NULL",
    "ALTER TABLE inbox_event ALTER COLUMN shipment_reference DROP NOT NULL",
    # One statement: every right-hand side reads the row as version 4 left it.
    f"UPDATE inbox_event SET format = {_V4_FORMAT}, ordering_key = shipment_reference, "
    f"event_type = {_V4_EVENT_TYPE}, shipment_reference = {_V4_SHIPMENT_REFERENCE}",
    "ALTER TABLE inbox_event ALTER COLUMN format SET NOT NULL",
    "ALTER TABLE inbox_event ALTER COLUMN ordering_key SET NOT NULL",
    "DROP INDEX inbox_event_pending_shipment",
    _PENDING_BY_KEY,
)


# Conflicting contents hashed per statement by version 6, in id order.
REHASH_BATCH = 1000


def _rehash_conflicts(execute: Execute) -> None:
    """Version 6: a conflicting content is kept under the hash of its content by the current
    rules (``models.stored_hash``); those kept before an X12 set's interchange date and time
    were left out have the whole document's, which a resend of it would never match. A row
    whose current hash another conflict of the same first event already holds (its content
    kept again under the new hash) keeps its own: that one is found, this one stays the
    record; one whose payload is not JSON (kept by an older bridge) keeps its hash too."""
    changed, after = 0, 0
    while True:
        rows = execute(
            "SELECT id, conflict_of, content_hash, format, event_type, shipment_reference, "
            "occurred_at, payload, schema_version FROM inbox_event "
            "WHERE conflict_of IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
            (after, REHASH_BATCH),
        ).fetchall()
        if not rows:
            break
        after = rows[-1][0]
        for event_pk, conflict_of, kept_hash, *fields in rows:
            try:
                current = stored_hash(*fields)
            except ValueError:
                continue
            if current == kept_hash:
                continue
            taken = execute(
                "SELECT 1 FROM inbox_event WHERE conflict_of = ? AND content_hash = ?",
                (conflict_of, current),
            ).fetchone()
            if taken is None:
                execute("UPDATE inbox_event SET content_hash = ? WHERE id = ?", (current, event_pk))
                changed += 1
    if changed:
        _logger.info("%d conflicting contents hashed again", changed)


@dataclass(frozen=True)
class Migration:
    """One step of the inbox schema: DDL per dialect, then an optional data step."""

    version: int
    description: str
    sqlite: tuple[str, ...] = ()
    postgresql: tuple[str, ...] = ()
    data: Callable[[Execute], None] | None = None


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "inbox events and bridge metadata", _SQLITE_BASELINE, _PG_BASELINE),
    Migration(2, "quarantine payloads that are not JSON", data=_quarantine_non_json_payloads),
    Migration(
        3,
        "W3C traceparent of the request that brought each event",
        sqlite=_ADD_TRACEPARENT,
        postgresql=_ADD_TRACEPARENT,
    ),
    Migration(
        4,
        "conflicting duplicates kept beside the event first received",
        sqlite=_SQLITE_CONFLICTS,
        postgresql=_PG_CONFLICTS,
    ),
    Migration(
        5,
        "format and ordering key in columns of their own; event type and shipment reference"
        " only where the envelope gives them",
        sqlite=_SQLITE_FORMAT_COLUMNS,
        postgresql=_PG_FORMAT_COLUMNS,
    ),
    Migration(
        6,
        "conflicting contents hashed by the current content rules",
        data=_rehash_conflicts,
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version
_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS inbox_schema "
    "(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, migrated_ts {real})"
)


def migrate(execute: Execute, dialect: str) -> int:
    """Bring the inbox ``execute`` writes to ``SCHEMA_VERSION`` inside the caller's transaction.

    Idempotent (a current inbox is left alone); an inbox without a version (created by
    18.0.1.0.0) counts as version 0, whose baseline DDL only creates what is missing.
    Refuses an inbox written by a newer bridge. Returns the version found.
    """
    real = "REAL" if dialect == "sqlite" else "DOUBLE PRECISION"
    execute(_VERSION_TABLE.format(real=real))
    row = execute("SELECT version FROM inbox_schema WHERE id = 1").fetchone()
    found = int(row[0]) if row else 0
    if found > SCHEMA_VERSION:
        raise InboxSchemaTooNew(
            f"inbox schema version {found} is newer than this bridge knows ({SCHEMA_VERSION});"
            " run the bridge release that wrote it, or a later one"
        )
    for migration in MIGRATIONS:
        if migration.version <= found:
            continue
        for statement in getattr(migration, dialect):
            execute(statement)
        if migration.data is not None:
            migration.data(execute)
        _logger.info(
            "inbox schema migrated to version %d: %s", migration.version, migration.description
        )
    if found < SCHEMA_VERSION:
        execute(
            "INSERT INTO inbox_schema (id, version, migrated_ts) VALUES (1, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
            "migrated_ts = excluded.migrated_ts",
            (SCHEMA_VERSION, time.time()),
        )
    return found
