"""``load_json`` against an oracle written from its rules: exact numbers, every number a
float cannot hold (integers too) refused by path, duplicate keys refused whatever else the
body holds."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from logistics_contract.safejson import MalformedJson, NumberOutOfRange, load_json

CHECKS = settings(
    max_examples=400,
    deadline=None,
    database=None,  # no .hypothesis directory in the checkout
    suppress_health_check=[HealthCheck.too_slow],
)

# Number texts as senders write them: in range, exact beyond a float, and out of range.
number_texts = st.sampled_from(
    [
        "0",
        "-0.0",
        "12.50",
        "1234.56789012345678901234567890",
        "1e-300",
        "2.5E+10",
        "1e308",
        "1e400",
        "-1e400",
        "1e-400",
        "0.0e-999",
        "1" + "0" * 320 + ".5",
        "0." + "0" * 330 + "1",
        "NaN",
        "Infinity",
        "-Infinity",
        "10" * 200,
    ]
)
keys = st.sampled_from(["a", "b", "amount", "e1", "NaN", "Infinity", "x.y"])


@st.composite
def documents(draw: Any, depth: int = 0) -> str:
    """JSON text with numbers written as given and, sometimes, a key twice in an object."""
    kind = draw(
        st.sampled_from(["number", "string", "list", "object"] if depth < 3 else ["number"])
    )
    if kind == "number":
        return draw(number_texts)
    if kind == "string":
        return json.dumps(draw(st.sampled_from(["1e400", "NaN", "plain", "é"])))
    if kind == "list":
        return "[" + ",".join(draw(st.lists(documents(depth + 1), max_size=4))) + "]"
    names = draw(st.lists(keys, max_size=4))
    values = [draw(documents(depth + 1)) for _name in names]
    return "{" + ",".join(f"{json.dumps(n)}: {v}" for n, v in zip(names, values, strict=True)) + "}"


class _Number:
    def __init__(self, text: str) -> None:
        self.text = text


def _refused(text: str) -> bool:
    if text in ("NaN", "Infinity", "-Infinity"):
        return True
    as_float = float(text)  # an integer beyond a double reads as an infinite float
    return not math.isfinite(as_float) or (as_float == 0 and not Decimal(text).is_zero())


def _refused_paths(value: Any, path: str = "") -> list[str]:
    if isinstance(value, _Number):
        return [path or "(body)"] if _refused(value.text) else []
    if isinstance(value, dict):
        items = [(f"{path}.{key}" if path else key, item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}[{index}]", item) for index, item in enumerate(value)]
    else:
        return []
    return [found for name, item in items for found in _refused_paths(item, name)]


def _has_duplicate_key(text: str) -> bool:
    duplicate = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({key for key, _value in items}) != len(items):
            duplicate.append(True)
        return dict(items)

    json.loads(text, parse_float=str, parse_constant=str, object_pairs_hook=pairs)
    return bool(duplicate)


@CHECKS
@given(documents())
def test_load_json_follows_its_rules(text):
    body = text.encode()
    if _has_duplicate_key(text):
        with pytest.raises(MalformedJson, match="duplicate key"):
            load_json(body)
        return
    paths = _refused_paths(
        json.loads(text, parse_float=_Number, parse_int=_Number, parse_constant=_Number)
    )
    if paths:
        with pytest.raises(NumberOutOfRange) as refused:
            load_json(body)
        assert refused.value.fields == paths[:50]
        return
    assert load_json(body) == json.loads(text, parse_float=Decimal)


@pytest.mark.parametrize(
    "text",
    ['{"a": 1e400, "b": 1, "b": 2}', '{"b": 1, "b": NaN}', '[{"a": 1}, {"a": -Infinity, "a": 0}]'],
)
def test_duplicate_key_refused_before_any_number(text):
    with pytest.raises(MalformedJson, match="duplicate key"):
        load_json(text.encode())


def test_non_integers_stay_exact():
    document = load_json(b'{"amount": 0.10000000000000000000001, "n": 12345678901234567890}')
    assert document == {
        "amount": Decimal("0.10000000000000000000001"),
        "n": 12345678901234567890,
    }


def test_every_refused_number_is_named():
    with pytest.raises(NumberOutOfRange) as refused:
        load_json(b'{"a": [1, 1e-400], "b": {"c": NaN}, "d": 2.5}')
    assert refused.value.fields == ["a[1]", "b.c"]
