"""Inbox behaviour that needs no HTTP: group commit, and failures while storing a group of
requests."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from conftest import commit_together, new_event
from logistics_bridge.exceptions import InboxError
from logistics_bridge.store import Outcome, SqliteInbox
from logistics_bridge.store import inbox as inbox_module
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


def test_requests_waiting_during_a_commit_share_the_next_one(inbox, monkeypatch):
    """Every request that queued while a commit was under way goes into the next commit,
    however many there are, and none is answered before its own commit."""
    commits: list[int] = []  # events written by each commit
    store_new = inbox._store_new
    first_commit_started = threading.Event()
    release_first_commit = threading.Event()

    def slow_store(conn, events):
        if not commits:
            first_commit_started.set()
            release_first_commit.wait(10)
        stored = store_new(conn, events)
        commits.append(len(events))
        return stored

    monkeypatch.setattr(inbox, "_store_new", slow_store)
    answers: dict[str, tuple[str, int]] = {}

    def send(event_id: str) -> None:
        [result] = inbox.add([new_event(event_id)])
        answers[event_id] = (result.status, len(commits))

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert first_commit_started.wait(10)
    others = [threading.Thread(target=send, args=(f"e{n}",)) for n in range(40)]
    for thread in others:
        thread.start()
    deadline = time.monotonic() + 10
    while len(inbox._group_commit._queue) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    release_first_commit.set()
    for thread in [first, *others]:
        thread.join(10)
    assert commits == [1, 40]  # two commits: the first request's, then the 40 queued meanwhile
    assert answers["first"] == ("accepted", 1)
    assert all(answers[f"e{n}"] == ("accepted", 2) for n in range(40))


def test_a_failing_request_spares_the_rest_of_its_group(inbox, monkeypatch):
    """The group's one-statement insert fails: written again request by request, only the
    failing request is refused."""
    insert_row = inbox._insert_row

    def refuse_poison(conn, event, *args):
        if event.event_id == "poison":
            raise sqlite3.IntegrityError("refused")
        return insert_row(conn, event, *args)

    monkeypatch.setattr(inbox, "_insert_row", refuse_poison)
    monkeypatch.setattr(inbox, "_store_new", lambda conn, events: False)
    outcomes = commit_together(
        inbox, [[new_event("e1")], [new_event("e2"), new_event("poison")], [new_event("e3")]]
    )
    assert [r.status for r in outcomes[0]] == ["accepted"]
    assert "refused" in str(outcomes[1])
    assert [r.status for r in outcomes[2]] == ["accepted"]
    assert inbox.counts()["pending"] == 2


def test_a_closed_inbox_refuses_new_events(tmp_path):
    store = SqliteInbox(tmp_path / "inbox.sqlite3")
    assert [r.status for r in store.add([new_event("e1")])] == ["accepted"]
    store.close()
    with pytest.raises(InboxError, match="closed"):
        store.add([new_event("e2")])


def test_pending_count_is_kept_by_the_writer_never_queried_by_its_reader(inbox, monkeypatch):
    """Backpressure reads the pending count on the event loop: a commit moves it at once,
    the writer thread counts again once it is older than the interval (here: after both
    events were forwarded), and the reader's thread never runs a query for it."""
    inbox.add([new_event("e1", "S1"), new_event("e2", "S2")])
    assert inbox.pending_count() == 2
    claimed = inbox.claim("lane", 10, 60)
    inbox.record("lane", [Outcome(event.id, "forwarded", "processed") for event in claimed])
    queried_on: list[int] = []
    run = inbox._run

    def recording_run(conn, statement, params=()):
        queried_on.append(threading.get_ident())
        return run(conn, statement, params)

    monkeypatch.setattr(inbox, "_run", recording_run)
    monkeypatch.setattr(inbox_module, "PENDING_COUNT_SECONDS", 0.0)
    seen = [inbox.pending_count()]
    deadline = time.monotonic() + 10
    while seen[-1] and time.monotonic() < deadline:
        time.sleep(0.01)
        seen.append(inbox.pending_count())
    assert seen[0] == 2  # the count read at once, as it stood
    assert seen[-1] == 0  # then the writer's count
    assert queried_on
    assert threading.get_ident() not in queried_on


def test_answers_of_one_batch_are_recorded_per_event_in_few_statements(inbox, monkeypatch):
    """A batch's answers are written one UPDATE per distinct answer, each event getting its
    own: forwarded, rejected with its reason, or pending again with its own retry time; an
    event whose lease passed to another forwarder is left to that one."""
    inbox.add([new_event(f"e{n}", f"S{n}") for n in range(6)])
    claimed = inbox.claim("lane", 10, 60)
    assert len(claimed) == 6
    taken_over = claimed[5].id
    inbox._ops(
        lambda conn: conn.execute(
            "UPDATE inbox_event SET claimed_by = 'other' WHERE id = ?", (taken_over,)
        )
    )
    updates: list[str] = []
    run = inbox._run

    def counting_run(conn, statement, params=()):
        if statement.startswith("UPDATE"):
            updates.append(statement)
        return run(conn, statement, params)

    monkeypatch.setattr(inbox, "_run", counting_run)
    retry_at = time.time() + 300
    inbox.record(
        "lane",
        [
            Outcome(claimed[0].id, "forwarded", "processed"),
            Outcome(claimed[1].id, "forwarded", "processed"),
            Outcome(claimed[2].id, "rejected", "rejected", "unknown shipment"),
            Outcome(claimed[3].id, "pending", None, "missing from Odoo's answer", retry_at),
            Outcome(claimed[4].id, "pending", None, "missing from Odoo's answer", retry_at + 9),
            Outcome(taken_over, "forwarded", "processed"),
        ],
    )
    monkeypatch.undo()
    assert len(updates) == 4
    rows = {
        row[0]: row[1:]
        for row in inbox._ops(
            lambda conn: conn.execute(
                "SELECT id, state, result, reason, attempts, next_attempt_ts, claimed_by "
                "FROM inbox_event"
            ).fetchall()
        )
    }
    ids = [event.id for event in claimed]
    assert rows[ids[0]] == ("forwarded", "processed", None, 1, 0, None)
    assert rows[ids[1]] == ("forwarded", "processed", None, 1, 0, None)
    assert rows[ids[2]] == ("rejected", "rejected", "unknown shipment", 1, 0, None)
    assert rows[ids[3]] == ("pending", None, "missing from Odoo's answer", 1, retry_at, None)
    assert rows[ids[4]] == ("pending", None, "missing from Odoo's answer", 1, retry_at + 9, None)
    assert rows[taken_over] == ("pending", None, None, 0, 0, "other")
