"""Forwarder unit tests: Odoo's JSON-RPC answers are mocked with ``responses``."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import datetime

import pytest
import requests
import responses
from conftest import new_event
from logistics_bridge.config import BridgeSettings, ForwardSettings, OdooSettings
from logistics_bridge.forwarder import Forwarder, full_jitter_delay
from logistics_bridge.odoo_client import OdooClient
from logistics_bridge.service import build_service
from logistics_bridge.store import SqliteInbox

ODOO = "http://odoo.test"


class ScriptedOdoo:
    """Callback for ``responses``: authenticate → uid 7, ingest_events → scripted answers."""

    def __init__(self) -> None:
        self.ingest_calls: list[tuple[str, list[dict]]] = []
        self.auth_calls = 0
        self.results: dict[str, tuple[str, str | None]] = {}
        self.omit: set[str] = set()
        self.http_status = 200
        self.rpc_error = False

    def __call__(self, request):
        body = json.loads(request.body)
        params = body["params"]
        if params["service"] == "common":
            self.auth_calls += 1
            return 200, {}, json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": 7})
        if self.http_status != 200:
            return self.http_status, {}, "Bad Gateway"
        if self.rpc_error:
            error = {"code": 200, "message": "Odoo Server Error", "data": {"name": "AccessDenied"}}
            return 200, {}, json.dumps({"jsonrpc": "2.0", "id": body["id"], "error": error})
        db, uid, key, model, method, args, kwargs = params["args"]
        assert (db, uid, key, model, method, kwargs) == (
            "db",
            7,
            "secret-key",
            "logistics.ingest",
            "ingest_events",
            {},
        )
        endpoint, events = args
        self.ingest_calls.append((endpoint, events))
        answers = [
            {
                "event_id": event["event_id"],
                "result": self.results.get(event["event_id"], ("processed", None))[0],
                "reason": self.results.get(event["event_id"], ("processed", None))[1],
            }
            for event in events
            if event["event_id"] not in self.omit
        ]
        return 200, {}, json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": answers})

    def forwarded_ids(self) -> list[str]:
        return [event["event_id"] for _, events in self.ingest_calls for event in events]


@pytest.fixture
def odoo():
    scripted = ScriptedOdoo()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, f"{ODOO}/jsonrpc", callback=scripted)
        yield scripted


@pytest.fixture
def inbox(tmp_path):
    store = SqliteInbox(tmp_path / "inbox.sqlite3")
    yield store
    store.close()


def add(inbox, event_id, shipment="S1", endpoint="acme", correlation="corr"):
    inbox.add([new_event(event_id, shipment, endpoint=endpoint, correlation_id=correlation)])


def make_forwarder(inbox, **forward):
    client = OdooClient(
        OdooSettings(url=ODOO, db="db", login="bridge", api_key="secret-key", timeout_seconds=5)
    )
    settings = ForwardSettings(**({"backoff_base_seconds": 1, "backoff_cap_seconds": 8} | forward))
    return Forwarder(inbox, client, settings, rand=lambda: 1.0)


def states(inbox):
    return {event.event_id: (event.state, event.result) for event in inbox.list_events()}


def test_per_event_results_are_recorded(inbox, odoo):
    for event_id in ("p", "d", "n", "r"):
        add(inbox, event_id, shipment=f"S-{event_id}")
    odoo.results = {
        "d": ("duplicate", None),
        "n": ("needs_review", "charges off"),
        "r": ("rejected", "unknown shipment"),
    }
    report = make_forwarder(inbox).run_once()
    assert (report.forwarded, report.rejected) == (3, 1)
    assert states(inbox) == {
        "p": ("forwarded", "processed"),
        "d": ("forwarded", "duplicate"),
        "n": ("forwarded", "needs_review"),
        "r": ("rejected", "rejected"),
    }
    rejected = inbox.list_events("rejected")
    assert rejected[0].reason == "unknown shipment"
    assert inbox.status().counts["rejected"] == 1


def test_event_dict_follows_the_contract(inbox, odoo):
    add(inbox, "e1", correlation="corr-42")
    make_forwarder(inbox).run_once()
    endpoint, events = odoo.ingest_calls[0]
    assert endpoint == "acme"
    assert set(events[0]) == {
        "event_id", "event_type", "shipment_reference", "occurred_at", "payload",
        "correlation_id", "schema_version", "received_at",
    }  # fmt: skip
    assert events[0]["correlation_id"] == "corr-42"
    assert events[0]["payload"] == {"k": 1}
    assert datetime.fromisoformat(events[0]["received_at"]).utcoffset().total_seconds() == 0


def test_rejected_then_replayed_is_forwarded(inbox, odoo):
    add(inbox, "r1")
    odoo.results = {"r1": ("rejected", "bad")}
    forwarder = make_forwarder(inbox)
    forwarder.run_once()
    assert states(inbox)["r1"] == ("rejected", "rejected")
    odoo.results = {}
    assert inbox.replay(state="rejected") == 1
    assert states(inbox)["r1"] == ("pending", None)
    forwarder.run_once()
    assert states(inbox)["r1"] == ("forwarded", "processed")
    assert odoo.forwarded_ids() == ["r1", "r1"]


def test_http_5xx_backs_off_and_keeps_events_pending(inbox, odoo):
    add(inbox, "e1")
    odoo.http_status = 502
    forwarder = make_forwarder(inbox)
    first = forwarder.run_once()
    assert first.transport_error and "502" in first.transport_error
    assert states(inbox)["e1"] == ("pending", None)
    assert inbox.status().last_odoo_error == first.transport_error
    delays = [forwarder.backoff_delay()]
    forwarder.run_once()
    delays.append(forwarder.backoff_delay())
    for _ in range(5):
        forwarder.run_once()
    delays.append(forwarder.backoff_delay())
    assert delays == [1.0, 2.0, 8.0]  # rand() = 1 → the upper bound: doubled, then capped
    assert inbox.get_event(1).attempts == 0  # outages do not use up per-event attempts
    odoo.http_status = 200
    assert forwarder.run_once().forwarded == 1
    assert forwarder.backoff_delay() == 0.0


def test_failed_rounds_halve_the_batch_and_successful_ones_double_it_back(inbox, odoo):
    for number in range(20):
        add(inbox, f"e{number}", shipment=f"S{number}")
    forwarder = make_forwarder(inbox, batch_size=8)
    odoo.http_status = 504
    sizes = []
    for _ in range(5):
        report = forwarder.run_once()
        sizes.append((report.claimed, forwarder.batch_size))
    # An Odoo too busy for a batch gets smaller ones, down to one event.
    assert sizes == [(8, 4), (4, 2), (2, 1), (1, 1), (1, 1)]
    odoo.http_status = 200
    claimed = [forwarder.run_once().claimed for _ in range(4)]
    assert claimed == [1, 2, 4, 8]
    assert forwarder.batch_size == 8, "never beyond the configured batch size"
    assert forwarder.run_once().claimed == 5
    assert len(odoo.forwarded_ids()) == len(set(odoo.forwarded_ids())) == 20


def test_jsonrpc_error_is_transport_failure_not_rejection(inbox, odoo):
    add(inbox, "e1")
    odoo.rpc_error = True
    forwarder = make_forwarder(inbox)
    report = forwarder.run_once()
    assert "AccessDenied" in report.transport_error
    assert states(inbox)["e1"] == ("pending", None)
    odoo.rpc_error = False
    assert forwarder.run_once().forwarded == 1
    assert odoo.auth_calls == 2  # re-authenticated after the JSON-RPC error


def test_uid_resolved_once(inbox, odoo):
    forwarder = make_forwarder(inbox)
    for index in range(3):
        add(inbox, f"e{index}", shipment=f"S{index}")
        forwarder.run_once()
    assert odoo.auth_calls == 1
    assert len(odoo.ingest_calls) == 3


def test_no_retry_adapter_on_session():
    client = OdooClient(OdooSettings(url=ODOO, db="db", login="l", api_key="k"))
    assert client._session.get_adapter(ODOO).max_retries.total == 0


def test_order_per_shipment_is_receipt_order(inbox, odoo):
    for event_id, shipment in [("a1", "A"), ("a2", "A"), ("b1", "B"), ("a3", "A"), ("b2", "B")]:
        add(inbox, event_id, shipment)
    forwarder = make_forwarder(inbox)
    rounds = []
    for _ in range(10):
        report = forwarder.run_once()
        if not report.claimed:
            break
        rounds.append([event["event_id"] for event in odoo.ingest_calls[-1][1]])
    assert rounds == [["a1", "b1"], ["a2", "b2"], ["a3"]]
    assert [i for i in odoo.forwarded_ids() if i.startswith("a")] == ["a1", "a2", "a3"]


def test_stuck_shipment_does_not_block_another(inbox, odoo):
    for event_id, shipment in [("s1", "STUCK"), ("s2", "STUCK"), ("f1", "FREE"), ("f2", "FREE")]:
        add(inbox, event_id, shipment)
    odoo.omit = {"s1"}  # Odoo leaves it out of its answer → retried later
    forwarder = make_forwarder(inbox)
    for _ in range(5):
        forwarder.run_once()
    assert states(inbox)["f1"] == ("forwarded", "processed")
    assert states(inbox)["f2"] == ("forwarded", "processed")
    assert states(inbox)["s1"] == ("pending", None)
    assert states(inbox)["s2"] == ("pending", None)
    assert "s2" not in odoo.forwarded_ids()
    assert inbox.get_event(1).reason == "missing from Odoo's answer"


def test_event_fails_after_max_attempts_and_releases_its_shipment(inbox, odoo):
    add(inbox, "s1", "S")
    add(inbox, "s2", "S")
    odoo.omit = {"s1"}
    forwarder = make_forwarder(inbox, max_attempts=2, backoff_base_seconds=0.001)
    forwarder.run_once()
    assert states(inbox)["s1"] == ("pending", None)
    # Make the retry due now instead of waiting for it.
    inbox._ops(lambda conn: conn.execute("UPDATE inbox_event SET next_attempt_ts = 0"))
    forwarder.run_once()
    assert states(inbox)["s1"] == ("failed", None)
    forwarder.run_once()
    assert states(inbox)["s2"] == ("forwarded", "processed")
    odoo.omit = set()
    assert inbox.replay(ids=[1]) == 1
    forwarder.run_once()
    assert states(inbox)["s1"] == ("forwarded", "processed")


def test_full_jitter_bounds():
    assert full_jitter_delay(0, 1.0, 60.0, rand=lambda: 0.5) == 0.5
    assert full_jitter_delay(10, 1.0, 60.0, rand=lambda: 0.999) == pytest.approx(59.94)
    values = {full_jitter_delay(3, 1.0, 60.0) for _ in range(50)}
    assert all(0 <= value < 8 for value in values)


def test_forwarder_thread_stops_after_current_batch(inbox, odoo):
    add(inbox, "t1")
    forwarder = make_forwarder(inbox, max_wait_seconds=0.05)
    thread = forwarder.start()
    for _ in range(200):
        if states(inbox)["t1"][0] == "forwarded":
            break
        thread.join(0.02)
    forwarder.stop(timeout=10)
    assert not thread.is_alive()
    assert states(inbox)["t1"] == ("forwarded", "processed")


def test_conflicting_duplicate_is_forwarded_for_review_with_its_own_answer(inbox, odoo):
    """The kept conflicting body goes to Odoo after the first has been answered, even when
    the new content names another shipment, and takes its own answer."""
    first = new_event("c-1", "S1")
    inbox.add([first])
    inbox.add([replace(first, ordering_key="S2", shipment_reference="S2", payload_json='{"k": 2}')])
    sequence = iter([("processed", None), ("conflict", "kept for review")])

    def answers(request):
        body = json.loads(request.body)
        if body["params"]["service"] == "common":
            return 200, {}, json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": 7})
        events = body["params"]["args"][5][1]
        result = [
            {"event_id": event["event_id"], "result": r, "reason": why}
            for event, (r, why) in zip(events, sequence, strict=False)
        ]
        odoo.ingest_calls.append(("acme", events))
        return 200, {}, json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": result})

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, f"{ODOO}/jsonrpc", callback=answers)
        forwarder = make_forwarder(inbox)
        reports = [forwarder.run_once(), forwarder.run_once()]
    assert [report.forwarded for report in reports] == [1, 1]
    assert [[e["payload"] for e in call[1]] for call in odoo.ingest_calls] == [
        [{"k": 1}],
        [{"k": 2}],
    ]
    assert [e["event_id"] for call in odoo.ingest_calls for e in call[1]] == ["c-1", "c-1"]
    assert [(e.state, e.result, e.reason) for e in inbox.list_events()] == [
        ("forwarded", "processed", None),
        ("forwarded", "conflict", "kept for review"),
    ]


def test_refused_connection_keeps_the_batch_whole(inbox, odoo):
    """Odoo stopped: the batch never reached it, so a backlog drains in full batches on
    its return instead of climbing back from one event."""
    for number in range(10):
        add(inbox, f"e{number}", shipment=f"S{number}")
    client = OdooClient(
        OdooSettings(url="http://127.0.0.1:1", db="db", login="bridge", api_key="k")
    )
    forwarder = Forwarder(inbox, client, ForwardSettings(batch_size=8), rand=lambda: 1.0)
    with responses.RequestsMock() as mock:
        mock.add_passthru("http://127.0.0.1:1")
        reports = [forwarder.run_once() for _ in range(3)]
    assert all("cannot reach Odoo" in report.transport_error for report in reports)
    assert not any(report.reached_odoo for report in reports)
    assert forwarder.batch_size == 8
    assert forwarder.backoff_delay() > 0
    assert {event.state for event in inbox.list_events()} == {"pending"}


def test_refused_connection_is_tried_again_within_the_unreachable_retry(inbox, odoo):
    """A refused connection costs Odoo nothing: however many rounds failed so, the next
    try comes within ``unreachable_retry_seconds``, so a backlog starts draining as soon
    as Odoo is back, not after a backoff grown during the outage; a failure that reached
    Odoo backs off in full again."""
    add(inbox, "e1")
    client = OdooClient(
        OdooSettings(url="http://127.0.0.1:1", db="db", login="bridge", api_key="k")
    )
    settings = ForwardSettings(
        backoff_base_seconds=1, backoff_cap_seconds=60, unreachable_retry_seconds=1.5
    )
    forwarder = Forwarder(inbox, client, settings, rand=lambda: 1.0)
    with responses.RequestsMock() as mock:
        mock.add_passthru("http://127.0.0.1:1")
        for _ in range(8):
            forwarder.run_once()
    assert forwarder.backoff_delay() == 1.5
    forwarder.client = make_forwarder(inbox).client
    odoo.http_status = 502
    forwarder.run_once()
    assert forwarder.backoff_delay() == 60.0


def test_idle_forwarder_wakes_when_an_event_is_accepted(inbox, odoo):
    """No poll interval between a callback's commit and its forwarding."""
    forwarder = make_forwarder(inbox, max_wait_seconds=30)
    thread = forwarder.start()
    try:
        thread.join(0.3)  # idle, waiting
        accepted_at = time.monotonic()
        add(inbox, "w1")
        while states(inbox)["w1"][0] != "forwarded" and time.monotonic() - accepted_at < 10:
            thread.join(0.01)
        assert states(inbox)["w1"] == ("forwarded", "processed")
        assert time.monotonic() - accepted_at < 5, "woken by the commit, not the 30 s poll"
    finally:
        add(inbox, "w2")  # wakes the idle wait so that stop() returns at once
        forwarder.stop(timeout=10)
    assert not thread.is_alive()


