"""Request targets and bodies a hostile client frames oddly on a real bridge: chunk
extensions, a chunked body over the limit, ``Expect: 100-continue`` with chunks, methods
other than POST on the callback route, encoded or dot-segment paths naming an endpoint, a
query string on a signed route and a body re-encoded after signing. Nothing is kept unless
the answer is 2xx, and every refusal names what is wrong (docs/bridge-http.md)."""

from __future__ import annotations

import itertools
import json

import pytest
from conftest import bridge_settings, make_event, signed_headers, start_bridge
from raw_http import raw_exchange

BODY_LIMIT = 4096
_IDS = itertools.count(1)


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    settings = bridge_settings(tmp_path_factory.mktemp("http-targets"), max_body_bytes=BODY_LIMIT)
    running = start_bridge(settings)
    yield running
    running.service.shutdown()


def _request(target: str, body: bytes, *extra: str, chunks: bytes | None = None) -> bytes:
    """A signed POST of ``body`` to ``target``: by Content-Length, or as ``chunks``."""
    lines = [f"{name}: {value}" for name, value in signed_headers(body).items()]
    lines += extra
    lines.append(
        "Transfer-Encoding: chunked" if chunks is not None else f"Content-Length: {len(body)}"
    )
    head = f"POST {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    head += "".join(f"{line}\r\n" for line in lines)
    return (head + "\r\n").encode() + (chunks if chunks is not None else body)


def _chunk(data: bytes, extension: bytes = b"") -> bytes:
    return b"%x%s\r\n%s\r\n" % (len(data), extension, data)


def _exchange(front, request: bytes) -> tuple[int, dict, list[str]]:
    """The final answer's status and JSON document, and the event ids it added."""
    before = {event.event_id for event in front.service.inbox.list_events(limit=10_000)}
    received = raw_exchange(front.service.server.port, request)
    final = received.split(b"HTTP/1.1 ")[-1]
    head, _, answer = final.partition(b"\r\n\r\n")
    after = [event.event_id for event in front.service.inbox.list_events(limit=10_000)]
    return int(head[:3]), json.loads(answer or b"{}"), [i for i in after if i not in before]


def _event_body() -> tuple[str, bytes]:
    event_id = f"target-{next(_IDS)}"
    return event_id, json.dumps(make_event(event_id)).encode()


def test_chunk_extensions_and_a_last_chunk_extension_are_read_past(front):
    event_id, body = _event_body()
    chunks = _chunk(body[:10], b";name=value") + _chunk(body[10:], b';q="a b"') + b"0;x=1\r\n\r\n"
    status, answer, kept = _exchange(front, _request("/v1/in/acme", body, chunks=chunks))
    assert (status, answer["status"], kept) == (202, "accepted", [event_id])


def test_a_chunked_body_over_the_limit_is_refused_and_nothing_kept(front):
    events = [make_event(f"big-{n}", payload={"note": "x" * 200}) for n in range(40)]
    body = json.dumps(events).encode()
    assert len(body) > BODY_LIMIT
    chunks = b"".join(_chunk(body[at : at + 1000]) for at in range(0, len(body), 1000))
    status, answer, kept = _exchange(
        front, _request("/v1/in/acme", body, chunks=chunks + b"0\r\n\r\n")
    )
    assert (status, answer["error"], kept) == (413, "payload_too_large", [])
    assert str(BODY_LIMIT) in answer["message"]


def test_expect_100_continue_with_a_chunked_body(front):
    event_id, body = _event_body()
    request = _request(
        "/v1/in/acme", body, "Expect: 100-continue", chunks=_chunk(body) + b"0\r\n\r\n"
    )
    received = raw_exchange(front.service.server.port, request)
    assert received.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 "), received
    assert event_id in [e.event_id for e in front.service.inbox.list_events(limit=10_000)]


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "GET", "PUT"])
def test_other_methods_on_the_callback_route_are_405_allowing_post(front, method):
    request = f"{method} /v1/in/acme HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    received = raw_exchange(front.service.server.port, request)
    head, _, answer = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405 ") and b"\r\nAllow: POST" in head, head
    if method == "HEAD":
        assert answer == b""
    else:
        assert json.loads(answer)["error"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/v1/in%2Facme", "no resource at /v1/in%2Facme"),
        ("/v1/in/%61cme", "unknown endpoint '%61cme'"),
        ("/v1/in/acme%00", "unknown endpoint 'acme%00'"),
        ("/v1/in/acme;v=1", "unknown endpoint 'acme;v=1'"),
        ("/v1/in/./acme", "no resource at /v1/in/./acme"),
        ("/v1/in/other/../acme", "no resource at /v1/in/other/../acme"),
        ("//v1/in/acme", "no resource at //v1/in/acme"),
        ("/V1/in/acme", "no resource at /V1/in/acme"),
        ("/v1/tms/acme%2Fevents", "no resource at /v1/tms/acme%2Fevents"),
    ],
)
def test_encoded_or_dot_segment_paths_name_no_endpoint(front, target, message):
    _event_id, body = _event_body()
    status, answer, kept = _exchange(front, _request(target, body))
    assert (status, answer["error"], kept) == (404, "not_found", [])
    assert answer["message"] == message


@pytest.mark.parametrize(
    "target", ["/v1/in/acme?x=1", "/v1/in/acme/", "/v1/tms/acme/events", "http://x/v1/in/acme"]
)
def test_a_query_a_trailing_slash_the_alias_or_an_absolute_form_reach_the_endpoint(front, target):
    """The signature covers the body, not the target: a query string changes nothing."""
    event_id, body = _event_body()
    status, answer, kept = _exchange(front, _request(target, body))
    assert (status, answer["status"], kept) == (202, "accepted", [event_id])


def test_a_body_re_encoded_after_signing_is_refused_as_unsigned(front):
    event = make_event(f"target-{next(_IDS)}", payload={"note": "café"})
    body = json.dumps(event, ensure_ascii=False).encode()
    headers = signed_headers(body)
    headers["Content-Type"] = "application/json; charset=iso-8859-1"
    latin1 = body.decode().encode("latin-1")
    head = "POST /v1/in/acme HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head += f"Content-Length: {len(latin1)}\r\n\r\n"
    status, answer, kept = _exchange(front, head.encode() + latin1)
    assert (status, answer["error"], kept) == (401, "invalid_signature", [])
    assert "not UTF-8" in answer["message"]
