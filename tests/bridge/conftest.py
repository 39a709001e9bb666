"""Shared fixtures of the bridge tests: signing, a loopback Odoo stand-in, running bridges."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

BRIDGE_SRC = Path(__file__).resolve().parents[2] / "bridge"
if str(BRIDGE_SRC) not in sys.path:
    sys.path.insert(0, str(BRIDGE_SRC))
# The benchmarks' helpers the tests share (raw_http); last, so they shadow nothing.
BENCHMARKS = BRIDGE_SRC.parent / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.append(str(BENCHMARKS))

from logistics_bridge.app import BridgeApp  # noqa: E402
from logistics_bridge.config import BridgeSettings, load_settings  # noqa: E402
from logistics_bridge.exceptions import InboxError  # noqa: E402
from logistics_bridge.metrics import BridgeMetrics  # noqa: E402
from logistics_bridge.models import AddResult, NewEvent  # noqa: E402
from logistics_bridge.service import BridgeService, build_service  # noqa: E402
from logistics_bridge.store import Inbox, open_inbox  # noqa: E402
from logistics_bridge.store.group_commit import QueuedRequest  # noqa: E402
from logistics_tms_simulator import sender  # noqa: E402
from standardwebhooks.webhooks import Webhook  # noqa: E402


# pytest-odoo, when installed, adds autouse fixtures that load an Odoo registry; the bridge
# never imports Odoo, so these same-named fixtures shadow them for this directory.
@pytest.fixture(scope="session", autouse=True)
def load_registry() -> Iterator[None]:
    yield


@pytest.fixture(scope="module", autouse=True)
def enable_odoo_test_flag() -> Iterator[None]:
    yield


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No LOGISTICS_BRIDGE_* variable of the calling environment leaks into a test."""
    for name in list(os.environ):
        if name.startswith("LOGISTICS_BRIDGE_"):
            monkeypatch.delenv(name)
    return monkeypatch


SECRET_A = "whsec_" + base64.b64encode(b"secret-a-0123456789abcdef").decode()
SECRET_B = "whsec_" + base64.b64encode(b"secret-b-0123456789abcdef").decode()
SECRET_OLD = "whsec_" + base64.b64encode(b"secret-old-0123456789abcd").decode()


def make_event(event_id: str | None = None, shipment: str = "SHP-1", **extra: Any) -> dict:
    """A valid envelope."""
    event = {
        "event_id": event_id or f"evt-{uuid.uuid4()}",
        "event_type": "status",
        "shipment_reference": shipment,
        "occurred_at": "2026-05-01T10:00:00+02:00",
        "payload": {"status": "in_transit"},
    }
    event.update(extra)
    return event


def new_event(
    event_id: str,
    shipment: str = "SHP-1",
    *,
    endpoint: str = "acme",
    webhook_id: str | None = None,
    correlation_id: str = "corr",
    received_at: datetime | None = None,
) -> NewEvent:
    """A validated event ready for ``Inbox.add``."""
    return NewEvent(
        endpoint=endpoint,
        event_id=event_id,
        webhook_id=webhook_id,
        format="tms-event",
        ordering_key=shipment,
        event_type="status",
        shipment_reference=shipment,
        occurred_at="2026-05-01T10:00:00+02:00",
        payload_json='{"k": 1}',
        correlation_id=correlation_id,
        schema_version="1",
        received_at=received_at or datetime.now(UTC),
    )


def commit_together(
    inbox: Inbox, requests: list[list[NewEvent]]
) -> list[list[AddResult] | InboxError | None]:
    """Store several requests' events as one group commit does when they queue together:
    one transaction, one savepoint per request, in this order; per request its results or
    the ``InboxError`` that refused it."""
    group = [QueuedRequest(events) for events in requests]
    inbox._write_group(group)
    return [request.error or request.result for request in group]


