"""Sources of canonical fields in a forwarded event, and extraction with them.

A profile says, per canonical field, where its value comes from (a *source*):

- a dotted path into the event as the bridge forwards it, like
  ``payload.shipment.ref`` or ``document.result.tracking_details[-1].status``
  (``[0]``: first element, ``[-1]``: last element, ``[*]``: every element);
- several paths separated by commas: the location joins their values
  (``city, state, country``), an X12 time reads date, time and time code from
  them, any other field takes the first one present;
- a constant, written with a leading ``=`` (``=status``).

Scalar sources containing ``[*]`` split one document into several events, one
per element of the list before the ``[*]`` (all of them must name the same
list); each event then reads ``[*]`` as its own element, and its id is the
event id followed by ``#`` and a hash of the element (unless the event id
itself is read per element), so a redelivered or grown document yields the
same ids again.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import times
from .canonical import format_location

MISSING = object()
SPLIT = "[*]"
TOKEN = re.compile(r"([^.\[\],]+)|\[(-1|\d+|\*)\]")
PATH_PATTERN = re.compile(r"^[^.\[\],=\s][^.\[\],]*(\.[^.\[\],]+|\[(-1|\d+|\*)\])*$")

# Canonical field -> location in the canonical event (see canonical.CanonicalEvent).
SCALAR_FIELDS = {
    "event_id": ("event_id",),
    "event_type": ("event_type",),
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
TIME_FIELDS = ("event_time", "eta", "pod_signed_at")
CHARGE_FIELDS = ("external_id", "charge_type", "amount", "currency", "description")
# Envelope fields of the bridge: taken from the forwarded event unless a source overrides them.
ENVELOPE_FIELDS = (
    "event_type",
    "occurred_at",
    "correlation_id",
    "schema_version",
    "received_at",
    "traceparent",
)
LOCATION_SEPARATOR = ", "


@dataclass(frozen=True)
class Source:
    """Where one canonical field comes from: a constant, or one or more paths."""

    constant: str | None = None
    paths: tuple = ()

    @property
    def splits(self):
        return any(SPLIT in path for path in self.paths)


@dataclass
class Spec:
    """A profile's extraction rules, as plain data (see ``logistics.inbound.profile``)."""

    scalars: dict  # SCALAR_FIELDS name -> Source
    charges: dict = field(default_factory=dict)  # CHARGE_FIELDS name -> path
    time_formats: dict = field(default_factory=dict)  # TIME_FIELDS name -> times format
    local_timezone: str = "UTC"
    raw_document: bool = False  # the event carries a raw document, not a tms-event envelope


@dataclass
class Extracted:
    """Canonical data of one event, where each part came from, and reading errors."""

    data: dict
    sources: dict
    errors: list


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


@lru_cache(maxsize=1024)
def parse_source(text):
    """``"=status"`` -> constant; ``"a.b, a.c"`` -> paths; raise ValueError if malformed."""
    if not text:
        return None
    if text.startswith("="):
        return Source(constant=text[1:])
    paths = tuple(part.strip() for part in text.split(","))
    for path in paths:
        parse_path(path)
    return Source(paths=paths)


def split_list_path(sources):
    """The path of the list a profile splits documents over, or None.

    Raises ValueError when ``[*]`` sources name different lists.
    """
    prefixes = {
        path.split(SPLIT, 1)[0]
        for source in sources
        if source
        for path in source.paths
        if SPLIT in path
    }
    if len(prefixes) > 1:
        raise ValueError(
            "[*] must split over one list; these differ: " + ", ".join(sorted(prefixes))
        )
    return prefixes.pop() if prefixes else None


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
        if not isinstance(data, list) or not -len(data) <= head < len(data):
            return MISSING
        return _walk(data[head], rest)
    if not isinstance(data, dict) or head not in data:
        return MISSING
    return _walk(data[head], rest)


def _set(target, loc, value):
    for key in loc[:-1]:
        target = target.setdefault(key, {})
    target[loc[-1]] = value


def _present(value):
    return value is not MISSING and value is not None


def _filled(value):
    return _present(value) and value != ""


