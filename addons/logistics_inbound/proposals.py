"""Where a partner's sample document probably keeps what a profile reads.

Given one JSON document as the partner sends it, ``propose`` ranks candidate
paths for the event id, the tracking number (shipment key), the status code
and detail, the event time (and its format: ISO 8601, epoch seconds or
milliseconds), the location (city, state and country read together) and the
list of updates to split over (``…[*]``), judging both the names of the keys
and the shapes of their values. It only proposes: the onboarding assistant
shows the proposal, a person corrects it and tries it before anything is saved.

Paths are relative to the document (``scans[*].code``); a profile reads them
under ``document.`` (see ``profile_sources``).
"""

import re
from dataclasses import dataclass, field

from . import times

SPLIT = "*"
DOCUMENT_PREFIX = "document"
# The bridge's id of the forwarded event (its event id path, else a hash of the body).
ENVELOPE_EVENT_ID = "event_id"
# What a path cannot say: keys with these characters, or starting with these.
UNSAFE_KEY = re.compile(r"[.\[\],]|^[=\s$]|^$")
WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(?P<offset>Z|[+-]\d{2}:?\d{2})?$"
)
EPOCH_RANGES = (
    # 2001-09-09 .. 2286-11-20, in seconds and in milliseconds.
    (1e9, 1e10, times.EPOCH_SECONDS),
    (1e12, 1e13, times.EPOCH_MILLISECONDS),
)
MAX_CODE_LENGTH = 40
MAX_CODE_WORDS = 5
MAX_KEY_LENGTH = 128

# Names of lists that hold one update each.
SPLIT_HINTS = (
    "event",
    "scan",
    "checkpoint",
    "track",
    "histor",
    "update",
    "activit",
    "milestone",
    "status",
    "movement",
    "trace",
    "step",
)
ID_WORDS = ("id", "uuid", "guid")
# Ids that name one delivery of a webhook, not what it is about.
DELIVERY_ID_KEYS = ("id", "eventid", "webhookid", "deliveryid", "notificationid", "messageid")
DELIVERY_PARENTS = ("notification", "webhook", "event", "meta", "metadata", "message", "delivery")
TRACKING_SUFFIXES = ("number", "no", "num", "nr", "code", "id", "ref", "reference")
SHIPMENT_WORDS = ("shipment", "parcel", "package", "consignment", "barcode")
# Keys whose values are never a status code, whatever their shape.
NOT_STATUS_WORDS = (
    "tracking",
    "postal",
    "zip",
    "country",
    "currency",
    "carrier",
    "city",
    "state",
    "region",
    "province",
    "slug",
    "handler",
    "message",
    "description",
    "text",
    "url",
    "details",
    "note",
    "comment",
    "location",
    "mode",
    "object",
    "name",
)
EVENT_TIME_WORDS = ("checkpoint", "scan", "status", "event", "occurred", "happened")
TIME_WORDS = ("time", "datetime", "timestamp", "ts", "date", "at", "when")
METADATA_TIME_WORDS = (
    "created",
    "updated",
    "modified",
    "sent",
    "received",
    "est",
    "estimated",
    "expected",
    "eta",
    "original",
    "scheduled",
)
CONTEXT_WORDS = ("event", "scan", "checkpoint", "status", "tracking")
CITY_KEYS = ("city", "town", "locality", "municipality", "cityname")
STATE_KEYS = ("state", "region", "province", "county", "prefecture", "statecode", "provincecode")
LOCATION_PARENTS = ("location", "place", "address", "where", "trackinglocation", "facility")
# Addresses of the parties, not where the update happened.
PARTY_WORDS = ("from", "to", "origin", "destination", "sender", "recipient", "return", "billing")
LOCATION_TEXT_KEYS = ("location", "place", "where")


@dataclass(frozen=True)
class Candidate:
    """One proposed path, its score (higher is likelier) and a value it reads."""

    path: str
    score: float
    example: str = ""
    time_format: str | None = None


@dataclass(frozen=True)
class Proposal:
    """Ranked candidates per part of the document, best first."""

    split: tuple = ()
    event_id: tuple = ()
    delivery_id: tuple = ()
    shipment_key: tuple = ()
    status_code: tuple = ()
    status_detail: tuple = ()
    event_time: tuple = ()
    location: tuple = ()
    status_codes: tuple = ()  # the codes the best status path reads, in order

    def best(self, role):
        """The best candidate of ``role`` (a field name), or None."""
        candidates = getattr(self, role)
        return candidates[0] if candidates else None


