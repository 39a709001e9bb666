"""X12 214 over the wire: a good interchange is kept and answered with a 997; a broken one
gets its 4xx naming the segment and the rule, and nothing is kept.

Fixtures (tests/bridge/fixtures) follow the X12 004010 214 layout of
/work/shared/design/foreign-formats.md (ISA/GS QM/ST 214, B10, L11, LX + AT7, MS1, MS2) in
the shape of the public 214 samples carriers publish in their EDI implementation guides:
``x12_214_two_shipments.edi`` with ``*``/``>``/``~`` delimiters, two shipments in one group;
``x12_214_pipe_delimited.edi`` with ``|``/``^`` and newline-terminated segments.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from conftest import RunningBridge, bridge_settings, start_bridge
from logistics_bridge.x12 import functional_acknowledgement
from logistics_contract.x12 import parse_interchange

FIXTURES = Path(__file__).parent / "fixtures"
TWO_SHIPMENTS = (FIXTURES / "x12_214_two_shipments.edi").read_text()
PIPES = (FIXTURES / "x12_214_pipe_delimited.edi").read_text()
SECRET = "edi-partner-secret"
ENDPOINTS = {
    "carrier": {
        "format": "x12-214",
        "auth": {"scheme": "hmac", "header": "X-Signature", "secrets": [SECRET]},
    }
}


@pytest.fixture
def edi_bridge(tmp_path: Path) -> Iterator[RunningBridge]:
    running = start_bridge(bridge_settings(tmp_path, endpoints=ENDPOINTS))
    yield running
    running.service.shutdown()


def post_edi(
    bridge: RunningBridge, text: str, content_type: str = "application/edi-x12"
) -> requests.Response:
    body = text.encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": content_type, "X-Signature": signature}
    return requests.post(bridge.events_url("carrier"), data=body, headers=headers, timeout=10)


def test_good_interchange_is_kept_and_answered_with_a_997(edi_bridge):
    answer = post_edi(edi_bridge, TWO_SHIPMENTS)
    assert answer.status_code == 202, answer.text
    assert answer.headers["Content-Type"] == "application/edi-x12"
    ack = parse_interchange(answer.content)  # its own envelopes and counts are valid
    assert ack.isa[6].strip() == "ACMELOGISTICS" and ack.isa[8].strip() == "ABCD"
    assert ack.control_number != "000000905"
    (group,) = ack.groups
    assert group.functional_id == "FA"
    (transaction,) = group.sets
    assert transaction.code == "997"
    ids = [segment[0] for segment in transaction.segments]
    assert ids == ["ST", "AK1", "AK2", "AK5", "AK2", "AK5", "AK9", "SE"]
    assert transaction.segments[1] == ["AK1", "QM", "905"]
    assert transaction.segments[6] == ["AK9", "A", "2", "2", "2"]

    stored = edi_bridge.service.inbox.list_events()
    assert [event.event_id for event in stored] == [
        "ABCD:000000905:905:0001",
        "ABCD:000000905:905:0002",
    ]
    assert [event.ordering_key for event in stored] == ["SHP-0042", "SHP-0043"]
    assert {(event.format, event.event_type, event.shipment_reference) for event in stored} == {
        ("x12-214", None, None)
    }
    forwarded = stored[0].to_odoo()
    assert set(forwarded) == {"event_id", "format", "received_at", "correlation_id", "document"}
    assert forwarded["format"] == "x12-214"
    document = forwarded["document"]
    assert document["st_control"] == "0001"
    assert document["segments"][0] == ["ST", "214", "0001"]
    assert document["segments"][5] == ["AT7", "X6", "NS", "", "", "20260501", "0930", "CT"]
    assert document["segments"][-1] == ["SE", "9", "0001"]
    assert document["isa"] == {
        "sender_id": "ABCD",
        "receiver_id": "ACMELOGISTICS",
        "control_number": "000000905",
        "date": "260501",
        "time": "1015",
    }
    assert document["gs"] == {
        "sender_code": "ABCD",
        "receiver_code": "ACMELOGISTICS",
        "control_number": "905",
        "version": "004010",
    }


def test_redelivered_file_is_a_duplicate_with_the_same_acknowledgement_number(edi_bridge):
    first = post_edi(edi_bridge, TWO_SHIPMENTS)
    again = post_edi(edi_bridge, TWO_SHIPMENTS)
    assert (first.status_code, again.status_code) == (202, 200)
    assert (
        parse_interchange(again.content).control_number
        == parse_interchange(first.content).control_number
    )
    assert edi_bridge.service.inbox.counts()["pending"] == 2
    metrics = requests.get(f"{edi_bridge.url}/metrics", timeout=10).text
    assert 'logistics_bridge_events_accepted_total{endpoint="carrier",format="x12-214"} 2.0' in (
        metrics
    )
    assert 'logistics_bridge_events_duplicate_total{endpoint="carrier",format="x12-214"} 2.0' in (
        metrics
    )


def test_delimiters_are_read_from_the_isa(edi_bridge):
    answer = post_edi(edi_bridge, PIPES, content_type="text/plain")
    assert answer.status_code == 202, answer.text
    assert answer.text.startswith("ISA|00|")
    assert "\nAK2|214|000000017\n" in answer.text
    (event,) = edi_bridge.service.inbox.list_events()
    assert event.event_id == "WXYZ:000000017:17:000000017"
    assert event.to_odoo()["document"]["segments"][1] == ["B10", "88120", "SHP-0044", "WXYZ"]


def test_information_separators_may_be_the_delimiters(edi_bridge):
    """GS, US and FS (0x1D, 0x1F, 0x1C) are delimiters some networks use, because no data
    holds them: read from the ISA like any other, though Python counts them as whitespace."""
    text = TWO_SHIPMENTS.replace("~\n", "~").replace("*", "\x1d").replace(">~", "\x1f~", 1)
    answer = post_edi(edi_bridge, text.replace("~", "\x1c"))
    assert answer.status_code == 202, answer.text
    assert (
        answer.text.startswith("ISA\x1d00\x1d") and "\x1cAK9\x1dA\x1d2\x1d2\x1d2\x1c" in answer.text
    )
    events = edi_bridge.service.inbox.list_events()
    assert [event.event_id for event in events] == [
        "ABCD:000000905:905:0001",
        "ABCD:000000905:905:0002",
    ]
    assert events[0].to_odoo()["document"]["segments"][1] == ["B10", "PRO8841", "SHP-0042", "ABCD"]


def _truncated(text: str) -> str:
    return text[: text.index("GE*2*905")]


def _wrong_element_separator(text: str) -> str:
    head, rest = text[:106], text[106:]
    return head + rest.replace("*", "|")


BROKEN = {
    "wrong SE01": (
        lambda t: t.replace("SE*9*0001", "SE*8*0001"),
        422,
        "SE01 is 8 but the transaction set has 9 segments",
    ),
    "ST02/SE02": (
        lambda t: t.replace("SE*7*0002", "SE*7*0003"),
        422,
        "SE02 is '0003' but ST02 is '0002'",
    ),
    "GS06/GE02": (lambda t: t.replace("GE*2*905", "GE*2*906"), 422, "GE02 is '906' but GS06"),
    "GE01 count": (
        lambda t: t.replace("GE*2*905", "GE*3*905"),
        422,
        "GE01 is 3 but the group has 2 transaction sets",
    ),
    "ISA13/IEA02": (
        lambda t: t.replace("IEA*1*000000905", "IEA*1*000000906"),
        422,
        "IEA02 is '000000906' but ISA13 is '000000905'",
    ),
    "IEA01 count": (
        lambda t: t.replace("IEA*1*", "IEA*2*"),
        422,
        "IEA01 is 2 but the interchange has 1 functional groups",
    ),
    "truncated": (_truncated, 400, "GE: functional group '905' has no GE trailer"),
    "truncated ISA": (lambda t: t[:80], 400, "only 80 were received (truncated interchange)"),
    "no terminator at the end": (lambda t: t.rstrip("\n~"), 400, "has no terminator"),
    "wrong element separator": (_wrong_element_separator, 400, "wrong delimiters?"),
    "blank ISA06": (
        lambda t: t.replace("*ABCD           *", "*               *", 1),
        422,
        "ISA06 is blank",
    ),
    "blank ISA08": (
        lambda t: t.replace("*ACMELOGISTICS  *", "*               *", 1),
        422,
        "ISA08 is blank",
    ),
    "wrong ISA width": (
        lambda t: t.replace("ABCD           ", "ABCD          ", 1),
        400,
        "not 16 fixed-width elements",
    ),
    "version 005010": (
        lambda t: t.replace("*X*004010", "*X*005010"),
        422,
        "GS08 is 005010 but only 004010 is accepted",
    ),
    "not a 214": (lambda t: t.replace("ST*214*0002", "ST*210*0002"), 422, "ST01 is 210"),
    "no B10": (
        lambda t: t.replace("B10*PRO8842*SHP-0043*ABCD~\n", "N9*PRO8842~\n"),
        422,
        "B10: transaction set 0002 has no shipment identification",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_interchange_refused_and_nothing_kept(edi_bridge, case):
    mutate, status, message = BROKEN[case]
    answer = post_edi(edi_bridge, mutate(TWO_SHIPMENTS))
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    assert message in answer.json()["message"]
    assert answer.json()["fields"]
    assert edi_bridge.service.inbox.list_events() == []


def test_x12_needs_an_x12_content_type(edi_bridge):
    answer = post_edi(edi_bridge, TWO_SHIPMENTS, content_type="application/json")
    assert answer.status_code == 415
    assert answer.json()["message"] == "Content-Type must be application/edi-x12 or text/plain"


def test_997_answers_every_group():
    second_group = "GS*QM*ABCD*ACMELOGISTICS*20260501*1016*906*X*004010~\n" + "".join(
        line.replace("0001", "0003") + "~\n"
        for line in ("ST*214*0001", "B10*PRO8850*SHP-0050*ABCD", "SE*3*0001")
    )
    text = TWO_SHIPMENTS.replace("IEA*1*", second_group + "GE*1*906~\nIEA*2*")
    interchange = parse_interchange(text)
    answer = functional_acknowledgement(interchange, 7, datetime(2026, 5, 1, 10, 20, tzinfo=UTC))
    ack = parse_interchange(answer)
    assert ack.isa[9:11] == ["260501", "1020"]
    assert [ack.control_number, ack.groups[0].control_number] == ["000000007", "7"]
    sets = ack.groups[0].sets
    assert [transaction.control_number for transaction in sets] == ["0001", "0002"]
    assert sets[1].segments[1:] == [
        ["AK1", "QM", "906"],
        ["AK2", "214", "0003"],
        ["AK5", "A"],
        ["AK9", "A", "1", "1", "1"],
        ["SE", "6", "0002"],
    ]
