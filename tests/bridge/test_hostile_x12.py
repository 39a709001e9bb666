"""X12 214 interchanges as sloppy or hostile partners write them: line breaks, separators
chosen oddly, envelopes nested or miscounted. Each set a 997 accepts is stored as sent;
anything else is refused naming the segment or element, and nothing of it is kept
(docs/bridge-http.md, "Other formats and schemes under hostile input")."""

from __future__ import annotations

import base64
import itertools
import json
import time

import pytest
from conftest import wsgi_app, x12_interchange
from logistics_contract.x12 import parse_interchange
from wsgi_client import Answer, call

BASIC = {
    "Authorization": "Basic " + base64.b64encode(b"edi:pw-1").decode(),
    "Content-Type": "application/edi-x12",
}
ENDPOINTS = {"edi": {"format": "x12-214", "auth": {"scheme": "basic", "secrets": ["edi:pw-1"]}}}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with wsgi_app(
        tmp_path_factory.mktemp("x12"), endpoints=ENDPOINTS, high_water_mark=10**6
    ) as app_:
        yield app_


def post(app, text: str) -> tuple[Answer, list]:
    """POST ``text``; the answer and the events it added to the inbox."""
    before = len(app.inbox.list_events(limit=100_000))
    answer = call(app, "/v1/in/edi", text.encode(), BASIC)
    assert answer.status < 500, answer.body
    return answer, app.inbox.list_events(limit=100_000)[before:]


_CONTROL_NUMBERS = itertools.count(1)


def interchange() -> str:
    """A one-set interchange under an ISA13 of its own (the inbox is the module's)."""
    return x12_interchange("ABCD", f"{next(_CONTROL_NUMBERS):09d}", [("1", ["0001"])])


def with_segment(text: str, segment_id: str, new: str) -> str:
    """``text`` with its first ``segment_id`` segment (``~``-terminated) replaced by ``new``."""
    start = text.index(f"~{segment_id}*") + 1
    end = text.index("~", start)
    return text[:start] + new + text[end:]


def stored_segments(events) -> list[list[str]]:
    (event,) = events
    return json.loads(event.payload_json)["segments"]


@pytest.mark.parametrize(
    ("old", "new", "element"),
    [
        ("B10*PRO1*SHP-1*ABCD", "B10*PRO1*SHP-1*AB\nCD", "B1003"),
        ("B10*PRO1*SHP-1*ABCD", "B10*PR\rO1*SHP-1*ABCD", "B1001"),
        ("B10*PRO1*SHP-1*ABCD", "B10*PRO1*\r\nSHP-1*ABCD", "B1002"),
        ("B10*PRO1*SHP-1*ABCD", "B10*PRO1*SHP-1\n*ABCD", "B1002"),
        ("GS*QM*ABCD*", "GS*QM*AB\r\nCD*", "GS02"),
    ],
)
def test_a_line_break_inside_a_segment_is_refused_naming_the_element(app, old, new, element):
    # Kept, "AB\nCD" was stored as B10-03 and acknowledged; a line break is only the
    # end of a segment's line.
    answer, events = post(app, interchange().replace(old, new, 1))
    assert answer.status == 400, answer.body
    assert "control character" in answer.json()["message"]
    assert answer.json()["fields"] == [element]
    assert events == []


def test_a_line_break_inside_the_isa_is_refused(app):
    text = interchange().replace("ACMELOGISTICS  ", "ACMELOGISTICS \n", 1)
    answer, events = post(app, text)
    assert answer.status == 400
    assert answer.json()["fields"] == ["ISA08"]
    assert events == []


@pytest.mark.parametrize(
    ("terminator", "label"),
    [("~\r\n", "CRLF after ~"), ("~\n", "LF after ~"), ("\n", "LF"), ("\r\n", "CR then LF"),
     ("\r", "CR"), ("~\n\n", "blank lines")],
)  # fmt: skip
def test_line_breaks_around_segment_terminators_are_kept_out_of_the_values(app, terminator, label):
    answer, events = post(app, interchange().replace("~", terminator))
    assert answer.status == 202, (label, answer.body)
    assert stored_segments(events) == [
        ["ST", "214", "0001"],
        ["B10", "PRO1", "SHP-1", "ABCD"],
        ["SE", "3", "0001"],
    ]


def test_an_lf_terminated_interchange_written_with_crlf_keeps_no_cr(app):
    text = interchange().replace("~", "\n").replace("\n", "\r\n")
    # The ISA declares LF (its 106th character is CR here, so declare it explicitly).
    text = text.replace(">\r\n", ">\n", 1)
    answer, events = post(app, text)
    assert answer.status == 202, answer.body
    assert all("\r" not in value for segment in stored_segments(events) for value in segment)


@pytest.mark.parametrize(
    "nested",
    [
        "ISA*00*          *00*          *02*ABCD           *ZZ*ACMELOGISTICS  *260501*1015*U"
        "*00401*000000999*0*P*>",
        "ISA*00",
    ],
)
def test_an_interchange_header_inside_a_transaction_set_is_refused(app, nested):
    # The set's SE counted it, and the 997 accepted a set holding an envelope segment.
    text = interchange().replace("B10*PRO1*SHP-1*ABCD~", f"B10*PRO1*SHP-1*ABCD~{nested}~")
    answer, events = post(app, text.replace("SE*3*0001", "SE*4*0001"))
    assert answer.status == 400, answer.body
    assert answer.json()["fields"] == ["ISA"]
    assert events == []