def test_lanes_forward_a_backlog_side_by_side_in_shipment_order(inbox, odoo):
    """Two forwarders on one inbox: every event once, each shipment's in receipt order."""
    for step in range(5):
        for shipment in range(6):
            add(inbox, f"s{shipment}-{step}", shipment=f"S{shipment}")
    lanes = [make_forwarder(inbox, batch_size=4) for _ in range(2)]
    for _ in range(20):
        for lane in lanes:
            lane.run_once()
    forwarded = odoo.forwarded_ids()
    assert sorted(forwarded) == sorted(f"s{n}-{s}" for n in range(6) for s in range(5))
    for shipment in range(6):
        steps = [int(e.split("-")[1]) for e in forwarded if e.startswith(f"s{shipment}-")]
        assert steps == sorted(steps)
    assert len({lane.owner for lane in lanes}) == 2


def test_service_runs_one_forwarder_per_lane_each_with_its_own_client(tmp_path):
    settings = BridgeSettings(
        inbox_url=f"sqlite:///{tmp_path / 'inbox.sqlite3'}",
        listen_port=0,
        odoo=OdooSettings(url=ODOO, db="db", login="bridge", api_key="secret-key"),
        forward=ForwardSettings(lanes=3),
        registry={"enabled": False},
    )
    service = build_service(settings)
    try:
        assert len(service.forwarders) == 3
        assert len({id(forwarder.client) for forwarder in service.forwarders}) == 3
    finally:
        service.close()


