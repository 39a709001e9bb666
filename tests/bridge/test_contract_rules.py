"""One test per rule of docs/bridge-http.md: what the bridge does with hostile input."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import (
    SECRET_A,
    SECRET_B,
    bridge_settings,
    make_event,
    signed_headers,
    start_bridge,
    wsgi_app,
)
from logistics_bridge.cli import main
from logistics_bridge.formats import MAX_EVENTS_PER_REQUEST, MAX_REPORTED_ERRORS
from logistics_contract.safejson import MAX_DEPTH, MalformedJson, load_json
from raw_http import raw_exchange
from standardwebhooks.webhooks import Webhook
from wsgi_client import call, signed_call


@pytest.fixture
def app(tmp_path):
    with wsgi_app(tmp_path) as app_:
        yield app_


def stored(app) -> int:
    return sum(app.inbox.counts().values())


def refused(answer, status: int, error: str) -> dict:
    assert answer.status == status, answer.body
    document = answer.json()
    assert document["error"] == error
    assert document["message"]
    return document


# -- paths ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/in/acme", 202),
        ("/v1/in/acme/", 202),
        ("/v1/tms/acme/events", 202),  # the original path, kept as an alias
        ("/v1/in/acme/events", 404),
        ("/v1/in/", 404),
        ("/v1/tms/acme", 404),
    ],
)
def test_events_are_posted_to_v1_in_or_its_alias(app, path, status):
    body = json.dumps(make_event())
    headers = {**signed_headers(body), "Content-Type": "application/json"}
    assert call(app, path, body.encode(), headers).status == status
    assert stored(app) == (1 if status == 202 else 0)


# -- headers --------------------------------------------------------------------------------
@pytest.mark.parametrize("timestamp", ["9" * 400, "1" + "0" * 20, "4" * 13])
def test_huge_numeric_timestamp_is_out_of_window(app, timestamp):
    body = json.dumps(make_event())
    answer = signed_call(app, body, webhook_timestamp=timestamp)
    refused(answer, 401, "timestamp_out_of_window")


@pytest.mark.parametrize("timestamp", ["-" + "9" * 400, "+" + str(int(time.time())), " 1", "1e9"])
def test_timestamp_must_be_plain_digits(app, timestamp):
    body = json.dumps(make_event())
    answer = signed_call(app, body, webhook_timestamp=timestamp)
    refused(answer, 401, "invalid_signature")
    assert stored(app) == 0


def test_plus_prefixed_timestamp_refused_even_when_signed(app):
    """A ``+1700000000`` signed as such is still refused: the header is digits only."""
    body = json.dumps(make_event())
    now = int(time.time())
    signature = Webhook(SECRET_A).sign("msg-plus", datetime.fromtimestamp(now, UTC), body)
    headers = {
        "Content-Type": "application/json",
        "webhook-id": "msg-plus",
        "webhook-timestamp": f"+{now}",
        "webhook-signature": signature,
    }
    refused(call(app, "/v1/tms/acme/events", body.encode(), headers), 401, "invalid_signature")


@pytest.mark.parametrize("webhook_id", ["x" * 100_000, "msg with space", "msg-\u00e9", "a\tb"])
def test_webhook_id_bounded_visible_ascii(app, webhook_id):
    body = json.dumps(make_event())
    answer = signed_call(app, body, webhook_id=webhook_id)
    document = refused(answer, 400, "invalid_header")
    assert document["fields"] == ["webhook-id"]
    assert stored(app) == 0


def test_webhook_id_of_255_characters_accepted(app):
    body = json.dumps(make_event())
    headers = signed_headers(body, msg_id="m" * 255)
    assert call(app, "/v1/tms/acme/events", body.encode(), headers).status == 202


def test_malformed_signature_entry_before_valid_one_is_skipped(app):
    body = json.dumps(make_event())
    headers = signed_headers(body)
    headers["webhook-signature"] = "garbage v1,@@@ v1 " + headers["webhook-signature"]
    assert call(app, "/v1/tms/acme/events", body.encode(), headers).status == 202


def test_a_repeated_signature_header_keeps_its_valid_entry_whatever_the_order(app):
    """Two ``webhook-signature`` lines reach the application joined by ``, `` (RFC 9110 field
    combining): the valid entry is found before or after the other one."""
    body = json.dumps(make_event("repeated-signature"))
    headers = signed_headers(body)
    valid = headers["webhook-signature"]
    for joined in (f"{valid}, v1,AAAA", f"v1,AAAA, {valid}", f"{valid},"):
        headers["webhook-signature"] = joined
        assert call(app, "/v1/tms/acme/events", body.encode(), headers).status in (200, 202)


def test_signature_header_without_any_well_formed_entry(app):
    body = json.dumps(make_event())
    answer = signed_call(app, body, webhook_signature="garbage")
    assert "malformed" in refused(answer, 401, "invalid_signature")["message"]
    other = signed_call(app, body, webhook_signature="v1a,c2lnbmF0dXJl")
    assert "no v1" in refused(other, 401, "invalid_signature")["message"]


@pytest.mark.parametrize("value", ["corr\x01x", "caf\u00e9", "tab\there"])
def test_correlation_header_printable_ascii(app, value):
    body = json.dumps(make_event())
    answer = signed_call(app, body, X_Correlation_ID=value)
    assert refused(answer, 400, "invalid_header")["fields"] == ["X-Correlation-ID"]
    assert stored(app) == 0


def test_correlation_header_cut_to_255(app):
    body = json.dumps(make_event())
    assert signed_call(app, body, X_Correlation_ID="c" * 300).status == 202
    assert app.inbox.list_events()[0].correlation_id == "c" * 255


def test_signature_checked_against_every_secret(app):
    body = json.dumps(make_event())
    headers = signed_headers(body, SECRET_B)
    assert call(app, "/v1/tms/acme/events", body.encode(), headers).status == 202


# -- body -----------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_bodies_refused_even_when_signed(app, encoding):
    """Without a BOM these bytes are valid UTF-8 (ASCII plus NULs), so the signature matches;
    the body is still refused: JSON bodies are UTF-8."""
    raw = json.dumps(make_event()).encode(encoding)
    answer = signed_call(app, raw)
    refused(answer, 400, "malformed_json")
    assert stored(app) == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_bodies_with_utf16_or_utf32_bom_refused(app, encoding):
    raw = json.dumps(make_event()).encode(encoding)
    headers = signed_headers("placeholder")
    refused(call(app, "/v1/tms/acme/events", raw, headers), 401, "invalid_signature")


def test_utf8_bom_refused(app):
    answer = signed_call(app, "\ufeff" + json.dumps(make_event()))
    assert "byte-order mark" in refused(answer, 400, "malformed_json")["message"]


def test_deep_nesting_refused_without_recursion_error(app):
    deep = make_event(payload={"x": json.loads("[" * 60 + "]" * 60)})
    assert signed_call(app, json.dumps(deep)).status == 202
    body = json.dumps(make_event()).replace('"in_transit"', "[" * 10_000 + "]" * 10_000)
    answer = signed_call(app, body)
    assert "levels deep" in refused(answer, 400, "malformed_json")["message"]
    assert stored(app) == 1


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
def test_nesting_limit_holds_at_its_edge(depth):
    """At the limit exactly, where a body has as many brackets as the limit and the depth scan
    is skipped, and one beyond it."""
    body = b"[" * depth + b"]" * depth
    if depth > MAX_DEPTH:
        with pytest.raises(MalformedJson, match="levels deep"):
            load_json(body)
    else:
        assert load_json(body) is not None


def test_brackets_inside_strings_do_not_count_as_depth(app):
    body = json.dumps(make_event(payload={"note": "[" * 10_000}))
    assert signed_call(app, body).status == 202


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_refused(app, number):
    body = json.dumps(make_event()).replace('"in_transit"', number)
    answer = refused(signed_call(app, body), 422, "number_out_of_range")
    assert "out of range" in answer["message"]
    assert answer["fields"] == ["payload.status"]
    assert stored(app) == 0


def test_stored_payload_is_always_valid_json(app):
    body = json.dumps(make_event(payload={"big": 10**300, "small": 1e-320, "x": 1.5e308}))
    assert signed_call(app, body).status == 202
    (event,) = app.inbox.list_events()
    json.loads(event.payload_json, parse_constant=lambda name: pytest.fail(name))


def test_duplicate_keys_refused(app):
    body = json.dumps(make_event()).replace('"event_type"', '"event_id": "again", "event_type"')
    answer = signed_call(app, body)
    assert "duplicate key 'event_id'" in refused(answer, 400, "malformed_json")["message"]


def test_lone_surrogate_refused(app):
    body = json.dumps(make_event()).replace("in_transit", "\\ud800")
    assert "surrogate" in refused(signed_call(app, body), 400, "malformed_json")["message"]
    paired = json.dumps(make_event()).replace("in_transit", "\\ud83d\\ude9a")
    assert signed_call(app, paired).status == 202


# -- envelope -------------------------------------------------------------------------------
# U+200B (format), U+2028 (line separator), U+E000 (private use), U+164F9 (unassigned).
@pytest.mark.parametrize(
    "value",
    [
        " ",
        "\t",
        "evt\u0000x",
        "evt\nforged",
        "evt\u0085",
        "e\u200bvt",
        "e\u2028",
        "\ue000",
        "\U000164f9",
    ],
)
@pytest.mark.parametrize("field", ["event_id", "shipment_reference", "correlation_id"])
def test_keys_not_blank_and_without_control_characters(app, field, value):
    answer = signed_call(app, json.dumps(make_event(**{field: value})))
    assert refused(answer, 422, "validation_failed")["fields"] == [field]
    assert stored(app) == 0


@pytest.mark.parametrize("version", ["2", "1.0", 1, ""])
def test_schema_version_odoo_does_not_accept_is_refused(app, version):
    """Odoo validates with the same envelope model: what it would refuse is never kept."""
    answer = signed_call(app, json.dumps(make_event(schema_version=version)))
    document = refused(answer, 422, "validation_failed")
    assert document["fields"] == ["schema_version"]
    assert stored(app) == 0
    assert signed_call(app, json.dumps(make_event(schema_version="1"))).status == 202


def test_occurred_at_must_be_an_iso_string(app):
    for value in (1767225600, 1767225600.5, True):
        answer = signed_call(app, json.dumps(make_event(occurred_at=value)))
        document = refused(answer, 422, "validation_failed")
        assert document["fields"] == ["occurred_at"]
        assert "ISO 8601" in document["message"]


def test_occurred_at_at_most_a_day_ahead(app):
    soon = (datetime.now(UTC) + timedelta(hours=23)).isoformat()
    assert signed_call(app, json.dumps(make_event(occurred_at=soon))).status == 202
    later = (datetime.now(UTC) + timedelta(days=1, minutes=5)).isoformat()
    answer = signed_call(app, json.dumps(make_event(occurred_at=later)))
    assert "more than a day in the future" in refused(answer, 422, "validation_failed")["message"]
    years = (datetime.now(UTC) + timedelta(days=3 * 365)).isoformat()
    refused(signed_call(app, json.dumps(make_event(occurred_at=years))), 422, "validation_failed")


def test_errors_capped_and_linear(app, caplog):
    bad = [{"event_id": ""} for _ in range(MAX_EVENTS_PER_REQUEST)]
    with caplog.at_level(logging.INFO, logger="logistics_bridge.app"):
        answer = signed_call(app, json.dumps(bad))
    document = refused(answer, 422, "validation_failed")
    assert len(document["fields"]) <= MAX_REPORTED_ERRORS
    problems = MAX_EVENTS_PER_REQUEST * 4  # blank event_id and three missing fields each
    assert document["message"].endswith(f"and {problems - MAX_REPORTED_ERRORS} more problem(s)")
    assert len(answer.body) < 10_000
    assert max(len(record.getMessage()) for record in caplog.records) < 10_000


def test_array_of_more_than_the_cap_refused_before_validation(app):
    events = [make_event() for _ in range(MAX_EVENTS_PER_REQUEST + 1)]
    answer = signed_call(app, json.dumps(events))
    document = refused(answer, 422, "validation_failed")
    assert document["fields"] == ["(body)"]
    assert f"at most {MAX_EVENTS_PER_REQUEST} per request" in document["message"]
    # refused by its length, before any element is validated
    huge = json.dumps([{"event_id": ""}] * 20_000)
    document = refused(signed_call(app, huge), 422, "validation_failed")
    assert document["fields"] == ["(body)"]
    assert stored(app) == 0


def test_occurred_at_numeric_string_is_not_unix_time(app):
    answer = signed_call(app, json.dumps(make_event(occurred_at="1767225600")))
    assert refused(answer, 422, "validation_failed")["fields"] == ["occurred_at"]


# -- logs -----------------------------------------------------------------------------------
def test_request_values_escaped_in_logs(app, caplog):
    with caplog.at_level(logging.INFO, logger="logistics_bridge.app"):
        answer = call(
            app, "/v1/tms/x\r\n2026-01-01 00:00:00 ERROR forged/events", b"{}", method="POST"
        )
        call(app, "/nothing\u2028here" + "z" * 5000, method="GET")
    assert answer.status == 404
    lines = [record.getMessage() for record in caplog.records]
    assert all("\n" not in line and "\r" not in line and "\u2028" not in line for line in lines)
    assert any("x\\r\\n2026" in line for line in lines)
    assert all(len(line) < 1000 for line in lines)


# -- configuration --------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["caf\u00e9", "a/b", "-lead", "has space", "x" * 65, ".."])
def test_check_config_refuses_unreachable_endpoint_codes(tmp_path, monkeypatch, capsys, code):
    for name in [n for n in __import__("os").environ if n.startswith("LOGISTICS_BRIDGE_")]:
        monkeypatch.delenv(name)
    config = tmp_path / "bridge.toml"
    config.write_text(
        f'inbox_url = "sqlite:///{tmp_path}/inbox.sqlite3"\n'
        f"[endpoints]\n{json.dumps(code)} = [{json.dumps(SECRET_A)}]\n"
        '[odoo]\nurl = "http://127.0.0.1:8069"\ndb = "d"\nlogin = "l"\napi_key = "k"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "check-config"]) == 1
    assert "not reachable as /v1/in/<code>" in capsys.readouterr().out


# -- the HTTP layer ------------------------------------------------------------------------------
@pytest.fixture
def live(tmp_path):
    running = start_bridge(bridge_settings(tmp_path, max_body_bytes=2048))
    yield running
    running.service.shutdown()


def json_answer(raw: bytes) -> tuple[int, dict]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"content-type: application/json" in head.lower(), head
    return status, json.loads(body)


def test_http_layer_413_is_json(live):
    port = live.service.server.port
    request = (
        b"POST /v1/tms/acme/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 99999999\r\n\r\n"
    )
    status, document = json_answer(raw_exchange(port, request))
    assert status == 413
    assert document["error"] == "request_entity_too_large"


def test_http_layer_431_is_json(live):
    port = live.service.server.port
    start = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "
    # Exactly the header limit and no more: a byte left unread would reset the socket.
    request = start + b"a" * (262_144 - len(start))
    status, document = json_answer(raw_exchange(port, request))
    assert status == 431
    assert document["error"] == "request_header_fields_too_large"


@pytest.mark.parametrize(
    "head", [b"G@T /healthz HTTP/1.1", b"GET", b"GET /healthz HTTP/1.1\r\nno colon here"]
)
def test_http_layer_bad_request_is_json(live, head):
    status, document = json_answer(raw_exchange(live.service.server.port, head + b"\r\n\r\n"))
    assert status == 400
    assert document["error"] == "bad_request"


def test_unknown_transfer_coding_is_400_not_501(live):
    """Not a 501: the request is the client's fault, and a 5xx would be retried."""
    request = (
        b"POST /v1/tms/acme/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
    )
    status, document = json_answer(raw_exchange(live.service.server.port, request))
    assert status == 400
    assert document["error"] == "unsupported_transfer_coding"


def test_bare_lf_request_answered_400(live):
    request = b"GET /healthz HTTP/1.1\nHost: x\n\n"
    status, document = json_answer(raw_exchange(live.service.server.port, request))
    assert status == 400
    assert "CRLF" in document["message"]


def test_well_formed_request_after_bare_lf_check_still_served(live):
    raw = raw_exchange(live.service.server.port, b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n")
    assert json_answer(raw) == (200, {"status": "ok"})
