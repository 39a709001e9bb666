"""Ids of ``json`` documents and ``tms-event`` batches as hostile senders write them: one bad
element in a split list, the same event twice in one request, ids that are empty, blank,
too long, decomposed (NFD) or differ only in case. A 2xx means every event of the request is
stored; a refusal names the field and keeps nothing; the same id with other content is a 409
with both contents kept."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import unicodedata

import pytest
from conftest import make_event, module_app
from wsgi_client import Answer, call

SECRET = "json-ids-secret"
AUTH = {"scheme": "hmac", "header": "X-Signature", "secrets": [SECRET]}
ENDPOINTS = {
    "single": {"format": "json", "event_id_path": "id", "shipment_key_path": "ref", "auth": AUTH},
    "split": {
        "format": "json",
        "event_id_path": "id",
        "shipment_key_path": "$.ref",
        "split_path": "items[*]",
        "auth": AUTH,
    },
    "tms": {"format": "tms-event", "auth": AUTH},
}
COMPOSED = unicodedata.normalize("NFC", "café")
DECOMPOSED = unicodedata.normalize("NFD", "café")
_PREFIXES = itertools.count(1)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    yield from module_app(tmp_path_factory, "json-ids", ENDPOINTS)


def post(app, endpoint: str, document) -> tuple[Answer, list]:
    """POST ``document`` signed; the answer and the events it added to the inbox."""
    body = json.dumps(document, ensure_ascii=False).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    before = len(app.inbox.list_events(limit=100_000))
    answer = call(
        app,
        f"/v1/in/{endpoint}",
        body,
        {"Content-Type": "application/json", "X-Signature": signature},
    )
    assert answer.status < 500, answer.body
    return answer, app.inbox.list_events(limit=100_000)[before:]


def unique(text: str) -> str:
    """``text`` made unique in the module's inbox."""
    return f"{text}-{next(_PREFIXES)}"


@pytest.mark.parametrize(
    ("bad_element", "field", "words"),
    [
        ({"id": "   "}, "event_id", "must not be blank"),
        ({"id": "x" * 256}, "event_id", "at most 255 characters"),
        ({"id": {"nested": 1}}, "id", "an object"),
        ({"id": ["a"]}, "id", "an array"),
        ({"id": True}, "id", "a boolean"),
        ({"id": DECOMPOSED}, "event_id", "NFC"),
        ({"id": "a\u200bb"}, "event_id", "printable"),
    ],
    ids=["blank", "too long", "object", "array", "boolean", "NFD", "zero-width space"],
)
def test_one_bad_element_of_a_split_list_refuses_the_request_naming_it(
    app, bad_element, field, words
):
    document = {"ref": "R1", "items": [{"id": unique("ok")}, bad_element, {"id": unique("ok")}]}
    answer, events = post(app, "split", document)
    assert answer.status == 422, answer.body
    assert answer.json()["fields"] == [field]
    assert words in answer.json()["message"]
    assert events == []


def test_the_same_element_twice_in_one_request_is_stored_once(app):
    element = {"id": unique("twice"), "v": 1}
    answer, events = post(app, "split", {"ref": "R1", "items": [element, element]})
    assert answer.status == 202
    assert [e["status"] for e in answer.json()["events"]] == ["accepted", "duplicate"]
    assert [event.event_id for event in events] == [element["id"]]


def test_one_id_with_two_contents_in_one_request_keeps_both(app):
    event_id = unique("two-contents")
    items = [{"id": event_id, "v": 1}, {"id": event_id, "v": 2}]
    answer, events = post(app, "split", {"ref": "R1", "items": items})
    assert answer.status == 409, answer.body
    assert [e["status"] for e in answer.json()["events"]] == ["accepted", "conflict"]
    assert [json.loads(event.payload_json)["v"] for event in events] == [1, 2]
    assert events[0].conflict_of is None and events[1].conflict_of == events[0].id


def test_ids_differing_in_case_or_spaces_around_them_are_distinct_events(app):
    base = unique("Case")
    ids = [base, base.lower(), f" {base}"]
    answer, events = post(app, "split", {"ref": "R1", "items": [{"id": i} for i in ids]})
    assert answer.status == 202
    assert [event.event_id for event in events] == ids


def test_an_empty_id_is_an_absent_one_the_element_gets_the_derived_fallback(app):
    document = {"ref": "R1", "items": [{"id": unique("kept")}, {"id": ""}]}
    answer, events = post(app, "split", document)
    assert answer.status == 202
    fallback = answer.json()["events"][1]["event_id"]
    assert fallback.startswith("sha256:") and "#" in fallback
    assert [event.event_id for event in events][1] == fallback
    again, events = post(app, "split", document)
    assert (again.status, events) == (200, [])


def test_a_composed_id_is_accepted_its_decomposed_spelling_refused(app):
    answer, events = post(app, "single", {"id": COMPOSED + unique(""), "ref": "R"})
    assert answer.status == 202 and len(events) == 1
    answer, events = post(app, "single", {"id": DECOMPOSED + unique(""), "ref": "R"})
    assert (answer.status, answer.json()["fields"], events) == (422, ["event_id"], [])


def test_a_numeric_id_is_its_json_text_and_conflicts_with_that_text(app):
    number = int(unique("7").replace("-", ""))
    answer, events = post(app, "single", {"id": number, "ref": "R"})
    assert answer.status == 202 and [event.event_id for event in events] == [str(number)]
    answer, events = post(app, "single", {"id": str(number), "ref": "R", "note": "other"})
    assert answer.status == 409, answer.body
    assert len(events) == 1 and events[0].conflict_of is not None


def test_a_tms_batch_with_one_event_twice_or_with_two_contents(app):
    same = make_event(unique("batch"))
    answer, events = post(app, "tms", [same, same])
    assert answer.status == 202
    assert [e["status"] for e in answer.json()["events"]] == ["accepted", "duplicate"]
    assert len(events) == 1
    event_id = unique("batch")
    first, second = make_event(event_id), make_event(event_id, shipment="SHP-2")
    answer, events = post(app, "tms", [first, second])
    assert answer.status == 409
    assert len(events) == 2


def test_a_tms_event_far_in_the_future_is_refused_naming_its_time(app):
    event = make_event(unique("future"))
    event["occurred_at"] = "2099-01-01T00:00:00Z"
    answer, events = post(app, "tms", [make_event(unique("now")), event])
    assert answer.status == 422
    assert answer.json()["fields"] == ["[1].occurred_at"]
    assert events == []
