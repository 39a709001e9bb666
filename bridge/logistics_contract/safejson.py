"""Bounded JSON parsing for bodies that come from the network, read alike by the bridge
and by Odoo's *Try a sample*.

``json.loads`` alone accepts what the bridge must not keep: UTF-16/32 bodies (it guesses
the encoding of bytes), duplicate keys (the last one silently wins), lone surrogates, and
nesting deep enough to exhaust the interpreter's recursion limit. ``load_json`` refuses
each of them with ``MalformedJson`` and a message that names the reason.

Numbers keep their text: a non-integer is the ``Decimal`` of what was written, so an amount
is never rounded through a float on its way to Odoo. A number Odoo would read as a float
it cannot hold, ``1e400`` (Infinity), the same number written as an integer of 401 digits,
``1e-400`` (silently 0.0), and the ``NaN`` and ``Infinity`` literals, is refused with
``NumberOutOfRange`` naming its field path.
"""

from __future__ import annotations

import json
import math
import re
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

from .content import dump_exact
from .envelope import Refusal

# Far deeper than any event envelope; shallow enough to stay clear of the recursion limit.
MAX_DEPTH = 64

# A complete JSON string literal (unrolled: no alternation per character), or a bracket.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
# Only an escaped surrogate can put a lone surrogate into decoded text (UTF-8 cannot).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)
_BOM = b"\xef\xbb\xbf"
# Digits of the largest double (1.8e308): an integer with fewer always fits one.
_DOUBLE_DIGITS = len(str(int(sys.float_info.max)))


class MalformedJson(Refusal):
    """The body is not UTF-8 JSON that can be kept; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [])


class NumberOutOfRange(Refusal):
    """A number overflows or underflows a float, or is a NaN/Infinity literal; ``fields``
    name where."""


class _OutOfRange:
    """Stands in the parsed document for a number refused once its path is known."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _exact_number(text: str) -> Decimal | _OutOfRange:
    as_float = float(text)
    if not math.isfinite(as_float):
        return _OutOfRange(text)
    try:
        value = Decimal(text)
    except InvalidOperation:  # an exponent of 19 digits or more: no Decimal holds it
        return _OutOfRange(text)
    if as_float == 0 and not value.is_zero():
        return _OutOfRange(text)
    return value


def _exact_integer(text: str) -> int | _OutOfRange:
    digits = len(text) - text.startswith("-")
    if digits < _DOUBLE_DIGITS:
        return int(text)
    # JSON has no leading zeros: more digits than the largest double is beyond it, and
    # never reaches int(), which refuses more than 4300 digits.
    if digits > _DOUBLE_DIGITS:
        return _OutOfRange(text)
    value = int(text)
    try:
        float(value)
    except OverflowError:
        return _OutOfRange(text)
    return value


def _field_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def _out_of_range(value: Any, path: str = "") -> list[tuple[str, str]]:
    """``[(field path, number text)]`` of the refused numbers in a parsed document."""
    if isinstance(value, _OutOfRange):
        return [(path or "(body)", value.text)]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    return [found for key, item in items for found in _out_of_range(item, _field_path(path, key))]


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key[:80]!r} in an object")
            seen.add(key)
    return document


def nesting_depth(body: bytes, stop_above: int | None = None) -> int:
    """Deepest nesting of arrays and objects in ``body``, found without recursion; brackets
    inside strings do not count. Stops counting once deeper than ``stop_above``."""
    depth = deepest = 0
    for token in _TOKEN.finditer(body):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    break
        elif bracket in (b"]", b"}"):
            depth -= 1
    return deepest


class _RefusedNumber(Exception):
    """A number a float cannot hold, met while parsing: the body is parsed again, marking
    such numbers, to name where they are."""


def _number_in_range(text: str) -> Decimal:
    value = _exact_number(text)
    if isinstance(value, _OutOfRange):
        raise _RefusedNumber
    return value


def _integer_in_range(text: str) -> int:
    value = _exact_integer(text)
    if isinstance(value, _OutOfRange):
        raise _RefusedNumber
    return value


def _refused_constant(_name: str) -> Any:
    raise _RefusedNumber


# Built once: ``json.loads`` with hooks builds a decoder and its scanner on every call. The
# first stops at the first number to refuse (a body with none is parsed once, with no walk
# through the document); the second marks them all for ``_out_of_range`` to find.
_DECODER = json.JSONDecoder(
    parse_float=_number_in_range,
    parse_int=_integer_in_range,
    parse_constant=_refused_constant,
    object_pairs_hook=_unique_keys,
)
_MARKING_DECODER = json.JSONDecoder(
    parse_float=_exact_number,
    parse_int=_exact_integer,
    parse_constant=_OutOfRange,
    object_pairs_hook=_unique_keys,
)


def _parse(text: str) -> Any:
    """``text`` parsed; ``MalformedJson`` or ``NumberOutOfRange`` (naming every refused
    number's field, the first 50) otherwise."""
    try:
        try:
            return _DECODER.decode(text)
        except _RefusedNumber:
            document = _MARKING_DECODER.decode(text)
    except ValueError as exc:  # JSONDecodeError, our own refusals, int digit limits
        raise MalformedJson(f"body is not valid JSON: {exc}") from None
    found = _out_of_range(document)
    raise NumberOutOfRange(
        "; ".join(
            f"{path}: {number[:40]} is out of range (a finite number a float holds, "
            "not rounded to zero)"
            for path, number in found[:50]
        ),
        fields=[path for path, _number in found[:50]],
    )


def load_json(body: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a UTF-8 JSON body; raise ``MalformedJson`` for anything the bridge cannot keep.

    Rules: strict UTF-8 without a byte-order mark, at most ``max_depth`` levels of
    arrays/objects, no duplicate key in an object, no lone surrogate in a string; numbers
    within a float's range (``NumberOutOfRange`` otherwise), non-integers as ``Decimal``.
    """
    if body.startswith(_BOM):
        raise MalformedJson("body starts with a byte-order mark; send UTF-8 without one")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedJson(f"body is not UTF-8 (byte {exc.start}); send UTF-8 JSON") from None
    # A body with no more opening brackets than the limit cannot nest deeper: the common
    # case skips the scan, a loop in Python on every request.
    openings = body.count(b"[") + body.count(b"{")
    if openings > max_depth and nesting_depth(body, stop_above=max_depth) > max_depth:
        raise MalformedJson(f"body nests more than {max_depth} levels deep")
    document = _parse(text)
    if _SURROGATE_ESCAPE.search(text):
        try:
            dump_exact(document).encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedJson("body holds a lone surrogate escape (\\ud800-\\udfff)") from None
    return document
