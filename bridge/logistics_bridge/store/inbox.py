"""The inbox's repository API: accepting, claiming, answering and operating on events.

``Inbox`` holds every query; its subclasses (``sqlite``, ``postgres``) hold the connections
and what differs between the two SQL dialects, ``migrations`` the schema.

Accepted events are written by group commit (``group_commit``), a group's new events in one
statement; with a duplicate, a conflict or a failure among them, event by event with one
savepoint per request, so that a failing request spares the others of its group.

Only the oldest pending event of an ordering key (endpoint + ordering_key: the shipment)
can be claimed, so events of one shipment are forwarded in receipt order and a stuck event
holds back only its own shipment.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from ..exceptions import InboxError
from ..models import STATES, AddResult, InboxStatus, NewEvent, StoredEvent, event_hash, stored_hash
from .group_commit import GroupCommit, QueuedRequest
from .migrations import migrate

_logger = logging.getLogger(__name__)

_EVENT_COLUMNS = (
    "id, endpoint, event_id, format, ordering_key, event_type, shipment_reference, occurred_at, "
    "payload, correlation_id, schema_version, received_at, state, attempts, result, reason, "
    "traceparent, conflict_of"
)
_FIELD_NAMES = tuple(StoredEvent.model_fields)
_ELIGIBLE_SQL = (
    "SELECT " + ", ".join("e." + c.strip() for c in _EVENT_COLUMNS.split(",")) + " "
    "FROM inbox_event e "
    "WHERE e.state = 'pending' AND e.next_attempt_ts <= ? "
    "AND (e.claimed_until IS NULL OR e.claimed_until < ?) "
    "AND NOT EXISTS (SELECT 1 FROM inbox_event p WHERE p.state = 'pending' "
    "AND p.endpoint = e.endpoint AND p.ordering_key = e.ordering_key "
    "AND p.id < e.id) "
    "ORDER BY e.id LIMIT ?"
)
_INSERT_HEAD = (
    "INSERT INTO inbox_event (endpoint, event_id, webhook_id, format, ordering_key, event_type, "
    "shipment_reference, occurred_at, payload, correlation_id, schema_version, received_at, "
    "received_ts, state, attempts, next_attempt_ts, updated_ts, traceparent, content_hash, "
    "conflict_of) VALUES "
)
_INSERT_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, 0, ?, ?, ?, ?)"
_INSERT_TAIL = " ON CONFLICT DO NOTHING"
_INSERT_SQL = _INSERT_HEAD + _INSERT_ROW + _INSERT_TAIL
# Rows per multi-row INSERT: 17 parameters each stays under either dialect's bound limit.
ROWS_PER_INSERT = 500
# How old the count of pending events may be before the writer counts again.
PENDING_COUNT_SECONDS = 1.0
# The event an id (or webhook id) already names: the first kept, never a conflicting one.
_KEPT_SQL = (
    "SELECT id, event_id, ordering_key, correlation_id, format, event_type, shipment_reference, "
    "occurred_at, payload, schema_version, content_hash FROM inbox_event WHERE endpoint = ? "
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
class _Cached:
    value: int = 0
    at: float = field(default=-1e18)


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def insert_statement(rows: int, *, skip_existing: bool) -> str:
    """An INSERT of ``rows`` events (``Inbox.values``): one with an id already kept is left
    out with ``skip_existing``, and fails the whole statement otherwise."""
    return _INSERT_HEAD + ", ".join([_INSERT_ROW] * rows) + (_INSERT_TAIL if skip_existing else "")


class Inbox(ABC):
    """Durable event inbox; every method is thread-safe."""

    placeholder = "?"
    _writer: Any  # the group-commit connection
    _operator: Any  # the connection of claims, answers and operations

    def __init__(self) -> None:
        self._group_commit = GroupCommit(self._write_group, self._count_pending)
        self._ops_lock = threading.RLock()
        # Counted by the writer (``_count_pending``) and moved on by its commits: a request
        # reads it and never waits for a query.
        self._pending_cache = _Cached()
        # Events this process committed so far: idle forwarders wait for it to move.
        self._accepted = threading.Condition()
        self._accepted_total = 0

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
        """Commit what is queued, then close every connection; the inbox is unusable
        afterwards."""
        self._group_commit.close()
        with self._group_commit.write_lock, self._ops_lock:
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
        return self._group_commit.submit(events)

    def add_soon(
        self,
        events: Sequence[NewEvent],
        loop: asyncio.AbstractEventLoop,
        callback: Callable[[QueuedRequest], None],
    ) -> None:
        """``add`` for an event loop, called on ``loop``: returns at once; ``callback(request)``
        runs on ``loop`` once the events are committed (or refused), ``request.outcome()``
        then gives ``add``'s results or raises its ``InboxError``."""
        self._group_commit.submit_soon(events, loop, callback)

    def _write_group(self, group: list[QueuedRequest]) -> None:
        conn = None
        try:
            conn = self._write_conn()
            if self._store_new(conn, [event for request in group for event in request.events]):
                for request in group:
                    request.result = [
                        AddResult(event.event_id, "accepted", event.correlation_id)
                        for event in request.events
                    ]
            else:
                # A duplicate, a conflict or a failing request in the group: again, event by
                # event, one savepoint per request so that a failing one spares the others.
                self._begin(conn, write=True)
                for request in group:
                    self._insert_request(conn, request)
                self._commit(conn)
            self._announce(group)
        except (*self._db_errors, InboxError) as exc:  # InboxError: reconnecting failed
            _logger.error("inbox commit failed for %d request(s): %s", len(group), exc)
            if conn is not None:
                self._safe_rollback(conn)
            for request in group:
                request.result = None
                request.error = InboxError(f"cannot commit events: {exc}")
        finally:
            for request in group:
                request.done = True

    def _announce(self, group: list[QueuedRequest]) -> None:
        """Wake the forwarders waiting for new events, if ``group`` committed any."""
        stored = sum(
            1
            for request in group
            for result in request.result or ()
            if result.status in ("accepted", "conflict")
        )
        if stored:
            self._pending_cache.value += stored
            with self._accepted:
                self._accepted_total += stored
                self._accepted.notify_all()

    def accepted_count(self) -> int:
        """Events this process has committed to the inbox so far (a counter to wait on)."""
        with self._accepted:
            return self._accepted_total

    def wait_accepted(self, seen: int, timeout: float) -> bool:
        """Wait until this process commits events beyond ``seen`` (``accepted_count``), at
        most ``timeout`` seconds; True if it did. Another process sharing the inbox does
        not wake it: the timeout is the poll interval for its events."""
        with self._accepted:
            return self._accepted.wait_for(lambda: self._accepted_total != seen, timeout)

    def _store_new(self, conn: Any, events: list[NewEvent]) -> bool:
        """Insert ``events`` and commit them if every one is new (the usual case): True once
        they are durable, False with nothing kept if one was not or failed."""
        self._begin(conn, write=True)
        if self._insert_new(conn, events):
            self._commit(conn)
            return True
        self._rollback(conn)
        return False

    def _insert_new(self, conn: Any, events: list[NewEvent]) -> bool:
        """Insert ``events`` in a few statements; True if every one was new (the usual case),
        False if one was not or failed, the transaction then to be rolled back.

        A few statements rather than one per event: the interpreter lock is let go and taken
        again around each statement, and a writer that waits for it behind busy request
        threads at every event makes small groups of slow commits."""
        try:
            for start in range(0, len(events), ROWS_PER_INSERT):
                chunk = events[start : start + ROWS_PER_INSERT]
                statement = insert_statement(len(chunk), skip_existing=True)
                if self._run(conn, statement, self.values(chunk)).rowcount != len(chunk):
                    return False
        except self._db_errors as exc:
            _logger.debug("group insert failed, retrying request by request: %s", exc)
            return False
        return True

    def _insert_request(self, conn: Any, request: QueuedRequest) -> None:
        """Insert one request's events under a savepoint so a failure spares its neighbours."""
        self._run(conn, "SAVEPOINT request")
        try:
            request.result = [self._insert(conn, event) for event in request.events]
            self._run(conn, "RELEASE SAVEPOINT request")
        except self._db_errors as exc:
            self._run(conn, "ROLLBACK TO SAVEPOINT request")
            self._run(conn, "RELEASE SAVEPOINT request")
            request.result = None
            request.error = InboxError(f"cannot store events: {exc}")

    def _insert(self, conn: Any, event: NewEvent) -> AddResult:
        if self._insert_row(conn, event) == 1:
            return AddResult(event.event_id, "accepted", event.correlation_id)
        kept = self._run(
            conn, _KEPT_SQL, (event.endpoint, event.event_id, event.webhook_id)
        ).fetchone()
        if kept is None:  # only a conflicting body holds the key: cannot happen, but no loss
            return AddResult(event.event_id, "duplicate", event.correlation_id)
        kept_pk, kept_event_id, kept_key, kept_correlation, *kept_fields, kept_hash = kept
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
        # Kept like any accepted event, for review in Odoo; the same conflicting content
        # again is already kept, so ON CONFLICT leaves it. Under the first's id: one found
        # by its webhook-id is that message again, and under an id of its own Odoo would
        # apply it as another event. In the first's ordering key: forwarded before the
        # first (its own shipment free, the first's held back), it would be applied as the
        # event and the first kept for review as its conflict.
        conflict = replace(event, event_id=kept_event_id, ordering_key=kept_key)
        self._insert_row(conn, conflict, new_hash, kept_pk)
        return AddResult(event.event_id, "conflict", event.correlation_id)

    def _insert_row(
        self,
        conn: Any,
        event: NewEvent,
        content: str | None = None,
        conflict_of: int | None = None,
    ) -> int:
        return self._run(conn, _INSERT_SQL, self._row(event, content, conflict_of)).rowcount

    @classmethod
    def values(cls, events: Sequence[NewEvent]) -> list[Any]:
        """The parameters of ``insert_statement`` for ``events``."""
        # Flattened in C: the writer builds them holding the interpreter lock.
        return list(chain.from_iterable(map(cls._row, events)))

    @staticmethod
    def _row(
        event: NewEvent, content: str | None = None, conflict_of: int | None = None
    ) -> tuple[Any, ...]:
        """An event's values for ``_INSERT_ROW``."""
        received_ts = event.received_at.timestamp()
        return (
            event.endpoint,
            event.event_id,
            None if conflict_of else event.webhook_id,
            event.format,
            event.ordering_key,
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
        )

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
        """Record Odoo's answers on the claimed rows (ignored if the lease passed to another).

        One UPDATE per distinct answer, not per event: a batch Odoo processed whole is one
        statement, where one per event cost PostgreSQL a round trip each."""
        now = time.time()
        alike: dict[tuple[str, str | None, str | None, float], list[int]] = {}
        for outcome in outcomes:
            retry_at = outcome.retry_at if outcome.state == "pending" else 0.0
            key = (outcome.state, outcome.result, outcome.reason, retry_at)
            alike.setdefault(key, []).append(outcome.id)

        def work(conn: Any) -> None:
            for (state, result, reason, retry_at), ids in alike.items():
                marks = ", ".join("?" * len(ids))
                if state == "pending":
                    self._run(
                        conn,
                        "UPDATE inbox_event SET attempts = attempts + 1, next_attempt_ts = ?, "
                        "claimed_until = NULL, claimed_by = NULL, reason = ?, updated_ts = ? "
                        f"WHERE claimed_by = ? AND id IN ({marks})",
                        (retry_at, reason, now, owner, *ids),
                    )
                else:
                    self._run(
                        conn,
                        "UPDATE inbox_event SET state = ?, result = ?, reason = ?, "
                        "attempts = attempts + 1, claimed_until = NULL, claimed_by = NULL, "
                        f"updated_ts = ? WHERE claimed_by = ? AND id IN ({marks})",
                        (state, result, reason, now, owner, *ids),
                    )

        if alike:
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
        """Pending events (for backpressure on every request): as the group commit's writer
        counted them at most about ``PENDING_COUNT_SECONDS`` ago, plus those committed since.

        Never a query of its own: it is read on the event loop that answers every callback,
        and a count waiting for the database, or for a backlog of a million rows to be
        counted, would hold all of them up. Once the count is older, the writer is asked to
        count again between two commits."""
        cached = self._pending_cache
        if time.monotonic() - cached.at > PENDING_COUNT_SECONDS:
            self._group_commit.request_upkeep()
        return cached.value

    def _count_pending(self) -> None:
        """Count the pending events on the writer's connection (the writer's upkeep)."""
        conn = None
        try:
            conn = self._write_conn()
            self._begin(conn, write=False)
            count = self._run(
                conn, "SELECT COUNT(*) FROM inbox_event WHERE state = 'pending'"
            ).fetchone()[0]
            self._commit(conn)
        except (*self._db_errors, InboxError) as exc:
            _logger.warning("cannot count the pending events, counting again later: %s", exc)
            if conn is not None:
                self._safe_rollback(conn)
            self._pending_cache.at = time.monotonic()
            return
        self._pending_cache = _Cached(int(count), time.monotonic())

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

    def _migrate(self, conn: Any, dialect: str) -> int:
        """Bring the schema on ``conn`` to the current version inside its transaction."""
        return migrate(lambda statement, params=(): self._run(conn, statement, params), dialect)
