"""Throughput benchmark of the logistics bridge on loopback, beside Odoo's own webhook route.

Measures, in one run, for each number of concurrent senders (``--clients``, 4 and 64 by
default):
  1. accepted/s of signed callbacks with durable (fsync'd, group-committed) writes, through
     ``logistics-bridge serve --no-forward`` in its own process;
  2. the same HTTP front (``logistics_bridge.server``: one event loop, httptools) with a
     no-op handler answering on the loop, for the ratio, and the bridge's own handler with
     storage left out (authenticated and validated, nothing kept), which separates what
     durability costs from what the request handling costs; these phases run in turn,
     ``--rounds`` times, so that a shared machine's drift hits them alike; medians are
     reported, with each phase's server CPU and context switches per request (read from
     /proc), and p50/p99 accept latency;
  3. the same callbacks sent to Odoo 18's own webhook route (``odoo_webhook.py``: an
     automation rule with the *On webhook* trigger storing each callback as one record,
     Odoo in prefork with ``--odoo-workers`` workers on a database of its own), with
     p50/p99, failures and the ratio bridge durable accept / Odoo; skipped, with a line
     saying why, when Odoo is not importable;
then, once:
  4. forwarded events/s from the inbox into a stub Odoo on loopback, then the drain of a
     backlog as an Odoo outage leaves it (``--drain-events`` over ``--drain-shipments``,
     ``--drain-lanes`` forwarders; a PostgreSQL inbox too with ``--drain-pg URL``), with
     the time per round split into claim, post and mark-done (``--drain-only``: just this);
  5. RSS of a bridge process (``status`` and ``serve`` with its forwarder) over an inbox of
     ``--inbox-rows`` events.

Needs this repository's bridge package, PostgreSQL for the Odoo phase
(``PGHOST``, ``PGPORT``, ``PGUSER``) and about a gigabyte of free space in the temporary
directory for ``--inbox-rows``; with the defaults it runs for about twenty minutes
(creating the Odoo database takes two of them; ``--odoo-template`` copies one instead).
``--short`` is a small configuration for a quick check; ``--report-json PATH`` also writes
the figures as JSON.

Usage: python3 benchmarks/bridge_throughput.py [--clients 4,64] [--events N] [--rounds N]
       [--odoo-events N] [--odoo-template DB] [--inbox-rows N] [--drain-events N]
       [--drain-shipments N] [--drain-lanes N] [--drain-pg URL] [--drain-only] [--short]
       [--report-json PATH]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bridge"))

from logistics_bridge.config import BridgeSettings, ForwardSettings, OdooSettings  # noqa: E402
from logistics_bridge.forwarder import Forwarder  # noqa: E402
from logistics_bridge.models import NewEvent  # noqa: E402
from logistics_bridge.odoo_client import OdooClient  # noqa: E402
from logistics_bridge.server import LISTENING_LINE  # noqa: E402
from logistics_bridge.store import Inbox, SqliteInbox, open_inbox  # noqa: E402
from logistics_demo.processes import (  # noqa: E402
    ManagedProcess,
    ProcessFailed,
    interrupt_on_sigterm,
)
from logistics_tms_simulator.sender import signed_headers  # noqa: E402
from odoo_webhook import OdooUnusable, OdooWebhook, odoo_importable  # noqa: E402
from procstat import context_switches, cpu_seconds, peak_rss_mb  # noqa: E402
from standardwebhooks.webhooks import Webhook  # noqa: E402

# The columns an inbox row needs; the others keep their defaults.
BACKLOG_INSERT = (
    "INSERT INTO inbox_event (endpoint, event_id, format, ordering_key, event_type, "
    "shipment_reference, occurred_at, payload, correlation_id, schema_version, received_at, "
    "received_ts, state, updated_ts) VALUES (?, ?, 'tms-event', ?, 'status', ?, ?, ?, ?, ?, ?, "
    "?, ?, ?)"
)
EVENTS_PATH = "/v1/tms/acme/events"
SECRET = "whsec_" + base64.b64encode(b"benchmark-secret-0123456789").decode()

NOOP_SERVER = """
import sys
sys.path.insert(0, {src!r})
import logging
from logistics_bridge.server import BridgeServer, run_until_signalled

