"""The bridge's HTTP front: one asyncio event loop that reads every connection with
httptools (llhttp), strict on framing and on floods of connections, run in a thread with an
orderly shutdown.

Requests are framed here (Content-Length or chunked, never both; CRLF line ends; at most
``HEADER_LIMIT`` bytes of request line and headers, and as many of trailer fields, which are
dropped; HTTP/1.0 or 1.1 with one Host header; no protocol upgrade), the number of
connections and how long a slow one may hold on are bounded, and the refusals of this layer
are answered in the bridge's JSON error shape. What a request means is the application's:
an application with ``front_answer`` (``app.BridgeApp``) answers the callbacks it accepts on
the loop itself — it authenticates and decodes there, and its answer leaves once the group
commit made the events durable, with no thread hand-off per request — and every other
request is a WSGI call on one of ``threads`` worker threads. The requests
one pass of the loop reads are handed to the application together, after the reads and
the parsing of that pass.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from io import BytesIO
from typing import Any, Protocol

import httptools

from .logsafe import log_field

_logger = logging.getLogger(__name__)

# What ``serve`` logs once it accepts connections; whoever started it reads the port here.
LISTENING_LINE = re.compile(r"listening on http://\S+:(\d+)")
# Request line and headers of one request, at most.
HEADER_LIMIT = 262_144
# Requests read ahead on one connection (pipelined) before reading pauses.
_PIPELINED = 8
# Connections accepted per readiness of the listening socket, and the kernel's backlog.
_BACKLOG = 2048
# Seconds between two sweeps for connections past their header or idle timeout.
_SWEEP_SECONDS = 0.5
# The versions served; another one (HTTP/2.0 on a request line, HTTP/0.9) is refused.
_VERSIONS = ("1.0", "1.1")

Headers = list[tuple[str, str]]
Answer = tuple[str, Headers, bytes]  # status line text ("202 Accepted"), headers, body
Reply = Callable[[Answer], None]


@dataclass(slots=True)
class HttpRequest:
    """One complete request as read from the wire.

    ``headers`` are by lower-case name, each value the bytes received as Latin-1 text (one
    character per byte, as a WSGI server gives them), a repeated header joined with ", ";
    a name with an underscore is dropped, so that it cannot pass for one with a dash."""

    method: str
    path: str
    query: str
    http_version: str
    headers: dict[str, str]
    body: bytes
    remote_addr: str

    def environ(self) -> dict[str, Any]:
        """The request as a WSGI environ (PEP 3333)."""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": self.path,
            "QUERY_STRING": self.query,
            "SERVER_PROTOCOL": f"HTTP/{self.http_version}",
            "REMOTE_ADDR": self.remote_addr,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": BytesIO(self.body),
            "wsgi.errors": _LogStream(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            else:
                environ["HTTP_" + key] = value
        return environ


class _LogStream:
    """``wsgi.errors``: what an application writes there goes to the log."""

    def write(self, text: str) -> None:
        _logger.error("%s", log_field(text, limit=8000))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        return None


class FrontApplication(Protocol):
    """An application that answers some requests on the event loop itself."""

    def front_answer(self, request: HttpRequest, reply: Reply) -> bool:
        """False to leave ``request`` to the WSGI call on a worker thread; True once it is
        taken, ``reply`` then being called with the answer on the loop, now or later."""


@dataclass(frozen=True)
class ConnectionLimits:
    """How many connections are served at once, and how long a slow one may hold on."""

    max_connections: int = 1000
    header_timeout_seconds: int = 10
    idle_timeout_seconds: int = 10
    body_timeout_seconds: int = 60


class _Refused(Exception):
    """A request this layer answers itself, then closes its connection."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _json_answer(status: int, code: str, message: str, *extra: tuple[str, str]) -> bytes:
    body = json.dumps({"error": code, "message": message}, separators=(",", ":")).encode()
    head = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", "Content-Type: application/json"]
    head += [f"{name}: {value}" for name, value in extra]
    head += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def _header_too_large() -> _Refused:
    return _Refused(
        431,
        "request_header_fields_too_large",
        f"Request Header Fields Too Large: exceeds max_header of {HEADER_LIMIT}",
    )


def _entity_too_large(limit: int) -> _Refused:
    return _Refused(
        413,
        "request_entity_too_large",
        f"Request Entity Too Large: exceeds the {limit}-byte limit of this server",
    )


def _unsupported_coding() -> _Refused:
    # "chunked, chunked" and two "chunked" header lines too: chunked is applied once.
    return _Refused(
        400,
        "unsupported_transfer_coding",
        "Only the chunked transfer coding is supported, applied once: Transfer-Encoding: chunked",
    )


