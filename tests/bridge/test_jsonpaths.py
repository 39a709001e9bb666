"""Dotted JSON paths of the ``json`` format: every selector and every refusal."""

from __future__ import annotations

import re

import pytest
from logistics_bridge.jsonpaths import MISSING, parse_path

DOCUMENT = {
    "id": "evt_1",
    "result": {
        "tracking_code": "TRK-1",
        "details": [{"status": "pre_transit"}, {"status": "in_transit"}],
    },
    "0": "a key that looks like an index",
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("id", "evt_1"),
        ("result.tracking_code", "TRK-1"),
        ("result.details[0].status", "pre_transit"),
        ("result.details[-1].status", "in_transit"),
        ("result.details[-3].status", MISSING),
        ("result.details[2]", MISSING),
        ("result.missing", MISSING),
        ("id.deeper", MISSING),
        ("0", "a key that looks like an index"),
        ("result.details[*]", DOCUMENT["result"]["details"]),
    ],
)
def test_resolve(path, expected):
    parsed = parse_path(path, allow_split=path.endswith("[*]"))
    assert parsed.resolve(DOCUMENT) == expected


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
        ("", False, "non-empty"),
        ("a..b", False, "is not a name"),
        ("a[x]", False, "is not a name"),
        ("events[*]", False, "must select one"),
        ("events[*].id", True, "may only end the path"),
        ("events", True, "a split path ends in [*]"),
    ],
)
def test_refused_paths(path, allow_split, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_path(path, allow_split=allow_split)
