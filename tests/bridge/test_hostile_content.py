"""Hostile content the bridge must neither misread nor keep twice: a ``charset`` that does not
describe the body, integers beyond a double's range, ids that differ only by Unicode
normalisation, and documents that hold no event — for every format (docs/bridge-http.md,
"Body (JSON)", "Event envelope" and "Other formats and schemes under hostile input")."""

from __future__ import annotations

import json

import pytest
from conftest import SECRET_A, make_event, signed_headers, wsgi_app
from test_hostile_formats import BASIC, ENDPOINTS, INTERCHANGE, TOKEN, post
from wsgi_client import call

NFD_CAFE = "cafe\u0301"  # "café" decomposed: the same text as "caf\u00e9", spelt otherwise


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    endpoints = {**ENDPOINTS, "acme": [SECRET_A]}
    with wsgi_app(tmp_path_factory.mktemp("content"), endpoints=endpoints) as app_:
        yield app_


def stored_ids(app) -> list[str]:
    return [event.event_id for event in app.inbox.list_events(limit=100_000)]


def tms_post(app, body: bytes, content_type: str = "application/json"):
    headers = {**signed_headers(body.decode("utf-8")), "Content-Type": content_type}
    return post(app, "acme", body, headers)


# -- charset ----------------------------------------------------------------------------------
@pytest.mark.parametrize("charset", ["utf-16", "UTF-32", "iso-8859-1", "windows-1252", "x-nope"])
def test_a_charset_that_does_not_describe_the_body_is_refused(app, charset):
    """A UTF-8 body with a non-ASCII reference, labelled with another charset: read as that
    charset it is other text (or none), so it is refused rather than read as UTF-8."""
    body = json.dumps(make_event(f"cs-{charset}", shipment="Caf\u00e9"), ensure_ascii=False)
    answer = tms_post(app, body.encode(), f"application/json; charset={charset}")
    assert (answer.status, answer.json()["error"]) == (415, "unsupported_media_type")
    assert charset in answer.json()["message"]
    assert f"cs-{charset}" not in stored_ids(app)


@pytest.mark.parametrize("charset", ["utf-8", '"UTF-8"', "utf8", "us-ascii", "ISO-8859-1"])
def test_a_charset_that_reads_the_body_alike_is_accepted(app, charset):
    """UTF-8 under any spelling; an ASCII body reads the same in every ASCII charset."""
    body = json.dumps(make_event(f"cs-ok-{charset}")).encode()
    answer = tms_post(app, body, f"application/json; charset={charset}")
    assert answer.status == 202, answer.body


def test_a_charset_lie_is_refused_for_raw_formats_too(app):
    document = json.dumps({"id": "cs-doc", "ref": "Caf\u00e9"}, ensure_ascii=False).encode()
    headers = {**TOKEN, "Content-Type": "application/json; charset=utf-16"}
    assert post(app, "doc", document, headers).status == 415
    x12 = INTERCHANGE.replace("MEMPHIS", "M\u00c9MPHIS").encode()
    headers = {**BASIC, "Content-Type": "text/plain; charset=utf-16"}
    assert post(app, "edi", x12, headers).status == 415
    assert "cs-doc" not in stored_ids(app)


# -- numbers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "literal", ["1" + "0" * 309, "-" + "9" * 400, "1" + "0" * 5000, "17976931348623159" + "0" * 292]
)
def test_an_integer_beyond_a_doubles_range_is_refused_by_its_path(app, literal):
    """Like ``1e400`` — the same number, written as an integer (the content hash already
    counts them one): refused naming the field, whatever the number of digits."""
    body = json.dumps(make_event("big-int", payload={"amount": 0})).replace(
        '"amount": 0', f'"amount": {literal}'
    )
    answer = tms_post(app, body.encode())
    assert (answer.status, answer.json()["error"]) == (422, "number_out_of_range")
    assert answer.json()["fields"] == ["payload.amount"]
    document = json.dumps({"id": "big-doc", "n": 0}).replace('"n": 0', f'"n": {literal}')
    answer = post(app, "doc", document.encode(), TOKEN)
    assert (answer.status, answer.json()["fields"]) == (422, ["n"])
    assert "big-int" not in stored_ids(app) and "big-doc" not in stored_ids(app)


@pytest.mark.parametrize(
    "literal", ["0e99999999999999999999", "1e99999999999999999999", "-1E-99999999999999999999"]
)
def test_an_exponent_no_decimal_holds_is_refused_not_a_server_error(app, literal):
    """Exponents of 20 digits: a float reads them as 0 or infinity, a ``Decimal`` cannot be
    made of them at all (InvalidOperation): refused like any number out of range."""
    body = json.dumps(make_event("huge-exponent", payload={"n": 0})).replace(
        '"n": 0', f'"n": {literal}'
    )
    answer = tms_post(app, body.encode())
    assert (answer.status, answer.json()["fields"]) == (422, ["payload.n"])
    document = json.dumps({"id": "huge-exponent", "n": 0}).replace('"n": 0', f'"n": {literal}')
    answer = post(app, "doc", document.encode(), TOKEN)
    assert (answer.status, answer.json()["error"]) == (422, "number_out_of_range")


def test_the_largest_integer_a_double_holds_keeps_its_digits(app):
    literal = str(int(1.7976931348623157e308))
    body = json.dumps(make_event("max-int", payload={"amount": 0})).replace(
        '"amount": 0', f'"amount": {literal}'
    )
    assert tms_post(app, body.encode()).status == 202
    events = app.inbox.list_events(limit=100_000)
    (kept,) = [event for event in events if event.event_id == "max-int"]
    assert f'"amount":{literal}' in kept.payload_json


