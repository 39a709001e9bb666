"""The inbox: durable storage of accepted events, shared by the HTTP side and the forwarder.

One ``Inbox`` interface (``inbox``), two implementations chosen by URL scheme:
``sqlite:///path`` (``sqlite``: one bridge process) and ``postgresql://...`` (``postgres``:
several bridge processes share one inbox). ``group_commit`` writes accepted events,
``migrations`` keeps the schema.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..config import sqlite_path
from ..exceptions import UnsupportedInboxUrl
from .inbox import Inbox, Outcome
from .migrations import NOT_JSON_REASON, SCHEMA_VERSION
from .postgres import PostgresInbox
from .sqlite import SqliteInbox

__all__ = [
    "NOT_JSON_REASON",
    "SCHEMA_VERSION",
    "Inbox",
    "Outcome",
    "PostgresInbox",
    "SqliteInbox",
    "open_inbox",
]


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
