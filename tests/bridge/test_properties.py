"""Property tests of the HTTP contract, in process: whatever arrives, no 5xx, a JSON answer,
and nothing stored unless the answer is 2xx (docs/bridge-http.md, "General promises")."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import (
    SECRET_A,
    SECRET_OLD,
    signed_headers,
    wsgi_app,
    x12_interchange,
)
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from logistics_contract.content import canonical_json
from logistics_contract.ids import derived_id, joined_id
from logistics_contract.x12 import shipment_status_events
from wsgi_client import Answer, call

PROPERTY_SETTINGS = settings(
    max_examples=250,
    deadline=None,
    database=None,  # no .hypothesis directory in the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with wsgi_app(tmp_path_factory.mktemp("props")) as app_:
        yield app_


# -- strategies -----------------------------------------------------------------------------
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
)
occurred = (
    moments.map(lambda moment: moment.isoformat())
    | st.datetimes().map(lambda moment: moment.isoformat())  # no offset
    | st.just((datetime.now(UTC) + timedelta(days=2)).isoformat())
    | json_scalars
)
keys = st.text(max_size=300) | st.sampled_from(["evt-1", " ", "\x00", "a\r\nb", "x" * 256])
hostile_envelopes = st.fixed_dictionaries(
    {
        "event_id": keys,
        "event_type": st.sampled_from(["status", "planning", "pod", "charges", "teleport"]),
        "shipment_reference": keys,
        "occurred_at": occurred,
    },
    optional={
        "payload": st.dictionaries(st.text(max_size=8), json_values, max_size=5) | json_values,
        "correlation_id": keys | st.none(),
        "schema_version": st.text(max_size=40),
        "surprise": json_values,
    },
)
finite_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
valid_envelopes = st.fixed_dictionaries(
    {
        "event_id": st.from_regex(r"evt-[a-z0-9]{1,16}", fullmatch=True),
        "event_type": st.sampled_from(["status", "planning", "pod", "charges"]),
        "shipment_reference": st.from_regex(r"SHP-[A-Z0-9]{1,8}", fullmatch=True),
        "occurred_at": st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.timezones()
        ).map(lambda moment: moment.isoformat()),
    },
    optional={
        "payload": st.dictionaries(st.text(max_size=8), finite_values, max_size=5),
        "correlation_id": st.text(
            st.characters(codec="utf-8", categories=["L", "N", "P"]), min_size=1, max_size=40
        ),
    },
)
envelopes = valid_envelopes | hostile_envelopes
documents = (
    envelopes
    | st.lists(valid_envelopes, min_size=1, max_size=5)
    | st.lists(envelopes, max_size=5)
    | json_values
)


def encode(document) -> str:
    """JSON text as a sloppy sender would write it (NaN/Infinity included)."""
    return json.dumps(document, allow_nan=True)


bodies = (
    documents.map(encode)
    | st.text(max_size=200)
    | st.sampled_from(["[" * 5000, '{"a":' * 3000, "1e400", '{"a":1,"a":2}', '"\\ud800"'])
)
# One header at a time is made hostile, so that the others pass and the body is reached.
corruptions = st.one_of(
    st.none(),
    st.tuples(st.just("webhook-id"), st.text(max_size=300)),
    st.tuples(
        st.just("webhook-timestamp"),
        st.integers(min_value=-(10**30), max_value=10**30).map(str)
        | st.text(alphabet="+-0123456789 e.", max_size=40)
        | st.text(max_size=30),
    ),
    st.tuples(
        st.just("webhook-signature"),
        st.text(max_size=120)
        | st.sampled_from(["other-secret", "junk-before-valid", "v1,", "v1a,abc", ""]),
    ),
    st.tuples(st.just("Content-Type"), st.sampled_from(["text/plain", "", "application/xml"])),
    st.tuples(st.just("X-Correlation-ID"), st.text(max_size=300)),
)


def headers_for(body: str, corruption: tuple[str, str] | None) -> dict[str, str]:
    headers = signed_headers(body, SECRET_A)
    if corruption is None:
        return headers
    name, value = corruption
    if value == "other-secret":
        value = signed_headers(body, SECRET_OLD)["webhook-signature"]
    elif value == "junk-before-valid":
        value = "junk v1,@@ " + headers["webhook-signature"]
    headers[name] = value
    return headers


# -- the property ---------------------------------------------------------------------------
def check_answer(app, answer: Answer, stored_before: int) -> None:
    event(f"HTTP {answer.status}")  # shown by --hypothesis-show-statistics
    assert answer.status < 500, answer.body
    assert answer.headers["Content-Type"] == "application/json"
    document = answer.json()
    stored_after = sum(app.inbox.counts().values())
    if answer.status >= 300 and answer.status != 409:
        assert set(document) <= {"error", "message", "fields"} and document["message"]
        assert stored_after == stored_before
        return
    # 409: one was an id already kept with other content, itself kept for review.
    assert document["status"] in ("accepted", "duplicate", "conflict")
    statuses = [item["status"] for item in document["events"]]
    # A conflicting content is kept once, however often it is sent again.
    new_rows = stored_after - stored_before
    assert statuses.count("accepted") <= new_rows <= len(statuses) - statuses.count("duplicate")
    for kept in app.inbox.list_events(limit=100_000)[stored_before:]:
        json.loads(kept.payload_json, parse_constant=lambda name: pytest.fail(name))
        for text in (kept.event_id, kept.shipment_reference, kept.correlation_id):
            assert text.strip() and text.isprintable()


@PROPERTY_SETTINGS
@given(body=bodies, corruption=corruptions)
def test_any_request_answers_json_without_5xx(app, body, corruption):
    headers = headers_for(body, corruption)
    raw = body.encode("utf-8", "surrogatepass")
    before = sum(app.inbox.counts().values())
    check_answer(app, call(app, "/v1/tms/acme/events", raw, headers), before)


@PROPERTY_SETTINGS
@given(document=documents)
def test_validly_signed_documents_never_store_invalid_values(app, document):
    body = encode(document)
    headers = signed_headers(body, SECRET_A)
    before = sum(app.inbox.counts().values())
    check_answer(app, call(app, "/v1/tms/acme/events", body.encode(), headers), before)


@PROPERTY_SETTINGS
@given(
    path=st.text(max_size=200).map(lambda text: "/" + text),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "X"]),
    body=st.binary(max_size=200),
)
def test_any_path_and_method_answers_json_without_5xx(app, path, method, body):
    before = sum(app.inbox.counts().values())
    answer = call(app, path, body, {"Content-Type": "application/json"}, method=method)
    assert answer.status < 500
    if method != "HEAD" and not path.startswith("/metrics"):
        assert isinstance(answer.json(), dict)
    assert sum(app.inbox.counts().values()) == before


# -- event ids: distinct canonical tuples, distinct ids ---------------------------------------
id_parts = st.text(alphabet=st.sampled_from(":%3Aa2 #"), max_size=6)


@PROPERTY_SETTINGS
@given(
    parts=st.integers(1, 4).flatmap(
        lambda n: st.tuples(*[st.lists(id_parts, min_size=n, max_size=n)] * 2)
    )
)
def test_joined_ids_of_distinct_tuples_differ(parts):
    first, second = parts
    assume(first != second)
    assert joined_id(*first) != joined_id(*second)


# ISA06 (its trailing padding is not part of it) and ST02: visible ASCII but the delimiters.
_visible = st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="*~>")
senders = st.text(alphabet=_visible | st.just(" "), min_size=1, max_size=15).filter(
    lambda text: not text.endswith(" ")
)
x12_tuples = st.tuples(
    senders,
    st.integers(0, 999_999_999).map(lambda number: f"{number:09d}"),
    st.text(alphabet="0123456789", min_size=1, max_size=9),
    st.text(alphabet=_visible, min_size=4, max_size=9),
)


@PROPERTY_SETTINGS
@given(first=x12_tuples, second=x12_tuples)
def test_x12_sets_of_distinct_canonical_tuples_get_distinct_ids(first, second):
    assume(first != second)
    ids = []
    for sender, isa13, gs06, st02 in (first, second):
        [transaction] = shipment_status_events(x12_interchange(sender, isa13, [(gs06, [st02])]))[1]
        ids.append(transaction.event_id)
    assert ids[0] != ids[1]


@PROPERTY_SETTINGS
@given(
    document_id=id_parts,
    elements=st.lists(
        finite_values,
        min_size=2,
        max_size=2,
        # Elements differ by what they say: 1 and 1.0, or reordered keys, are one element.
        unique_by=canonical_json,
    ),
)
def test_split_ids_of_distinct_elements_differ(document_id, elements):
    assert derived_id(document_id, elements[0]) != derived_id(document_id, elements[1])
