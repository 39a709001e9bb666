"""The bridge under hostile HTTP: header values compared as the bytes received, the order of
checks docs/bridge-http.md documents, request framing, and connection floods."""

from __future__ import annotations

import base64
import json
import socket
import time

import pytest
from conftest import (
    BRIDGE_SRC,
    bridge_settings,
    make_event,
    new_event,
    signed_headers,
    start_bridge,
    wsgi_app,
)
from logistics_bridge.exceptions import InboxError
from raw_http import raw_exchange
from wsgi_client import call

TOKEN = "t\u00f6k-\u20ac1"  # non-ASCII: UTF-8 on the wire
ENDPOINTS = {
    "doc": {
        "format": "json",
        "event_id_path": "id",
        "auth": {"scheme": "token", "secrets": [TOKEN]},
    },
    "edi": {"format": "x12-214", "auth": {"scheme": "basic", "secrets": ["\u00e9di:pw-\u00e9"]}},
}


@pytest.fixture
def hardened(tmp_path):
    running = start_bridge(bridge_settings(tmp_path, endpoints=ENDPOINTS))
    yield running
    running.service.shutdown()


def post_bytes(path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    lines = [b"POST " + path.encode() + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name + b": " + value for name, value in headers]
    lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


# -- header bytes -------------------------------------------------------------------------
def test_a_non_ascii_token_matches_its_utf8_bytes(hardened):
    body = b'{"id":"tok-1"}'
    headers = [
        (b"Content-Type", b"application/json"),
        (b"Authorization", b"Bearer " + TOKEN.encode("utf-8")),
    ]
    answer = raw_exchange(hardened.service.server.port, post_bytes("/v1/in/doc", headers, body))
    assert status_of(answer) == 202, answer


def test_a_token_in_another_encoding_does_not_match(hardened):
    body = b'{"id":"tok-2"}'
    headers = [
        (b"Content-Type", b"application/json"),
        (b"Authorization", b"Bearer " + TOKEN.replace("\u20ac", "E").encode("latin-1")),
    ]
    answer = raw_exchange(hardened.service.server.port, post_bytes("/v1/in/doc", headers, body))
    assert status_of(answer) == 401, answer


def test_non_ascii_basic_credentials_match_their_utf8_bytes(hardened):
    credentials = base64.b64encode("\u00e9di:pw-\u00e9".encode()).decode()
    headers = [
        (b"Content-Type", b"application/edi-x12"),
        (b"Authorization", b"Basic " + credentials.encode()),
    ]
    body = b"ISA*00*"  # authenticated, then refused as X12: the credentials matched
    answer = raw_exchange(hardened.service.server.port, post_bytes("/v1/in/edi", headers, body))
    assert status_of(answer) == 400, answer
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == "malformed_x12"


# -- order of checks (docs/bridge-http.md): one test per adjacent pair ---------------------
@pytest.fixture
def ordered_app(tmp_path):
    """An app over its high-water mark (two pending events, mark 1) with a 1 KiB body limit."""
    with wsgi_app(tmp_path, high_water_mark=1, max_body_bytes=1024) as app_:
        app_.inbox.add([new_event("fill-1", "S1"), new_event("fill-2", "S2")])
        yield app_


@pytest.fixture
def open_app(tmp_path):
    """An app with room in its inbox."""
    with wsgi_app(tmp_path) as app_:
        yield app_


OVERSIZE = json.dumps(make_event(payload={"blob": "x" * 2048})).encode()
BAD_CORRELATION = {"X-Correlation-ID": "caf\u00e9"}


def refusal(answer) -> tuple[int, str]:
    return answer.status, answer.json()["error"]


def test_unknown_endpoint_before_content_type(ordered_app):
    answer = call(ordered_app, "/v1/in/nowhere", b"{}", {"Content-Type": "text/plain"})
    assert refusal(answer) == (404, "not_found")


def test_content_type_before_body_size(ordered_app):
    answer = call(ordered_app, "/v1/in/acme", OVERSIZE, {"Content-Type": "text/plain"})
    assert refusal(answer) == (415, "unsupported_media_type")


def test_body_size_before_backpressure(ordered_app):
    answer = call(ordered_app, "/v1/in/acme", OVERSIZE, {"Content-Type": "application/json"})
    assert refusal(answer) == (413, "payload_too_large")


def test_backpressure_before_signature(ordered_app):
    body = json.dumps(make_event()).encode()
    answer = call(ordered_app, "/v1/in/acme", body, {"Content-Type": "application/json"})
    assert refusal(answer) == (503, "backpressure")


LYING_CHARSET = "application/json; charset=utf-16"  # on a UTF-8 body with a non-ASCII text


def test_signature_before_charset(open_app):
    body = json.dumps(make_event(shipment="Caf\u00e9"), ensure_ascii=False).encode()
    headers = {"Content-Type": LYING_CHARSET}
    assert refusal(call(open_app, "/v1/in/acme", body, headers)) == (401, "missing_signature")


def test_charset_before_correlation_header(open_app):
    body = json.dumps(make_event(shipment="Caf\u00e9"), ensure_ascii=False).encode()
    headers = {**signed_headers(body), "Content-Type": LYING_CHARSET, **BAD_CORRELATION}
    answer = call(open_app, "/v1/in/acme", body, headers)
    assert refusal(answer) == (415, "unsupported_media_type")


def test_signature_before_correlation_header(open_app):
    body = json.dumps(make_event()).encode()
    headers = {"Content-Type": "application/json", **BAD_CORRELATION}
    assert refusal(call(open_app, "/v1/in/acme", body, headers)) == (401, "missing_signature")


def test_correlation_header_before_body_json(open_app):
    body = b'{"event_id": '
    headers = {**signed_headers(body), "Content-Type": "application/json", **BAD_CORRELATION}
    answer = call(open_app, "/v1/in/acme", body, headers)
    assert refusal(answer) == (400, "invalid_header")
    assert answer.json()["fields"] == ["X-Correlation-ID"]


def test_correlation_header_before_envelope(open_app):
    body = json.dumps(make_event(event_type=7)).encode()
    headers = {**signed_headers(body), "Content-Type": "application/json", **BAD_CORRELATION}
    assert refusal(call(open_app, "/v1/in/acme", body, headers)) == (400, "invalid_header")


def test_body_json_before_envelope(open_app):
    body = b'{"event_id": 7, "n": '
    headers = {**signed_headers(body), "Content-Type": "application/json"}
    assert refusal(call(open_app, "/v1/in/acme", body, headers)) == (400, "malformed_json")


def test_envelope_before_store(open_app, monkeypatch):
    def unavailable(_events):
        raise InboxError("disk full")

    monkeypatch.setattr(open_app.inbox, "add", unavailable)
    invalid = json.dumps(make_event(event_type=7)).encode()
    headers = {**signed_headers(invalid), "Content-Type": "application/json"}
    assert refusal(call(open_app, "/v1/in/acme", invalid, headers)) == (422, "validation_failed")
    valid = json.dumps(make_event()).encode()
    headers = {**signed_headers(valid), "Content-Type": "application/json"}
    assert refusal(call(open_app, "/v1/in/acme", valid, headers)) == (503, "inbox_unavailable")


def test_the_documented_order_is_the_order_applied():
    """docs/bridge-http.md lists the checks in the order the tests above pin down."""
    docs = (BRIDGE_SRC.parent / "docs" / "bridge-http.md").read_text()
    sentence = docs.split("Order of checks on `POST /v1/in/<endpoint>`:", 1)[1].split(".\n")[0]
    checks = [
        "endpoint known (404)",
        "`Content-Type` (415)",
        "body size (413)",
        "backpressure (503)",
        "signature headers (401/400)",
        "body read alike in its `charset` and in UTF-8 (415)",
        "`X-Correlation-ID` (400)",
        "body JSON or X12 text (400)",
        "envelope and format rules (422)",
        "store (202/200",
    ]
    flat = " ".join(sentence.split())
    positions = [flat.find(check) for check in checks]
    assert -1 not in positions, flat
    assert positions == sorted(positions), flat


# -- framing ----------------------------------------------------------------------------------
def test_content_length_with_transfer_encoding_is_refused_and_closed(hardened):
    smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    chunk = b'{"id":"smuggle-1"}'
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk)
    request = (
        b"POST /v1/in/doc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + body + smuggled
    )
    started = time.monotonic()
    answer = raw_exchange(hardened.service.server.port, request)
    assert time.monotonic() - started < 2, "the connection was kept open"
    assert status_of(answer) == 400, answer
    assert answer.count(b"HTTP/1.1 ") == 1, "the request after it was served"
    assert b"Connection: close" in answer
    document = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert document["error"] == "bad_request"
    assert "Content-Length and Transfer-Encoding" in document["message"]
    assert hardened.service.inbox.list_events() == []