logging.basicConfig(level=logging.INFO)
ANSWER = ("202 Accepted", [("Content-Type", "application/json")], b'{{"status":"accepted"}}')


class NoOp:
    # Answers every request on the event loop, as the bridge answers its callbacks.
    def front_answer(self, request, reply):
        reply(ANSWER)
        return True

    def __call__(self, environ, start_response):
        start_response(ANSWER[0], ANSWER[1])
        return [ANSWER[2]]


run_until_signalled(BridgeServer(NoOp(), "127.0.0.1", 0, {threads}, 1048576), lambda: None)
"""


NOT_STORED_SERVER = """
import sys
sys.path.insert(0, {src!r})
import logging
from logistics_bridge.config import load_settings
from logistics_bridge.metrics import BridgeMetrics
from logistics_bridge.models import AddResult
from logistics_bridge.app import BridgeApp
from logistics_bridge.server import BridgeServer, run_until_signalled
from logistics_bridge.store.group_commit import QueuedRequest

logging.basicConfig(level=logging.INFO)


class NothingKept:
    def pending_count(self):
        return 0

    def add_soon(self, events, loop, callback):
        request = QueuedRequest(events)
        request.result = [AddResult(e.event_id, "accepted", e.correlation_id) for e in events]
        callback(request)


settings = load_settings(None)
app = BridgeApp(settings, NothingKept(), BridgeMetrics())
server = BridgeServer(app, "127.0.0.1", 0, settings.threads, settings.max_body_bytes)
run_until_signalled(server, lambda: None)
"""


def bridge_env(inbox: Path, threads: int, odoo_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(ROOT / "bridge"),
            "LOGISTICS_BRIDGE_INBOX_URL": f"sqlite:///{inbox}",
            "LOGISTICS_BRIDGE_LISTEN_PORT": "0",
            "LOGISTICS_BRIDGE_THREADS": str(threads),
            "LOGISTICS_BRIDGE_HIGH_WATER_MARK": "100000000",
            "LOGISTICS_BRIDGE_ENDPOINTS": json.dumps({"acme": [SECRET]}),
        }
    )
    if odoo_url:
        env.update(
            {
                "LOGISTICS_BRIDGE_ODOO__URL": odoo_url,
                "LOGISTICS_BRIDGE_ODOO__DB": "bench",
                "LOGISTICS_BRIDGE_ODOO__LOGIN": "bench",
                "LOGISTICS_BRIDGE_ODOO__API_KEY": "bench",
                "LOGISTICS_BRIDGE_FORWARD__BATCH_SIZE": "200",
            }
        )
    return env


def start_process(command: list[str], env: dict[str, str], log: Path) -> tuple[ManagedProcess, int]:
    """Start a server and return it with the port it reports listening on."""
    process = ManagedProcess(log.stem, command, log, env)
    process.start()
    try:
        return process, int(process.wait_output(LISTENING_LINE, 30).group(1))
    except BaseException as exc:
        process.kill()  # interrupted while it starts, too: no server is left running
        if isinstance(exc, ProcessFailed):
            raise SystemExit(f"server did not start: {exc}") from None
        raise


def prepare_requests(
    count: int, shipments: int, prefix: str = "bench"
) -> list[tuple[bytes, dict[str, str]]]:
    webhook = Webhook(SECRET)
    now = datetime.now(UTC)
    prepared = []
    for n in range(count):
        event = {
            "event_id": f"{prefix}-{n}",
            "event_type": "status",
            "shipment_reference": f"SHP-{n % shipments}",
            "occurred_at": "2026-05-01T10:00:00+00:00",
            "payload": {"status": "in_transit", "location": "DEHAM", "seq": n},
        }
        body = json.dumps(event)
        msg_id = f"msg-{prefix}-{n}"
        prepared.append((body.encode(), signed_headers(webhook, msg_id, body, now)))
    return prepared


def drive(
    port: int, prepared: list, clients: int, deadline_s: float, path: str = EVENTS_PATH
) -> tuple[int, float, list, int]:
    """Send ``prepared`` requests to ``path`` over ``clients`` keep-alive connections;
    returns (2xx count, elapsed seconds, latencies of the 2xx, failures). A failure (an
    answer other than 2xx, or a connection error) counts, and the client goes on with a new
    connection."""
    latencies: list[float] = []
    counts = [0, 0]  # 2xx, failures
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline_s

    def client(part: list) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local_lat, local_ok, local_failed = [], 0, 0
        for body, headers in part:
            if time.monotonic() > stop_at:
                break
            started = time.perf_counter()
            try:
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                local_failed += 1
                conn.close()
                continue
            if 200 <= response.status < 300:
                local_lat.append(time.perf_counter() - started)
                local_ok += 1
            else:
                local_failed += 1
        conn.close()
        with lock:
            latencies.extend(local_lat)
            counts[0] += local_ok
            counts[1] += local_failed

    threads = [
        threading.Thread(target=client, args=(prepared[i::clients],)) for i in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline_s + 60)
    return counts[0], time.perf_counter() - started, latencies, counts[1]


class StubOdoo:
    """Loopback JSON-RPC stub answering ``processed`` for every event (and ``True`` to the
    forwarding bridge's heartbeat)."""

    def __init__(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                params = request["params"]
                if params["method"] == "execute_kw" and params["args"][4] != "ingest_events":
                    result = True
                elif params["method"] == "execute_kw":
                    events = params["args"][5][1]
                    stub.count += len(events)
                    result = [{"event_id": e["event_id"], "result": "processed"} for e in events]
                else:
                    result = 2 if params["method"] == "authenticate" else {"v": "18"}
                body = json.dumps({"jsonrpc": "2.0", "id": request.get("id"), "result": result})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: object) -> None:
                return None

        self.count = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class PhaseResult:
    """One phase of one round: what the clients got and what the server spent."""

    ok: int
    elapsed: float
    latencies: list[float]
    cpu_us: float  # server CPU per answered request
    switches: float  # server context switches per answered request

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed


def warmup_count(args: argparse.Namespace) -> int:
    """Requests that warm a server up before it is measured."""
    return min(200, args.events)


def run_phase(
    command: list[str],
    env: dict[str, str],
    log: Path,
    clients: int,
    args: argparse.Namespace,
    prepared: list,
) -> PhaseResult:
    """Start one server, warm it up, drive ``prepared`` at it with ``clients`` senders, stop
    it."""
    process, port = start_process(command, env, log)
    try:
        warmup = prepare_requests(warmup_count(args), 10, prefix=f"warmup-{log.stem}")
        drive(port, warmup, clients, 30)
        cpu, switches = cpu_seconds(process.pid), context_switches(process.pid)
        ok, elapsed, latencies, _failed = drive(port, prepared, clients, args.seconds)
        cpu = cpu_seconds(process.pid) - cpu
        switches = context_switches(process.pid) - switches
    finally:
        process.stop(30)
    answered = max(ok, 1)
    return PhaseResult(ok, elapsed, latencies, cpu * 1e6 / answered, switches / answered)


PHASES = ("noop", "not_stored", "durable")
PHASE_NAMES = {"noop": "no-op", "not_stored": "not stored", "durable": "durable"}


def bench_accept(
    args: argparse.Namespace, workdir: Path, clients: int
) -> tuple[Path, dict[str, list]]:
    src = str(ROOT / "bridge")
    results: dict[str, list[PhaseResult]] = {phase: [] for phase in PHASES}
    inbox = workdir / f"accept-{clients}-0.sqlite3"
    for round_no in range(args.rounds):
        # Signed just before use: every round stays well inside the 5-minute window.
        prefix = f"bench{clients}x{round_no}"
        prepared = prepare_requests(args.events, args.shipments, prefix=prefix)
        inbox = workdir / f"accept-{clients}-{round_no}.sqlite3"
        commands = {
            # A no-op handler on the same front.
            "noop": (
                [sys.executable, "-c", NOOP_SERVER.format(src=src, threads=args.threads)],
                dict(os.environ),
            ),
            # The bridge's handler with storage left out.
            "not_stored": (
                [sys.executable, "-c", NOT_STORED_SERVER.format(src=src)],
                bridge_env(workdir / "unused.sqlite3", args.threads),
            ),
            "durable": (
                [sys.executable, "-m", "logistics_bridge", "serve", "--no-forward"],
                bridge_env(inbox, args.threads),
            ),
        }
        for phase, (command, env) in commands.items():
            log = workdir / f"{phase}-{clients}-{round_no}.log"
            results[phase].append(run_phase(command, env, log, clients, args, prepared))
        last = {phase: results[phase][-1] for phase in PHASES}
        print(
            f"{clients} senders, round {round_no + 1}: "
            + "; ".join(
                f"{PHASE_NAMES[phase]} {result.rate:.0f}/s ({result.cpu_us:.0f} us CPU, "
                f"{result.switches:.1f} switches per request)"
                for phase, result in last.items()
            )
            + f"; ratio {last['durable'].rate / last['noop'].rate:.2f}",
            flush=True,
        )
    return inbox, results


@dataclass
class OdooResult:
    """Odoo's webhook route under the same callbacks."""

    ok: int
    failed: int
    elapsed: float
    latencies: list[float]
    stored: int

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed


def bench_odoo_webhook(
    args: argparse.Namespace, workdir: Path, client_counts: list[int]
) -> dict[int, OdooResult] | str:
    """The same callbacks through Odoo's own webhook route, per number of senders; or why
    the phase was skipped."""
    if args.odoo_events <= 0:
        return "skipped (--odoo-events 0)"
    if not odoo_importable():
        return "skipped: Odoo is not importable by this interpreter (import odoo failed)"
    template = args.odoo_template or os.environ.get("LGX_ODOO_TEMPLATE") or None
    source = f"a copy of {template}" if template else "base_automation, no demo data"
    print(
        f"Odoo webhook phase: database with {source}, {args.odoo_workers} prefork workers...",
        flush=True,
    )
    results: dict[int, OdooResult] = {}
    try:
        with OdooWebhook(workdir, args.odoo_workers, template) as odoo:
            for clients in client_counts:
                drive(odoo.port, prepare_requests(50, 10, f"odoo-warmup-{clients}"), clients, 60,
                      odoo.url)  # fmt: skip
                stored_before = odoo.stored()
                prepared = prepare_requests(args.odoo_events, args.shipments, f"odoo-{clients}")
                ok, elapsed, latencies, failed = drive(
                    odoo.port, prepared, clients, args.seconds, odoo.url
                )
                stored = odoo.stored() - stored_before
                results[clients] = OdooResult(ok, failed, elapsed, latencies, stored)
                print(
                    f"{clients} senders, Odoo webhook: {ok / elapsed:.1f} callbacks/s "
                    f"({ok} answered 2xx, {failed} failed, {stored} stored)",
                    flush=True,
                )
    except OdooUnusable as exc:
        return f"skipped: {exc}"
    return results


def bench_forward(inbox_path: Path, expected: int) -> tuple[int, float]:
    stub = StubOdoo()
    inbox = SqliteInbox(inbox_path)
    client = OdooClient(OdooSettings(url=stub.url, db="bench", login="bench", api_key="bench"))
    forwarder = Forwarder(inbox, client, ForwardSettings(batch_size=200))
    started = time.perf_counter()
    deadline = time.monotonic() + 120
    try:
        while stub.count < expected and time.monotonic() < deadline:
            if not forwarder.run_once().claimed:
                break
        elapsed = time.perf_counter() - started
    finally:
        client.close()
        inbox.close()
        stub.close()
    return stub.count, elapsed


@dataclass
class DrainResult:
    """A backlog forwarded by ``lanes`` forwarders, and where their rounds spent the time."""

    forwarded: int
    elapsed: float
    rounds: int
    claim_seconds: float
    post_seconds: float
    mark_seconds: float

    def per_round_ms(self, seconds: float) -> float:
        return 1000 * seconds / max(1, self.rounds)


def fill_backlog(inbox: Inbox, events: int, shipments: int) -> None:
    """``events`` pending events over ``shipments`` shipments, received round-robin (as an
    outage leaves them: every shipment's events spread over the whole backlog)."""
    alike = {
        "endpoint": "acme",
        "webhook_id": None,
        "format": "tms-event",
        "event_type": "status",
        "occurred_at": "2026-05-01T10:00:00+00:00",
        "payload_json": '{"status": "in_transit", "location": "DEHAM"}',
        "schema_version": "1",
        "received_at": datetime.now(UTC),
    }
    chunk: list[NewEvent] = []
    for n in range(events):
        shipment = f"SHP-{n % shipments}"
        chunk.append(
            NewEvent(
                event_id=f"drain-{n}",
                ordering_key=shipment,
                shipment_reference=shipment,
                correlation_id=f"corr-{n}",
                **alike,
            )
        )
        if len(chunk) == 500 or n == events - 1:
            inbox.add(chunk)
            chunk = []


def bench_drain(url: str, events: int, shipments: int, lanes: int) -> DrainResult:
    """Drain a backlog of ``events`` from the inbox at ``url`` into a stub Odoo answering at
    once, with ``lanes`` forwarders on one inbox as ``serve`` runs them; claim, post and
    mark-done are timed apart (the post is the round less the other two)."""
    inbox = open_inbox(url)
    if any(inbox.counts().values()):
        inbox.close()
        raise SystemExit(f"the drain phase needs an empty inbox, {url} holds events")
    fill_backlog(inbox, events, shipments)
    stub = StubOdoo()
    timings = {"claim": 0.0, "mark": 0.0, "rounds": 0}
    timings_lock = threading.Lock()
    claim, record = inbox.claim, inbox.record

    def timed(name: str, method: Any) -> Any:
        def call(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args)
            finally:
                with timings_lock:
                    timings[name] += time.perf_counter() - started

        return call

    inbox.claim, inbox.record = timed("claim", claim), timed("mark", record)
    settings = OdooSettings(url=stub.url, db="bench", login="bench", api_key="bench")
    forwarders = [
        Forwarder(inbox, OdooClient(settings), ForwardSettings(batch_size=200))
        for _lane in range(lanes)
    ]
    round_seconds = [0.0]

    def drive(forwarder: Forwarder) -> None:
        deadline = time.monotonic() + 600
        while stub.count < events and time.monotonic() < deadline:
            started = time.perf_counter()
            report = forwarder.run_once()
            with timings_lock:
                round_seconds[0] += time.perf_counter() - started
                timings["rounds"] += 1 if report.claimed else 0
            if not report.claimed:
                time.sleep(0.001)

    threads = [threading.Thread(target=drive, args=(forwarder,)) for forwarder in forwarders]
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        for forwarder in forwarders:
            forwarder.client.close()
        inbox.close()
        stub.close()
    return DrainResult(
        forwarded=stub.count,
        elapsed=elapsed,
        rounds=int(timings["rounds"]),
        claim_seconds=timings["claim"],
        post_seconds=round_seconds[0] - timings["claim"] - timings["mark"],
        mark_seconds=timings["mark"],
    )


def report_drain(backend: str, result: DrainResult, args: argparse.Namespace) -> None:
    print(
        f"drain {backend:10s} {result.forwarded / result.elapsed:7.0f} events/s "
        f"({result.forwarded} of {args.drain_events} over {args.drain_shipments} shipments in "
        f"{result.elapsed:.1f}s, {args.drain_lanes} lanes, {result.rounds} rounds); per round: "
        f"claim {result.per_round_ms(result.claim_seconds):.1f} ms, "
        f"post {result.per_round_ms(result.post_seconds):.1f} ms, "
        f"mark-done {result.per_round_ms(result.mark_seconds):.1f} ms",
        flush=True,
    )


def drain_backends(args: argparse.Namespace, workdir: Path) -> dict[str, float]:
    """The drain phase over a SQLite inbox and, with ``--drain-pg``, a PostgreSQL one."""
    urls = {"sqlite": f"sqlite:///{workdir / 'drain.sqlite3'}"}
    if args.drain_pg:
        urls["postgresql"] = args.drain_pg
    rates = {}
    for backend, url in urls.items():
        result = bench_drain(url, args.drain_events, args.drain_shipments, args.drain_lanes)
        report_drain(backend, result, args)
        rates[backend] = round(result.forwarded / result.elapsed, 1)
    return rates


def fill_inbox(path: Path, rows: int) -> float:
    """``rows`` events, one in twenty pending, loaded straight into a SQLite inbox's table
    (the inbox creates its schema first): a backlog without a million requests."""
    started = time.perf_counter()
    SqliteInbox(path).close()
    now = time.time()
    received = datetime.fromtimestamp(now, UTC).isoformat()
    payload = json.dumps({"status": "delivered", "location": "DEHAM"})

    def generate(start: int, stop: int):
        for n in range(start, stop):
            state = "pending" if n % 20 == 0 else "forwarded"
            shipment = f"SHP-{n % 50000}"
            yield (
                "acme", f"row-{n}", shipment, shipment, "2026-05-01T10:00:00+00:00",
                payload, f"corr-{n}", "1", received, now, state, now,
            )  # fmt: skip

    conn = sqlite3.connect(path)
    try:
        step = 100_000
        for start in range(0, rows, step):
            with conn:
                conn.executemany(BACKLOG_INSERT, generate(start, min(rows, start + step)))
    finally:
        conn.close()
    return time.perf_counter() - started


def peak_rss_status(inbox: Path) -> float:
    return peak_rss_mb(
        [sys.executable, "-m", "logistics_bridge", "status", "--json"], bridge_env(inbox, 4)
    )


def peak_rss_serve(inbox: Path, seconds: float, workdir: Path) -> tuple[float, int]:
    stub = StubOdoo()
    try:
        process, _ = start_process(
            [sys.executable, "-m", "logistics_bridge", "serve"],
            bridge_env(inbox, 4, stub.url),
            workdir / "serve-rss.log",
        )
        try:
            time.sleep(seconds)
            with open(f"/proc/{process.pid}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        finally:
            process.stop(30)
        return int(fields["VmHWM"].split()[0]) / 1024, stub.count
    finally:
        stub.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def client_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of positive numbers")
    return counts


# --short: a configuration small enough for a quick check; options given still win.
SHORT = {
    "events": 400,
    "rounds": 1,
    "seconds": 30,
    "inbox_rows": 5000,
    "serve_seconds": 1,
    "odoo_events": 200,
    "drain_events": 3000,
    "drain_shipments": 300,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10000, help="callbacks per phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all phases")
    parser.add_argument(
        "--clients",
        type=client_counts,
        default=[4, 64],
        help="concurrent senders, one run of every phase per number (default 4,64)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=BridgeSettings.model_fields["threads"].default,
        help="worker threads (default: the bridge's own default)",
    )
    parser.add_argument("--shipments", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60, help="time cap per phase")
    parser.add_argument("--inbox-rows", type=int, default=1_000_000)
    parser.add_argument("--serve-seconds", type=float, default=8)
    parser.add_argument(
        "--odoo-events",
        type=int,
        default=2000,
        help="callbacks to Odoo's webhook route per number of senders; 0 skips that phase",
    )
    parser.add_argument("--odoo-workers", type=int, default=2, help="Odoo prefork workers")
    parser.add_argument(
        "--odoo-template",
        help="copy this database (base_automation installed) instead of creating one; "
        "default $LGX_ODOO_TEMPLATE",
    )
    parser.add_argument(
        "--drain-events",
        type=int,
        default=35_000,
        help="pending events of the drain phase (a backlog left by an Odoo outage)",
    )
    parser.add_argument("--drain-shipments", type=int, default=3000)
    parser.add_argument("--drain-lanes", type=int, default=2, help="forwarders on the inbox")
    parser.add_argument(
        "--drain-pg",
        help="also drain a PostgreSQL inbox at this URL (an empty database of its own)",
    )
    parser.add_argument(
        "--drain-only", action="store_true", help="run the drain phase alone, nothing else"
    )
    parser.add_argument("--short", action="store_true", help="a small configuration: " + str(SHORT))
    parser.add_argument("--report-json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    if args.short:
        parser.set_defaults(**SHORT)
        args = parser.parse_args()
    return args


def ms(latencies: list[float], fraction: float) -> str:
    return f"{percentile(latencies, fraction) * 1000:.1f}"


def report_accept(clients: int, rounds: int, results: dict[str, list[PhaseResult]]) -> None:
    """One number of senders: every phase's median, the ratios, CPU and latency."""

    def median(phase: str, attribute: str) -> float:
        return statistics.median(getattr(result, attribute) for result in results[phase])

    noop_rate, kept_rate, rate = (median(phase, "rate") for phase in PHASES)
    ratios = [d.rate / n.rate for d, n in zip(results["durable"], results["noop"], strict=True)]
    median_of = f"median of {rounds} round(s)"
    print(f"-- {clients} senders ({median_of}) --")
    print(f"no-op handler:        {noop_rate:9.0f} req/s")
    print(f"durable accept:       {rate:9.0f} events/s (WAL + synchronous=FULL, group commit)")
    print(
        f"ratio durable/no-op:  {rate / noop_rate:9.2f} (target >= 0.8; rounds "
        f"{min(ratios):.2f}-{max(ratios):.2f})"
    )
    print(
        f"handler, not stored:  {kept_rate:9.0f} req/s (authenticated and validated, nothing "
        f"kept; {kept_rate / noop_rate:.2f} of no-op, durable is {rate / kept_rate:.2f} of it)"
    )
    print(
        "server per request:   "
        + ", ".join(
            f"{name} {median(phase, 'cpu_us'):.0f} us CPU / "
            f"{median(phase, 'switches'):.1f} switches"
            for phase, name in PHASE_NAMES.items()
        )
    )
    latencies = [value for result in results["durable"] for value in result.latencies]
    noop_lat = [value for result in results["noop"] for value in result.latencies]
    print(
        f"accept latency:       p50 {ms(latencies, 0.5)} ms, p99 {ms(latencies, 0.99)} ms "
        f"(no-op p50 {ms(noop_lat, 0.5)} ms, p99 {ms(noop_lat, 0.99)} ms)"
    )


def side_by_side(
    accepted: dict[int, dict[str, list[PhaseResult]]], odoo: dict[int, OdooResult] | str
) -> dict[str, dict[str, Any]]:
    """Per number of senders: the bridge's median rates (latencies of every round), its
    ratio to its no-op, and Odoo's webhook route under the same callbacks (None if skipped)."""
    figures: dict[str, dict[str, Any]] = {}
    for clients, results in accepted.items():
        noop, not_stored, durable = (
            statistics.median(result.rate for result in results[phase]) for phase in PHASES
        )
        latencies = [value for result in results["durable"] for value in result.latencies]
        row: dict[str, Any] = {
            "noop_per_second": round(noop, 1),
            "not_stored_per_second": round(not_stored, 1),
            "durable_per_second": round(durable, 1),
            "durable_over_noop": round(durable / noop, 3),
            "durable_over_noop_rounds": [
                round(d.rate / n.rate, 3)
                for d, n in zip(results["durable"], results["noop"], strict=True)
            ],
            "durable_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
            "durable_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "odoo": None,
            "bridge_over_odoo": None,
        }
        peer = odoo.get(clients) if isinstance(odoo, dict) else None
        if peer is not None and peer.ok:
            row["odoo"] = {
                "per_second": round(peer.rate, 1),
                "p50_ms": round(percentile(peer.latencies, 0.5) * 1000, 1),
                "p99_ms": round(percentile(peer.latencies, 0.99) * 1000, 1),
                "failed": peer.failed,
                "stored": peer.stored,
            }
            row["bridge_over_odoo"] = round(durable / peer.rate, 2)
        figures[str(clients)] = row
    return figures


def report_side_by_side(figures: dict[str, dict[str, Any]], odoo: dict | str) -> None:
    """Every number of senders on one line each: the bridge's durable accept against its
    no-op and against Odoo's webhook route."""
    print(
        "side by side (bridge: `serve`, median rate; latencies of every round; "
        "fsync before every 2xx):"
    )
    print(
        "  senders | no-op req/s | durable events/s | durable/no-op | durable p50/p99 ms "
        "| Odoo webhook/s | Odoo p50/p99 ms | Odoo failed | bridge/Odoo"
    )
    for clients, row in figures.items():
        line = (
            f"  {int(clients):7d} | {row['noop_per_second']:11.0f} | "
            f"{row['durable_per_second']:16.0f} | {row['durable_over_noop']:13.2f} | "
            f"{str(row['durable_p50_ms']) + ' / ' + str(row['durable_p99_ms']):>18} | "
        )
        peer = row["odoo"]
        if peer is None:
            line += f"{'-':>14} | {'-':>15} | {'-':>11} | -"
        else:
            line += (
                f"{peer['per_second']:14.1f} | "
                f"{str(peer['p50_ms']) + ' / ' + str(peer['p99_ms']):>15} | "
                f"{peer['failed']:>11} | {row['bridge_over_odoo']:.1f}"
            )
        print(line)
    if isinstance(odoo, str):
        print(f"  Odoo webhook route: {odoo}")


def main() -> int:
    args = parse_args()
    interrupt_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="bridge-bench-") as tmp:
        workdir = Path(tmp)
        if args.drain_only:
            drain_backends(args, workdir)
            return 0
        print(
            f"bridge throughput benchmark: {os.cpu_count()} CPU(s), senders "
            f"{', '.join(map(str, args.clients))}, {args.threads} worker threads, up to "
            f"{args.events} events per phase, {args.rounds} round(s)",
            flush=True,
        )
        accepted: dict[int, dict[str, list[PhaseResult]]] = {}
        inbox = workdir / "accept.sqlite3"
        for clients in args.clients:
            inbox, accepted[clients] = bench_accept(args, workdir, clients)
        odoo = bench_odoo_webhook(args, workdir, args.clients)
        for clients, results in accepted.items():
            report_accept(clients, args.rounds, results)
        figures = side_by_side(accepted, odoo)
        report_side_by_side(figures, odoo)
        # The last durable round's inbox: its events plus the warm-up's.
        last = accepted[args.clients[-1]]["durable"][-1]
        forwarded, fwd_elapsed = bench_forward(inbox, last.ok + warmup_count(args))
        print(
            f"forwarded to stub:    {forwarded / fwd_elapsed:9.0f} events/s "
            f"({forwarded} in {fwd_elapsed:.1f}s, batch 200, one event per shipment per batch)"
        )
        drained = drain_backends(args, workdir)
        big = workdir / "big.sqlite3"
        fill_seconds = fill_inbox(big, args.inbox_rows)
        print(
            f"inbox of {args.inbox_rows} rows generated in {fill_seconds:.1f}s "
            f"({os.path.getsize(big) / 2**20:.0f} MiB file)"
        )
        rss_status = peak_rss_status(big)
        print(f"peak RSS `status` over it:            {rss_status:6.1f} MB (target <= 80)")
        rss, sent = peak_rss_serve(big, args.serve_seconds, workdir)
        print(
            f"peak RSS `serve` (forwarding) over it: {rss:6.1f} MB (target <= 80; "
            f"forwarded {sent} events in {args.serve_seconds:.0f}s)"
        )
    if args.report_json:
        report = {
            "cpus": os.cpu_count(),
            "events": args.events,
            "rounds": args.rounds,
            "senders": figures,
            "odoo_skipped": odoo if isinstance(odoo, str) else None,
            "forwarded_per_second": round(forwarded / fwd_elapsed, 1),
            "drain_per_second": drained,
            "peak_rss_status_mb": round(rss_status, 1),
            "peak_rss_serve_mb": round(rss, 1),
        }
        args.report_json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
