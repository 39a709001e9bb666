"""The inbox: durable storage of accepted events, shared by the HTTP side and the forwarder.

One ``Inbox`` interface, two implementations chosen by URL scheme: ``sqlite:///path``
(one bridge process; WAL, ``synchronous=FULL``) and ``postgresql://...`` (several
bridge processes share one inbox; claims use ``FOR UPDATE SKIP LOCKED`` plus a lease
in ``claimed_until`` so that a crashed claimer's work is claimed again).

Accepted events are written by group commit: concurrent requests queue their
events, one of them (the leader) writes everything queued in one transaction with
a savepoint per request, commits (one fsync), and only then does any of them answer.

Only the oldest pending event of a shipment (endpoint + shipment_reference) can be
claimed, so events of one shipment are forwarded in receipt order and a stuck event
holds back only its own shipment.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .config import sqlite_path
from .exceptions import InboxError, InboxSchemaTooNew, UnsupportedInboxUrl
from .models import STATES, AddResult, InboxStatus, NewEvent, StoredEvent, event_hash, stored_hash

_logger = logging.getLogger(__name__)

_EVENT_COLUMNS = (
    "id, endpoint, event_id, event_type, shipment_reference, occurred_at, payload, "
    "correlation_id, schema_version, received_at, state, attempts, result, reason, traceparent, "
    "conflict_of"
)
_FIELD_NAMES = tuple(StoredEvent.model_fields)
_ELIGIBLE_SQL = (
    "SELECT " + ", ".join("e." + c.strip() for c in _EVENT_COLUMNS.split(",")) + " "
    "FROM inbox_event e "
    "WHERE e.state = 'pending' AND e.next_attempt_ts <= ? "
    "AND (e.claimed_until IS NULL OR e.claimed_until < ?) "
    "AND NOT EXISTS (SELECT 1 FROM inbox_event p WHERE p.state = 'pending' "
    "AND p.endpoint = e.endpoint AND p.shipment_reference = e.shipment_reference "
    "AND p.id < e.id) "
    "ORDER BY e.id LIMIT ?"
)
_INSERT_SQL = (
    "INSERT INTO inbox_event (endpoint, event_id, webhook_id, event_type, shipment_reference, "
    "occurred_at, payload, correlation_id, schema_version, received_at, received_ts, state, "
    "attempts, next_attempt_ts, updated_ts, traceparent, content_hash, conflict_of) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, 0, ?, ?, ?, ?) "
    "ON CONFLICT DO NOTHING"
)
# The event an id (or webhook id) already names: the first kept, never a conflicting one.
_KEPT_SQL = (
    "SELECT id, correlation_id, event_type, shipment_reference, occurred_at, payload, "
    "schema_version, content_hash FROM inbox_event WHERE endpoint = ? "
    "AND (event_id = ? OR webhook_id = ?) AND conflict_of IS NULL ORDER BY id LIMIT 1"
)


@dataclass
class Outcome:
    """What the forwarder learnt about one claimed event."""

    id: int
    state: str  # pending (retry later), forwarded, rejected or failed
    result: str | None = None
    reason: str | None = None
    retry_at: float = 0.0


@dataclass
class _Ticket:
    events: Sequence[NewEvent]
    result: list[AddResult] | None = None
    error: BaseException | None = None
    done: bool = False


@dataclass
class _Cached:
    value: int = 0
    at: float = field(default=-1e18)


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class Inbox(ABC):
    """Durable event inbox; every method is thread-safe."""

    placeholder = "?"
    _writer: Any  # the group-commit connection
    _operator: Any  # the connection of claims, answers and operations

    def __init__(self) -> None:
        self._write_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Ticket] = []
        self._ops_lock = threading.RLock()
        self._pending_cache = _Cached()

    # -- connection handling (per backend) -------------------------------------------------
    @abstractmethod
    def _write_conn(self) -> Any: ...

    @abstractmethod
    def _ops_conn(self) -> Any: ...

    @abstractmethod
    def _begin(self, conn: Any, *, write: bool) -> None: ...

    @abstractmethod
    def _commit(self, conn: Any) -> None: ...

    @abstractmethod
    def _rollback(self, conn: Any) -> None: ...

    @property
    @abstractmethod
    def _db_errors(self) -> tuple[type[BaseException], ...]: ...

    @abstractmethod
    def _lock_clause(self) -> str: ...

    def close(self) -> None:
        """Close every connection; the inbox is unusable afterwards."""
        with self._write_lock, self._ops_lock:
            self._writer.close()
            self._operator.close()

    def _sql(self, statement: str) -> str:
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)

    def _run(self, conn: Any, statement: str, params: Sequence[Any] = ()) -> Any:
        return conn.execute(self._sql(statement), tuple(params))

    def _ops(self, work: Any, *, write: bool = True) -> Any:
        """Run ``work(conn)`` in one transaction on the operations connection."""
        with self._ops_lock:
            conn = self._ops_conn()
            try:
                self._begin(conn, write=write)
                value = work(conn)
                self._commit(conn)
                return value
            except self._db_errors as exc:
                self._safe_rollback(conn)
                raise InboxError(f"inbox operation failed: {exc}") from exc
            except BaseException:
                self._safe_rollback(conn)
                raise

    def _safe_rollback(self, conn: Any) -> None:
        try:
            self._rollback(conn)
        except self._db_errors:
            _logger.debug("rollback failed", exc_info=True)

    # -- accepting ------------------------------------------------------------------------
    def add(self, events: Sequence[NewEvent]) -> list[AddResult]:
        """Store events all-or-nothing; returns once they are committed (durable)."""
        ticket = _Ticket(events)
        with self._queue_lock:
            self._queue.append(ticket)
        with self._write_lock:
            if not ticket.done:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                self._write_group(group)
        if ticket.error is not None:
            raise ticket.error
        assert ticket.result is not None
        return ticket.result

    def add_group(
        self, requests: Sequence[Sequence[NewEvent]]
    ) -> list[list[AddResult] | InboxError]:
        """Store several requests' events in one commit (one fsync), each all-or-nothing.

        For a caller that gathers requests itself (one writer thread serving an event
        loop): the answer per request is its results, or the InboxError that refused it.
        """
        group = [_Ticket(events) for events in requests]
        with self._write_lock:
            self._write_group(group)
        return [ticket.error or ticket.result or [] for ticket in group]

    def _write_group(self, group: list[_Ticket]) -> None:
        conn = None
        try:
            conn = self._write_conn()
            self._begin(conn, write=True)
            if len(group) == 1:  # no neighbour to protect: skip the savepoint round-trips
                group[0].result = [self._insert(conn, event) for event in group[0].events]
            else:
                for ticket in group:
                    self._insert_request(conn, ticket)
            self._commit(conn)
        except (*self._db_errors, InboxError) as exc:  # InboxError: reconnecting failed
            _logger.error("inbox commit failed for %d request(s): %s", len(group), exc)
            if conn is not None:
                self._safe_rollback(conn)
            for ticket in group:
                ticket.result = None
                ticket.error = InboxError(f"cannot commit events: {exc}")
        finally:
            for ticket in group:
                ticket.done = True

    def _insert_request(self, conn: Any, ticket: _Ticket) -> None:
        """Insert one request's events under a savepoint so a failure spares its neighbours."""
        self._run(conn, "SAVEPOINT request")
        try:
            ticket.result = [self._insert(conn, event) for event in ticket.events]
            self._run(conn, "RELEASE SAVEPOINT request")
        except self._db_errors as exc:
            self._run(conn, "ROLLBACK TO SAVEPOINT request")
            self._run(conn, "RELEASE SAVEPOINT request")
            ticket.result = None
            ticket.error = InboxError(f"cannot store events: {exc}")

    def _insert(self, conn: Any, event: NewEvent) -> AddResult:
        if self._insert_row(conn, event) == 1:
            return AddResult(event.event_id, "accepted", event.correlation_id)
        kept = self._run(
            conn, _KEPT_SQL, (event.endpoint, event.event_id, event.webhook_id)
        ).fetchone()
        if kept is None:  # only a conflicting body holds the key: cannot happen, but no loss
            return AddResult(event.event_id, "duplicate", event.correlation_id)
        kept_pk, kept_correlation, *kept_fields, kept_hash = kept
        # Hashed only now, on a duplicate: the accepting path stays free of the work.
        new_hash = event_hash(event)
        if not kept_hash:
            try:
                kept_hash = stored_hash(*kept_fields)
            except ValueError:  # not JSON, kept by an older bridge: never the same content
                kept_hash = None
        if new_hash == kept_hash:
            # A duplicate answers with the correlation id of the event already kept.
            return AddResult(event.event_id, "duplicate", kept_correlation)
        # Kept like any accepted event (forwarded for review after the first); the same
        # conflicting content again is already kept, so ON CONFLICT leaves it.
        self._insert_row(conn, event, new_hash, kept_pk)
        return AddResult(event.event_id, "conflict", event.correlation_id)

    def _insert_row(
        self,
        conn: Any,
        event: NewEvent,
        content: str | None = None,
        conflict_of: int | None = None,
    ) -> int:
        received_ts = event.received_at.timestamp()
        return self._run(
            conn,
            _INSERT_SQL,
            (
                event.endpoint,
                event.event_id,
                None if conflict_of else event.webhook_id,
                event.event_type,
                event.shipment_reference,
                event.occurred_at,
                event.payload_json,
                event.correlation_id,
                event.schema_version,
                _utc_iso(event.received_at),
                received_ts,
                received_ts,
                event.traceparent,
                content,
                conflict_of,
            ),
        ).rowcount

    def insert_raw(self, rows: Iterable[Sequence[Any]]) -> None:
        """Bulk-load rows ``(endpoint, event_id, event_type, shipment_reference, occurred_at,
        payload, correlation_id, schema_version, received_at, received_ts, state, updated_ts)``;
        meant for benchmarks and migrations, not for the request path."""

        def work(conn: Any) -> None:
            self._executemany(
                conn,
                "INSERT INTO inbox_event (endpoint, event_id, event_type, shipment_reference, "
                "occurred_at, payload, correlation_id, schema_version, received_at, received_ts, "
                "state, attempts, next_attempt_ts, updated_ts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)",
                rows,
            )

        self._ops(work)

    def _executemany(self, conn: Any, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        conn.executemany(self._sql(statement), rows)

    # -- forwarding -----------------------------------------------------------------------
    def claim(self, owner: str, limit: int, lease_seconds: float) -> list[StoredEvent]:
        """Lease up to ``limit`` eligible events (oldest pending of their shipment) to ``owner``."""
        now = time.time()

        def work(conn: Any) -> list[StoredEvent]:
            rows = self._run(conn, _ELIGIBLE_SQL + self._lock_clause(), (now, now, limit))
            events = [self._to_event(row) for row in rows.fetchall()]
            if events:
                ids = [event.id for event in events]
                marks = ", ".join("?" * len(ids))
                self._run(
                    conn,
                    "UPDATE inbox_event SET claimed_until = ?, claimed_by = ? "
                    f"WHERE id IN ({marks})",
                    (now + lease_seconds, owner, *ids),
                )
            return events

        return self._ops(work)

    def release(self, owner: str, ids: Sequence[int]) -> None:
        """Give claimed events back untouched (Odoo was not reached); they stay pending."""
        if not ids:
            return
        marks = ", ".join("?" * len(ids))
        self._ops(
            lambda conn: self._run(
                conn,
                "UPDATE inbox_event SET claimed_until = NULL, claimed_by = NULL "
                f"WHERE claimed_by = ? AND id IN ({marks})",
                (owner, *ids),
            )
        )

    def release_all_claims(self) -> int:
        """Drop every lease; only safe when no other forwarder uses this inbox."""
        return self._ops(
            lambda conn: (
                self._run(
                    conn,
                    "UPDATE inbox_event SET claimed_until = NULL, claimed_by = NULL "
                    "WHERE claimed_by IS NOT NULL AND state = 'pending'",
                ).rowcount
            )
        )

    def record(self, owner: str, outcomes: Sequence[Outcome]) -> None:
        """Record Odoo's answers on the claimed rows (ignored if the lease passed to another)."""
        now = time.time()

        def work(conn: Any) -> None:
            for outcome in outcomes:
                if outcome.state == "pending":
                    self._run(
                        conn,
                        "UPDATE inbox_event SET attempts = attempts + 1, next_attempt_ts = ?, "
                        "claimed_until = NULL, claimed_by = NULL, reason = ?, updated_ts = ? "
                        "WHERE id = ? AND claimed_by = ?",
                        (outcome.retry_at, outcome.reason, now, outcome.id, owner),
                    )
                else:
                    self._run(
                        conn,
                        "UPDATE inbox_event SET state = ?, result = ?, reason = ?, "
                        "attempts = attempts + 1, claimed_until = NULL, claimed_by = NULL, "
                        "updated_ts = ? WHERE id = ? AND claimed_by = ?",
                        (outcome.state, outcome.result, outcome.reason, now, outcome.id, owner),
                    )

        self._ops(work)

    # -- operations -----------------------------------------------------------------------
    def replay(
        self,
        *,
        ids: Sequence[int] = (),
        state: str | None = None,
        endpoint: str | None = None,
        since: datetime | None = None,
    ) -> int:
        """Make rejected/failed events pending again; returns how many were reset."""
        clauses = ["state IN ('rejected', 'failed')"]
        params: list[Any] = []
        if ids:
            clauses.append(f"id IN ({', '.join('?' * len(ids))})")
            params.extend(ids)
        if state:
            clauses.append("state = ?")
            params.append(state)
        if endpoint:
            clauses.append("endpoint = ?")
            params.append(endpoint)
        if since:
            clauses.append("received_ts >= ?")
            params.append(since.timestamp())
        statement = (
            "UPDATE inbox_event SET state = 'pending', attempts = 0, next_attempt_ts = 0, "
            "claimed_until = NULL, claimed_by = NULL, result = NULL, updated_ts = ? WHERE "
            + " AND ".join(clauses)
        )
        return self._ops(lambda conn: self._run(conn, statement, (time.time(), *params)).rowcount)

    def purge(self, older_than: datetime, *, include_failed: bool = False) -> int:
        """Delete forwarded events last touched before ``older_than`` (and rejected/failed ones
        only with ``include_failed``); returns how many rows went."""
        states = ("forwarded", "rejected", "failed") if include_failed else ("forwarded",)
        marks = ", ".join("?" * len(states))
        return self._ops(
            lambda conn: (
                self._run(
                    conn,
                    f"DELETE FROM inbox_event WHERE state IN ({marks}) AND updated_ts < ?",
                    (*states, older_than.timestamp()),
                ).rowcount
            )
        )

    def counts(self) -> dict[str, int]:
        """Number of events per state (every state present, zeros included)."""

        def work(conn: Any) -> dict[str, int]:
            rows = self._run(conn, "SELECT state, COUNT(*) FROM inbox_event GROUP BY state")
            found = dict.fromkeys(STATES, 0)
            found.update({state: int(count) for state, count in rows.fetchall()})
            return found

        return self._ops(work, write=False)

    def pending_count(self) -> int:
        """Pending events, cached for a second (used for backpressure on every request)."""
        now = time.monotonic()
        cached = self._pending_cache
        if now - cached.at > 1.0:
            value = self._ops(
                lambda conn: self._run(
                    conn, "SELECT COUNT(*) FROM inbox_event WHERE state = 'pending'"
                ).fetchone()[0],
                write=False,
            )
            self._pending_cache = _Cached(int(value), now)
        return self._pending_cache.value

    def status(self) -> InboxStatus:
        """Depth per state, oldest pending event, last Odoo error."""
        counts = self.counts()

        def work(conn: Any) -> tuple[Any, Any]:
            oldest = self._run(
                conn,
                "SELECT received_at, received_ts FROM inbox_event WHERE state = 'pending' "
                "ORDER BY id LIMIT 1",
            ).fetchone()
            error = self._run(
                conn, "SELECT value, updated_ts FROM bridge_meta WHERE key = 'last_odoo_error'"
            ).fetchone()
            return oldest, error

        oldest, error = self._ops(work, write=False)
        return InboxStatus(
            counts=counts,
            oldest_pending_received_at=oldest[0] if oldest else None,
            oldest_pending_age_seconds=round(time.time() - oldest[1], 3) if oldest else None,
            last_odoo_error=error[0] if error else None,
            last_odoo_error_at=(
                _utc_iso(datetime.fromtimestamp(error[1], UTC)) if error and error[0] else None
            ),
        )

    def get_event(self, event_pk: int) -> StoredEvent | None:
        """One inbox row by primary key."""
        row = self._ops(
            lambda conn: self._run(
                conn, f"SELECT {_EVENT_COLUMNS} FROM inbox_event WHERE id = ?", (event_pk,)
            ).fetchone(),
            write=False,
        )
        return self._to_event(row) if row else None

    def list_events(self, state: str | None = None, limit: int = 1000) -> list[StoredEvent]:
        """Inbox rows in receipt order, optionally of one state."""
        where, params = ("WHERE state = ?", (state, limit)) if state else ("", (limit,))
        rows = self._ops(
            lambda conn: self._run(
                conn,
                f"SELECT {_EVENT_COLUMNS} FROM inbox_event {where} ORDER BY id LIMIT ?",
                params,
            ).fetchall(),
            write=False,
        )
        return [self._to_event(row) for row in rows]

    def set_meta(self, key: str, value: str | None) -> None:
        """Remember a small operational fact (e.g. the last Odoo error)."""
        self._ops(
            lambda conn: self._run(
                conn,
                "INSERT INTO bridge_meta (key, value, updated_ts) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_ts = excluded.updated_ts",
                (key, value, time.time()),
            )
        )

    def get_meta(self, key: str) -> tuple[str | None, str] | None:
        """The value ``set_meta`` last gave ``key`` and when (UTC ISO-8601); None if never."""
        row = self._ops(
            lambda conn: self._run(
                conn, "SELECT value, updated_ts FROM bridge_meta WHERE key = ?", (key,)
            ).fetchone(),
            write=False,
        )
        return (row[0], _utc_iso(datetime.fromtimestamp(row[1], UTC))) if row else None

    def check_writable(self) -> None:
        """Raise ``InboxError`` unless a write can be committed now."""
        self.set_meta("heartbeat", _utc_iso(datetime.now(UTC)))

    @staticmethod
    def _to_event(row: Sequence[Any]) -> StoredEvent:
        return StoredEvent(**dict(zip(_FIELD_NAMES, row, strict=True)))


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


def _quarantine_non_json_payloads(inbox: Inbox, conn: Any) -> None:
    """Version 2: older bridges stored a number such as 1e400 as ``Infinity``,
    which is not JSON and which Odoo refuses, so such an event would fail its whole batch
    on every attempt. Unforwarded ones become *rejected* with the reason, so that they are
    visible in ``status`` and kept by ``purge`` until an operator has dealt with them."""
    rows = inbox._run(
        conn,
        "SELECT id, payload FROM inbox_event WHERE state IN ('pending', 'failed') "
        "AND (payload LIKE ? OR payload LIKE ?)",
        ("%Infinity%", "%NaN%"),
    ).fetchall()
    for event_pk, payload in rows:
        try:
            json.loads(payload, parse_constant=_rejects_constant)
        except ValueError:
            inbox._run(
                conn,
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
# SQLite cannot drop a table constraint: the table is rebuilt, ids and sequence kept.
_SQLITE_CONFLICTS = (
    """CREATE TABLE inbox_event_v4 (
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
    )""",
    f"INSERT INTO inbox_event_v4 ({_V3_COLUMNS}) SELECT {_V3_COLUMNS} FROM inbox_event",
    # Purged ids stay unused: the new table continues the old one's sequence.
    "DELETE FROM sqlite_sequence WHERE name = 'inbox_event_v4'",
    "INSERT INTO sqlite_sequence (name, seq) SELECT 'inbox_event_v4', seq FROM sqlite_sequence "
    "WHERE name = 'inbox_event'",
    "DROP TABLE inbox_event",
    "ALTER TABLE inbox_event_v4 RENAME TO inbox_event",
    "CREATE INDEX inbox_event_pending_shipment "
    "ON inbox_event (endpoint, shipment_reference, id) WHERE state = 'pending'",
    "CREATE INDEX inbox_event_state ON inbox_event (state, id)",
    *_CONFLICT_INDEXES,
)
_PG_CONFLICTS = (
    "ALTER TABLE inbox_event ADD COLUMN content_hash TEXT",
    "ALTER TABLE inbox_event ADD COLUMN conflict_of BIGINT",
    "ALTER TABLE inbox_event DROP CONSTRAINT IF EXISTS inbox_event_endpoint_event_id_key",
    "ALTER TABLE inbox_event DROP CONSTRAINT IF EXISTS inbox_event_endpoint_webhook_id_key",
    *_CONFLICT_INDEXES,
)


@dataclass(frozen=True)
class Migration:
    """One step of the inbox schema: DDL per dialect, then an optional data step."""

    version: int
    description: str
    sqlite: tuple[str, ...] = ()
    postgresql: tuple[str, ...] = ()
    data: Callable[[Inbox, Any], None] | None = None


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
)
SCHEMA_VERSION = MIGRATIONS[-1].version
_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS inbox_schema "
    "(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, migrated_ts {real})"
)


