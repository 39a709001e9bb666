"""X12 214 sets as hostile partners write them, judged at the set level: loops repeated
or nearly alike, envelopes of another kind, stray segments, separators chosen oddly. A set
a 997 accepts is stored whole, as sent, and means one shipment; anything else is refused
naming the segment or element, and nothing of the interchange is kept."""

from __future__ import annotations

import base64
import itertools
import json

import pytest
from conftest import module_app
from logistics_contract.x12 import document_view, parse_interchange, shipment_status_events
from wsgi_client import Answer, call

BASIC = {
    "Authorization": "Basic " + base64.b64encode(b"edi:pw-1").decode(),
    "Content-Type": "application/edi-x12",
}
ENDPOINTS = {"edi": {"format": "x12-214", "auth": {"scheme": "basic", "secrets": ["edi:pw-1"]}}}
B10 = "B10*PRO1*SHP-1*ABCD"
LOOP = ["LX*1", "AT7*AF*NS***20260302*0800*ET", "MS1*ATLANTA*GA*US"]
ACK_LINES = ["AK1*QM*1", "AK2*214*0001", "AK5*A", "AK9*A*1*1*1"]
_CONTROL_NUMBERS = itertools.count(1)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    yield from module_app(tmp_path_factory, "x12-sets", ENDPOINTS)


def transaction_set(lines: list[str], control: str = "0001", code: str = "214") -> list[str]:
    """ST, ``lines``, SE counting them."""
    return [f"ST*{code}*{control}", *lines, f"SE*{len(lines) + 2}*{control}"]


def interchange(*sets: list[str], functional_id: str = "QM", after: str = "") -> str:
    """One group of ``sets`` under a control number of its own (the inbox is the module's)."""
    number = next(_CONTROL_NUMBERS)
    segments = [
        "ISA*00*          *00*          *02*ABCD           *ZZ*ACMELOGISTICS  *260501*1015*U"
        f"*00401*{number:09d}*0*P*>",
        f"GS*{functional_id}*ABCD*ACMELOGISTICS*20260501*1015*{number}*X*004010",
        *itertools.chain.from_iterable(sets),
        f"GE*{len(sets)}*{number}",
        f"IEA*1*{number:09d}",
    ]
    return "~".join(segments) + "~" + after


def post(app, text: str) -> tuple[Answer, list]:
    """POST ``text``; the answer and the events it added to the inbox."""
    before = len(app.inbox.list_events(limit=100_000))
    answer = call(app, "/v1/in/edi", text.encode(), BASIC)
    assert answer.status < 500, answer.body
    return answer, app.inbox.list_events(limit=100_000)[before:]


def assert_refused(answer: Answer, events: list, status: int, field: str, words: str) -> None:
    assert answer.status == status, answer.body
    assert answer.json()["fields"] == [field]
    assert words in answer.json()["message"]
    assert events == []


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        # Two shipments in one set: the 997 would accept the second, which nothing reads.
        ([B10, "B10*PRO2*SHP-2*ABCD", *LOOP], "2 B10 segments"),
        ([B10, *LOOP, "B10*PRO2*SHP-2*ABCD"], "2 B10 segments"),
        # The shipment inside a loop: profiles read the heading's B10 and would find none.
        ([*LOOP, B10], "before the first LX"),
    ],
)
def test_a_set_that_does_not_name_one_shipment_in_its_heading_is_refused(app, lines, words):
    answer, events = post(app, interchange(transaction_set(lines)))
    assert_refused(answer, events, 422, "B10", words)


def test_loops_repeated_or_differing_in_one_element_are_stored_as_sent(app):
    loops = [
        *LOOP,
        *LOOP,  # repeated as is
        *[line.replace("0800", "0801") for line in LOOP],
        *[line.replace("LX*1", "LX*2") for line in LOOP],
    ]
    lines = [B10, "L11*PO-7788*PO", *loops]
    answer, events = post(app, interchange(transaction_set(lines)))
    assert answer.status == 202, answer.body
    (event,) = events
    segments = json.loads(event.payload_json)["segments"]
    assert ["*".join(segment) for segment in segments[1:-1]] == lines
    assert parse_interchange(answer.body).groups[0].sets[0].code == "997"


def test_an_identical_resend_is_a_duplicate_and_another_b10_under_its_ids_a_conflict(app):
    text = interchange(transaction_set([B10, *LOOP]))
    assert post(app, text)[0].status == 202
    again, events = post(app, text)
    assert again.status == 200
    assert events == []
    moved, events = post(app, text.replace(B10, "B10*PRO2*SHP-1*ABCD"))
    assert moved.status == 409, moved.body
    assert moved.json()["status"] == "conflict"
    (kept,) = events
    assert kept.conflict_of is not None


def reenveloped(text: str) -> str:
    """``text`` as its network sends it again: the same control numbers and sets in a new
    envelope, with another interchange date and time (ISA09/ISA10), group date and time
    (GS04/GS05) and acknowledgement requested (ISA14)."""
    isa, rest = text.split("~", 1)
    isa = isa.replace("*260501*1015*", "*260502*2359*").replace("*0*P*>", "*1*P*>")
    return isa + "~" + rest.replace("*20260501*1015*", "*20260502*235959*", 1)