@dataclass
class _Field:
    """A scalar the document holds at one path, with its values (one per list element)."""

    parts: tuple
    list_parts: tuple | None
    values: list = field(default_factory=list)

    @property
    def words(self):
        return _words(self.parts[-1])

    @property
    def parent(self):
        return self.parts[:-1]

    @property
    def norm(self):
        return "".join(self.words)

    def context(self):
        """Words of the keys above this one (inside the split element if in one)."""
        start = len(self.list_parts) + 1 if self.list_parts is not None else 0
        return [word for part in self.parts[start:-1] for word in _words(part)]


def _words(key):
    if not isinstance(key, str):
        return []
    return [word.lower() for word in WORD.findall(key)]


def _render(parts):
    """Path text of ``parts`` (keys, and ``*`` for the split list)."""
    text = ""
    for part in parts:
        if part == SPLIT:
            text += "[*]"
        else:
            text += f".{part}" if text else part
    return text


def _example(values):
    value = next((v for v in values if v not in (None, "")), "")
    return str(value)[:60]


def _collect(document):
    """Every scalar field of the document, and every list of objects (a split candidate)."""
    fields, lists = {}, []

    def walk(value, parts, list_parts):
        if isinstance(value, dict):
            for key, child in value.items():
                if (
                    isinstance(key, str)
                    and len(key) <= MAX_KEY_LENGTH
                    and not UNSAFE_KEY.search(key)
                ):
                    walk(child, (*parts, key), list_parts)
        elif isinstance(value, list):
            elements = [item for item in value if isinstance(item, dict)]
            # One list level only: a profile splits over one list.
            if list_parts is None and elements:
                lists.append((parts, elements))
                for element in elements:
                    walk(element, (*parts, SPLIT), parts)
        elif value is not None:
            entry = fields.setdefault(parts, _Field(parts, list_parts))
            entry.values.append(value)

    walk(document, (), None)
    return list(fields.values()), lists


def time_format(value):
    """The profile's time format a value is written in (ISO 8601, epoch s or ms), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int | float):
        for low, high, name in EPOCH_RANGES:
            if low <= value < high:
                return name
        return None
    if isinstance(value, str) and ISO_DATETIME.match(value.strip()):
        return times.ISO8601
    return None


def _has_offset(value):
    match = isinstance(value, str) and ISO_DATETIME.match(value.strip())
    return bool(match and match.group("offset"))


def _is_key_text(value, min_length=1):
    """An id or reference: a number, or text without spaces that is not a URL or a time."""
    if isinstance(value, bool | float):
        return False
    if isinstance(value, int):
        return True
    return (
        isinstance(value, str)
        and min_length <= len(value) <= MAX_KEY_LENGTH
        and not any(c.isspace() for c in value)
        and "://" not in value
        and time_format(value) is None
    )


def _is_code(value):
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_CODE_LENGTH
        and len(value.split()) <= MAX_CODE_WORDS
        and "://" not in value
        and time_format(value) is None
    )


def _ranked(scored):
    best = {}
    for score, candidate in scored:
        path = candidate.path
        if path not in best or best[path].score < score:
            best[path] = Candidate(path, score, candidate.example, candidate.time_format)
    return tuple(sorted(best.values(), key=lambda c: (-c.score, c.path)))


def _in_scope(entry, split):
    return entry.list_parts is None or entry.list_parts == split


def _score_split(parts, elements):
    words = " ".join(_words(parts[-1])) if parts else ""
    score = 3.0 if any(hint in words for hint in SPLIT_HINTS) else 0.0
    timed = sum(1 for element in elements if any(time_format(value) for value in element.values()))
    score += 3.0 * timed / len(elements)
    if any(
        any(
            _words(key)[-1:] in (["status"], ["code"], ["tag"])
            for key in element
            if isinstance(key, str)
        )
        for element in elements
    ):
        score += 1.0
    return score


def _split_candidates(lists):
    scored = []
    for parts, elements in lists:
        score = _score_split(parts, elements)
        # A list of items or parcels is not a list of updates.
        if score >= 3.0:
            scored.append((score, Candidate(_render((*parts, SPLIT)), score, f"{len(elements)}")))
    return _ranked(scored)


def _shipment_key_score(entry):
    words, norm = entry.words, entry.norm
    if not all(_is_key_text(value, 3) for value in entry.values):
        return None
    score = 0.0
    if "tracking" in words and any(suffix in words for suffix in TRACKING_SUFFIXES):
        score = 6.0
    elif norm in ("awb", "waybill", "awbnumber", "waybillnumber", "airwaybill"):
        score = 5.0
    elif norm == "tracking":
        score = 4.0
    elif any(word in words for word in SHIPMENT_WORDS) and any(
        suffix in words for suffix in TRACKING_SUFFIXES
    ):
        score = 3.0
    elif words and words[-1] in ("reference", "ref"):
        score = 1.0
    if not score:
        return None
    if entry.list_parts is None:
        score += 1.0
    if "tracking" in entry.context():
        score += 1.0
    return score


def _event_id_score(entry, key_parent):
    words = entry.words
    if not words or words[-1] not in ID_WORDS:
        return None
    if not all(_is_key_text(value) for value in entry.values):
        return None
    score = 3.0 + (1.0 if entry.norm in ID_WORDS else 0.0)
    if entry.list_parts is not None:
        # Its own id per update: distinct in every element.
        distinct = len({str(value) for value in entry.values}) == len(entry.values)
        return score + 4.0 if distinct else None
    if key_parent is not None and entry.parent == key_parent:
        score += 2.0  # the id of what is tracked: the same in every delivery
    if _is_delivery_id(entry):
        score -= 2.0  # changes with every delivery of the webhook
    if any(word in words for word in ("event", "webhook", "notification", "message")):
        score -= 2.0
    if any(word in words for word in ("order", "customer")):
        score -= 1.0
    return score


def _delivery_id_score(entry):
    """The webhook's own id of one delivery: what the bridge recognises a redelivery by."""
    if _is_delivery_id(entry) and all(_is_key_text(value) for value in entry.values):
        return 1.0
    return None


