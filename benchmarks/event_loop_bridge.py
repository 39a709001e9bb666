"""Prototype of an event-loop front for the bridge, measured by bridge_throughput.py.

uvicorn with httptools runs the handlers on one asyncio loop; a handler authenticates
and validates with the bridge's own ``BridgeApp`` steps (``target``, ``events_from``,
``stored``: every endpoint format and auth scheme ``serve`` accepts, with the X12 997
acknowledgement), then awaits a group commit: one writer thread stores every request
queued since its last commit in one transaction (one fsync: one ``Inbox.add`` of all their
events, whose results it hands back per request) and wakes their handlers once, after the
commit. No answer leaves before its events are durable. Unlike ``serve``, whose group
commit gives each request a savepoint, an insert that fails refuses the whole group.
Other paths go to the WSGI app on a thread. ``--noop`` answers 202 to everything instead,
for the ratio on the same stack.

Configured like ``logistics-bridge serve --no-forward`` (LOGISTICS_BRIDGE_* variables);
prints the same listening line. Needs ``uvicorn`` and ``httptools``.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import queue
import socket
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bridge"))

import uvicorn  # noqa: E402
from logistics_bridge.app import BridgeApp, events_endpoint  # noqa: E402
from logistics_bridge.config import load_settings  # noqa: E402
from logistics_bridge.exceptions import InboxError, RequestRejected  # noqa: E402
from logistics_bridge.metrics import BridgeMetrics  # noqa: E402
from logistics_bridge.models import AddResult, NewEvent  # noqa: E402
from logistics_bridge.store import Inbox, open_inbox  # noqa: E402

_logger = logging.getLogger("event_loop_bridge")
Answer = tuple[str, list[tuple[str, str]], bytes]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
NOOP_ANSWER: Answer = (
    "202 Accepted",
    [("Content-Type", "application/json")],
    b'{"status":"accepted"}',
)


class GroupCommitWriter:
    """One thread commits whatever requests queued up meanwhile, then wakes them at once."""

    def __init__(self, inbox: Inbox, loop: asyncio.AbstractEventLoop) -> None:
        self._inbox = inbox
        self._loop = loop
        self._queue: queue.SimpleQueue[tuple[list[NewEvent], asyncio.Future] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
        self._thread.start()

    def submit(self, events: list[NewEvent]) -> asyncio.Future:
        """A future resolved with the events' results (or InboxError) once committed."""
        future = self._loop.create_future()
        self._queue.put((events, future))
        return future

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(30)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            batch = [item]
            stopping = False
            while not stopping:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                else:
                    batch.append(more)
            self._loop.call_soon_threadsafe(_settle, batch, self._commit(batch))
            if stopping:
                return

    def _commit(
        self, batch: list[tuple[list[NewEvent], asyncio.Future]]
    ) -> list[list[AddResult] | InboxError]:
        """Every request's events in one ``add``: their results, split back per request."""
        try:
            results = self._inbox.add([event for events, _future in batch for event in events])
        except InboxError as exc:
            return [exc] * len(batch)
        outcomes: list[list[AddResult] | InboxError] = []
        for events, _future in batch:
            outcomes.append(results[: len(events)])
            results = results[len(events) :]
        return outcomes


def _settle(batch: list[tuple[list[NewEvent], asyncio.Future]], outcomes: list[Any]) -> None:
    for (_events, future), outcome in zip(batch, outcomes, strict=True):
        if not future.cancelled():
            future.set_result(outcome)


class EventLoopBridge:
    """ASGI application: the event POST on the loop, everything else on a thread."""

    def __init__(self, app: BridgeApp, noop: bool) -> None:
        self._app = app
        self._noop = noop
        self._writer: GroupCommitWriter | None = None

    def start(self) -> None:
        self._writer = GroupCommitWriter(self._app.inbox, asyncio.get_running_loop())

    def stop(self) -> None:
        if self._writer is not None:
            self._writer.close()

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await _read(receive, self._app.settings.max_body_bytes)
        if self._noop:
            await _send(send, NOOP_ANSWER)
            return
        headers = _headers(scope)
        endpoint = events_endpoint(scope["path"])
        if endpoint is not None and scope["method"] == "POST":
            answer = await self._accept(scope, endpoint, headers, body)
        else:
            environ = _environ(scope, headers, body)
            answer = await asyncio.get_running_loop().run_in_executor(
                None, _call_wsgi, self._app, environ
            )
        await _send(send, answer)

    async def _accept(
        self, scope: dict[str, Any], endpoint: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        app = self._app
        try:
            route = app.target(endpoint, headers.get("content-type", ""))
            body = app.read_body(_environ(scope, headers, body))
            decoded = app.events_from(endpoint, route, body, headers)
        except RequestRejected as exc:
            return app.refusal(_environ(scope, headers, b""), exc)
        assert self._writer is not None
        outcome: list[AddResult] | InboxError = await self._writer.submit(decoded.events)
        if isinstance(outcome, InboxError):
            return app.inbox_unavailable(endpoint, decoded.events, outcome)
        return app.stored(endpoint, route, decoded, outcome)


async def _read(receive: Receive, limit: int) -> bytes:
    """The request body, cut one byte past ``limit`` (the app refuses it with its 413)."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        if size <= limit:
            chunks.append(chunk)
            size += len(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)[: limit + 1]


def _call_wsgi(app: BridgeApp, environ: dict[str, Any]) -> Answer:
    started: list[Any] = []
    body = b"".join(app(environ, lambda status, headers: started.extend((status, headers))))
    status, headers = started
    return status, [h for h in headers if h[0].lower() != "content-length"], body


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    """The request's headers by lower-case name as waitress gives them behind ``serve``:
    a repeated header joined with ", ", a name with an underscore dropped."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if "_" not in name:
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _environ(scope: dict[str, Any], headers: dict[str, str], body: bytes) -> dict[str, Any]:
    environ = {
        "REQUEST_METHOD": scope["method"],
        "PATH_INFO": scope["path"],
        "REMOTE_ADDR": (scope.get("client") or ("", 0))[0],
        "CONTENT_TYPE": headers.get("content-type", ""),
        "CONTENT_LENGTH": headers.get("content-length", ""),
        "wsgi.input": io.BytesIO(body),
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


async def _send(send: Send, answer: Answer) -> None:
    status, headers, body = answer
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": int(status[:3]), "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _serve(bridge: EventLoopBridge, sock: socket.socket) -> None:
    config = uvicorn.Config(
        bridge, http="httptools", loop="asyncio", lifespan="off", access_log=False,
        log_level="warning",
    )  # fmt: skip
    bridge.start()
    try:
        await uvicorn.Server(config).serve(sockets=[sock])
    finally:
        bridge.stop()


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket whose accepted connections asyncio sets to TCP_NODELAY.

    asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP, which a
    socket made with the default protocol 0 (as socket.create_server makes) is not:
    the response's head and body, written apart, then wait for a delayed ACK (~40 ms).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noop", action="store_true", help="answer 202 to everything")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    settings = load_settings(None)
    inbox = open_inbox(settings.inbox_url)
    app = BridgeApp(settings, inbox, BridgeMetrics(inbox.counts))
    sock = _listen(settings.listen_host, settings.listen_port)
    host, port = sock.getsockname()[:2]
    _logger.info("listening on http://%s:%d", host, port)
    try:
        asyncio.run(_serve(EventLoopBridge(app, args.noop), sock))
    finally:
        inbox.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