def _parser_refusal(exc: httptools.HttpParserError) -> _Refused:
    """llhttp's refusal of a request, with the rule it broke."""
    reason = str(exc)
    if "Content-Length" in reason and "Transfer-Encoding" in reason:
        return _Refused(
            400,
            "bad_request",
            "Bad Request: a request with both Content-Length and Transfer-Encoding is refused"
            " (RFC 9112 section 6.3)",
        )
    if "Transfer-Encoding" in reason:
        return _unsupported_coding()
    if "CRLF" in reason or "LF" in reason:
        reason = f"request lines must end in CRLF, not a bare LF ({reason})"
    return _Refused(400, "bad_request", f"Bad Request: {reason}")


def _head_refusal(version: str, headers: list[tuple[bytes, bytes]]) -> _Refused | None:
    """The refusal of a request head by its HTTP version, its Host headers (RFC 9112 section
    3.2: exactly one in HTTP/1.1, at most one in HTTP/1.0) and a protocol upgrade; else
    None."""
    if version not in _VERSIONS:
        return _Refused(
            400, "bad_request", f"Bad Request: HTTP/{version} is not served; use HTTP/1.1"
        )
    hosts = sum(1 for name, _value in headers if name.lower() == b"host")
    if hosts > 1 or (hosts == 0 and version == "1.1"):
        return _Refused(
            400,
            "bad_request",
            f"Bad Request: an HTTP/{version} request carries exactly one Host header"
            f" ({hosts} received)",
        )
    connection = b",".join(value for name, value in headers if name.lower() == b"connection")
    upgrading = any(token.strip().lower() == b"upgrade" for token in connection.split(b","))
    if upgrading and any(name.lower() == b"upgrade" for name, _value in headers):
        # The parser would end such a request at its head and take its body for the other
        # protocol's bytes: it is refused whole rather than answered without its body.
        return _Refused(
            400,
            "bad_request",
            "Bad Request: protocol upgrades are not served; send the request as HTTP/1.1"
            " without Upgrade",
        )
    return None


def _request_target(url: bytes) -> Any:
    """The parsed request target (origin or absolute form); 400 for anything else."""
    try:
        return httptools.parse_url(url)
    except httptools.HttpParserInvalidURLError:
        raise _Refused(
            400,
            "bad_request",
            f"Bad Request: the request target {log_field(url.decode('latin-1'))!r} is not a"
            " path or an absolute URL",
        ) from None


