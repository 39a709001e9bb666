"""The HTTP front of ``serve`` (logistics_bridge.server: one event loop, httptools): callbacks
answered on the loop once committed (a tms-event 202 then 200 duplicate, an X12 214 its
997, a bad signature its 401), other routes by the WSGI call, and HTTP/1.1 as clients use
it: keep-alive, pipelining, HEAD, ``Expect: 100-continue``, HTTP/1.0."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from pathlib import Path

import pytest
import requests
from conftest import SECRET_A, bridge_settings, make_event, signed_headers, start_bridge
from logistics_contract.x12 import parse_interchange

EDI = (Path(__file__).parent / "fixtures" / "x12_214_two_shipments.edi").read_text()
EDI_SECRET = "edi-partner-secret"
ENDPOINTS = {
    "acme": [SECRET_A],
    "carrier": {
        "format": "x12-214",
        "auth": {"scheme": "hmac", "header": "X-Signature", "secrets": [EDI_SECRET]},
    },
}


@pytest.fixture
def front(tmp_path):
    running = start_bridge(bridge_settings(tmp_path, endpoints=ENDPOINTS))
    yield running
    running.service.shutdown()


def test_tms_event_is_committed_then_a_duplicate(front):
    body = json.dumps(make_event("evt-1"))
    headers = {**signed_headers(body), "Content-Type": "application/json"}
    with requests.Session() as session:  # one keep-alive connection for all three
        first = session.post(front.events_url(), data=body, headers=headers, timeout=10)
        again = session.post(front.events_url(), data=body, headers=headers, timeout=10)
        forged = {**headers, "webhook-signature": "v1,AAAA"}
        refused = session.post(front.events_url(), data=body, headers=forged, timeout=10)
    assert (first.status_code, first.json()["status"]) == (202, "accepted")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_signature"
    assert [event.event_id for event in front.service.inbox.list_events()] == ["evt-1"]


def test_x12_214_is_committed_and_answered_with_a_997(front):
    body = EDI.encode()
    signature = hmac.new(EDI_SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/edi-x12", "X-Signature": signature}
    answer = requests.post(front.events_url("carrier"), data=body, headers=headers, timeout=10)
    assert answer.status_code == 202, answer.text
    assert answer.headers["Content-Type"] == "application/edi-x12"
    (group,) = parse_interchange(answer.content).groups
    assert group.functional_id == "FA"
    assert front.service.inbox.counts()["pending"] == 2


def _exchange(port: int, request: bytes, answers: int) -> list[bytes]:
    """Send ``request`` on one connection; the first ``answers`` answers, each whole."""
    received = b""
    found: list[bytes] = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        while len(found) < answers:
            chunk = sock.recv(65536)
            assert chunk, f"closed after {len(found)} answer(s): {received!r}"
            received += chunk
            while b"\r\n\r\n" in received and len(found) < answers:
                head, rest = received.split(b"\r\n\r\n", 1)
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                if b" 100 " in head.split(b"\r\n", 1)[0] or len(rest) >= length:
                    body_length = 0 if b" 100 " in head.split(b"\r\n", 1)[0] else length
                    found.append(head + b"\r\n\r\n" + rest[:body_length])
                    received = rest[body_length:]
                else:
                    break
    return found


def _signed_post(event_id: str, *extra_headers: str) -> tuple[bytes, bytes]:
    """The head and the body of a signed callback carrying event ``event_id``."""
    body = json.dumps(make_event(event_id)).encode()
    headers = [f"{name}: {value}" for name, value in signed_headers(body.decode()).items()]
    headers += [f"Content-Length: {len(body)}", *extra_headers]  # with the Content-Type
    head = "POST /v1/in/acme HTTP/1.1\r\nHost: x\r\n" + "".join(f"{h}\r\n" for h in headers)
    return (head + "\r\n").encode(), body


def test_pipelined_requests_are_answered_in_order(front):
    post = b"".join(_signed_post("pipe-1"))
    healthz = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    answers = _exchange(front.service.server.port, healthz + post + healthz, 3)
    assert [answer.split(b" ", 2)[1] for answer in answers] == [b"200", b"202", b"200"]
    assert b'"status":"accepted"' in answers[1]


def test_head_has_the_length_but_no_body(front):
    request = b"HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", front.service.server.port), timeout=5) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"Content-Length: 15" in head
    assert rest == b""


def test_expect_100_continue_gets_its_interim_answer(front):
    head, body = _signed_post("expect-1", "Expect: 100-continue")
    with socket.create_connection(("127.0.0.1", front.service.server.port), timeout=5) as sock:
        sock.sendall(head)
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        assert sock.recv(65536).startswith(b"HTTP/1.1 202 ")


def test_http_10_is_answered_and_closed(front):
    request = b"GET /metrics HTTP/1.0\r\n\r\n"
    with socket.create_connection(("127.0.0.1", front.service.server.port), timeout=5) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):  # the server closes: HTTP/1.0 without keep-alive
            received += chunk
    assert received.startswith(b"HTTP/1.1 200 ")
    assert b"Connection: close" in received
    assert b"logistics_bridge_" in received


def test_headers_over_the_limit_are_refused_whatever_the_chunks(front):
    """Headers of 300 KB that end, then a body: the head is complete only in a later read of
    the socket than the one that took it over the limit, and is still 431."""
    request = (
        b"POST /v1/in/acme HTTP/1.1\r\nHost: x\r\nX-Big: "
        + b"A" * 300_000
        + b"\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    )
    with socket.create_connection(("127.0.0.1", front.service.server.port), timeout=5) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 431 ")
    assert json.loads(received.split(b"\r\n\r\n", 1)[1])["error"] == (
        "request_header_fields_too_large"
    )


def test_a_refused_request_is_answered_after_the_requests_read_before_it(front):
    """A callback waiting for its commit, then a request the HTTP layer refuses, on one
    connection: the callback's 202 first, then the 400, then the connection ends."""
    post = b"".join(_signed_post("before-refusal"))
    with socket.create_connection(("127.0.0.1", front.service.server.port), timeout=5) as sock:
        sock.sendall(post + b"G@T / HTTP/1.1\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 202 ")
    second = received.split(b"HTTP/1.1 ")[2]
    assert second.startswith(b"400 ") and b'"error":"bad_request"' in second
    assert [event.event_id for event in front.service.inbox.list_events()] == ["before-refusal"]
