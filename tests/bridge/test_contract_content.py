"""Content of an event: canonical JSON, its hash, exact numbers and readable differences."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from logistics_contract.content import (
    canonical_json,
    content_hash,
    describe_differences,
    dump_exact,
    event_content,
    is_transmission_only,
    load_exact,
)


def test_whitespace_and_key_order_do_not_change_the_hash():
    first = load_exact('{"a": 1, "b": {"y": [1, 2], "x": "é"}}')
    second = load_exact('{"b":{"x":"é","y":[1,2]},"a":1}')
    assert content_hash(first) == content_hash(second)
    assert canonical_json(first) == '{"a":1,"b":{"x":"é","y":[1,2]}}'


def test_same_number_written_differently_is_the_same_content():
    assert content_hash(load_exact('{"amount": 1.50}')) == content_hash(
        load_exact('{"amount": 1.5}')
    )
    assert content_hash(load_exact('{"amount": 15E-1}')) == content_hash({"amount": 1.5})


def test_different_values_change_the_hash():
    assert content_hash({"amount": Decimal("1.5")}) != content_hash({"amount": Decimal("1.51")})
    assert content_hash({"a": "1"}) != content_hash({"a": 1})
    assert content_hash({"a": None}) != content_hash({})


def test_numbers_keep_their_text():
    text = '{"amount":0.12345678901234567890123,"tiny":1e-400,"n":12}'
    document = load_exact(text)
    assert document["amount"] == Decimal("0.12345678901234567890123")
    assert dump_exact(document) == '{"amount":0.12345678901234567890123,"tiny":1E-400,"n":12}'
    assert json.loads(dump_exact(document), parse_float=Decimal) == document


def test_non_finite_numbers_have_no_canonical_form():
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})
    with pytest.raises(ValueError):
        dump_exact({"x": Decimal("Infinity")})


def test_envelope_content_leaves_out_receipt_metadata():
    base = {
        "event_id": "e-1",
        "event_type": "status",
        "shipment_reference": "S1",
        "occurred_at": "2026-05-01T10:00:00Z",
        "schema_version": "1",
        "payload": {"status_code": "in_transit"},
    }
    received = dict(base, correlation_id="c-1", received_at="2026-05-01T10:00:01+00:00")
    again = dict(base, occurred_at="2026-05-01T10:00:00+00:00", correlation_id="c-2")
    assert content_hash(event_content(received)) == content_hash(event_content(again))
    changed = dict(base, payload={"status_code": "delivered"})
    assert content_hash(event_content(changed)) != content_hash(event_content(base))


def test_raw_document_content_is_the_document():
    event = {"event_id": "d-1", "format": "json", "received_at": "x", "document": {"a": 1}}
    assert event_content(event) == {"a": 1}


def test_x12_content_leaves_out_when_the_interchange_was_transmitted():
    document = {
        "segments": [["ST", "214", "0001"], ["B10", "PRO1", "SHP-1", "ABCD"]],
        "isa": {"sender_id": "ABCD", "control_number": "000000905", "date": "260501",
                "time": "1015"},
        "gs": {"sender_code": "ABCD", "control_number": "905", "version": "004010"},
        "st_control": "0001",
    }  # fmt: skip
    resent = dict(document, isa=dict(document["isa"], date="260502", time="2359"))
    event, again = ({"format": "x12-214", "document": d} for d in (document, resent))
    assert content_hash(event_content(event)) == content_hash(event_content(again))
    assert "date" not in event_content(event)["isa"] and document["isa"]["date"] == "260501"
    # The same elements of another format's document are what it says.
    assert event_content(dict(event, format="json")) == document
    # A format that is not text (as a hostile caller may send it) names no format.
    for odd_format in (["x12-214"], {"x12-214": 1}):
        assert event_content(dict(event, format=odd_format)) == document
        assert not is_transmission_only(odd_format, ("isa", "date"))
    other_sender = dict(resent, isa=dict(resent["isa"], sender_id="WXYZ"))
    assert event_content(dict(event, document=other_sender)) != event_content(event)


def test_differences_name_each_field_path():
    old = {"payload": {"status_code": "in_transit", "charges": [{"amount": 10}]}, "gone": 1}
    new = {"payload": {"status_code": "delivered", "charges": [{"amount": 12.5}, {"amount": 1}]}}
    assert describe_differences(old, new).splitlines() == [
        "gone: 1 → (absent)",
        "payload.charges[0].amount: 10 → 12.5",
        'payload.charges[1]: (absent) → {"amount":1}',
        'payload.status_code: "in_transit" → "delivered"',
    ]
    assert describe_differences(old, old) == ""