def _is_delivery_id(entry):
    if entry.list_parts is not None or entry.norm not in (*DELIVERY_ID_KEYS, "uuid", "guid"):
        return False
    if len(entry.parts) == 1:
        return True
    return len(entry.parts) == 2 and any(
        word in DELIVERY_PARENTS for word in _words(entry.parts[0])
    )


def _joined(parts):
    """The keys of ``parts`` as one lower-case word (``subStatus.code`` -> substatuscode)."""
    return "".join(word for part in parts for word in _words(part))


def _status_score(entry):
    words = entry.words
    if not words or "sub" in _joined(entry.parts[-2:]):
        return None
    if not all(_is_code(v) for v in entry.values):
        return None
    if any(word in NOT_STATUS_WORDS for word in words) or entry.norm in ("event", "type"):
        return None
    if words[-1] == "status":
        score = 4.0
    elif words[-1] in ("code", "tag"):
        score = 3.0
    else:
        return None
    if "primary" in words or "event" in words:
        score += 1.0
    if any(word in CONTEXT_WORDS for word in entry.context()):
        score += 1.0
    if entry.list_parts is not None:
        score += 3.0
    return score


def _detail_score(entry):
    words = entry.words
    if not words or not all(_is_code(v) for v in entry.values):
        return None
    if any(word in ("text", "message", "description", "url") for word in words):
        return None
    sub = "sub" in _joined(entry.parts[-2:]) and words[-1] in ("code", "status", "tag")
    detail = words[-1] in ("detail", "reason") or entry.norm in ("subtag", "substatus")
    if not (sub or detail):
        return None
    return 3.0 + (3.0 if entry.list_parts is not None else 0.0)


def _time_score(entry):
    formats = {time_format(value) for value in entry.values}
    if len(formats) != 1 or None in formats:
        return None
    [found] = formats
    words = entry.words
    if found == times.ISO8601:
        score = 3.0 if all(_has_offset(value) for value in entry.values) else 1.0
    else:
        score = 3.0
    if any(word in TIME_WORDS for word in words):
        score += 2.0
    if any(word in EVENT_TIME_WORDS for word in words):
        score += 1.0
    if any(word in METADATA_TIME_WORDS for word in words):
        score -= 3.0
    if any(word in CONTEXT_WORDS for word in entry.context()):
        score += 1.0
    if entry.list_parts is not None:
        score += 3.0
    return score, found


def _country_rank(entry):
    """Country codes first (ISO 2 or 3 letters), names last."""
    words = entry.words
    if "name" in words:
        return 2
    codes = all(isinstance(v, str) and len(v) <= 3 and v.isupper() for v in entry.values)
    return 0 if codes or any(w in words for w in ("iso", "code", "cc")) else 1


