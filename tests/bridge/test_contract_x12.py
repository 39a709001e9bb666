"""``logistics_contract.x12``: the X12 214 events the bridge forwards and Odoo's Try a sample
shows, and the view Odoo's profile paths read."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import x12_interchange
from logistics_contract import x12
from logistics_contract.envelope import Refusal

TWO_SHIPMENTS = (Path(__file__).parent / "fixtures" / "x12_214_two_shipments.edi").read_text()


def test_one_event_per_transaction_set_with_its_id_key_and_document():
    interchange, events = x12.shipment_status_events(TWO_SHIPMENTS)
    assert interchange.control_number == "000000905"
    assert [(event.event_id, event.shipment_key) for event in events] == [
        ("ABCD:000000905:905:0001", "SHP-0042"),
        ("ABCD:000000905:905:0002", "SHP-0043"),
    ]
    document = events[1].document
    assert set(document) == {"segments", "isa", "gs", "st_control"}
    assert document["st_control"] == "0002"
    assert document["segments"][1] == ["B10", "PRO8842", "SHP-0043", "ABCD"]


def test_view_has_the_segments_by_id_and_the_lx_loops():
    _interchange, events = x12.shipment_status_events(TWO_SHIPMENTS)
    view = x12.document_view(events[0].document)
    assert view["B10"][0][1:] == ["PRO8841", "SHP-0042", "ABCD"]
    assert [segment[1] for segment in view["L11"]] == ["1Z999AA10123456784", "PO-4500021354"]
    assert [loop["AT7"][0][1] for loop in view["LX"]] == ["X6"]
    assert view["LX"][0]["MS1"][0][1:] == ["MEMPHIS", "TN", "US"]
    assert "ST" not in view and "SE" not in view
    assert view["segments"] == events[0].document["segments"]


@pytest.mark.parametrize(
    ("text", "kind", "field"),
    [
        ("GS*QM~", x12.X12Malformed, "ISA"),
        (TWO_SHIPMENTS.split("SE*9")[0], x12.X12Malformed, "SE"),
        (TWO_SHIPMENTS.replace("GE*2*905", "GE*3*905"), x12.X12EnvelopeInvalid, "GE01"),
        (TWO_SHIPMENTS.replace("ST*214*0002", "ST*210*0002"), x12.X12Unsupported, "ST01"),
    ],
)
def test_refusals_say_what_kind_and_where(text, kind, field):
    with pytest.raises(kind) as refused:
        x12.shipment_status_events(text)
    assert isinstance(refused.value, Refusal)
    assert refused.value.fields == [field]


@pytest.mark.parametrize("document", [{"segments": [[]]}, {"segments": "ST*214"}, ["ST"]])
def test_view_refuses_what_is_not_a_document(document):
    with pytest.raises(x12.X12Malformed):
        x12.document_view(document)


def _ids(text: str) -> list[str]:
    return [event.event_id for event in x12.shipment_status_events(text)[1]]


def test_event_ids_of_different_interchanges_never_collide():
    # Joined with bare ":", both were "X:000000001:000000002:3:4444".
    first = x12_interchange("X:000000001", "000000002", [("3", ["4444"])])
    second = x12_interchange("X", "000000001", [("000000002", ["3:4444"])])
    assert _ids(first) != _ids(second)
    assert _ids(first) == ["X%3A000000001:000000002:3:4444"]


def test_event_ids_without_separators_in_their_parts_are_the_plain_joined_parts():
    text = x12_interchange("ABCD", "000000905", [("905", ["0001", "0002"]), ("906", ["0001"])])
    assert _ids(text) == [
        "ABCD:000000905:905:0001",
        "ABCD:000000905:905:0002",
        "ABCD:000000905:906:0001",
    ]


def test_a_group_control_number_used_twice_in_an_interchange_is_refused():
    text = x12_interchange("ABCD", "000000905", [("905", ["0001"]), ("905", ["0002"])])
    with pytest.raises(x12.X12EnvelopeInvalid) as refused:
        x12.shipment_status_events(text)
    assert refused.value.fields == ["GS06"]
    assert "GS06 905 is used twice" in str(refused.value)


def test_a_group_without_a_transaction_set_is_refused():
    text = x12_interchange("ABCD", "000000905", [("905", ["0001"]), ("906", [])])
    with pytest.raises(x12.X12EnvelopeInvalid) as refused:
        x12.shipment_status_events(text)
    assert refused.value.fields == ["ST"]
    assert "group 906 holds no transaction set" in str(refused.value)


@pytest.mark.parametrize("position", range(1, TWO_SHIPMENTS.count("~")))
def test_any_segment_cut_to_its_id_is_refused_or_read_never_a_crash(position):
    segments = TWO_SHIPMENTS.split("~")
    segments[position] = segments[position].split("*")[0]
    try:
        x12.shipment_status_events("~".join(segments))
    except Refusal as refusal:
        assert refusal.fields
