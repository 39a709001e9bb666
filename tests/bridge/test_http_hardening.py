"""The bridge under hostile HTTP: header values compared as the bytes received, the order of
checks docs/bridge-http.md documents, request framing, and connection floods."""

from __future__ import annotations

import base64
import json
import socket

import pytest
from conftest import bridge_settings, start_bridge

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


def raw_request(port: int, request: bytes, timeout: float = 5.0) -> bytes:
    """Send ``request`` as is on a new connection; everything read until the server closes
    (or ``timeout``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received


def post_bytes(path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    lines = [b"POST " + path.encode() + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name + b": " + value for name, value in headers]
    lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


# -- header bytes ---------------------------------------------------------------------------------
def test_a_non_ascii_token_matches_its_utf8_bytes(hardened):
    body = b'{"id":"tok-1"}'
    headers = [
        (b"Content-Type", b"application/json"),
        (b"Authorization", b"Bearer " + TOKEN.encode("utf-8")),
    ]
    answer = raw_request(hardened.service.server.port, post_bytes("/v1/in/doc", headers, body))
    assert status_of(answer) == 202, answer


def test_a_token_in_another_encoding_does_not_match(hardened):
    body = b'{"id":"tok-2"}'
    headers = [
        (b"Content-Type", b"application/json"),
        (b"Authorization", b"Bearer " + TOKEN.replace("\u20ac", "E").encode("latin-1")),
    ]
    answer = raw_request(hardened.service.server.port, post_bytes("/v1/in/doc", headers, body))
    assert status_of(answer) == 401, answer


def test_non_ascii_basic_credentials_match_their_utf8_bytes(hardened):
    credentials = base64.b64encode("\u00e9di:pw-\u00e9".encode()).decode()
    headers = [
        (b"Content-Type", b"application/edi-x12"),
        (b"Authorization", b"Basic " + credentials.encode()),
    ]
    body = b"ISA*00*"  # authenticated, then refused as X12: the credentials matched
    answer = raw_request(hardened.service.server.port, post_bytes("/v1/in/edi", headers, body))
    assert status_of(answer) == 400, answer
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == "malformed_x12"