def migrate(inbox: Inbox, conn: Any, dialect: str) -> int:
    """Bring the inbox on ``conn`` to ``SCHEMA_VERSION`` inside the caller's transaction.

    Idempotent (a current inbox is left alone); an inbox without a version (created by
    18.0.1.0.0) counts as version 0, whose baseline DDL only creates what is missing.
    Refuses an inbox written by a newer bridge. Returns the version found.
    """
    real = "REAL" if dialect == "sqlite" else "DOUBLE PRECISION"
    inbox._run(conn, _VERSION_TABLE.format(real=real))
    row = inbox._run(conn, "SELECT version FROM inbox_schema WHERE id = 1").fetchone()
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
            inbox._run(conn, statement)
        if migration.data is not None:
            migration.data(inbox, conn)
        _logger.info(
            "inbox schema migrated to version %d: %s", migration.version, migration.description
        )
    if found < SCHEMA_VERSION:
        inbox._run(
            conn,
            "INSERT INTO inbox_schema (id, version, migrated_ts) VALUES (1, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
            "migrated_ts = excluded.migrated_ts",
            (SCHEMA_VERSION, time.time()),
        )
    return found


class SqliteInbox(Inbox):
    """Inbox in one SQLite file (WAL, fsync on every commit); for a single bridge process."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = str(path)
        self._writer = self._connect()
        self._operator = self._connect()
        with self._ops_lock:
            try:
                self._operator.execute("BEGIN IMMEDIATE")
                migrate(self, self._operator, "sqlite")
                self._operator.execute("COMMIT")
            except BaseException as exc:
                self._safe_rollback(self._operator)
                self.close()
                if isinstance(exc, sqlite3.Error):
                    raise InboxError(f"cannot migrate SQLite inbox {self.path}: {exc}") from exc
                raise

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.Error as exc:
            raise InboxError(f"cannot open SQLite inbox {self.path}: {exc}") from exc
        return conn

    def _write_conn(self) -> sqlite3.Connection:
        return self._writer

    def _ops_conn(self) -> sqlite3.Connection:
        return self._operator

    def _begin(self, conn: sqlite3.Connection, *, write: bool) -> None:
        # IMMEDIATE takes the write lock up front so a reader never has to upgrade (deadlock).
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def _commit(self, conn: sqlite3.Connection) -> None:
        conn.execute("COMMIT")

    def _rollback(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")

    @property
    def _db_errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    def _lock_clause(self) -> str:
        return ""


class PostgresInbox(Inbox):
    """Inbox in PostgreSQL, shared by several bridge processes."""

    placeholder = "%s"

    def __init__(self, url: str) -> None:
        super().__init__()
        import psycopg  # here, not at the top: it costs a SQLite-only bridge ~20 MB and 0.4 s

        self._psycopg = psycopg
        self.url = url
        self._writer = self._connect()
        self._operator = self._connect()
        # Several instances may start together; the advisory lock serialises migrations.
        try:
            with self._ops_lock, self._operator.transaction():
                self._operator.execute("SELECT pg_advisory_xact_lock(7463911)")
                migrate(self, self._operator, "postgresql")
        except BaseException as exc:
            self.close()
            if isinstance(exc, psycopg.Error):
                raise InboxError(f"cannot migrate PostgreSQL inbox: {exc}") from exc
            raise

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self.url, connect_timeout=10)
        except self._psycopg.Error as exc:
            raise InboxError(f"cannot connect to PostgreSQL inbox: {exc}") from exc

    def _fresh(self, conn: Any) -> Any:
        return conn if not conn.closed else self._connect()

    def _write_conn(self) -> Any:
        self._writer = self._fresh(self._writer)
        return self._writer

    def _ops_conn(self) -> Any:
        self._operator = self._fresh(self._operator)
        return self._operator

    def _begin(self, conn: Any, *, write: bool) -> None:
        # psycopg opens the transaction implicitly on the first statement.
        return None

    def _commit(self, conn: Any) -> None:
        conn.commit()

    def _rollback(self, conn: Any) -> None:
        if not conn.closed:
            conn.rollback()

    @property
    def _db_errors(self) -> tuple[type[BaseException], ...]:
        return (self._psycopg.Error,)

    def _lock_clause(self) -> str:
        return " FOR UPDATE OF e SKIP LOCKED"

    def _executemany(self, conn: Any, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        with conn.cursor() as cursor:
            cursor.executemany(self._sql(statement), list(rows))


def open_inbox(url: str) -> Inbox:
    """Open (and create if needed) the inbox named by ``url``."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = sqlite_path(url)
        if not path:
            raise UnsupportedInboxUrl("sqlite inbox URL needs a path: sqlite:///path/inbox.sqlite3")
        return SqliteInbox(path)
    if scheme in ("postgresql", "postgres"):
        return PostgresInbox(url)
    raise UnsupportedInboxUrl(f"unsupported inbox URL scheme {scheme!r}")
