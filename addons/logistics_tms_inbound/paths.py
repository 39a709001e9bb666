"""Dotted paths into JSON payloads, and extraction of canonical events with them.

A path reads like ``payload.shipment.ref``, ``payload.stops[0].city`` or
``payload.charges[*].amount``; ``[*]`` walks every element of a list. An
inbound profile is a set of such paths (see ``CANONICAL_PATHS``) telling where
each canonical field sits in a source's own JSON.
"""

import re
from functools import lru_cache

from .contract import format_location

MISSING = object()
TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+|\*)\]")
PATH_PATTERN = re.compile(r"^[^.\[\]]+(\.[^.\[\]]+|\[(\d+|\*)\])*$")

# Canonical field -> location in the canonical event (see contract.TmsEventV1).
SCALAR_FIELDS = {
    "event_id": ("event_id",),
    "shipment_reference": ("shipment_reference",),
    "status_code": ("payload", "status_code"),
    "status_detail": ("payload", "status_detail"),
    "event_time": ("payload", "event_time"),
    "location": ("payload", "location"),
    "carrier": ("payload", "carrier"),
    "planning_reference": ("payload", "planning_reference"),
    "eta": ("payload", "eta"),
    "pod_signed_by": ("payload", "pod", "signed_by"),
    "pod_signed_at": ("payload", "pod", "signed_at"),
    "pod_document_reference": ("payload", "pod", "document_reference"),
}
CHARGE_FIELDS = ("external_id", "charge_type", "amount", "currency", "description")
# Envelope fields of the bridge contract: always read from the envelope itself.
ENVELOPE_FIELDS = ("event_type", "occurred_at", "correlation_id", "schema_version", "received_at")


@lru_cache(maxsize=1024)
def parse_path(path):
    """Split a path into keys (str), indexes (int) and ``"*"``; raise ValueError if malformed.

    Returns a tuple; profiles reuse the same few paths for every event.
    """
    if not path or not PATH_PATTERN.match(path):
        raise ValueError(f"malformed path {path!r}")
    parts = []
    for key, index in TOKEN.findall(path):
        if key:
            parts.append(key)
        else:
            parts.append("*" if index == "*" else int(index))
    return tuple(parts)


def get_path(data, path):
    """Value at ``path``; a list of values when it contains ``[*]``; MISSING if absent."""
    return _walk(data, parse_path(path))


def _walk(data, parts):
    if not parts:
        return data
    head, rest = parts[0], parts[1:]
    if head == "*":
        if not isinstance(data, list):
            return MISSING
        return [_walk(item, rest) for item in data]
    if isinstance(head, int):
        if not isinstance(data, list) or head >= len(data):
            return MISSING
        return _walk(data[head], rest)
    if not isinstance(data, dict) or head not in data:
        return MISSING
    return _walk(data[head], rest)


def _set(target, loc, value):
    for key in loc[:-1]:
        target = target.setdefault(key, {})
    target[loc[-1]] = value


def extract_event(raw, scalar_paths, charge_paths):
    """Build canonical event data from a raw event with a profile's paths.

    ``scalar_paths`` maps SCALAR_FIELDS names to paths, ``charge_paths`` maps
    CHARGE_FIELDS names to paths containing one ``[*]``. Returns
    ``(data, sources)`` where ``sources`` maps canonical locations to the path
    in the raw event they came from, so errors can name the source's field.
    """
    data = {"payload": {}}
    sources = {}
    for name in ENVELOPE_FIELDS:
        if name in raw:
            data[name] = raw[name]
    for name, loc in SCALAR_FIELDS.items():
        path = scalar_paths.get(name)
        if not path:
            continue
        value = get_path(raw, path)
        sources[loc] = path
        if value is not MISSING and value is not None:
            _set(data, loc, value)
    columns = {}
    for name in CHARGE_FIELDS:
        path = charge_paths.get(name)
        if not path:
            continue
        values = get_path(raw, path)
        if values is MISSING:
            continue
        if not isinstance(values, list):
            values = [values]
        columns[name] = (path, values)
    count = max((len(values) for _path, values in columns.values()), default=0)
    if count:
        charges = [{} for _index in range(count)]
        for name, (path, values) in columns.items():
            for index, value in enumerate(values):
                sources[("payload", "charges", index, name)] = path.replace("[*]", f"[{index}]", 1)
                if value is not MISSING and value is not None:
                    charges[index][name] = value
        data["payload"]["charges"] = charges
        if "amount" in columns:
            sources[("payload", "charges")] = columns["amount"][0].split("[*]", 1)[0]
    return data, sources


def source_location(loc, sources, default):
    """The raw-event path for a canonical error location, or ``default``."""
    for size in range(len(loc), 0, -1):
        path = sources.get(tuple(loc[:size]))
        if path:
            suffix = default[len(format_location(loc[:size])) :] if size < len(loc) else ""
            return path + suffix
    return default