def element_hash(element):
    """A short, stable digest of a JSON value (key order does not matter)."""
    text = json.dumps(element, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def extract_events(raw, spec):
    """Canonical data of every event a forwarded event holds (one, unless it splits).

    Returns a list of ``Extracted``; a document whose split list is missing or
    empty yields one ``Extracted`` carrying that error.
    """
    list_path = split_list_path(spec.scalars.values())
    if not list_path:
        return [_extract_one(raw, spec, None)]
    elements = get_path(raw, list_path)
    if not isinstance(elements, list) or not elements:
        loc = SCALAR_FIELDS["event_id"]
        return [Extracted({"payload": {}}, {loc: list_path}, [(loc, "no element to split over")])]
    return [
        _extract_one(raw, spec, (list_path, index, element))
        for index, element in enumerate(elements)
    ]


def _bind(path, item):
    """``path`` with the split list's ``[*]`` read as this item's index."""
    if item and path.startswith(item[0] + SPLIT):
        return f"{item[0]}[{item[1]}]{path[len(item[0]) + len(SPLIT) :]}"
    return path


def _read(raw, source, item):
    """``[(path, value)]`` of a source's paths, bound to the split item."""
    return [(path, get_path(raw, path)) for path in (_bind(p, item) for p in source.paths)]


def _extract_one(raw, spec, item):
    data = {"payload": {}}
    sources, errors = {}, []
    for name in ENVELOPE_FIELDS:
        if name in raw:
            data[name] = raw[name]
    for name, loc in SCALAR_FIELDS.items():
        source = spec.scalars.get(name)
        if not source:
            continue
        if source.constant is not None:
            sources[loc] = f"={source.constant}"
            _set(data, loc, source.constant)
            continue
        values = _read(raw, source, item)
        sources[loc] = values[0][0]
        try:
            value = _combine(name, values, spec)
        except ValueError as exc:
            errors.append((loc, str(exc)))
            continue
        if _present(value):
            _set(data, loc, value)
    event_id_source = spec.scalars.get("event_id")
    own_id = event_id_source and event_id_source.splits
    if item and not own_id and _present(data.get("event_id")):
        data["event_id"] = f"{data['event_id']}#{element_hash(item[2])}"
    if spec.raw_document and "occurred_at" not in data:
        data["occurred_at"] = data["payload"].get("event_time") or raw.get("received_at")
        sources[("occurred_at",)] = sources.get(SCALAR_FIELDS["event_time"], "received_at")
    _extract_charges(raw, spec, item, data, sources)
    return Extracted(data, sources, errors)


def _combine(name, values, spec):
    """The value of a canonical field from its source's ``[(path, value)]``.

    One path gives its value as is (the contract judges it); several give the
    joined location, the X12 time, or the first value present.
    """
    time_format = spec.time_formats.get(name) if name in TIME_FIELDS else None
    if time_format == times.X12:
        present = [value for _path, value in values if _filled(value)]
        return times.to_iso(time_format, present, spec.local_timezone) if present else None
    if len(values) == 1:
        value = values[0][1]
    elif name == "location":
        parts = [str(value).strip() for _path, value in values if _filled(value)]
        value = LOCATION_SEPARATOR.join(part for part in parts if part) or None
    else:
        value = next((value for _path, value in values if _filled(value)), None)
    if _present(value) and time_format:
        return times.to_iso(time_format, [value], spec.local_timezone)
    return value


def _extract_charges(raw, spec, item, data, sources):
    columns = {}
    for name in CHARGE_FIELDS:
        path = spec.charges.get(name)
        if not path:
            continue
        path = _bind(path, item)
        values = get_path(raw, path)
        if values is MISSING:
            continue
        if not isinstance(values, list):
            values = [values]
        columns[name] = (path, values)
    count = max((len(values) for _path, values in columns.values()), default=0)
    if not count:
        return
    charges = [{} for _index in range(count)]
    for name, (path, values) in columns.items():
        for index, value in enumerate(values):
            sources[("payload", "charges", index, name)] = path.replace(SPLIT, f"[{index}]", 1)
            if _present(value):
                charges[index][name] = value
    data["payload"]["charges"] = charges
    if "amount" in columns:
        sources[("payload", "charges")] = columns["amount"][0].split(SPLIT, 1)[0]


def source_location(loc, sources, default):
    """The raw-event path for a canonical error location, or ``default``."""
    for size in range(len(loc), 0, -1):
        path = sources.get(tuple(loc[:size]))
        if path:
            suffix = default[len(format_location(loc[:size])) :] if size < len(loc) else ""
            return path + suffix
    return default