def x12_interchange(sender: str, isa13: str, groups: list[tuple[str, list[str]]]) -> str:
    """A 214 interchange from ``sender`` (ISA06), ``isa13`` and its ``(GS06, [ST02...])``
    groups, each set holding one B10."""
    segments = [
        f"ISA*00*          *00*          *02*{sender:<15}*ZZ*ACMELOGISTICS  *260501*1015*U"
        f"*00401*{isa13}*0*P*>",
    ]
    for gs06, controls in groups:
        segments.append(f"GS*QM*ABCD*ACMELOGISTICS*20260501*1015*{gs06}*X*004010")
        for st02 in controls:
            segments += [f"ST*214*{st02}", "B10*PRO1*SHP-1*ABCD", f"SE*3*{st02}"]
        segments.append(f"GE*{len(controls)}*{gs06}")
    segments.append(f"IEA*{len(groups)}*{isa13}")
    return "~".join(segments) + "~"


def signed_headers(
    body: bytes | str,
    secret: str = SECRET_A,
    msg_id: str | None = None,
    timestamp: float | None = None,
    extra_signatures: tuple[str, ...] = (),
) -> dict[str, str]:
    """Standard Webhooks headers for ``body`` signed with ``secret``."""
    text = body.decode() if isinstance(body, bytes) else body
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    moment = datetime.fromtimestamp(
        timestamp if timestamp is not None else datetime.now(UTC).timestamp(), UTC
    )
    headers = sender.signed_headers(Webhook(secret), msg_id, text, moment)
    extra = [Webhook(other).sign(msg_id, moment, text) for other in extra_signatures]
    headers["webhook-signature"] = " ".join([headers["webhook-signature"], *extra])
    return headers


@dataclass
class FakeOdoo:
    """Loopback stand-in for Odoo's /jsonrpc: records calls, answers processed/duplicate;
    serves ``registry`` (the endpoint registry document) once a test sets it, and before
    that refuses the registry's methods like an Odoo without them."""

    calls: list[dict] = field(default_factory=list)
    heartbeats: list[dict] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    processed: list[tuple[str, str]] = field(default_factory=list)
    reject_ids: set[str] = field(default_factory=set)
    fail_with_status: int | None = None
    registry: dict | None = None
    imports: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, request: dict) -> tuple[int, dict]:
        params = request.get("params", {})
        with self.lock:
            self.calls.append(params)
            if self.fail_with_status:
                return self.fail_with_status, {}
            service, method, args = params["service"], params["method"], params["args"]
            if service == "common" and method == "version":
                result: Any = {"v": "18.0"}
            elif service == "common" and method == "authenticate":
                result = 2
            elif args[3] == "logistics.bridge.instance":
                self.heartbeats.append(args[5][0])
                result = {"bridge_id": args[5][0]["bridge_id"], "stale_after_seconds": 180}
            elif args[3] == "logistics.bridge.registry":
                if self.registry is None:
                    error = {
                        "code": 200,
                        "message": "Odoo Server Error",
                        "data": {
                            "name": "builtins.KeyError",
                            "message": "'logistics.bridge.registry'",
                        },
                    }
                    return 200, {"jsonrpc": "2.0", "id": request.get("id"), "error": error}
                result = self._registry_call(args[4], args[5])
            else:
                result = self._ingest(*args[5])
            return 200, {"jsonrpc": "2.0", "id": request.get("id"), "result": result}

    def _registry_call(self, method: str, args: list) -> Any:
        assert self.registry is not None
        if method == "registry_version":
            return {"version": self.registry["version"]}
        if method == "registry":
            return self.registry
        assert method == "import_endpoints", method
        self.imports.append(args[0])
        known = self.registry["endpoints"]
        return {
            "created": sorted(code for code in args[0] if code not in known),
            "updated": sorted(
                code for code in args[0] if code in known and known[code] != args[0][code]
            ),
            "unchanged": sorted(code for code in args[0] if known.get(code) == args[0][code]),
        }

    def _ingest(self, endpoint: str, events: list[dict]) -> list[dict]:
        answers = []
        for event in events:
            key = (endpoint, event["event_id"])
            if event["event_id"] in self.reject_ids:
                answers.append(
                    {"event_id": event["event_id"], "result": "rejected", "reason": "nope"}
                )
            elif key in self.seen:
                answers.append(
                    {"event_id": event["event_id"], "result": "duplicate", "reason": None}
                )
            else:
                self.seen.add(key)
                self.processed.append(key)
                answers.append(
                    {"event_id": event["event_id"], "result": "processed", "reason": None}
                )
        return answers


