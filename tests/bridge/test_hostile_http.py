"""HTTP/1.1 framing the bridge's front must not misread (logistics_bridge.server): trailer
fields, protocol upgrades, request targets it cannot parse, the Host header and HTTP
versions. Each case is sent as written over a raw socket, and the answer, the connection and
the inbox are checked against docs/bridge-http.md ("HTTP layer")."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import bridge_settings, make_event, signed_headers, start_bridge
from raw_http import raw_exchange


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    running = start_bridge(bridge_settings(tmp_path_factory.mktemp("hostile-http")))
    yield running
    running.service.shutdown()


def _port(front) -> int:
    return front.service.server.port


def _signed_head(event_id: str, *extra: str, length: int | None = None) -> tuple[bytes, bytes]:
    """The request line and headers of a signed callback carrying ``event_id``, and its body."""
    body = json.dumps(make_event(event_id)).encode()
    # The signed headers carry the Content-Type.
    lines = [f"{name}: {value}" for name, value in signed_headers(body).items()]
    lines += extra
    if length is not None:
        lines.append(f"Content-Length: {length}")
    head = "POST /v1/in/acme HTTP/1.1\r\nHost: x\r\n" + "".join(f"{line}\r\n" for line in lines)
    return (head + "\r\n").encode(), body


def _answers(received: bytes) -> list[tuple[int, bytes, bytes]]:
    """Every answer in ``received``: status, head and body (by Content-Length)."""
    found = []
    while received:
        head, _, rest = received.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        found.append((int(head.split(b" ", 2)[1]), head, rest[:length]))
        received = rest[length:]
    return found


def _refusal(front, request: bytes, status: int, error: str) -> str:
    """Send ``request``; check that its one answer is the JSON refusal ``status``/``error``
    and return its message."""
    ((answered, _head, answer),) = _answers(raw_exchange(_port(front), request))
    document = json.loads(answer)
    assert (answered, document["error"]) == (status, error), document
    return document["message"]


def _stored(front) -> list[str]:
    return [event.event_id for event in front.service.inbox.list_events(limit=10_000)]


def _chunked(body: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(body), body)


# -- trailer fields -----------------------------------------------------------------------------
def test_a_trailer_field_is_not_taken_for_a_header(front):
    """A signature sent as a trailer field (after a chunked body) is not the request's
    header: the callback has no signature."""
    body = json.dumps(make_event("trailer-signed")).encode()
    headers = signed_headers(body)
    signature = headers.pop("webhook-signature")
    head = "POST /v1/in/acme HTTP/1.1\r\nHost: x\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    trailer = f"0\r\nwebhook-signature: {signature}\r\n\r\n".encode()
    ((status, _head, answer),) = _answers(
        raw_exchange(_port(front), head.encode() + _chunked(body) + trailer)
    )
    assert (status, json.loads(answer)["error"]) == (401, "missing_signature")
    assert "trailer-signed" not in _stored(front)


def test_a_trailer_section_is_bounded_like_a_header_section(front):
    """Trailer fields that never end are refused at the header limit (431) instead of being
    kept, and the bridge answers others meanwhile."""
    head, body = _signed_head("trailer-flood", "Transfer-Encoding: chunked")
    line = b"X-Trailer: " + b"t" * 8000 + b"\r\n"
    with socket.create_connection(("127.0.0.1", _port(front)), timeout=5) as sock:
        sock.sendall(head + _chunked(body) + b"0\r\n")
        received = b""
        try:
            for _ in range(100):  # 800 KB of trailer fields, three times the header limit
                sock.sendall(line)
        except (BrokenPipeError, ConnectionResetError):
            pass
        started = time.monotonic()
        healthz = raw_exchange(
            _port(front), b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        assert time.monotonic() - started < 1 and healthz.startswith(b"HTTP/1.1 200 ")
        while chunk := sock.recv(65536):
            received += chunk
    ((status, _head, answer),) = _answers(received)
    assert (status, json.loads(answer)["error"]) == (431, "request_header_fields_too_large")
    assert "trailer-flood" not in _stored(front)


def test_trailer_fields_within_the_limit_are_dropped_and_the_callback_kept(front):
    head, body = _signed_head("trailer-small", "Transfer-Encoding: chunked", "Connection: close")
    trailer = b"0\r\nX-Checksum: abc\r\nContent-Type: text/plain\r\n\r\n"
    ((status, _head, answer),) = _answers(
        raw_exchange(_port(front), head + _chunked(body) + trailer)
    )
    assert (status, json.loads(answer)["status"]) == (202, "accepted")
    assert "trailer-small" in _stored(front)


@pytest.mark.parametrize(
    "coding",
    [
        b"Transfer-Encoding: chunked, chunked",
        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
    ],
)
def test_chunked_applied_twice_is_refused_saying_once(front, coding):
    request = b"POST /v1/in/acme HTTP/1.1\r\nHost: x\r\n" + coding + b"\r\n\r\n0\r\n\r\n"
    assert "applied once" in _refusal(front, request, 400, "unsupported_transfer_coding")


# -- protocol upgrades ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path,upgrade",
    [
        ("/v1/in/acme", "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings"),
        ("/healthz", "Upgrade: websocket\r\nConnection: keep-alive, Upgrade"),
    ],
)
def test_an_upgrade_request_gets_one_refusal_and_nothing_is_kept(front, path, upgrade):
    """The parser ends an upgrade request at its head (its body would be read as the other
    protocol's bytes): it is refused once, never answered on an empty body first."""
    head, body = _signed_head("upgrade-1", upgrade, length=None)
    head = head.replace(b"/v1/in/acme", path.encode(), 1)
    head = head.replace(b"\r\n\r\n", f"\r\nContent-Length: {len(body)}\r\n\r\n".encode())
    received = raw_exchange(_port(front), head + body + b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    ((status, answer_head, answer),) = _answers(received)
    document = json.loads(answer)
    assert (status, document["error"]) == (400, "bad_request")
    assert "upgrade" in document["message"] and b"Connection: close" in answer_head
    assert "upgrade-1" not in _stored(front)


def test_a_body_refused_by_its_length_gets_no_100_continue_first(front):
    """``Expect: 100-continue`` before a ``Content-Length`` over the limit: the refusal alone,
    not an invitation to send the body followed by the refusal."""
    request = (
        b"POST /v1/in/acme HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Expect: 100-continue\r\nContent-Length: 999999999999\r\n\r\n"
    )
    received = raw_exchange(_port(front), request)
    assert received.startswith(b"HTTP/1.1 413 "), received


# -- request targets and versions ---------------------------------------------------------------
@pytest.mark.parametrize(
    "request_line",
    [b"CONNECT evil.example:443 HTTP/1.1", b"GET http:// HTTP/1.1", b"GET http://[::1 HTTP/1.1"],
)
def test_a_target_that_is_not_a_path_is_refused_saying_so(front, request_line):
    message = _refusal(front, request_line + b"\r\nHost: x\r\n\r\n", 400, "bad_request")
    assert "request target" in message and "callback" not in message


@pytest.mark.parametrize(
    "head",
    [
        b"GET /healthz HTTP/1.1\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n",
        b"GET /healthz HTTP/1.0\r\nHost: a\r\nHost: a\r\n",
    ],
    ids=["none", "two", "two on HTTP/1.0"],
)
def test_an_http_11_request_needs_exactly_one_host(front, head):
    """RFC 9112 section 3.2: a server must answer 400 to an HTTP/1.1 request without a Host
    header, and to any request with more than one."""
    assert "Host" in _refusal(front, head + b"\r\n", 400, "bad_request")


@pytest.mark.parametrize("version", [b"HTTP/2.0", b"HTTP/0.9"])
def test_an_http_version_other_than_1x_is_refused(front, version):
    request = b"GET /healthz " + version + b"\r\nHost: x\r\n\r\n"
    assert "HTTP/1.1" in _refusal(front, request, 400, "bad_request")


def test_http_10_keep_alive_is_answered_as_kept_alive(front):
    """An HTTP/1.0 client asking for keep-alive hears that the connection stays open (else it
    waits for the close to end the answer), and its next request is answered."""
    request = b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    with socket.create_connection(("127.0.0.1", _port(front)), timeout=5) as sock:
        sock.sendall(request)
        first = sock.recv(65536)
        sock.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        second = b""
        while chunk := sock.recv(65536):
            second += chunk
    assert first.startswith(b"HTTP/1.1 200 ") and b"Connection: keep-alive" in first
    assert second.startswith(b"HTTP/1.1 200 ") and b"Connection: close" in second


@pytest.mark.parametrize(
    ("length_lines", "reason"),
    [
        (lambda n: [f"Content-Length: {n}", f"Content-Length: {n}"], "Duplicate Content-Length"),
        (lambda n: [f"Content-Length: {n}", "Content-Length: 5"], "Duplicate Content-Length"),
        (lambda n: [f"Content-Length: {n}, {n}"], "Content-Length"),
        (lambda n: [f"Content-Length: +{n}"], "Content-Length"),
    ],
)
def test_a_length_given_twice_or_not_as_digits_is_refused(front, length_lines, reason):
    body = json.dumps(make_event("cl-twice")).encode()
    head, body = _signed_head("cl-twice", *length_lines(len(body)))
    assert reason in _refusal(front, head + body, 400, "bad_request")
    assert "cl-twice" not in _stored(front)


def test_pipelined_requests_for_one_event_are_answered_in_order(front):
    first, body = _signed_head("piped-1", length=len(json.dumps(make_event("piped-1"))))
    second, body_again = _signed_head(
        "piped-1", "Connection: close", length=len(json.dumps(make_event("piped-1")))
    )
    answers = _answers(raw_exchange(_port(front), first + body + second + body_again))
    assert [(status, json.loads(answer)["status"]) for status, _head, answer in answers] == [
        (202, "accepted"),
        (200, "duplicate"),
    ]
    assert _stored(front).count("piped-1") == 1


def test_header_bytes_that_are_not_ascii_text_are_refused_naming_the_header(front):
    head, body = _signed_head(
        "bytes-1", "Connection: close", length=len(json.dumps(make_event("bytes-1")))
    )
    head = head.replace(b"Host: x\r\n", b"Host: x\r\nX-Correlation-ID: \xff\xfe\r\n")
    assert "printable ASCII" in _refusal(front, head + body, 400, "invalid_header")
    assert "bytes-1" not in _stored(front)


def test_the_chunked_coding_is_named_in_any_case(front):
    body = json.dumps(make_event("chunked-caps")).encode()
    head, body = _signed_head("chunked-caps", "Transfer-Encoding: CHUNKED", "Connection: close")
    ((status, _head, answer),) = _answers(
        raw_exchange(_port(front), head + _chunked(body) + b"0\r\n\r\n")
    )
    assert (status, json.loads(answer)["status"]) == (202, "accepted")


def _send_together(front, requests_: list[bytes]) -> list[tuple[int, dict]]:
    """Each request on its own connection, all at once; their answers in that order."""
    start = threading.Barrier(len(requests_))

    def send(request: bytes) -> tuple[int, dict]:
        start.wait()
        ((status, _head, answer),) = _answers(raw_exchange(_port(front), request))
        return status, json.loads(answer)

    with ThreadPoolExecutor(len(requests_)) as pool:
        return list(pool.map(send, requests_))


def test_one_event_sent_on_eight_connections_at_once_is_kept_once(front):
    body = json.dumps(make_event("together-1")).encode()
    requests_ = []
    for _ in range(8):
        head, _body = _signed_head("together-1", "Connection: close", length=len(body))
        requests_.append(head + body)
    answers = _send_together(front, requests_)
    assert sorted(status for status, _document in answers) == [200] * 7 + [202]
    assert _stored(front).count("together-1") == 1


def test_one_id_with_other_contents_at_once_keeps_every_content(front):
    requests_ = []
    for index in range(6):
        event = make_event("together-2", payload={"status": f"s{index}"})
        body = json.dumps(event).encode()
        lines = [f"{name}: {value}" for name, value in signed_headers(body).items()]
        head = "POST /v1/in/acme HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        head += "".join(f"{line}\r\n" for line in lines) + f"Content-Length: {len(body)}\r\n\r\n"
        requests_.append(head.encode() + body)
    answers = _send_together(front, requests_)
    assert sorted(status for status, _document in answers) == [202] + [409] * 5
    kept = [e for e in front.service.inbox.list_events(limit=10_000) if e.event_id == "together-2"]
    assert sorted(json.loads(e.payload_json)["status"] for e in kept) == [
        f"s{index}" for index in range(6)
    ]