# -- connection floods --------------------------------------------------------------------------
def _flooded(tmp_path, **overrides):
    settings = {
        "endpoints": ENDPOINTS,
        "header_timeout_seconds": 2,
        "idle_timeout_seconds": 2,
        **overrides,
    }
    return start_bridge(bridge_settings(tmp_path, **settings))


def _open(port: int, count: int, send: bytes = b"") -> list[socket.socket]:
    sockets = []
    for _index in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if send:
            sock.sendall(send)
        sockets.append(sock)
    return sockets


HALF_SENT = (
    b"POST /v1/in/doc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b'Content-Length: 100\r\n\r\n{"id":'
)


def _signed_post(port: int, event_id: str) -> tuple[int, float]:
    body = json.dumps({"id": event_id}).encode()
    headers = [
        (b"Content-Type", b"application/json"),
        (b"Authorization", b"Bearer " + TOKEN.encode()),
    ]
    started = time.monotonic()
    answer = raw_exchange(port, post_bytes("/v1/in/doc", headers, body))
    return status_of(answer), time.monotonic() - started


def test_idle_and_half_sent_connections_do_not_block_a_new_request(tmp_path):
    running = _flooded(tmp_path, idle_timeout_seconds=30, header_timeout_seconds=30)
    port = running.service.server.port
    idle = _open(port, 200)
    half_sent = _open(port, 50, HALF_SENT)
    try:
        status, elapsed = _signed_post(port, "after-flood")
        assert status == 202
        assert elapsed < 1.0, f"answered after {elapsed:.2f} s"
    finally:
        for sock in idle + half_sent:
            sock.close()
        running.service.shutdown()


