"""The bridge's application: route, authenticate, decode, keep, answer.

Nothing else happens on a request's path: the events a body carries are committed to the
inbox before the answer, and forwarded to Odoo later. How requests reach it (framing,
limits, connections) is ``server``'s: it hands callbacks to ``front_answer`` on its event
loop, every other request to the WSGI call (which also takes callbacks, for in-process use).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from logistics_contract.content import encoder_of_trees

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
    UnsupportedMediaType,
)
from .formats import Decoded, RequestContext, new_correlation_id
from .logsafe import log_field
from .metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from .metrics import BridgeMetrics
from .models import CONFLICT_MESSAGE, AddResult, NewEvent
from .routing import EndpointRoute, RouteTable, build_routes, request_headers
from .server import HttpRequest, Reply
from .store import Inbox
from .store.group_commit import QueuedRequest
from .tracecontext import incoming_traceparent

_logger = logging.getLogger(__name__)

# /v1/in/<endpoint>, and the original /v1/tms/<endpoint>/events kept as its alias.
_EVENTS_PATH = re.compile(r"^/v1/(?:in/(?P<endpoint>[^/]+)|tms/(?P<alias>[^/]+)/events)/?$")
_JSON = [("Content-Type", "application/json")]
StartResponse = Callable[..., Any]
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*", re.ASCII)
# json.dumps with separators builds an encoder per call; answers share this one.
_COMPACT = encoder_of_trees(json.JSONEncoder(separators=(",", ":")))
_STATUS_LINES = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}
_CHARSET = re.compile(r';\s*charset\s*=\s*"?([^";\s]*)"?', re.IGNORECASE)
_UTF8_LABELS = frozenset({"utf-8", "utf8"})


def declared_charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type; None when absent or UTF-8
    (what the bridge reads). A charset Python does not know as a text encoding is refused."""
    found = _CHARSET.search(content_type)
    if found is None or found.group(1).lower() in _UTF8_LABELS:
        return None
    label = found.group(1)
    try:
        # Unknown names, and codecs that are not text encodings (rot13, base64): LookupError.
        b" ".decode(label, errors="ignore")
    except LookupError:
        raise UnsupportedMediaType(
            f"charset={log_field(label, limit=40)} is not a known text encoding; send UTF-8"
        ) from None
    return label


def check_charset(body: bytes, content_type: str) -> None:
    """Refuse a body that its declared charset would read as other text than UTF-8 does: the
    bridge reads UTF-8, and a label that says otherwise (``charset=utf-16`` on UTF-8 bytes,
    ``charset=iso-8859-1`` on ``café`` in UTF-8) means the sender and the bridge would not
    agree on the text. An ASCII body reads alike in every ASCII charset."""
    label = declared_charset(content_type)
    if label is None:
        return
    try:
        same = body.decode(label) == body.decode("utf-8")
    except UnicodeDecodeError:
        same = False
    if not same:
        raise UnsupportedMediaType(
            f"the body reads otherwise as charset={label} than as UTF-8, the encoding the"
            " bridge reads: send UTF-8, labelled charset=utf-8 or without a charset"
        )


