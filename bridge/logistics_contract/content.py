"""What an event *says*, independent of how it was written: canonical JSON, its hash, the
content of an event, and the differences between two contents.

The bridge and Odoo both decide with ``content_hash(event_content(event))`` whether an
event arriving under an id already received is the same event again (a duplicate) or a
different one (a conflicting duplicate, kept for a person to review). Whitespace and key
order do not count, nor do numbers written differently with the same value (``1.50`` and
``1.5``); what the bridge adds per receipt (correlation id, receipt time, trace) does not
count either, nor does when a raw document was transmitted (``TRANSMISSION_ONLY``: an X12
interchange sent again in a new envelope is the same interchange).

Numbers keep their text: ``load_exact`` parses them as ``Decimal`` and ``dump_exact``
writes a ``Decimal`` as its own text, so an amount never passes through a float.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from json.encoder import c_make_encoder, encode_basestring, encode_basestring_ascii
from typing import Any

from .endpoint import FORMAT_X12_214

CONTENT_HASH_PREFIX = "sha256:"
# The fields of a tms-event envelope that make its content; the bridge's receipt metadata
# (received_at, correlation_id, traceparent) does not.
ENVELOPE_CONTENT_FIELDS = (
    "event_type",
    "shipment_reference",
    "occurred_at",
    "schema_version",
    "payload",
)


# Per raw document format: ``{part: elements}`` of the document that say how it was
# transmitted, not what it says. An X12 network that retransmits an interchange, or a
# sender that re-envelopes it, writes a new ISA09 date and ISA10 time around the same
# control numbers and sets; the document's other ISA and GS elements name who sent it to
# whom and under which control numbers and version: content. GS04/GS05 (group date and
# time), ISA14 (acknowledgement requested) and ISA15 (test or production) are not in the
# document at all (``logistics_contract.x12``), so they never count either.
TRANSMISSION_ONLY: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    FORMAT_X12_214: {"isa": ("date", "time")},
}


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, int):
        value = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a JSON number")
        value = Decimal(repr(value))
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    if value.is_zero():
        return "0"
    # One text per value: 1.50, 1.5 and 15E-1 are the same number.
    sign, digits, exponent = value.normalize().as_tuple()
    return ("-" if sign else "") + "".join(map(str, digits)) + (f"e{exponent}" if exponent else "")


# The C encoder of a JSON string (ensure_ascii off): json.dumps per string would build an
# encoder each time, minutes for a document of a few hundred thousand strings.
_string_text = encode_basestring


def _write(value: Any, canonical: bool, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string_text(value))
    elif value is None or isinstance(value, bool):
        out.append("null" if value is None else ("true" if value else "false"))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        out.append(_number_text(value) if canonical else str(value))
    elif isinstance(value, int | float):
        out.append(_number_text(value) if canonical else json.dumps(value, allow_nan=False))
    elif isinstance(value, Mapping):
        items = sorted(value.items()) if canonical else value.items()
        out.append("{")
        for position, (key, item) in enumerate(items):
            if not isinstance(key, str):
                raise TypeError(f"object keys must be strings, not {type(key).__name__}")
            out.append(("," if position else "") + _string_text(key) + ":")
            _write(item, canonical, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for position, item in enumerate(value):
            if position:
                out.append(",")
            _write(item, canonical, out)
        out.append("]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON")


def _text(value: Any, canonical: bool) -> str:
    out: list[str] = []
    _write(value, canonical, out)
    return "".join(out)


def dump_exact(value: Any) -> str:
    """Compact JSON of ``value`` in its own key order; a ``Decimal`` is written as its text."""
    return _text(value, canonical=False)


class _NotPlain(Exception):
    """A value the C encoder cannot write as ``dump_exact`` does."""


def _not_plain(_value: Any) -> Any:
    raise _NotPlain


def encoder_of_trees(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """``encoder.encode`` for values that hold no cycle (what JSON text parses to, what
    answers are built from), with its C encoder made once: ``JSONEncoder.encode`` makes it
    again on every call, with a table to find cycles, as much work as writing a small
    document."""
    if c_make_encoder is None or encoder.indent is not None:
        return encoder.encode
    write = c_make_encoder(
        None,  # no cycle to find
        encoder.default,
        encode_basestring_ascii if encoder.ensure_ascii else encode_basestring,
        None,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )
    return lambda value: "".join(write(value, 0))


# Writes plain JSON (strings, integers, floats, booleans, null, dicts, lists) as ``_write``
# does, at C speed; a Decimal (or any other value) makes it stop.
_PLAIN = encoder_of_trees(
    json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_not_plain)
)


def dump_parsed(value: Any) -> str:
    """``dump_exact`` of a value parsed from JSON text (every key a string, which is all
    that ``dump_exact`` checks beyond the encoder), at C speed unless it holds a Decimal:
    the common payload without a decimal number is written by the C encoder alone."""
    try:
        return _PLAIN(value)
    except _NotPlain:
        return dump_exact(value)


def load_exact(text: str | bytes) -> Any:
    """JSON parsed with every non-integer number as the ``Decimal`` of its text."""
    return json.loads(text, parse_float=Decimal)


def canonical_json(value: Any) -> str:
    """One text per content: keys sorted, no whitespace, numbers by value."""
    return _text(value, canonical=True)


def content_hash(value: Any) -> str:
    """``sha256:`` + the SHA-256 of ``canonical_json(value)``."""
    digest = hashlib.sha256(canonical_json(value).encode("utf-8", "surrogatepass"))
    return CONTENT_HASH_PREFIX + digest.hexdigest()


def _instant(value: Any) -> Any:
    """An ISO 8601 time as one text per instant (``Z`` and ``+00:00`` alike)."""
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        return value


def _transmission_of(document_format: Any) -> Mapping[str, tuple[str, ...]]:
    """``TRANSMISSION_ONLY`` of a format; a format that is not text (sent by a hostile
    caller) has none."""
    if not isinstance(document_format, str):
        return {}
    return TRANSMISSION_ONLY.get(document_format, {})


def is_transmission_only(document_format: Any, location: Sequence[str | int]) -> bool:
    """Whether ``location`` (``("isa", "date")``) in a raw document of ``document_format``
    is one of the elements that format only sets to transmit it (``TRANSMISSION_ONLY``):
    never part of what an event read from the document says."""
    transmission = _transmission_of(document_format)
    return len(location) == 2 and location[1] in transmission.get(location[0], ())


def document_content(document_format: Any, document: Any) -> Any:
    """The content of a raw ``document`` of ``document_format``: the document without the
    elements its format only sets to transmit it (``TRANSMISSION_ONLY``); the document
    itself when there are none. The document is never changed."""
    transmission = _transmission_of(document_format)
    if not transmission or not isinstance(document, Mapping):
        return document
    content = dict(document)
    for part, names in transmission.items():
        if isinstance(content.get(part), Mapping):
            content[part] = {k: v for k, v in content[part].items() if k not in names}
    return content


def event_content(event: Mapping[str, Any]) -> Any:
    """The content of an event in the form Odoo's ``ingest_events`` takes: a raw document
    (marked with ``format``) is its ``document`` (``document_content``); a tms-event
    envelope is its ``ENVELOPE_CONTENT_FIELDS``, the time as an instant."""
    if event.get("format") and "document" in event:
        return document_content(event["format"], event["document"])
    content = {name: event[name] for name in ENVELOPE_CONTENT_FIELDS if name in event}
    if "occurred_at" in content:
        content["occurred_at"] = _instant(content["occurred_at"])
    return content


def _path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def _same(old: Any, new: Any) -> bool:
    return canonical_json(old) == canonical_json(new)


def content_differences(old: Any, new: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """``[(field path, old value, new value)]`` where two contents differ, leaves first
    found first; a value absent on one side is ``MISSING_VALUE`` there."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        found = []
        for key in sorted(set(old) | set(new)):
            found += content_differences(
                old.get(key, MISSING_VALUE), new.get(key, MISSING_VALUE), _path(path, key)
            )
        return found
    if isinstance(old, list) and isinstance(new, list):
        found = []
        for index in range(max(len(old), len(new))):
            found += content_differences(
                old[index] if index < len(old) else MISSING_VALUE,
                new[index] if index < len(new) else MISSING_VALUE,
                _path(path, index),
            )
        return found
    if old is MISSING_VALUE or new is MISSING_VALUE or not _same(old, new):
        return [(path or "(document)", old, new)]
    return []


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


MISSING_VALUE = _Missing()


def describe_differences(old: Any, new: Any) -> str:
    """The differences as lines ``field path: old → new`` (JSON values)."""

    def shown(value: Any) -> str:
        return repr(value) if value is MISSING_VALUE else dump_exact(value)

    return "\n".join(
        f"{path}: {shown(before)} → {shown(after)}"
        for path, before, after in content_differences(old, new)
    )
