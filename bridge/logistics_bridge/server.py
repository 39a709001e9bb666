"""HTTP side: the WSGI application and its waitress server with graceful shutdown."""

from __future__ import annotations

import json
import logging
import re
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from http import HTTPStatus
from typing import Any

import waitress
from logistics_contract.content import dump_exact
from logistics_contract.envelope import ENVELOPE_LIST, TmsEventEnvelope
from pydantic import ValidationError
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.task import ErrorTask
from waitress.utilities import BadRequest

from .config import BridgeSettings
from .exceptions import (
    Backpressure,
    BridgeError,
    HeaderInvalid,
    InboxError,
    MalformedJson,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    RequestRejected,
    SchemaViolation,
    UnsupportedMediaType,
)
from .formats import MAX_EVENTS_PER_REQUEST, Decoded, RequestContext
from .logsafe import log_field
from .metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from .metrics import BridgeMetrics
from .models import CONFLICT_MESSAGE, AddResult, NewEvent
from .routing import EndpointRoute, RouteTable, build_routes, request_headers
from .safejson import load_json
from .store import Inbox
from .tracecontext import incoming_traceparent

_logger = logging.getLogger(__name__)

# /v1/in/<endpoint>, and the original /v1/tms/<endpoint>/events kept as its alias.
_EVENTS_PATH = re.compile(r"^/v1/(?:in/(?P<endpoint>[^/]+)|tms/(?P<alias>[^/]+)/events)/?$")
# What ``serve`` logs once it accepts connections; whoever started it reads the port here.
LISTENING_LINE = re.compile(r"listening on http://\S+:(\d+)")
_JSON = [("Content-Type", "application/json")]
StartResponse = Callable[..., Any]
# Problems listed in a 422 answer (and its log line); the rest are counted, not listed.
MAX_REPORTED_ERRORS = 50
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*", re.ASCII)


def events_endpoint(path: str) -> str | None:
    """The endpoint code of a path that takes events, None for any other path."""
    match = _EVENTS_PATH.match(path)
    return (match.group("endpoint") or match.group("alias")) if match else None


def _field_name(loc: tuple[Any, ...], in_array: bool) -> str:
    parts = list(loc)
    name = ""
    if in_array and parts and isinstance(parts[0], int):
        name = f"[{parts.pop(0)}]"
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "(body)"


def _error_message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] == "timezone_aware":
        return "must carry a timezone offset"
    return str(error["msg"]).removeprefix("Value error, ")


def _schema_violation(exc: ValidationError, in_array: bool) -> SchemaViolation:
    """The first ``MAX_REPORTED_ERRORS`` problems by field, plus how many more there are."""
    errors = exc.errors(include_input=False, include_url=False)
    fields: dict[str, None] = {}  # insertion-ordered set: linear however many errors
    details = []
    for error in errors[:MAX_REPORTED_ERRORS]:
        name = _field_name(tuple(error["loc"]), in_array)
        fields[name] = None
        details.append(f"{name}: {_error_message(error)}")
    if len(errors) > MAX_REPORTED_ERRORS:
        details.append(f"and {len(errors) - MAX_REPORTED_ERRORS} more problem(s)")
    return SchemaViolation("; ".join(details), fields=list(fields))


