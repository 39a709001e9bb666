"""The one rule of ``logistics_contract.storable``, text PostgreSQL can keep: the predicate,
the refusing validators, the escaping and the walk that locates a lone surrogate."""

from __future__ import annotations

import sys
from typing import Annotated

import pytest
from logistics_contract.storable import (
    LONE_SURROGATE_REASON,
    NUL_REASON,
    escape_unstorable,
    has_lone_surrogate,
    holds_lone_surrogate,
    is_storable,
    lone_surrogate_location,
    require_no_nul,
    require_storable,
)
from pydantic import AfterValidator, TypeAdapter, ValidationError

KEPT = ["", "Dock 4", "Utrecht \u2192 K\u00f6ln", "truck \U0001f69a", "\ufffd", "\x01\x7f"]
NUL = ["\x00", "A\x00B", "fuel\x00"]
LONE_SURROGATES = ["\ud800", "Dock \udc00", "\udfff!", "evt\ud83d", "\ude9a\ud83d"]


@pytest.mark.parametrize("text", KEPT)
def test_text_postgresql_keeps_passes_unchanged(text):
    assert is_storable(text)
    assert require_storable(text) is text
    assert require_no_nul(text) is text
    assert escape_unstorable(text) == text
    assert not has_lone_surrogate(text)


@pytest.mark.parametrize("text", NUL)
def test_a_nul_is_refused_with_its_reason(text):
    assert not is_storable(text)
    for validator in (require_storable, require_no_nul):
        with pytest.raises(ValueError, match=r"^must not contain the NUL character \(U\+0000\)$"):
            validator(text)


@pytest.mark.parametrize("text", LONE_SURROGATES)
def test_a_lone_surrogate_is_refused_with_its_reason(text):
    assert has_lone_surrogate(text)
    assert not is_storable(text)
    with pytest.raises(ValueError) as refused:
        require_storable(text)
    assert str(refused.value) == LONE_SURROGATE_REASON
    assert "U+D800 to U+DFFF" in LONE_SURROGATE_REASON
    # The NUL rule alone leaves it to the walk over the whole document.
    assert require_no_nul(text) is text


def test_a_nul_is_named_before_a_lone_surrogate():
    with pytest.raises(ValueError, match="NUL"):
        require_storable("\ud800\x00")
    assert NUL_REASON == "must not contain the NUL character (U+0000)"


def test_the_validators_answer_as_pydantic_field_errors():
    adapter = TypeAdapter(Annotated[str, AfterValidator(require_storable)])
    with pytest.raises(ValidationError) as refused:
        adapter.validate_python("Dock \udc00")
    assert refused.value.errors()[0]["msg"] == f"Value error, {LONE_SURROGATE_REASON}"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("evt\x00nul", "evt\\x00nul"),
        ("evt\ud800", "evt\\ud800"),
        ("Dock \udc00 \x00", "Dock \\udc00 \\x00"),
        ("\ude9a\ud83d", "\\ude9a\\ud83d"),
    ],
)
def test_escaping_writes_what_postgresql_cannot_keep_as_its_escape(text, escaped):
    assert escape_unstorable(text) == escaped
    assert is_storable(escaped)
    escaped.encode("utf-8")


def test_a_surrogate_pair_as_python_holds_it_is_one_character_and_kept():
    text = "\ud83d\ude9a".encode("utf-16", "surrogatepass").decode("utf-16")
    assert text == "\U0001f69a"
    assert is_storable(text)


@pytest.mark.parametrize(
    ("document", "location"),
    [
        ({"payload": {"location": "Dock \udc00"}}, ("payload", "location")),
        ({"event_id": "evt\ud800", "payload": {}}, ("event_id",)),
        ({"payload": {"note\ud83d": "x"}}, ("payload", "note\\ud83d")),
        ({"charges": [{"id": "c1"}, {"id": "c\udfff"}]}, ("charges", 1, "id")),
        ([["ok"], ["\ud800"]], (1, 0)),
        ("\ud800", ()),
        # The first in document order; an object's keys before what its values hold.
        ({"a": "\ud800", "b": "\udc00"}, ("a",)),
        ({"a\ud800": "\udc00"}, ("a\\ud800",)),
        ({"a": ["x", {"b": "\ud800"}], "c\udc00": 1}, ("c\\udc00",)),
    ],
)
def test_the_walk_names_the_first_lone_surrogate(document, location):
    assert holds_lone_surrogate(document)
    assert lone_surrogate_location(document) == location


@pytest.mark.parametrize(
    "document",
    [
        {},
        [],
        None,
        1,
        2.5,
        True,
        "\U0001f69a",
        {"a": "\x00", 1: ["b", {"c": None}]},
        # Text of any script: only the lone halves of a pair are refused.
        {"location": "Zürich 東京 \ud7ff\ue000", "ñote": ["é", {"ß": "\U0010ffff"}]},
    ],
)
def test_the_walk_finds_nothing_without_a_lone_surrogate(document):
    assert not holds_lone_surrogate(document)
    assert lone_surrogate_location(document) is None


def test_the_walk_goes_deeper_than_the_recursion_limit():
    levels = sys.getrecursionlimit() + 100
    document = "\ud800"
    for _level in range(levels):
        document = {"a": [document]}
    assert lone_surrogate_location(document) == ("a", 0) * levels
    clean = "ok"
    for _level in range(levels):
        clean = {"a": [clean]}
    assert lone_surrogate_location(clean) is None