class _Connection(asyncio.Protocol):
    """One client connection: parses its requests in order and writes their answers."""

    def __init__(self, front: _Front) -> None:
        self._front = front
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpRequestParser(self)
        self._remote = ""
        self._pending: deque[tuple[HttpRequest, bool]] = deque()
        self.busy = False  # a request is being answered
        self.receiving = False  # a request has begun and is not complete yet
        self.overflowing = False  # beyond max_connections: answered 503, read no further
        self.discarding = False  # answered and half-closed: what comes is dropped
        self._eof = False  # the client sent all it will
        self._last_answer: bytes | None = None  # a refusal waiting for earlier answers
        self.last_activity = front.loop.time()
        self.header_started: float | None = None  # the first byte of a request's header
        self.body_started: float | None = None  # the end of the header of a request in flight
        self._url = b""
        self._header_list: list[tuple[bytes, bytes]] = []
        self._header_size = 0  # of the header lines so far, as counted against HEADER_LIMIT
        self._in_head = True  # the next bytes are a request line or headers
        self._head_bytes = 0
        self._tail_bytes = 0  # received after the head: body, chunk sizes, trailer fields
        self._trailer_size = 0  # of the trailer fields so far, as counted against HEADER_LIMIT
        self._body: list[bytes] = []
        self._body_size = 0

    # -- asyncio.Protocol -------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        peer = transport.get_extra_info("peername")
        self._remote = str(peer[0]) if peer else ""
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        front = self._front
        front.connections.add(self)
        if front.served() > front.limits.max_connections:
            self.overflowing = True
            front.served_count -= 1
            self._close_with(
                _json_answer(
                    503,
                    "too_many_connections",
                    f"the bridge serves {front.limits.max_connections} connections at once;"
                    " retry later",
                    ("Retry-After", "1"),
                )
            )

    def connection_lost(self, exc: Exception | None) -> None:
        front = self._front
        if self in front.connections:
            front.connections.discard(self)
            if not self.overflowing:
                front.served_count -= 1
        self._pending.clear()

    def data_received(self, data: bytes) -> None:
        self.last_activity = self._front.loop.time()
        if self.overflowing or self.discarding:
            return
        if self._in_head:
            self._head_bytes += len(data)
        else:
            self._tail_bytes += len(data)
        try:
            self._parser.feed_data(data)
            if self._in_head and self._head_bytes >= HEADER_LIMIT:
                raise _header_too_large()
            if not self._in_head and self._tail_bytes >= self._front.body_limit * 4:
                # The bytes of a chunked body (sizes, data, trailer fields) count too: a
                # trailer line that never ends is buffered by the parser until it does.
                raise _entity_too_large(self._front.body_limit * 4)
        except _Refused as refused:
            self._refuse(refused)
        except httptools.HttpParserUpgrade:
            pass  # a CONNECT, complete: answered, then closed (on_message_complete)
        except httptools.HttpParserCallbackError as exc:
            cause = exc.__context__
            self._refuse(cause if isinstance(cause, _Refused) else _parser_refusal(exc))
        except httptools.HttpParserError as exc:
            self._refuse(_parser_refusal(exc))

    def eof_received(self) -> bool:
        # The client sent all it will: answer what was read, then close (False closes now
        # when nothing is left to answer).
        self._eof = True
        return self.busy or bool(self._pending)

    # -- httptools callbacks ----------------------------------------------------------------
    def on_message_begin(self) -> None:
        self.receiving = True
        self.header_started = self._front.loop.time()
        self._url = b""
        self._header_list = []
        self._header_size = 0
        self._trailer_size = 0
        self._body = []
        self._body_size = 0

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._in_head:
            # A trailer field, after a chunked body: never merged into the headers (RFC 9110
            # section 6.5.1: a signature or a Content-Type there is not the request's), but
            # bounded like them.
            self._trailer_size += len(name) + len(value) + 4
            if self._trailer_size >= HEADER_LIMIT:
                raise _header_too_large()
            return
        self._header_list.append((name, value))
        self._header_size += len(name) + len(value) + 4

    def on_headers_complete(self) -> None:
        self.header_started = None
        self.body_started = self._front.loop.time()
        self._in_head = False
        self._tail_bytes = 0
        # A head completed in the chunk that took it over the limit: its own size counts.
        if len(self._url) + self._header_size >= HEADER_LIMIT:
            raise _header_too_large()
        refusal = _head_refusal(self._parser.get_http_version(), self._header_list)
        if refusal is not None:
            raise refusal
        expects_continue = False
        for name, value in self._header_list:
            lowered = name.lower()
            if lowered == b"transfer-encoding" and value.strip().lower() != b"chunked":
                raise _unsupported_coding()
            if lowered == b"content-length" and value.isdigit():
                limit = self._front.body_limit * 4
                if int(value) >= limit:
                    raise _entity_too_large(limit)
            elif lowered == b"expect" and value.strip().lower() == b"100-continue":
                expects_continue = True
        # Only once no header refuses the request: "100 Continue" invites the body.
        if expects_continue:
            assert self._transport is not None
            self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, chunk: bytes) -> None:
        limit = self._front.body_limit
        kept = self._body_size
        self._body_size += len(chunk)
        if self._body_size >= limit * 4:
            raise _entity_too_large(limit * 4)
        if kept <= limit:  # one byte past the application's limit is enough to refuse it
            self._body.append(chunk)

    def on_message_complete(self) -> None:
        self.receiving = False
        self.body_started = None
        parsed = _request_target(self._url)
        values: dict[str, list[str]] = {}
        for raw_name, raw_value in self._header_list:
            name = raw_name.decode("latin-1").lower()
            if "_" not in name:
                values.setdefault(name, []).append(raw_value.decode("latin-1").strip())
        # Joined once per name: joining as they come is quadratic in a repeated header.
        headers = {name: ", ".join(parts) for name, parts in values.items()}
        request = HttpRequest(
            method=self._parser.get_method().decode("ascii"),
            path=(parsed.path or b"/").decode("latin-1"),
            query=(parsed.query or b"").decode("latin-1"),
            http_version=self._parser.get_http_version(),
            headers=headers,
            body=b"".join(self._body),
            remote_addr=self._remote,
        )
        self._body = []
        self._in_head = True
        self._head_bytes = 0
        self._tail_bytes = 0
        # A CONNECT ends at its head like an upgrade: its answer ends the connection, what
        # follows it on the wire being meant for a tunnel.
        upgrade = self._parser.should_upgrade()
        self.discarding = self.discarding or upgrade
        self._pending.append((request, self._parser.should_keep_alive() and not upgrade))
        if not self.busy:
            self._next()
        elif len(self._pending) >= _PIPELINED and self._transport is not None:
            self._transport.pause_reading()

    # -- answering ----------------------------------------------------------------------------
    def _next(self) -> None:
        request, keep_alive = self._pending.popleft()
        self.busy = True

        def reply(answer: Answer) -> None:
            self._write(request, answer, keep_alive)

        self._front.dispatch_soon(request, reply)

    def _write(self, request: HttpRequest, answer: Answer, keep_alive: bool) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        status, headers, body = answer
        lines = [f"HTTP/1.1 {status}"]
        has_length = False
        for name, value in headers:
            lines.append(f"{name}: {value}")
            has_length = has_length or name.lower() == "content-length"
        if not has_length:
            lines.append(f"Content-Length: {len(body)}")
        if not keep_alive:
            lines.append("Connection: close")
        elif request.http_version == "1.0":
            # An HTTP/1.0 client that asked for keep-alive must hear it was granted.
            lines.append("Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        transport.write(head + body if request.method != "HEAD" else head)
        self.busy = False
        self.last_activity = self._front.loop.time()
        if self._pending and keep_alive:
            self._next()
        elif self._last_answer is not None and keep_alive:
            self._close_with(self._last_answer)
        elif not keep_alive or self._eof:
            transport.close()
        else:
            transport.resume_reading()

    def _refuse(self, refused: _Refused) -> None:
        _logger.info(
            "refused by the HTTP layer from %s: %d %s: %s",
            log_field(self._remote),
            refused.status,
            refused.code,
            log_field(refused.message),
        )
        answer = _json_answer(refused.status, refused.code, refused.message)
        self.receiving = False
        self.discarding = True  # nothing after the refused request is read
        if self.busy or self._pending:
            # Requests read before it are answered first, in order; then the refusal.
            self._last_answer = answer
        else:
            self._close_with(answer)

    def _close_with(self, answer: bytes) -> None:
        """Answer, then close our side and drop what the client still sends until it closes
        (closing with its request unread would reset the connection, and the client could
        lose the answer)."""
        self.discarding = True
        self._last_answer = None
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        transport.write(answer)
        if transport.can_write_eof():
            transport.write_eof()
        else:
            transport.close()

    def in_flight(self) -> bool:
        """A request of this connection is being received, waits or is being answered."""
        return self.busy or self.receiving or bool(self._pending)

    def expire(self, now: float) -> None:
        """Close the connection if a header is late or it has been silent too long."""
        if self.busy:
            return
        limits = self._front.limits
        # A header or a body trickled in byte by byte is never silent for long: each has a
        # deadline of its own, else a few slow senders could hold every connection.
        late = (
            self.header_started is not None
            and now - self.header_started > limits.header_timeout_seconds
        ) or (
            self.body_started is not None and now - self.body_started > limits.body_timeout_seconds
        )
        transport = self._transport
        if transport is None or not (
            late or now - self.last_activity > limits.idle_timeout_seconds
        ):
            return
        if self.discarding and self._last_answer is None:  # answered and half-closed
            transport.abort()
        else:
            transport.close()


class _Front:
    """What the connections of one server share: the loop, the limits, the applications."""

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        threads: int,
        body_limit: int,
        limits: ConnectionLimits,
    ) -> None:
        self.app = app
        self.front_answer: Callable[[HttpRequest, Reply], bool] | None = getattr(
            app, "front_answer", None
        )
        self.workers = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bridge-worker")
        self.body_limit = body_limit
        self.limits = limits
        self.loop = asyncio.new_event_loop()
        self.connections: set[_Connection] = set()
        self.served_count = 0
        # Requests read in this pass of the loop, dispatched together at its end.
        self._this_pass: list[tuple[HttpRequest, Reply]] = []

    def served(self) -> int:
        """Connections open and served (counting the one being accepted)."""
        self.served_count += 1
        return self.served_count

    def dispatch_soon(self, request: HttpRequest, reply: Reply) -> None:
        """``dispatch`` once this pass of the loop has read what it reads: the requests of
        one pass are then handled one after the other, the handler's code and data still in
        the processor's caches, not each between the reads and the parsing of the others."""
        if not self._this_pass:
            self.loop.call_soon(self._dispatch_pass)
        self._this_pass.append((request, reply))

    def _dispatch_pass(self) -> None:
        requests, self._this_pass = self._this_pass, []
        for request, reply in requests:
            try:
                self.dispatch(request, reply)
            except Exception:  # the other requests of the pass must still be answered
                _logger.exception(
                    "cannot answer %s %s", log_field(request.method), log_field(request.path)
                )

    def dispatch(self, request: HttpRequest, reply: Reply) -> None:
        """Answer ``request`` on the loop if the application takes it there, else by a WSGI
        call on a worker thread."""
        try:
            if self.front_answer is not None and self.front_answer(request, reply):
                return
        except Exception:  # last resort: log it, answer 500, keep serving
            _logger.exception(
                "unexpected error on %s %s", log_field(request.method), log_field(request.path)
            )
            reply(_internal_error())
            return
        future = self.loop.run_in_executor(self.workers, self._call_wsgi, request)
        future.add_done_callback(lambda done: reply(_wsgi_answer(done)))

    def _call_wsgi(self, request: HttpRequest) -> Answer:
        started: list[Any] = []

        def start_response(status: str, headers: Headers, exc_info: Any = None) -> None:
            started[:] = [status, headers]

        result = self.app(request.environ(), start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started
        return status, list(headers), body

    def sweep(self) -> None:
        """Close the connections past their header or idle timeout, every ``_SWEEP_SECONDS``."""
        now = self.loop.time()
        for connection in list(self.connections):
            connection.expire(now)
        self.loop.call_later(_SWEEP_SECONDS, self.sweep)

    def idle(self) -> bool:
        """No request being received, waiting or answered (what a graceful stop waits for)."""
        return not any(connection.in_flight() for connection in list(self.connections))


def _internal_error() -> Answer:
    body = json.dumps(
        {"error": "internal_error", "message": "unexpected error, see the bridge log"},
        separators=(",", ":"),
    ).encode()
    return "500 Internal Server Error", [("Content-Type", "application/json")], body


def _wsgi_answer(done: asyncio.Future[Answer]) -> Answer:
    try:
        return done.result()
    except Exception:
        _logger.exception("the WSGI application failed")
        return _internal_error()


def _listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket (protocol IPPROTO_TCP: asyncio then also sets TCP_NODELAY)."""
    family, kind, proto, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(_BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class BridgeServer:
    """The HTTP front around an application, run in a thread, with an orderly shutdown.

    One event loop reads every connection and parses its requests, so idle or half-sent
    connections hold no thread; ``limits`` bounds how many connections are held and for
    how long, ``threads`` how many WSGI calls run at once (requests the application does
    not answer on the loop)."""

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        host: str,
        port: int,
        threads: int,
        max_body_bytes: int,
        limits: ConnectionLimits = ConnectionLimits(),
    ) -> None:
        self._front = _Front(app, threads, max_body_bytes, limits)
        self._socket = _listening_socket(host, port)
        self._address = self._socket.getsockname()
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return int(self._address[1])

    @property
    def host(self) -> str:
        """The address actually bound."""
        return str(self._address[0])

    def start(self) -> None:
        """Serve in a background thread."""
        started = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, args=(started,), name="http-front", daemon=True
        )
        self._thread.start()
        started.wait(10)

    def _loop(self, started: threading.Event) -> None:
        loop = self._front.loop
        asyncio.set_event_loop(loop)
        try:
            self._server = loop.run_until_complete(
                loop.create_server(
                    lambda: _Connection(self._front), sock=self._socket, backlog=_BACKLOG
                )
            )
            loop.call_later(_SWEEP_SECONDS, self._front.sweep)
            started.set()
            loop.run_forever()
        finally:
            started.set()
            loop.close()

    def _call(self, function: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Run ``function`` on the loop and return its value (None if the loop is gone)."""
        loop = self._front.loop
        if loop.is_closed() or not loop.is_running():
            return None
        done = threading.Event()
        value: list[Any] = [None]

        def run() -> None:
            try:
                value[0] = function()
            finally:
                done.set()

        loop.call_soon_threadsafe(run)
        done.wait(timeout)
        return value[0]

    def shutdown(
        self, timeout: float = 30.0, before_close: Callable[[], None] | None = None
    ) -> None:
        """Stop accepting, let in-flight requests finish (up to ``timeout``), then close."""
        front = self._front
        if self._server is not None:
            self._call(self._server.close)
        else:
            self._socket.close()
        deadline = time.monotonic() + timeout
        while self._call(front.idle) is False and time.monotonic() < deadline:
            time.sleep(0.02)
        if self._call(front.idle) is False:
            _logger.warning("shutting down with requests still in flight")
        if before_close is not None:
            before_close()
        self._call(lambda: [connection.expire(float("inf")) for connection in front.connections])
        if front.loop.is_running():
            front.loop.call_soon_threadsafe(front.loop.stop)
        if self._thread is not None:
            self._thread.join(5.0)
        front.workers.shutdown(wait=True, cancel_futures=True)


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