class BridgeApp:
    """WSGI application: authenticate, keep, answer. Nothing else happens on this path."""

    def __init__(
        self,
        settings: BridgeSettings,
        inbox: Inbox,
        metrics: BridgeMetrics,
        readiness_probe: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.inbox = inbox
        self.metrics = metrics
        self.readiness_probe = readiness_probe
        # Replaced as one reference by ``install``: a request reads it once, so a request in
        # flight finishes with the endpoints it started with, and the hot path takes no lock.
        self.table = RouteTable(
            settings.endpoints,
            build_routes(
                settings.endpoints, settings.signature_tolerance_seconds, settings.public_base_url
            ),
            None,
            "bootstrap",
        )

    def install(self, table: RouteTable) -> None:
        """Serve ``table``'s endpoints from the next request on."""
        self.table = table

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            status, headers, body = self._dispatch(environ, path, method)
        except RequestRejected as exc:
            status, headers, body = self._refusal(environ, exc)
        except Exception:  # last resort: log it, answer 500, keep serving
            _logger.exception("unexpected error on %s %s", log_field(method), log_field(path))
            status, headers, body = self._error_answer(
                500, "internal_error", "unexpected error, see the bridge log", None, []
            )
        start_response(status, headers + [("Content-Length", str(len(body)))])
        return [body] if method != "HEAD" else [b""]

    # -- routing ----------------------------------------------------------------------------
    def _dispatch(
        self, environ: dict[str, Any], path: str, method: str
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        endpoint = events_endpoint(path)
        if endpoint is not None:
            self._require(method, ("POST",))
            return self._accept(environ, endpoint)
        if path == "/healthz":
            self._require(method, ("GET", "HEAD"))
            return self._json(200, {"status": "ok"})
        if path == "/readyz":
            self._require(method, ("GET", "HEAD"))
            return self._ready()
        if path == "/metrics":
            self._require(method, ("GET", "HEAD"))
            return "200 OK", [("Content-Type", METRICS_CONTENT_TYPE)], self.metrics.render()
        raise NotFound(f"no resource at {log_field(path)}")

    @staticmethod
    def _require(method: str, allowed: tuple[str, ...]) -> None:
        if method not in allowed:
            raise MethodNotAllowed(
                f"{method} is not allowed here; use {', '.join(allowed)}",
                headers=[("Allow", ", ".join(allowed))],
            )

    # -- answers ----------------------------------------------------------------------------
    @staticmethod
    def _json(code: int, document: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        return (
            f"{code} {HTTPStatus(code).phrase}",
            list(_JSON),
            json.dumps(document, separators=(",", ":")).encode(),
        )

    def _error_answer(
        self,
        code: int,
        error: str,
        message: str,
        fields: list[str] | None,
        headers: list[tuple[str, str]],
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        document: dict[str, Any] = {"error": error, "message": message}
        if fields is not None:
            document["fields"] = fields
        status, base, body = self._json(code, document)
        return status, base + headers, body

    def _refusal(
        self, environ: dict[str, Any], exc: RequestRejected
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        level = logging.WARNING if exc.status in (401, 503) else logging.INFO
        _logger.log(
            level,
            "refused %s %s from %s: %d %s: %s",
            log_field(environ.get("REQUEST_METHOD")),
            log_field(environ.get("PATH_INFO")),
            log_field(environ.get("REMOTE_ADDR")),
            exc.status,
            exc.code,
            log_field(exc.message, limit=8000),
        )
        self.metrics.rejected.labels(exc.code).inc()
        return self._error_answer(exc.status, exc.code, exc.message, exc.fields, exc.headers)

    def _ready(self) -> tuple[str, list[tuple[str, str]], bytes]:
        try:
            self.inbox.check_writable()
        except InboxError as exc:
            _logger.warning("not ready: inbox not writable: %s", exc)
            return self._error_answer(503, "not_ready", f"inbox not writable: {exc}", None, [])
        if self.readiness_probe is None:
            return self._error_answer(503, "not_ready", "Odoo is not configured", None, [])
        try:
            self.readiness_probe()
        except BridgeError as exc:
            _logger.warning("not ready: Odoo unreachable: %s", exc)
            return self._error_answer(503, "not_ready", f"Odoo unreachable: {exc}", None, [])
        return self._json(200, {"status": "ready"})

    # -- accepting callbacks ----------------------------------------------------------------
    def _accept(
        self, environ: dict[str, Any], endpoint: str
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        route = self.target(endpoint, environ.get("CONTENT_TYPE", ""))
        body = self._read_body(environ)
        decoded = self.events_from(endpoint, route, body, request_headers(environ))
        try:
            results = self.inbox.add(decoded.events)
        except InboxError as exc:
            return self.inbox_unavailable(endpoint, decoded.events, exc)
        return self.stored(endpoint, route, decoded, results)

    def target(self, endpoint: str, content_type: str) -> EndpointRoute:
        """The endpoint's route, if the request may carry events for it."""
        route = self.table.routes.get(endpoint)
        if route is None:
            raise NotFound(f"unknown endpoint {log_field(endpoint)!r}")
        if content_type.split(";")[0].strip().lower() not in route.content_types:
            raise UnsupportedMediaType(f"Content-Type must be {' or '.join(route.content_types)}")
        return route

    def events_from(
        self, endpoint: str, route: EndpointRoute, body: bytes, headers: Mapping[str, str]
    ) -> Decoded:
        """The events an authenticated body carries (with the format's acknowledgement, if
        it has one), once the inbox has room for them.

        ``headers`` are the request's headers by lower-case name, as ``request_headers`` gives.
        """
        if self.inbox.pending_count() > self.settings.high_water_mark:
            raise Backpressure(
                "inbox is over its high-water mark, retry later",
                headers=[("Retry-After", str(self.settings.retry_after_seconds))],
            )
        delivery_id = route.verifier.verify(body, headers)
        header_correlation = self._header_correlation(headers)
        traceparent = incoming_traceparent(headers.get("traceparent"))
        received_at = datetime.now(UTC)
        if route.decoder is None:
            return Decoded(
                self._envelope_events(
                    body, endpoint, delivery_id, header_correlation, received_at, traceparent
                )
            )
        request = RequestContext(
            endpoint,
            received_at,
            header_correlation or str(uuid.uuid4()),
            delivery_id,
            traceparent,
        )
        return route.decoder.decode(body, request)

    def inbox_unavailable(
        self, endpoint: str, events: list[NewEvent], exc: InboxError
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        """The answer when the inbox could not commit: retry later, nothing was kept."""
        _logger.error("cannot store %d event(s) for %s: %s", len(events), endpoint, exc)
        return self._error_answer(
            503,
            "inbox_unavailable",
            "events could not be stored, retry later",
            None,
            [("Retry-After", str(self.settings.retry_after_seconds))],
        )

    def stored(
        self, endpoint: str, route: EndpointRoute, decoded: Decoded, results: list[AddResult]
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        """The answer once ``decoded``'s events are committed as ``results``: 409 if one was a
        conflicting duplicate (kept for review, whatever the format), else 202, or 200 if all
        were duplicates, the format's acknowledgement as its body if it has one."""
        accepted = sum(1 for result in results if result.status == "accepted")
        conflicts = [result for result in results if result.status == "conflict"]
        duplicates = len(results) - accepted - len(conflicts)
        if accepted:
            self.metrics.accepted.labels(endpoint, route.format).inc(accepted)
        if duplicates:
            self.metrics.duplicates.labels(endpoint, route.format).inc(duplicates)
        _logger.debug("%s: %d accepted, %d duplicate", endpoint, accepted, duplicates)
        listing = [result.as_dict() for result in results]
        if conflicts:
            self.metrics.conflicts.labels(endpoint, route.format).inc(len(conflicts))
            _logger.warning(
                "%s: %s kept for review",
                endpoint,
                ", ".join(f"event {log_field(result.event_id)}" for result in conflicts),
            )
            return self._json(
                409,
                {
                    "error": "conflicting_duplicate",
                    "status": "conflict",
                    "message": CONFLICT_MESSAGE,
                    "events": listing,
                },
            )
        if decoded.acknowledgement is not None:
            code = 202 if accepted else 200
            content_type, acknowledgement = decoded.acknowledgement
            return (
                f"{code} {HTTPStatus(code).phrase}",
                [("Content-Type", content_type)],
                acknowledgement,
            )
        if not accepted:
            return self._json(200, {"status": "duplicate", "events": listing})
        return self._json(202, {"status": "accepted", "events": listing})

    def _envelope_events(
        self,
        body: bytes,
        endpoint: str,
        webhook_id: str | None,
        header_correlation: str | None,
        received_at: datetime,
        traceparent: str | None,
    ) -> list[NewEvent]:
        envelopes, is_array = self._parse(body)
        return [
            NewEvent(
                endpoint=endpoint,
                event_id=envelope.event_id,
                webhook_id=None if is_array else webhook_id,
                event_type=envelope.event_type,
                shipment_reference=envelope.shipment_reference,
                occurred_at=envelope.occurred_at.isoformat(),
                payload_json=dump_exact(envelope.payload),
                correlation_id=envelope.correlation_id or header_correlation or str(uuid.uuid4()),
                schema_version=envelope.schema_version,
                received_at=received_at,
                traceparent=traceparent,
            )
            for envelope in envelopes
        ]

    @staticmethod
    def _header_correlation(headers: Mapping[str, str]) -> str | None:
        """``X-Correlation-ID`` for events without their own: printable ASCII, cut to 255."""
        value = headers.get("x-correlation-id", "").strip()
        if not _PRINTABLE_ASCII.fullmatch(value):
            raise HeaderInvalid(
                "X-Correlation-ID must be printable ASCII", fields=["X-Correlation-ID"]
            )
        return value[:255] or None

    def _read_body(self, environ: dict[str, Any]) -> bytes:
        limit = self.settings.max_body_bytes
        declared = environ.get("CONTENT_LENGTH") or ""
        if declared:
            try:
                length = int(declared)
            except ValueError:
                raise MalformedJson("Content-Length is not a number") from None
            if length > limit:
                raise PayloadTooLarge(f"body of {length} bytes exceeds the {limit}-byte limit")
        # Cap the read as well: a missing or lying Content-Length must not defeat the limit.
        body = environ["wsgi.input"].read(limit + 1)
        if len(body) > limit:
            raise PayloadTooLarge(f"body exceeds the {limit}-byte limit")
        return body

    @staticmethod
    def _parse(body: bytes) -> tuple[list[TmsEventEnvelope], bool]:
        document = load_json(body)
        if isinstance(document, dict):
            try:
                return [TmsEventEnvelope.model_validate(document)], False
            except ValidationError as exc:
                raise _schema_violation(exc, in_array=False) from None
        if isinstance(document, list):
            if not document:
                raise SchemaViolation("the event array is empty", fields=["(body)"])
            if len(document) > MAX_EVENTS_PER_REQUEST:
                raise SchemaViolation(
                    f"the event array holds {len(document)} events;"
                    f" at most {MAX_EVENTS_PER_REQUEST} per request",
                    fields=["(body)"],
                )
            try:
                return ENVELOPE_LIST.validate_python(document), True
            except ValidationError as exc:
                raise _schema_violation(exc, in_array=True) from None
        raise SchemaViolation("body must be an event object or an array of them", fields=["(body)"])


class _JsonErrorTask(ErrorTask):
    """Waitress's own refusals (413 above its limit, 431, unparseable requests) in the
    bridge's JSON error shape instead of waitress's plain text."""

    def execute(self) -> None:
        error = self.request.error
        status, code = error.code, error.reason.lower().replace(" ", "_")
        if status >= 500:  # 501 for a transfer coding waitress lacks: still the client's input
            status, code = 400, "unsupported_transfer_coding"
        _logger.info(
            "refused by the HTTP layer from %s: %d %s: %s",
            log_field(self.channel.addr[0] if self.channel.addr else None),
            status,
            code,
            log_field(error.body),
        )
        body = json.dumps(
            {"error": code, "message": f"{error.reason}: {error.body}"}, separators=(",", ":")
        ).encode()
        self.status = f"{status} {HTTPStatus(status).phrase}"
        self.response_headers.extend(_JSON)
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _StrictParser(HTTPRequestParser):
    """Waitress's parser, stricter on framing:

    - a request whose header ends in bare LFs is answered 400 at once instead of waiting
      for the CRLF CRLF that never comes;
    - a request with both Content-Length and Transfer-Encoding is answered 400 and its
      connection closed (RFC 9112 section 6.3: the framing is ambiguous, a way to smuggle
      a second request past an intermediary that reads the other header).

    A parser is made on a request's first byte: ``started`` is when its header deadline
    begins."""

    def __init__(self, adj: Any) -> None:
        super().__init__(adj)
        self.started = time.time()  # waitress's clock (channel.last_activity) is time.time

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        if self.chunked and "CONTENT_LENGTH" in self.headers:
            raise ParsingError(
                "a request with both Content-Length and Transfer-Encoding is refused"
                " (RFC 9112 section 6.3)"
            )

    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        if (
            not self.completed
            and self.body_rcv is None
            and b"\n\n" in self.header_plus.lstrip().replace(b"\r\n", b"\n")
        ):
            self.parse_header(b"GET / HTTP/1.0\r\n")
            self.error = BadRequest("request lines must end in CRLF, not a bare LF")
            self.completed = True
        return consumed


@dataclass(frozen=True)
class ConnectionLimits:
    """How many connections are served at once, and how long a slow one may hold on."""

    max_connections: int = 1000
    header_timeout_seconds: int = 10
    idle_timeout_seconds: int = 10


def _overflow_answer(max_connections: int) -> bytes:
    body = json.dumps(
        {
            "error": "too_many_connections",
            "message": f"the bridge serves {max_connections} connections at once; retry later",
        },
        separators=(",", ":"),
    ).encode()
    head = (
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


class _BridgeChannel(HTTPChannel):
    """A connection. One beyond ``max_connections`` is answered 503 at once, then drained
    until the client closes (closing with its request unread would reset the connection,
    and the client could lose the answer); it reads no request."""

    error_task_class = _JsonErrorTask
    parser_class = _StrictParser
    overflowing = False

    def __init__(
        self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None, *, max_connections: int
    ) -> None:
        super().__init__(server, sock, addr, adj, map)
        served = sum(1 for channel in server.active_channels.values() if not channel.overflowing)
        if served > max_connections:
            self.overflowing = True
            answer = _overflow_answer(max_connections)
            with self.outbuf_lock:
                self.outbufs[-1].append(answer)
                self.current_outbuf_count += len(answer)
                self.total_outbufs_len += len(answer)

    def readable(self) -> bool:
        return self.overflowing or super().readable()

    def handle_read(self) -> None:
        if not self.overflowing:
            super().handle_read()
            return
        try:
            self.recv(self.adj.recv_bytes)  # discarded; an empty read closes the channel
        except OSError:
            self.handle_close()

    def handle_write(self) -> None:
        super().handle_write()
        if self.overflowing and not self.total_outbufs_len and self.connected:
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                self.handle_close()


# Connections accepted per pass of the event loop. Waitress accepts one per pass, and a pass
# over a thousand open connections takes milliseconds: a burst of new connections would
# wait seconds in the backlog.
_ACCEPTS_PER_PASS = 64


def _guard_connections(server: Any, header_timeout_seconds: int) -> None:
    """Adapt a waitress server to floods of connections:

    - accept the connections waiting, up to ``_ACCEPTS_PER_PASS``, on each pass;
    - make its periodic maintenance (which closes idle connections) also close a
      connection whose request header is not complete ``header_timeout_seconds`` after its
      first byte: a header sent a byte at a time is never idle long enough."""
    accept_one = server.handle_accept
    close_idle = server.maintenance

    def handle_accept() -> None:
        for _attempt in range(_ACCEPTS_PER_PASS):
            open_before = len(server.active_channels)
            accept_one()
            if len(server.active_channels) == open_before:  # none waiting, or it failed
                return

    def maintenance(now: float) -> None:
        close_idle(now)
        cutoff = now - header_timeout_seconds
        for channel in list(server.active_channels.values()):
            request = channel.request
            if request is not None and not request.headers_finished and request.started < cutoff:
                channel.will_close = True

    server.handle_accept = handle_accept
    server.maintenance = maintenance


class BridgeServer:
    """Waitress around a WSGI app, run in a thread, with an orderly shutdown.

    One thread reads every connection (poll, no descriptor limit) and hands complete
    requests to ``threads`` workers, so idle or half-sent connections hold no worker;
    ``limits`` bounds how many connections are held and for how long."""

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        host: str,
        port: int,
        threads: int,
        max_body_bytes: int,
        limits: ConnectionLimits = ConnectionLimits(),
    ) -> None:
        self._server = waitress.create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            # waitress refuses (plain-text 413) far above our limit; our JSON 413 covers the rest.
            max_request_body_size=max_body_bytes * 4,
            ident="logistics-bridge",
            expose_tracebacks=False,
            clear_untrusted_proxy_headers=True,
            # Waitress stops accepting at its limit, and every new client then waits in the
            # backlog: room above ours, where a connection gets its 503 and goes.
            connection_limit=limits.max_connections * 2 + 16,
            channel_timeout=limits.idle_timeout_seconds,
            cleanup_interval=1,
            asyncore_use_poll=True,
        )
        self._server.channel_class = partial(_BridgeChannel, max_connections=limits.max_connections)
        _guard_connections(self._server, limits.header_timeout_seconds)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return int(self._server.effective_port)

    @property
    def host(self) -> str:
        """The address actually bound."""
        return str(self._server.effective_host)

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._loop, name="waitress-loop", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError) as exc:  # sockets closed under the loop at shutdown
            _logger.debug("server loop ended: %s", exc)

    def _idle(self) -> bool:
        dispatcher = self._server.task_dispatcher
        if dispatcher.queue or dispatcher.active_count > 0:
            return False
        # channel.request is a request still being received; channel.requests await service.
        return all(
            channel.request is None and not channel.requests and not channel.total_outbufs_len
            for channel in list(self._server.active_channels.values())
        )

    def shutdown(
        self, timeout: float = 30.0, before_close: Callable[[], None] | None = None
    ) -> None:
        """Stop accepting, let in-flight requests finish (up to ``timeout``), then close."""
        server = self._server
        stopped_accepting = threading.Event()

        def stop_accepting() -> None:
            wasyncore.dispatcher.close(server)  # the listening socket only
            stopped_accepting.set()

        server.trigger.pull_trigger(stop_accepting)
        stopped_accepting.wait(5.0)
        deadline = time.monotonic() + timeout
        while not self._idle() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self._idle():
            _logger.warning("shutting down with requests still in flight")
        if before_close is not None:
            before_close()
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        if self._thread is not None:
            self._thread.join(5.0)


def run_until_signalled(server: BridgeServer, on_stop: Callable[[], None]) -> None:
    """Serve until SIGTERM or SIGINT, then shut down gracefully and call ``on_stop``."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: Any) -> None:
        _logger.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.start()
        _logger.info("listening on http://%s:%d", server.host, server.port)
        while not stop.wait(1.0):
            pass
        server.shutdown(before_close=on_stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
