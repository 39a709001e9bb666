"""Inbox behaviour that needs no HTTP: failures while storing a group of requests."""

from __future__ import annotations

import pytest
from conftest import commit_together, new_event
from logistics_bridge.exceptions import InboxError
from logistics_bridge.store import SqliteInbox
from logistics_bridge.store.group_commit import QueuedRequest


@pytest.fixture
def inbox(tmp_path):
    store = SqliteInbox(tmp_path / "inbox.sqlite3")
    yield store
    store.close()


def test_lost_connection_answers_every_request_of_the_group(inbox, monkeypatch):
    """A writer that cannot (re)connect gives each request of its group an InboxError,
    which the HTTP side turns into 503 + Retry-After; none is left without an answer."""

    def cannot_connect():
        raise InboxError("cannot connect to PostgreSQL inbox: connection refused")

    monkeypatch.setattr(inbox, "_write_conn", cannot_connect)
    group = [QueuedRequest([new_event("e1")]), QueuedRequest([new_event("e2")])]
    inbox._write_group(group)
    assert all(request.done and request.result is None for request in group)
    assert all("connection refused" in str(request.error) for request in group)
    with pytest.raises(InboxError, match="connection refused"):
        inbox.add([new_event("e3")])
    monkeypatch.undo()
    assert [result.status for result in inbox.add([new_event("e3")])] == ["accepted"]


def test_group_of_requests_is_one_commit_with_an_answer_each(inbox, monkeypatch):
    commits = []
    commit = inbox._commit
    monkeypatch.setattr(inbox, "_commit", lambda conn: commits.append(commit(conn)))
    inbox.add([new_event("e1")])
    commits.clear()
    outcomes = commit_together(inbox, [[new_event("e2"), new_event("e3")], [new_event("e1")]])
    assert len(commits) == 1
    assert [[r.status for r in outcome] for outcome in outcomes] == [
        ["accepted", "accepted"],
        ["duplicate"],
    ]
    assert inbox.counts()["pending"] == 3


def test_group_that_cannot_commit_gives_each_request_its_error(inbox, monkeypatch):
    def cannot_connect():
        raise InboxError("disk gone")

    monkeypatch.setattr(inbox, "_write_conn", cannot_connect)
    outcomes = commit_together(inbox, [[new_event("e1")], [new_event("e2")]])
    assert [str(outcome) for outcome in outcomes] == ["cannot commit events: disk gone"] * 2