def _location_candidates(entries):
    by_parent = {}
    for entry in entries:
        if all(isinstance(value, str) for value in entry.values):
            by_parent.setdefault(entry.parent, []).append(entry)
    scored = []
    for parent, children in by_parent.items():
        city = next((c for c in children if c.norm in CITY_KEYS), None)
        state = next((c for c in children if c.norm in STATE_KEYS), None)
        countries = sorted(
            (c for c in children if "country" in c.words or c.norm == "cc"), key=_country_rank
        )
        country = countries[0] if countries else None
        parts = [entry for entry in (city, state, country) if entry]
        if not city and len(parts) < 2:
            continue
        parent_words = [w for part in parent if part != SPLIT for w in _words(part)]
        score = 2.0 * len(parts) + (1.0 if city else 0.0)
        if parent and "".join(_words(parent[-1])) in LOCATION_PARENTS:
            score += 1.0
        if any(word in PARTY_WORDS for word in parent_words[-2:]):
            score -= 4.0
        if parts[0].list_parts is not None:
            score += 3.0
        path = ", ".join(_render(entry.parts) for entry in parts)
        example = ", ".join(_example(entry.values) for entry in parts)
        scored.append((score, Candidate(path, score, example)))
    for entry in entries:
        if entry.norm in LOCATION_TEXT_KEYS and all(isinstance(v, str) for v in entry.values):
            score = 2.0 + (3.0 if entry.list_parts is not None else 0.0)
            scored.append((score, Candidate(_render(entry.parts), score, _example(entry.values))))
    return _ranked(scored)


def _scored(entries, score_fn):
    scored = []
    for entry in entries:
        result = score_fn(entry)
        if result is None:
            continue
        score, found = result if isinstance(result, tuple) else (result, None)
        candidate = Candidate(_render(entry.parts), score, _example(entry.values), found)
        scored.append((score, candidate))
    return _ranked(scored)


def propose(document, split=None):
    """Ranked candidates for each part of ``document`` (a parsed JSON value).

    ``split`` forces the list to split over (a path like ``scans[*]``; ``""``
    for none); by default it is the best split candidate.
    """
    entries, lists = _collect(document)
    splits = _split_candidates(lists)
    if split is None:
        split = splits[0].path if splits else ""
    split_parts = next(
        (parts for parts, _elements in lists if _render((*parts, SPLIT)) == split), None
    )
    entries = [entry for entry in entries if _in_scope(entry, split_parts)]
    by_path = {_render(entry.parts): entry for entry in entries}
    shipment_keys = _scored(entries, _shipment_key_score)
    key_parent = by_path[shipment_keys[0].path].parent if shipment_keys else None
    event_ids = ()
    if split_parts is not None:
        event_ids = _scored(entries, lambda e: _event_id_score(e, key_parent))
        if not event_ids and shipment_keys:
            # No id at all: ids derived from the tracking number (of the first element when
            # every element carries it) and each element's content.
            key = shipment_keys[0]
            event_ids = (Candidate(key.path.replace("[*]", "[0]", 1), 0.0, key.example),)
    statuses = _scored(entries, _status_score)
    codes = ()
    if statuses:
        codes = tuple(dict.fromkeys(str(v) for v in by_path[statuses[0].path].values))
    return Proposal(
        split=splits,
        event_id=event_ids,
        delivery_id=_scored(entries, _delivery_id_score),
        shipment_key=shipment_keys,
        status_code=statuses,
        status_detail=_scored(entries, _detail_score),
        event_time=_scored(entries, _time_score),
        location=_location_candidates(entries),
        status_codes=codes,
    )


def _under_document(path):
    """A document-relative path (or several, separated by commas) as a profile reads it."""
    return ", ".join(
        DOCUMENT_PREFIX + (part if part.startswith("[") else f".{part}")
        for part in (text.strip() for text in path.split(","))
    )


def profile_sources(proposal):
    """Profile field values and endpoint settings from the best candidates.

    The profile splits over the proposed list (ids derived from each element
    when it has no id of its own; without a list, the bridge's id of the
    document); the bridge forwards the document whole, identified by the
    webhook's own delivery id when it has one, and keeps each shipment's
    documents in order by a tracking number read outside the list.
    """

    def source(role):
        candidate = proposal.best(role)
        return _under_document(candidate.path) if candidate else False

    event_time = proposal.best("event_time")
    key = proposal.best("shipment_key")
    delivery_id = proposal.best("delivery_id")
    return {
        "profile": {
            "document_format": "json",
            "path_event_id": source("event_id") or ENVELOPE_EVENT_ID,
            "path_event_type": "=status",
            "path_shipment_reference": source("shipment_key"),
            "path_status_code": source("status_code"),
            "path_status_detail": source("status_detail"),
            "path_event_time": source("event_time"),
            "event_time_format": event_time.time_format if event_time else times.ISO8601,
            "path_location": source("location"),
            "shipment_match_order": "tracking_number, shipment",
        },
        "endpoint": {
            "inbound_format": "json",
            "event_id_path": delivery_id.path if delivery_id else False,
            "ordering_key_path": key.path if key and "[*]" not in key.path else False,
            "split_path": False,
        },
    }
