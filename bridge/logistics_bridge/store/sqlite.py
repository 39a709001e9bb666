"""The SQLite dialect: one file for one bridge process (WAL, fsync on every commit)."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from ..exceptions import InboxError
from ..models import NewEvent
from .inbox import ROWS_PER_INSERT, Inbox, insert_statement

_logger = logging.getLogger(__name__)


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
                self._migrate(self._operator, "sqlite")
                self._operator.execute("COMMIT")
            except BaseException as exc:
                self._safe_rollback(self._operator)
                self.close()
                if isinstance(exc, sqlite3.Error):
                    raise InboxError(f"cannot migrate SQLite inbox {self.path}: {exc}") from exc
                raise
        self._count_pending()

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

    def _store_new(self, conn: sqlite3.Connection, events: list[NewEvent]) -> bool:
        if len(events) > ROWS_PER_INSERT:
            return super()._store_new(conn, events)
        # Outside a transaction one statement is a transaction of its own: inserted,
        # committed and synced in one call. The writer lets the interpreter lock go and
        # takes it back once per group, not around a BEGIN, an INSERT and a COMMIT each,
        # every time queueing behind the busy event loop (which then waits for it in turn).
        try:
            conn.execute(insert_statement(len(events), skip_existing=False), self.values(events))
        except sqlite3.Error as exc:  # nothing kept: the statement is undone whole
            _logger.debug("group insert failed, retrying request by request: %s", exc)
            return False
        return True

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