def test_connections_beyond_the_limit_get_a_fast_503(tmp_path):
    running = _flooded(tmp_path, max_connections=20, idle_timeout_seconds=30)
    port = running.service.server.port
    idle = _open(port, 20)
    try:
        time.sleep(0.2)  # every one accepted
        started = time.monotonic()
        answer = raw_exchange(port, post_bytes("/v1/in/doc", [], b"{}"))
        assert time.monotonic() - started < 1.0
        assert status_of(answer) == 503, answer
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == "too_many_connections"
        idle.pop().close()
        time.sleep(0.2)
        status, _elapsed = _signed_post(port, "below-limit")
        assert status == 202
    finally:
        for sock in idle:
            sock.close()
        running.service.shutdown()


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_an_idle_connection_is_closed_after_the_idle_timeout(tmp_path):
    running = _flooded(tmp_path, idle_timeout_seconds=1, header_timeout_seconds=30)
    [sock] = _open(running.service.server.port, 1)
    try:
        assert _closed_within(sock, 4)
    finally:
        sock.close()
        running.service.shutdown()


def _assert_cut_while_trickling(sock, chunks) -> None:
    """Sends ``chunks`` 0.3 s apart, more often than the idle timeout: the bridge must
    close the connection all the same, within 6 s."""
    started = time.monotonic()
    closed = False
    for chunk in chunks:
        try:
            sock.sendall(chunk)
        except OSError:
            closed = True
            break
        time.sleep(0.3)
        if time.monotonic() - started > 6:
            break
    assert closed or _closed_within(sock, 3)
    assert time.monotonic() - started < 6


def test_a_header_trickled_byte_by_byte_is_cut_at_the_header_timeout(tmp_path):
    running = _flooded(tmp_path, idle_timeout_seconds=1, header_timeout_seconds=2)
    [sock] = _open(running.service.server.port, 1)
    try:
        _assert_cut_while_trickling(sock, (bytes([byte]) for byte in HALF_SENT[:40]))
    finally:
        sock.close()
        running.service.shutdown()


def test_a_body_trickled_byte_by_byte_is_cut_at_the_body_timeout(tmp_path):
    # Each byte came before the idle timeout, so a body trickled this way held its
    # connection for as long as the sender liked: enough of them held every connection.
    running = _flooded(tmp_path, idle_timeout_seconds=1, body_timeout_seconds=2)
    head = HALF_SENT[: HALF_SENT.index(b"\r\n\r\n") + 4]
    [sock] = _open(running.service.server.port, 1, head)
    try:
        _assert_cut_while_trickling(sock, (b" " for _byte in range(40)))
        assert running.service.inbox.list_events() == []
    finally:
        sock.close()
        running.service.shutdown()