def test_a_reenveloped_resend_is_a_duplicate_answered_with_its_997(app):
    text = interchange(transaction_set([B10, *LOOP]))
    first, _events = post(app, text)
    assert first.status == 202, first.body
    again, events = post(app, reenveloped(text))
    assert again.status == 200, again.body
    assert events == []
    assert parse_interchange(again.body).groups[0].sets[0].code == "997"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (B10, "B10*PRO2*SHP-1*ABCD"),
        (LOOP[1], LOOP[1].replace("*AF*", "*D1*")),
        (LOOP[1], LOOP[1].replace("0800", "0815")),
    ],
)
def test_a_reenveloped_resend_with_other_content_is_still_a_conflict(app, old, new):
    text = interchange(transaction_set([B10, *LOOP]))
    assert post(app, text)[0].status == 202
    changed, events = post(app, reenveloped(text).replace(old, new))
    assert changed.status == 409, changed.body
    (kept,) = events
    assert kept.conflict_of is not None


@pytest.mark.parametrize(
    ("text", "status", "field", "words"),
    [
        (interchange(transaction_set([B10]) + ["LX*1"]), 400, "GE", "LX found"),
        (interchange(["B10*PRO1*SHP-1*ABCD", *transaction_set([B10])]), 400, "GE", "B10 found"),
        (interchange(transaction_set([])), 422, "B10", "no shipment identification"),
        (interchange(transaction_set(["B10***ABCD"])), 422, "B10", "no shipment"),
        (interchange(transaction_set(["B10*   *  *ABCD"])), 422, "B10", "no shipment"),
        (interchange(transaction_set([B10]), transaction_set([B10])), 422, "ST02", "twice"),
        (interchange(transaction_set([B10]), functional_id="SM"), 422, "GS01", "only QM"),
        (interchange(transaction_set([B10], code="210")), 422, "ST01", "only 214"),
        # A 997 for a 997: refused, never acknowledged.
        (interchange(transaction_set(ACK_LINES, code="997")), 422, "ST01", "997"),
        (
            interchange(transaction_set(ACK_LINES, code="997"), functional_id="FA"),
            422,
            "GS01",
            "GS01 is FA",
        ),
        (interchange(transaction_set([B10]), after="XX*1~"), 400, "IEA", "after IEA"),
        (interchange(transaction_set([B10]), after="IEA*1"), 400, "IEA", "no terminator"),
        (interchange(transaction_set([B10], control="0001 ")), 422, "ST02", "control number"),
        (interchange(transaction_set(["b10*PRO1*SHP-1*ABCD"])), 400, "segment 4", "identifier"),
    ],
    ids=[
        "segment after SE",
        "segment before ST",
        "empty set",
        "B10 of B1003 only",
        "blank B10",
        "ST02 twice in a group",
        "group of another type",
        "210 in a QM group",
        "997 in a QM group",
        "997 in an FA group",
        "segment after IEA",
        "unterminated segment after IEA",
        "padded ST02",
        "lower-case segment id",
    ],
)
def test_what_the_sets_or_groups_cannot_mean_is_refused_whole(app, text, status, field, words):
    answer, events = post(app, text)
    assert_refused(answer, events, status, field, words)


@pytest.mark.parametrize(
    ("old", "new", "stored_b10"),
    [
        ("*", "|", ["B10", "PRO1", "SHP-1", "ABCD"]),  # another element separator
        ("~", "\n", ["B10", "PRO1", "SHP-1", "ABCD"]),  # a line break as terminator
        ("PRO1", "PRO>1", ["B10", "PRO>1", "SHP-1", "ABCD"]),  # ISA16 inside data: kept
        ("SHP-1*ABCD", "SHP-1*ABCD**", ["B10", "PRO1", "SHP-1", "ABCD", "", ""]),
        ("SHP-1", "SHÏP-1", ["B10", "PRO1", "SHÏP-1", "ABCD"]),
    ],
    ids=["pipe", "line break", "ISA16 in data", "trailing empty elements", "non-ASCII"],
)
def test_separator_edge_cases_are_stored_as_sent(app, old, new, stored_b10):
    text = interchange(transaction_set([B10, *LOOP])).replace(old, new)
    answer, events = post(app, text)
    assert answer.status == 202, answer.body
    (event,) = events
    assert json.loads(event.payload_json)["segments"][1] == stored_b10
    ack = parse_interchange(answer.body)
    assert [s.code for s in ack.groups[0].sets] == ["997"]


def test_each_status_of_an_lx_loop_is_a_loop_of_the_view():
    """An LX loop repeating its AT7 loop reports several statuses: each is read at
    ``LX[*].AT7[0]`` with its own MS1, beside the LX loop's other segments."""
    lines = [
        B10,
        "LX*1",
        "AT7*AF*NS***20260302*0600*UT",
        "MS1*ATLANTA*GA*US",
        "AT7*X6*NS***20260302*0900*UT",
        "MS1*MACON*GA*US",
        "MS2*ABCD*TRAILER1",
        "L11*BOL-1*BM",
        *LOOP,
    ]
    _interchange, (event,) = shipment_status_events(interchange(transaction_set(lines)))
    loops = document_view(event.document)["LX"]
    assert [(loop["AT7"][0][1], loop["MS1"][0][1]) for loop in loops] == [
        ("AF", "ATLANTA"),
        ("X6", "MACON"),
        ("AF", "ATLANTA"),
    ]
    assert [loop["L11"] for loop in loops[:2]] == [[["L11", "BOL-1", "BM"]]] * 2
    assert [loop["LX"] for loop in loops] == [[["LX", "1"]]] * 3
    assert "MS2" not in loops[0] and loops[1]["MS2"] == [["MS2", "ABCD", "TRAILER1"]]
    # A loop with one status is viewed whole, as before.
    assert loops[2] == {
        "LX": [["LX", "1"]],
        "AT7": [LOOP[1].split("*")],
        "MS1": [LOOP[2].split("*")],
    }