def test_timed_out_batch_stays_leased_so_it_is_not_sent_beside_itself(inbox, odoo):
    """Odoo may still be applying a batch it did not answer in time: another lane sending
    it again at once would collide with it; it is claimed again once its lease ends."""
    for number in range(4):
        add(inbox, f"e{number}", shipment=f"S{number}")
    timing_out = make_forwarder(inbox, batch_size=4, lease_seconds=0.5)
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, f"{ODOO}/jsonrpc", json={"jsonrpc": "2.0", "id": 1, "result": 7})
        mock.add(responses.POST, f"{ODOO}/jsonrpc", body=requests.ReadTimeout("read timed out"))
        report = timing_out.run_once()
    assert "no answer from Odoo within" in report.transport_error
    assert report.reached_odoo and timing_out.batch_size == 2
    other_lane = make_forwarder(inbox)
    assert other_lane.run_once().claimed == 0, "still leased to the lane that timed out"
    time.sleep(0.6)
    assert other_lane.run_once().forwarded == 4
    assert sorted(odoo.forwarded_ids()) == ["e0", "e1", "e2", "e3"]


def test_slow_rounds_size_the_next_batch_to_batch_seconds(inbox, odoo, monkeypatch):
    """A loaded Odoo gets batches it answers in about batch_seconds, before any times out."""
    for number in range(40):
        add(inbox, f"e{number}", shipment=f"S{number}")
    forwarder = make_forwarder(inbox, batch_size=16, batch_seconds=0.2)
    call = forwarder._call

    def slow_call(endpoint, group):
        time.sleep(0.05 * len(group))  # 50 ms per event
        return call(endpoint, group)

    monkeypatch.setattr(forwarder, "_call", slow_call)
    assert forwarder.run_once().claimed == 16
    assert forwarder.batch_size in (3, 4)  # 0.2 s at 50 ms per event and a little more
    assert forwarder.run_once().claimed in (3, 4)
    before = forwarder.batch_size
    monkeypatch.setattr(forwarder, "_call", call)
    forwarder.run_once()  # quick: doubled back, whatever its time per event
    assert forwarder.batch_size == min(16, 2 * before)
    assert len(set(odoo.forwarded_ids())) == len(odoo.forwarded_ids())
