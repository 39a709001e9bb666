"""Bounded JSON parsing for bodies that come from the network.

``json.loads`` alone accepts what the bridge must not keep: UTF-16/32 bodies (it guesses
the encoding of bytes), numbers that overflow a float (``1e400`` becomes ``Infinity``,
which is not JSON), duplicate keys (the last one silently wins), lone surrogates, and
nesting deep enough to exhaust the interpreter's recursion limit. ``load_json`` refuses
each of them with ``MalformedJson`` and a message that names the reason.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .exceptions import MalformedJson

# Far deeper than any event envelope; shallow enough to stay clear of the recursion limit.
MAX_DEPTH = 64

# A complete JSON string literal (unrolled: no alternation per character), or a bracket.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
# Only an escaped surrogate can put a lone surrogate into decoded text (UTF-8 cannot).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)
_BOM = b"\xef\xbb\xbf"


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range (finite numbers only)")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (finite numbers only)")


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


def load_json(body: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a UTF-8 JSON body; raise ``MalformedJson`` for anything the bridge cannot keep.

    Rules: strict UTF-8 without a byte-order mark, at most ``max_depth`` levels of
    arrays/objects, finite numbers only (no NaN/Infinity, no float overflow), no
    duplicate key in an object, no lone surrogate in a string.
    """
    if body.startswith(_BOM):
        raise MalformedJson("body starts with a byte-order mark; send UTF-8 without one")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedJson(f"body is not UTF-8 (byte {exc.start}); send UTF-8 JSON") from None
    if nesting_depth(body, stop_above=max_depth) > max_depth:
        raise MalformedJson(f"body nests more than {max_depth} levels deep")
    try:
        document = json.loads(
            text,
            parse_float=_finite_float,
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_keys,
        )
    except ValueError as exc:  # JSONDecodeError, our own refusals, int digit limits
        raise MalformedJson(f"body is not valid JSON: {exc}") from None
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(document, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedJson("body holds a lone surrogate escape (\\ud800-\\udfff)") from None
    return document