def test_two_interchanges_in_one_body_are_refused(app):
    first = interchange()
    answer, events = post(app, first + interchange())
    assert answer.status == 400
    assert answer.json()["fields"] == ["IEA"]
    assert events == []


def test_an_interchange_header_between_groups_is_refused(app):
    first = interchange()
    text = first.replace("GE*1*1~", "GE*1*1~" + first[: first.index("GS*")])
    answer, events = post(app, text)
    assert answer.status == 400
    assert events == []


@pytest.mark.parametrize(
    ("segment_id", "new", "status", "field"),
    [
        ("IEA", "IEA*2*000000000", 422, "IEA01"),
        ("IEA", "IEA*1*999999999", 422, "IEA02"),
        ("GE", "GE*0*1", 422, "GE01"),
        ("GE", "GE*1*2", 422, "GE02"),
        ("SE", "SE*2*0001", 422, "SE01"),
        ("SE", "SE*3*0002", 422, "SE02"),
        ("IEA", "IEA", 422, "IEA01"),
        ("GE", "GE", 422, "GE01"),
        ("SE", "SE", 422, "SE01"),
        ("ST", "ST", 422, "ST02"),
        ("ST", "ST*214", 422, "ST02"),
        ("GS", "GS*QM", 422, "GS"),
        ("GE", "", 400, "GE"),
        ("SE", "", 400, "SE"),
    ],
)
def test_envelope_counts_control_numbers_and_short_segments_are_refused(
    app, segment_id, new, status, field
):
    answer, events = post(app, with_segment(interchange(), segment_id, new))
    assert answer.status == status, answer.body
    assert answer.json()["fields"] == [field]
    assert events == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("*>~", "*~~"),  # component separator equal to the segment terminator
        ("*>~", "**~"),  # component separator equal to the element separator
        ("*>~", "*>*"),  # segment terminator equal to the element separator
        ("*>~", "*>>"),  # segment terminator equal to the component separator
        ("*>~", "*> "),  # a space as segment terminator
        ("*>~", "*\n~"),  # a line break as component separator
    ],
)
def test_separators_that_collide_are_refused(app, old, new):
    answer, events = post(app, interchange().replace(old, new, 1))
    assert answer.status == 400, answer.body
    assert events == []


def test_a_repetition_separator_declared_under_version_00401_is_only_data(app):
    # ISA11 is the standards identifier before 00402: "^" there separates nothing.
    text = interchange().replace("*U*00401*", "*^*00401*", 1)
    answer, events = post(app, text.replace("B10*PRO1*SHP-1", "B10*PRO^1*SHP-1"))
    assert answer.status == 202
    assert stored_segments(events)[1] == ["B10", "PRO^1", "SHP-1", "ABCD"]
    ack = parse_interchange(answer.body)
    assert ack.isa[11] == "^"


def test_a_byte_order_mark_and_leading_line_breaks_are_skipped(app):
    answer, events = post(app, "\ufeff\r\n" + interchange())
    assert answer.status == 202
    assert len(events) == 1


def test_a_utf16_interchange_is_refused(app):
    before = len(app.inbox.list_events(limit=100_000))
    answer = call(app, "/v1/in/edi", interchange().encode("utf-16"), BASIC)
    assert answer.status == 400
    assert answer.json()["error"] == "malformed_x12"
    assert len(app.inbox.list_events(limit=100_000)) == before


def test_blank_lines_after_the_last_segment_are_ignored(app):
    answer, events = post(app, interchange() + "  \r\n \n")
    assert answer.status == 202
    assert len(events) == 1


def test_a_long_run_of_line_breaks_inside_an_element_is_refused_quickly(app):
    text = interchange().replace("SHP-1*ABCD", "SHP-1*AB" + "\r\n" * 400_000 + "CD")
    started = time.monotonic()
    answer, events = post(app, text)
    assert time.monotonic() - started < 2
    assert answer.status == 400
    assert answer.json()["fields"] == ["B1003"]
    assert events == []


def test_group_control_numbers_equal_as_numbers_are_the_same_group_control(app):
    # GS06 is N0: "01" and "1" are one control number, so the second group repeats it.
    text = x12_interchange(
        "ABCD", f"{next(_CONTROL_NUMBERS):09d}", [("1", ["0001"]), ("01", ["0002"])]
    )
    answer, events = post(app, text)
    assert answer.status == 422, answer.body
    assert answer.json()["fields"] == ["GS06"]
    assert "GS06 01 is used twice" in answer.json()["message"]
    assert events == []


@pytest.mark.parametrize(
    ("segment_id", "new"),
    [("GE", "GE*1*0001"), ("IEA", "IEA*1*{isa13}")],
)
def test_trailer_control_numbers_are_compared_as_numbers(app, segment_id, new):
    isa13 = f"{next(_CONTROL_NUMBERS):09d}"
    text = x12_interchange("ABCD", isa13, [("1", ["0001"])])
    answer, events = post(app, with_segment(text, segment_id, new.format(isa13=int(isa13))))
    assert answer.status == 202, answer.body
    assert len(events) == 1
