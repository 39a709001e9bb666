"""The PostgreSQL dialect: one inbox shared by several bridge processes.

Claims use ``FOR UPDATE SKIP LOCKED`` plus a lease in ``claimed_until``, so that a crashed
claimer's work is claimed again.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import InboxError
from .inbox import Inbox


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
                self._migrate(self._operator, "postgresql")
        except BaseException as exc:
            self.close()
            if isinstance(exc, psycopg.Error):
                raise InboxError(f"cannot migrate PostgreSQL inbox: {exc}") from exc
            raise
        self._count_pending()

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