def events_endpoint(path: str) -> str | None:
    """The endpoint code of a path that takes events, None for any other path."""
    match = _EVENTS_PATH.match(path)
    return (match.group("endpoint") or match.group("alias")) if match else None


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
            status, headers, body = self.refusal(method, path, environ.get("REMOTE_ADDR", ""), exc)
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
        return _STATUS_LINES[code], list(_JSON), _COMPACT(document).encode()

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

    def refusal(
        self, method: str, path: str, remote_addr: str, exc: RequestRejected
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        level = logging.WARNING if exc.status in (401, 503) else logging.INFO
        _logger.log(
            level,
            "refused %s %s from %s: %d %s: %s",
            log_field(method),
            log_field(path),
            log_field(remote_addr),
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

    # -- accepting callbacks on the HTTP front's event loop -----------------------------------
    def front_answer(self, request: HttpRequest, reply: Reply) -> bool:
        """Take a callback (``POST`` to an events path) on the front's event loop: checked,
        authenticated and decoded there, its events queued for the group commit, ``reply``
        called once they are durable (or refused). Any other request is left to the WSGI
        call (False)."""
        endpoint = events_endpoint(request.path)
        if endpoint is None or request.method != "POST":
            return False
        headers = request.headers
        try:
            route = self.target(endpoint, headers.get("content-type", ""))
            body = self.checked_body(request.body, headers.get("content-length", ""))
            decoded = self.events_from(endpoint, route, body, headers)
        except RequestRejected as exc:
            reply(self.refusal(request.method, request.path, request.remote_addr, exc))
            return True

        def committed(queued: QueuedRequest) -> None:
            try:
                results = queued.outcome()
            except InboxError as exc:
                reply(self.inbox_unavailable(endpoint, decoded.events, exc))
                return
            try:
                answer = self.stored(endpoint, route, decoded, results)
            except Exception:  # committed: the sender must still hear of it
                _logger.exception("unexpected error answering %s", log_field(request.path))
                answer = self._error_answer(
                    500, "internal_error", "unexpected error, see the bridge log", None, []
                )
            reply(answer)

        self.inbox.add_soon(decoded.events, asyncio.get_running_loop(), committed)
        return True

    # -- accepting callbacks ----------------------------------------------------------------
    def _accept(
        self, environ: dict[str, Any], endpoint: str
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        route = self.target(endpoint, environ.get("CONTENT_TYPE", ""))
        body = self.read_body(environ)
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
        declared_charset(content_type)
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
        check_charset(body, headers.get("content-type", ""))
        header_correlation = self._header_correlation(headers)
        traceparent = incoming_traceparent(headers.get("traceparent"))
        request = RequestContext(
            endpoint,
            datetime.now(UTC),
            header_correlation or new_correlation_id(),
            delivery_id,
            traceparent,
            correlation_from_header=header_correlation is not None,
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
        counters = self.metrics.event_counters(endpoint, route.format)
        if accepted:
            counters.accepted.inc(accepted)
        if duplicates:
            counters.duplicates.inc(duplicates)
        _logger.debug("%s: %d accepted, %d duplicate", endpoint, accepted, duplicates)
        listing = [result.as_dict() for result in results]
        if conflicts:
            counters.conflicts.inc(len(conflicts))
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
            return _STATUS_LINES[code], [("Content-Type", content_type)], acknowledgement
        if not accepted:
            return self._json(200, {"status": "duplicate", "events": listing})
        return self._json(202, {"status": "accepted", "events": listing})

    @staticmethod
    def _header_correlation(headers: Mapping[str, str]) -> str | None:
        """``X-Correlation-ID`` for events without their own: printable ASCII, cut to 255."""
        value = headers.get("x-correlation-id", "").strip()
        if not _PRINTABLE_ASCII.fullmatch(value):
            raise HeaderInvalid(
                "X-Correlation-ID must be printable ASCII", fields=["X-Correlation-ID"]
            )
        return value[:255] or None

    def read_body(self, environ: dict[str, Any]) -> bytes:
        """The body of a WSGI request, read up to one byte past the limit."""
        # Cap the read: a missing or lying Content-Length must not defeat the limit.
        body = environ["wsgi.input"].read(self.settings.max_body_bytes + 1)
        return self.checked_body(body, environ.get("CONTENT_LENGTH") or "")

    def checked_body(self, body: bytes, declared: str) -> bytes:
        """``body`` if neither it nor its declared ``Content-Length`` exceeds the limit."""
        limit = self.settings.max_body_bytes
        if declared:
            try:
                length = int(declared)
            except ValueError:
                raise MalformedJson("Content-Length is not a number") from None
            if length > limit:
                raise PayloadTooLarge(f"body of {length} bytes exceeds the {limit}-byte limit")
        if len(body) > limit:
            raise PayloadTooLarge(f"body exceeds the {limit}-byte limit")
        return body
