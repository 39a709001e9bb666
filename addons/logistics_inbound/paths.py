"""Extraction of canonical fields from a forwarded event with a profile's sources.

A profile says, per canonical field, where its value comes from (a *source*,
``logistics_contract.paths``: the grammar the bridge's settings share), read
from the event as the bridge forwards it:

- a dotted path like ``payload.shipment.ref`` or
  ``document.result.tracking_details[-1].status`` (``[0]``: first element,
  ``[-1]``: last element, ``[*]``: every element);
- several paths separated by commas: the location joins their values
  (``city, state, country``), an X12 time reads date, time and time code from
  them, any other field takes the first one present;
- a constant, written with a leading ``=`` (``=status``).

Scalar sources containing ``[*]`` split one document into several events, one
per element of the list before the ``[*]`` (all of them must name the same
list); each event then reads ``[*]`` as its own element, and its id is derived
from the event id and the element (unless the event id itself is read per
element), so a redelivered or grown document yields the same ids again. What
such an event reads outside its element (the shipment key of the whole document)
is part of what it says: ``Extracted.outside``, compared with the kept event's (what the
bridge sets per receipt and when the document was transmitted never are).

Ids, references and codes are text: a number is taken as its JSON text, an
object, array or boolean is refused naming its path.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from logistics_contract.content import is_transmission_only
from logistics_contract.ids import derived_id
from logistics_contract.paths import MISSING, json_kind, parse, scalar_text, split_list_path

from . import times
from .canonical import format_location

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
    "tracking_number": ("payload", "tracking_number"),
    "eta": ("payload", "eta"),
    "pod_signed_by": ("payload", "pod", "signed_by"),
    "pod_signed_at": ("payload", "pod", "signed_at"),
    "pod_document_reference": ("payload", "pod", "document_reference"),
}
TIME_FIELDS = ("event_time", "eta", "pod_signed_at")
# Ids and references: text, whatever the JSON type of the scalar they are read from.
ID_FIELDS = (
    "event_id",
    "shipment_reference",
    "planning_reference",
    "tracking_number",
    "pod_document_reference",
)
CHARGE_FIELDS = ("external_id", "charge_type", "amount", "currency", "description")
CHARGE_ID_FIELDS = ("external_id",)
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
# What the bridge sets per receipt of an event: read outside a split element, never part of
# what the element's event says (a redelivery differs there, as for tms-event contents).
RECEIPT_FIELDS = ("received_at", "correlation_id", "traceparent")


@dataclass(frozen=True)
class Spec:
    """A profile's extraction rules, as plain data (see ``logistics.inbound.profile``).

    Read-only, its mappings included: a profile's spec is kept per worker and shared by
    every ingest call that reads the profile, so no caller may change it for the others.
    """

    scalars: Mapping  # SCALAR_FIELDS name -> logistics_contract.paths.Source
    charges: Mapping = field(default_factory=dict)  # CHARGE_FIELDS name -> path text
    time_formats: Mapping = field(default_factory=dict)  # TIME_FIELDS name -> times format
    local_timezone: str = "UTC"
    raw_document: bool = False  # the event carries a raw document, not a tms-event envelope

    def __post_init__(self):
        # A read-only view of a copy: not even the mappings it was made from reach it.
        for name in ("scalars", "charges", "time_formats"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    @cached_property
    def list_path(self):
        """The list its ``[*]`` sources split documents over, or None (raises
        ``ValueError`` when they name different lists). Kept: read for every event."""
        return split_list_path(self.scalars.values())


@dataclass
class Extracted:
    """Canonical data of one event, where each part came from, and reading errors."""

    data: dict
    sources: dict
    errors: list
    # Of a split document's element: {path text: value} of what was read outside the
    # element (a shipment key of the whole document), part of what the event says; what
    # tells when the document was transmitted never is.
    outside: dict = field(default_factory=dict)


def _set(target, loc, value):
    for key in loc[:-1]:
        target = target.setdefault(key, {})
    target[loc[-1]] = value


def _present(value):
    return value is not MISSING and value is not None


def _filled(value):
    return _present(value) and value != ""


def extract_events(raw, spec):
    """Canonical data of every event a forwarded event holds (one, unless it splits).

    Returns a list of ``Extracted``; a document whose split list is missing or
    empty yields one ``Extracted`` carrying that error.
    """
    list_path = spec.list_path
    if not list_path:
        return [_extract_one(raw, spec, None)]
    elements = list_path.resolve(raw)
    if not isinstance(elements, list) or not elements:
        loc = SCALAR_FIELDS["event_id"]
        return [
            Extracted({"payload": {}}, {loc: list_path.text}, [(loc, "no element to split over")])
        ]
    return [
        _extract_one(raw, spec, (list_path, index, element))
        for index, element in enumerate(elements)
    ]


def _transmission_only(document_format, path):
    """Whether ``path`` reads when a document of ``document_format`` was transmitted (an X12
    interchange's date and time, ``logistics_contract.content.TRANSMISSION_ONLY``), not what
    it says."""
    first, *rest = path.steps
    return first == "document" and is_transmission_only(document_format, rest)


def reads_transmission(document_format, text):
    """Whether the path ``text`` (a key of ``Extracted.outside``) reads when a document of
    ``document_format`` was transmitted: never part of what an event says."""
    return _transmission_only(document_format, parse(text))


def reads_outside_element(spec, document_format):
    """Whether the events ``spec`` splits a document of ``document_format`` into read
    something outside their element that is part of what they say (``Extracted.outside``)."""
    if not spec.list_path:
        return False
    return any(
        not path.splits
        and path.steps[0] not in RECEIPT_FIELDS
        and not _transmission_only(document_format, path)
        for name, source in spec.scalars.items()
        if source and name != "event_id"
        for path in source.paths
    )


def _extract_one(raw, spec, item):
    """``item``: ``(list path, index, element)`` of a split document, else None."""
    split = item[:2] if item else None
    data = {"payload": {}}
    sources, errors, outside = {}, [], {}
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
        values = source.read(raw, split)
        sources[loc] = values[0][0]
        if split and name != "event_id":
            for path, (text, value) in zip(source.paths, values, strict=True):
                if (
                    path.splits
                    or value is MISSING
                    or path.steps[0] in RECEIPT_FIELDS
                    or _transmission_only(raw.get("format"), path)
                ):
                    continue
                outside[text] = value
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
        data["event_id"] = derived_id(data["event_id"], item[2])
    if spec.raw_document and "occurred_at" not in data:
        data["occurred_at"] = data["payload"].get("event_time") or raw.get("received_at")
        sources[("occurred_at",)] = sources.get(SCALAR_FIELDS["event_time"], "received_at")
    _extract_charges(raw, spec, split, data, sources, errors)
    return Extracted(data, sources, errors, outside)


def _combine(name, values, spec):
    """The value of a canonical field from its source's ``[(path, value)]``.

    One path gives its value as is (the contract judges it), an id as text;
    several give the joined location, the X12 time, or the first value present.
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
    if name in ID_FIELDS:
        return scalar_text(value)
    if _present(value) and time_format:
        return times.to_iso(time_format, [value], spec.local_timezone)
    return value


def _extract_charges(raw, spec, split, data, sources, errors):
    paths = {
        name: parse(text).bind(*split) if split else parse(text)
        for name in CHARGE_FIELDS
        if (text := spec.charges.get(name))
    }
    for list_path in {path.list_path for path in paths.values() if path.splits}:
        lines = list_path.resolve(raw)
        if _present(lines) and not isinstance(lines, list):
            # Read as absent, one line sent as the object itself would be dropped unsaid.
            loc = ("payload", "charges")
            sources[loc] = list_path.text
            errors.append((loc, f"must be an array of charge lines, not {json_kind(lines)}"))
            return
    columns = {}
    for name, path in paths.items():
        values = path.resolve(raw)
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
            loc = ("payload", "charges", index, name)
            sources[loc] = path.bind(path.list_path, index).text if path.splits else path.text
            if name in CHARGE_ID_FIELDS:
                try:
                    value = scalar_text(value)
                except ValueError as exc:
                    errors.append((loc, str(exc)))
                    continue
            if _present(value):
                charges[index][name] = value
    data["payload"]["charges"] = charges
    if "amount" in columns:
        amounts = columns["amount"][0]
        sources[("payload", "charges")] = (amounts.list_path or amounts).text


def source_location(loc, sources, default):
    """The raw-event path for a canonical error location, or ``default``."""
    for size in range(len(loc), 0, -1):
        path = sources.get(tuple(loc[:size]))
        if path:
            suffix = default[len(format_location(loc[:size])) :] if size < len(loc) else ""
            return path + suffix
    return default
