"""The one path grammar of ``logistics_contract.paths``: the bridge's settings and Odoo's
profile sources, every selector and every refusal."""

from __future__ import annotations

import re

import pytest
from logistics_contract.ids import derived_id
from logistics_contract.paths import (
    MISSING,
    parse,
    parse_path,
    parse_source,
    scalar_text,
    split_list_path,
)

DOCUMENT = {
    "id": "evt_1",
    "result": {
        "tracking_code": "TRK-1",
        "details": [{"status": "pre_transit"}, {"status": "in_transit"}],
    },
    "0": "a key that looks like an index",
    "*": "a key that looks like every element",
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("id", "evt_1"),
        ("result.tracking_code", "TRK-1"),
        ("result.details[0].status", "pre_transit"),
        ("result.details[-1].status", "in_transit"),
        ("result.details[-2].status", "pre_transit"),
        ("result.details[-3].status", MISSING),
        ("result.details[2]", MISSING),
        ("result.missing", MISSING),
        ("id.deeper", MISSING),
        ("0", "a key that looks like an index"),
        ("*", "a key that looks like every element"),
        ("result.details[*]", DOCUMENT["result"]["details"]),
        ("result.details[*].status", ["pre_transit", "in_transit"]),
        ("result.details[*].missing", [MISSING, MISSING]),
        ("result.tracking_code[*]", MISSING),
    ],
)
def test_resolve(path, expected):
    assert parse(path).resolve(DOCUMENT) == expected


def test_rooted_path_reads_the_whole_document():
    path = parse_path("$.result.tracking_code")
    assert path.resolve({"status": "x"}, DOCUMENT) == "TRK-1"
    assert parse_path("status").resolve({"status": "x"}, DOCUMENT) == "x"


def test_list_at_the_root():
    assert parse_path("[1].status").resolve([{"status": "a"}, {"status": "b"}]) == "b"
    assert parse_path("[*]", allow_split=True).resolve([1, 2]) == [1, 2]


@pytest.mark.parametrize(
    ("path", "allow_split", "message"),
    [
        ("", False, "is not a path"),
        (" id", False, "without surrounding spaces"),
        ("=status", False, "leading ="),
        ("a..b", False, "is not a name"),
        (".a", False, "is not a name"),
        ("a.[0]", False, "is not a name"),
        ("a[x]", False, "is not a name"),
        ("a,b", False, "is not a name"),
        ("events[*]", False, "must select one"),
        ("events[*].id", True, "may only end the path"),
        ("events", True, "a split path ends in [*]"),
    ],
)
def test_refused_paths(path, allow_split, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_path(path, allow_split=allow_split)


def test_profile_sources():
    assert parse_source("=status").constant == "status"
    assert [path.text for path in parse_source("a.b , c[0]").paths] == ["a.b", "c[0]"]
    assert parse_source("") is None
    for text in ("payload..code", "a[x]", "a b,", " =x"):
        with pytest.raises(ValueError):
            parse_source(text)


def test_split_sources_name_one_list_and_bind_each_element():
    status = parse_source("document.LX[*].AT7[0][1]")
    place = parse_source("document.LX[*].MS1[0][1], document.B10[0][1]")
    list_path = split_list_path([status, place, None])
    assert list_path.text == "document.LX"
    document = {"document": {"LX": [{"AT7": [["AT7", "AF"]]}, {"AT7": [["AT7", "X6"]]}]}}
    assert status.read(document, (list_path, 1)) == [("document.LX[1].AT7[0][1]", "X6")]
    assert place.read(document, (list_path, 0))[1] == ("document.B10[0][1]", MISSING)
    with pytest.raises(ValueError, match="must split over one list"):
        split_list_path([status, parse_source("document.stops[*].city")])


def test_derived_ids_do_not_depend_on_position_or_key_order():
    first = derived_id("doc-1", {"code": "a", "at": 1})
    assert first.startswith("doc-1#")
    assert derived_id("doc-1", {"at": 1, "code": "a"}) == first
    assert derived_id("doc-1", {"code": "b", "at": 1}) != first


@pytest.mark.parametrize(
    ("value", "text"),
    [("evt-1", "evt-1"), (539, "539"), (-7, "-7"), (1.5, "1.5"), ("", ""), (None, None)],
)
def test_a_scalar_id_of_any_json_type_is_taken_as_text(value, text):
    assert scalar_text(value) == text
    assert scalar_text(MISSING) is None


@pytest.mark.parametrize(
    ("value", "kind"), [({"id": 1}, "an object"), ([1], "an array"), (True, "a boolean")]
)
def test_objects_arrays_and_booleans_are_not_ids(value, kind):
    with pytest.raises(ValueError, match=f"the value there is {kind}, not a string or a number"):
        scalar_text(value)