def send_json(handler: BaseHTTPRequestHandler, status: int, document: Any) -> None:
    """Answer the request ``handler`` serves with ``status`` and ``document`` as JSON."""
    body = json.dumps(document).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _start_fake_odoo() -> FakeOdoo:
    fake = FakeOdoo()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            send_json(self, *fake.answer(json.loads(self.rfile.read(length))))

        def log_message(self, *args: Any) -> None:
            return None

    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.server.daemon_threads = True
    threading.Thread(
        target=fake.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return fake


@pytest.fixture
def fake_odoo() -> Iterator[FakeOdoo]:
    fake = _start_fake_odoo()
    yield fake
    assert fake.server is not None
    fake.server.shutdown()
    fake.server.server_close()


def bridge_settings(
    tmp_path: Path, odoo_url: str | None = None, **overrides: Any
) -> BridgeSettings:
    """Settings for a test bridge on an ephemeral loopback port."""
    values: dict[str, Any] = {
        "inbox_url": f"sqlite:///{tmp_path}/inbox.sqlite3",
        "listen_host": "127.0.0.1",
        "listen_port": 0,
        "threads": 4,
        "endpoints": {"acme": [SECRET_A, SECRET_B], "other": [SECRET_A]},
        "heartbeat_seconds": 0,
        # Endpoints from this configuration, unless a test follows a registry.
        "registry": {"enabled": False},
    }
    if odoo_url:
        values["odoo"] = {"url": odoo_url, "db": "test", "login": "bridge", "api_key": "k"}
    values.update(overrides)
    return load_settings(None, **values)


@contextlib.contextmanager
def wsgi_app(directory: Path, **overrides: Any) -> Iterator[BridgeApp]:
    """The bridge's WSGI application over a new inbox in ``directory``, closed afterwards."""
    settings = bridge_settings(directory, **overrides)
    inbox = open_inbox(settings.inbox_url)
    try:
        yield BridgeApp(settings, inbox, BridgeMetrics(inbox.counts))
    finally:
        inbox.close()


def module_app(
    tmp_path_factory: pytest.TempPathFactory, name: str, endpoints: dict[str, Any]
) -> Iterator[BridgeApp]:
    """A test module's WSGI application over an inbox of its own in a directory named
    ``name``, with no backpressure in the way of its many requests (``yield from`` it)."""
    with wsgi_app(tmp_path_factory.mktemp(name), endpoints=endpoints, high_water_mark=10**6) as app:
        yield app


def wait_for(condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Return once ``condition()`` is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


@dataclass
class RunningBridge:
    """A started bridge and its base URL."""

    service: BridgeService
    url: str

    def events_url(self, endpoint: str = "acme") -> str:
        return f"{self.url}/v1/in/{endpoint}"


def start_bridge(settings: BridgeSettings, *, forward: bool = False) -> RunningBridge:
    service = build_service(settings, forward=forward)
    service.start()
    return RunningBridge(service, f"http://127.0.0.1:{service.server.port}")


@pytest.fixture
def bridge(tmp_path: Path, fake_odoo: FakeOdoo) -> Iterator[RunningBridge]:
    running = start_bridge(bridge_settings(tmp_path, fake_odoo.url))
    yield running
    running.service.shutdown()


PG_ADMIN_URL = "postgresql://root@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 is unreachable: {exc}")
    name = f"lb_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://root@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
