"""The bridge's HTTP front: waitress, stricter on framing and on floods of connections, run
in a thread with an orderly shutdown.

Requests are framed here (Content-Length or chunked, never both; CRLF line ends), the
number of connections and how long a slow one may hold on are bounded, and waitress's own
refusals are answered in the bridge's JSON error shape. What a request means is the WSGI
application's (``app``).
"""

from __future__ import annotations

import json
import logging
import re
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from typing import Any

import waitress
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.task import ErrorTask
from waitress.utilities import BadRequest

from .logsafe import log_field

_logger = logging.getLogger(__name__)

# What ``serve`` logs once it accepts connections; whoever started it reads the port here.
LISTENING_LINE = re.compile(r"listening on http://\S+:(\d+)")
_JSON = [("Content-Type", "application/json")]


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