# -- times ------------------------------------------------------------------------------------
def test_a_time_before_the_year_1_in_utc_is_refused(app):
    """``0001-01-01T00:00+14:00`` is 31 December of the year 0 in UTC, which no datetime
    holds: Odoo, storing times in UTC, could not keep it."""
    answer = tms_post(
        app, json.dumps(make_event("year-0", occurred_at="0001-01-01T00:00:00+14:00")).encode()
    )
    assert (answer.status, answer.json()["fields"]) == (422, ["occurred_at"])
    later = make_event("year-1", occurred_at="0001-01-01T14:00:00+14:00")
    assert tms_post(app, json.dumps(later).encode()).status == 202


# -- Unicode normalisation --------------------------------------------------------------------
@pytest.mark.parametrize("field", ["event_id", "shipment_reference", "correlation_id"])
def test_a_key_not_in_nfc_is_refused_so_one_id_is_never_two_events(app, field):
    """``café`` composed and decomposed are one text: accepting both would keep one event
    twice. Keys are compared as written, so a key must be NFC (the usual form); case is
    significant, as in most systems' ids."""
    event = make_event("nfc-" + field)
    event[field] = NFD_CAFE
    answer = tms_post(app, json.dumps(event).encode())
    assert (answer.status, answer.json()["fields"]) == (422, [field])
    assert "NFC" in answer.json()["message"]
    composed = make_event("nfc-ok-" + field)
    composed[field] = "caf\u00e9"
    assert tms_post(app, json.dumps(composed).encode()).status == 202


def test_raw_ids_and_shipment_keys_must_be_nfc_too(app):
    answer = post(app, "doc", json.dumps({"id": NFD_CAFE}).encode(), TOKEN)
    assert (answer.status, answer.json()["fields"]) == (422, ["event_id"])
    answer = post(app, "doc", json.dumps({"id": "nfc-ref", "ref": NFD_CAFE}).encode(), TOKEN)
    assert (answer.status, answer.json()["fields"]) == (422, ["shipment key"])
    x12 = INTERCHANGE.replace("SHP-0042", "SHP-" + NFD_CAFE).encode()
    assert post(app, "edi", x12, BASIC).status == 422
    assert NFD_CAFE not in stored_ids(app)


# -- documents without an event ---------------------------------------------------------------
@pytest.mark.parametrize("document", [b"{}", b"[]", b" { } "])
def test_an_empty_json_document_is_refused_not_kept_as_an_event(app, document):
    before = stored_ids(app)
    answer = post(app, "doc", document, TOKEN)
    assert (answer.status, answer.json()["error"]) == (422, "validation_failed")
    assert "empty" in answer.json()["message"]
    assert stored_ids(app) == before


def test_an_event_array_with_an_empty_object_names_the_missing_fields(app):
    answer = call(app, "/v1/in/acme", b"[{}]", {"Content-Type": "application/json"})
    assert answer.status == 401  # the signature first: nothing is read unsigned
    answer = tms_post(app, b"[{}]")
    assert answer.status == 422 and "[0].event_id" in answer.json()["fields"]


# -- look-alike ids, batches, traceparent -------------------------------------------------------
def test_look_alike_ids_are_distinct_events_kept_as_written(app):
    """Ids are compared as written once in NFC: a Cyrillic ``а``, a fullwidth digit or the
    ``ﬁ`` ligature (NFC keeps each) is another id than its Latin look-alike, never folded
    into it and never taken for its duplicate."""
    ids = ["abc-1", "\u0430bc-1", "abc-\uff11", "\ufb01le-1", "fi" + "le-1"]
    for event_id in ids:
        answer = tms_post(app, json.dumps(make_event(event_id)).encode())
        assert (answer.status, answer.json()["events"][0]["status"]) == (202, "accepted")
    assert [i for i in stored_ids(app) if i in ids] == ids


def test_an_array_with_one_invalid_event_keeps_none_and_names_its_index(app):
    events = [make_event("batch-ok-1"), {**make_event("batch-bad"), "occurred_at": "soon"}]
    answer = tms_post(app, json.dumps(events).encode())
    assert (answer.status, answer.json()["fields"]) == (422, ["[1].occurred_at"])
    assert not {"batch-ok-1", "batch-bad"} & set(stored_ids(app))


def test_an_array_repeating_one_event_keeps_it_once_saying_so(app):
    event = make_event("batch-twice")
    answer = tms_post(app, json.dumps([event, event]).encode())
    assert answer.status == 202
    assert [e["status"] for e in answer.json()["events"]] == ["accepted", "duplicate"]
    assert stored_ids(app).count("batch-twice") == 1


TRACE = "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        (f"00-{TRACE}, 00-{TRACE}", None),  # the header sent twice, joined by the HTTP layer
        (f"00-{TRACE}\x85", None),  # a C1 byte (Latin-1 as received) after the flags
        (f"00-{TRACE}\u00e9", None),
        (f"cc-{TRACE}x", None),  # a later version's fields follow a dash
        (f"cc-{TRACE}-more-fields", f"cc-{TRACE}"),
        (f"\t00-{TRACE} ", f"00-{TRACE}"),
        (f"00-{TRACE[:-2]}ff", f"00-{TRACE[:-2]}ff"),  # unknown flags are kept as sent
    ],
)
def test_traceparent_edges_are_kept_or_ignored_never_refused(app, header, kept):
    event_id = f"trace-{len(stored_ids(app))}"
    body = json.dumps(make_event(event_id)).encode()
    headers = {**signed_headers(body.decode()), "traceparent": header}
    answer = post(app, "acme", body, headers)
    assert answer.status == 202, answer.body
    (stored,) = [e for e in app.inbox.list_events(limit=100_000) if e.event_id == event_id]
    assert stored.traceparent == kept
