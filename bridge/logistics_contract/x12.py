"""X12 004010 214 interchanges: envelope validation (ISA/IEA, GS/GE, ST/SE) and the document
each transaction set becomes.

Delimiters are read from the fixed-width ISA (106 characters): the element separator is the
character after ``ISA``, the component separator is ISA16, the segment terminator is the
character after ISA16; the repetition separator is ISA11 from version 00402 on. Nothing is
assumed about ``*`` or ``~``. Every rule broken is reported with the segment or element
and the rule, e.g. ``SE01 is 9 but the transaction set has 10 segments``.

Each ST 214 becomes one event: ``document`` (the dict the bridge forwards), its id
``ISA06:ISA13:GS06:ST02`` (``ids.joined_id``: a ``:`` or ``%`` inside ISA06 or ST02 is
percent-escaped, so two different sets never share an id; stable when a file is delivered
again) and its shipment key
(B10-02, the shipment identification number, else B10-01). The bridge decodes requests
with ``shipment_status_events`` and Odoo's *Try a sample* reads pasted X12 text with it;
``document_view`` is what Odoo's profile paths read.

PyPI's ``pyx12`` was evaluated and not used: it installs and runs on Python 3.11, but ships
maps only for HIPAA health-care sets (27x, 83x) plus 830/841/997, so a 004010 214 fails
with "Map not found"; the envelope rules needed here are a few dozen lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .documents import DocumentEvent
from .envelope import MAX_EVENTS_PER_REQUEST, Refusal, check_key
from .ids import joined_id

ISA_LENGTH = 106
# ISA01..ISA16 widths; the segment id "ISA" first.
_ISA_WIDTHS = (3, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_REPETITION_FROM_VERSION = "00402"
# Counts (SE01, GE01, IEA01) and control numbers are X12 "N0" numbers: ASCII digits only
# (str.isdigit also takes other scripts' digits) and at most 10 of them, so int() is cheap.
_NUMBER = re.compile(r"[0-9]{1,10}", re.ASCII)
# ST02 is AN 4/9: visible ASCII, it becomes part of the stored event id.
_SET_CONTROL = re.compile(r"[\x21-\x7e]{4,9}", re.ASCII)
# C0, DEL and C1 (U+0080..U+009F: CSI, NEL... arrive as UTF-8 text like any other).
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Never an element or component separator: the space pads ISA elements, and CR/LF may
# follow a segment terminator. Information separators (GS 0x1D, US 0x1F, FS 0x1C), which
# str.isspace counts as whitespace, are delimiters some networks use.
_NOT_A_SEPARATOR = frozenset(" \r\n")
_LINE_BREAK_RUN = re.compile(r"[\r\n]+")
VERSION = "004010"
FUNCTIONAL_ID = "QM"
SET_CODE = "214"
LOOP_SEGMENT = "LX"
# The AT7 loop inside an LX loop: a status (AT7) and the segments that belong to it.
STATUS_SEGMENT = "AT7"
STATUS_LOOP_SEGMENTS = frozenset({"MS1", "MS2"})
ENVELOPE_SEGMENTS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})


class X12Malformed(Refusal):
    """The text is not an X12 interchange (delimiters, truncation, binary data)."""


class X12EnvelopeInvalid(Refusal):
    """An envelope rule is broken (counts, control numbers, required elements)."""


class X12Unsupported(Refusal):
    """A valid interchange of another version, functional group or transaction set."""


@dataclass(frozen=True)
class Delimiters:
    """The separators an interchange declares in its ISA."""

    element: str
    component: str
    segment: str
    repetition: str | None


@dataclass(frozen=True)
class TransactionSet:
    """One ST..SE set; ``segments`` holds ST and SE too, each as its list of elements."""

    segments: list[list[str]]

    @property
    def code(self) -> str:
        """ST01, the transaction set identifier (214, 997...)."""
        return self.segments[0][1]

    @property
    def control_number(self) -> str:
        """ST02."""
        return self.segments[0][2]


@dataclass(frozen=True)
class FunctionalGroup:
    """One GS..GE group: its GS elements and its transaction sets."""

    gs: list[str]
    sets: list[TransactionSet]

    @property
    def functional_id(self) -> str:
        """GS01 (QM for shipment status)."""
        return self.gs[1]

    @property
    def control_number(self) -> str:
        """GS06."""
        return self.gs[6]


@dataclass(frozen=True)
class Interchange:
    """A validated interchange: ISA elements (as received, padded), delimiters, groups."""

    isa: list[str]
    delimiters: Delimiters
    groups: list[FunctionalGroup]

    @property
    def sender_id(self) -> str:
        """ISA06 without its padding (trailing spaces; a leading one is part of the id)."""
        return self.isa[6].rstrip(" ")

    @property
    def control_number(self) -> str:
        """ISA13."""
        return self.isa[13]


def _element(segment: list[str], position: int) -> str:
    return segment[position] if len(segment) > position else ""


def _count(segment: list[str], position: int, actual: int, holder: str, unit: str) -> None:
    name = f"{segment[0]}{position:02d}"
    declared = _element(segment, position)
    if not _NUMBER.fullmatch(declared):
        raise X12EnvelopeInvalid(
            f"{name} is {declared[:20]!r}, not a count (1 to 10 digits)", fields=[name]
        )
    if int(declared) != actual:
        raise X12EnvelopeInvalid(
            f"{name} is {declared} but {holder} has {actual} {unit}", fields=[name]
        )


def _number_value(control: str) -> int | str:
    """An N0 control number as X12 compares it ("01" is "1"); anything else as written."""
    return int(control) if _NUMBER.fullmatch(control) else control


def _same_control(
    trailer: list[str], position: int, header: list[str], header_pos: int, *, numeric: bool
) -> None:
    """The trailer repeats its header's control number; an N0 one (ISA13, GS06) by value,
    an AN one (ST02) character by character."""
    name = f"{trailer[0]}{position:02d}"
    header_name = f"{header[0]}{header_pos:02d}"
    declared, expected = _element(trailer, position), _element(header, header_pos)
    if numeric:
        declared_value, expected_value = _number_value(declared), _number_value(expected)
    else:
        declared_value, expected_value = declared, expected
    if declared_value != expected_value:
        raise X12EnvelopeInvalid(
            f"{name} is {declared!r} but {header_name} is {expected!r}", fields=[name]
        )


def _read_isa(text: str) -> tuple[list[str], Delimiters]:
    if not text.startswith("ISA"):
        raise X12Malformed("ISA: an interchange starts with an ISA segment", fields=["ISA"])
    if len(text) < ISA_LENGTH:
        raise X12Malformed(
            f"ISA: the ISA is {ISA_LENGTH} characters but only {len(text)} were received"
            " (truncated interchange)",
            fields=["ISA"],
        )
    element = text[3]
    isa = text[: ISA_LENGTH - 1].split(element)
    widths = tuple(len(part) for part in isa)
    if element.isalnum() or element in _NOT_A_SEPARATOR or widths != _ISA_WIDTHS:
        raise X12Malformed(
            f"ISA: split at its 4th character {element!r} it is not 16 fixed-width elements"
            " (wrong delimiters or a malformed ISA)",
            fields=["ISA"],
        )
    component, segment = isa[16], text[ISA_LENGTH - 1]
    if component.isalnum() or component in _NOT_A_SEPARATOR or component == element:
        raise X12Malformed(
            f"ISA16: {component!r} cannot be a component separator", fields=["ISA16"]
        )
    if segment.isalnum() or segment in (element, component, " "):
        raise X12Malformed(
            f"ISA: the character after ISA16, {segment!r}, cannot be a segment terminator",
            fields=["ISA"],
        )
    for position, role in ((6, "sender"), (8, "receiver")):
        if not isa[position].strip():
            # The sender is part of every event id; the 997 is addressed to both.
            raise X12EnvelopeInvalid(
                f"ISA{position:02d} is blank: the interchange {role} id is required",
                fields=[f"ISA{position:02d}"],
            )
    repetition = isa[11] if isa[12] >= _REPETITION_FROM_VERSION else None
    return isa, Delimiters(element, component, segment, repetition)


def _split_segments(rest: str, delimiters: Delimiters) -> list[list[str]]:
    pieces = rest.split(delimiters.segment)
    if pieces[-1].strip():
        raise X12Malformed(
            f"{pieces[-1].strip()[:3]}: the last segment has no terminator {delimiters.segment!r}"
            " (truncated interchange)",
            fields=["IEA"],
        )
    segments = []
    for number, piece in enumerate(pieces[:-1], start=2):
        text = piece.strip("\r\n")
        if not text:
            continue
        elements = text.split(delimiters.element)
        if not _SEGMENT_ID.fullmatch(elements[0]):
            raise X12Malformed(
                f"segment {number}: {elements[0][:12]!r} is not a segment identifier"
                f" (wrong delimiters? the ISA declares {delimiters.element!r} and"
                f" {delimiters.segment!r})",
                fields=[f"segment {number}"],
            )
        segments.append(elements)
    return segments


class _Cursor:
    """Walks the segments after the ISA."""

    def __init__(self, segments: list[list[str]], max_sets: int | None) -> None:
        self.segments = segments
        self.position = 0
        self.max_sets = max_sets
        self.sets = 0

    def peek(self) -> str | None:
        if self.position < len(self.segments):
            return self.segments[self.position][0]
        return None

    def take(self) -> list[str]:
        segment = self.segments[self.position]
        self.position += 1
        return segment


def _read_set(cursor: _Cursor) -> TransactionSet:
    cursor.sets += 1
    if cursor.max_sets is not None and cursor.sets > cursor.max_sets:
        # Refused on the first set too many: the rest of a huge interchange is not read.
        raise X12EnvelopeInvalid(
            f"ST: the interchange holds more than {cursor.max_sets} transaction sets;"
            f" at most {cursor.max_sets} per request",
            fields=["ST"],
        )
    st = cursor.take()
    body = [st]
    while cursor.peek() not in (None, "SE", "ST", "GE", "GS", "IEA", "ISA"):
        body.append(cursor.take())
    if cursor.peek() == "ISA":
        # An SE counting it would have had the 997 accept a set holding an envelope.
        raise X12Malformed(
            f"ISA: an interchange header inside transaction set {_element(st, 2)!r}"
            " (one interchange per body)",
            fields=["ISA"],
        )
    if cursor.peek() != "SE":
        raise X12Malformed(
            f"SE: transaction set {_element(st, 2)!r} has no SE trailer (truncated interchange?)",
            fields=["SE"],
        )
    se = cursor.take()
    body.append(se)
    if len(st) < 3:
        raise X12EnvelopeInvalid("ST: ST01 and ST02 are required", fields=["ST02"])
    if not _SET_CONTROL.fullmatch(st[2]):
        raise X12EnvelopeInvalid(
            f"ST02 is {st[2][:20]!r}, not a control number (4 to 9 visible characters)",
            fields=["ST02"],
        )
    _count(se, 1, len(body), "the transaction set", "segments")
    _same_control(se, 2, st, 2, numeric=False)
    return TransactionSet(body)


def _read_group(cursor: _Cursor) -> FunctionalGroup:
    gs = cursor.take()
    if len(gs) < 9:
        raise X12EnvelopeInvalid(f"GS: 8 elements required, {len(gs) - 1} found", fields=["GS"])
    if not _NUMBER.fullmatch(gs[6]):
        raise X12EnvelopeInvalid(f"GS06 is {gs[6][:20]!r}, not a number", fields=["GS06"])
    sets = []
    while cursor.peek() == "ST":
        sets.append(_read_set(cursor))
    if cursor.peek() != "GE":
        found = cursor.peek() or "end of interchange"
        raise X12Malformed(
            f"GE: functional group {gs[6]!r} has no GE trailer ({found} found)", fields=["GE"]
        )
    ge = cursor.take()
    _count(ge, 1, len(sets), "the group", "transaction sets")
    _same_control(ge, 2, gs, 6, numeric=True)
    if not sets:
        # Nothing of it would be stored, so nothing may be acknowledged.
        raise X12EnvelopeInvalid(
            f"ST: functional group {gs[6]} holds no transaction set", fields=["ST"]
        )
    seen: set[str] = set()
    for transaction in sets:
        if transaction.control_number in seen:
            raise X12EnvelopeInvalid(
                f"ST02 {transaction.control_number} is used twice in group {gs[6]}",
                fields=["ST02"],
            )
        seen.add(transaction.control_number)
    return FunctionalGroup(gs, sets)


def _refuse_control_characters(text: str, delimiters: Delimiters) -> None:
    # X12 text holds no control character but the delimiters the ISA declares (and line
    # breaks beside terminators); a NUL or ESC is binary data or a corrupted transfer, not
    # a status message, and would otherwise be kept inside the stored segments.
    allowed = {delimiters.element, delimiters.component, delimiters.segment, "\r", "\n"}
    if delimiters.repetition:
        allowed.add(delimiters.repetition)
    for found in _CONTROL_CHARACTER.finditer(text):
        if found.group() not in allowed:
            raise _control_character(text, found.start(), delimiters)
    # A run of line breaks that touches a terminator (or holds it) ends a segment's line
    # and is left out of every value by splitting; anywhere else it would be kept inside
    # an element. Judged per run, so a long run costs one pass; what follows the last
    # terminator is blank or refused as an unterminated segment.
    terminator = delimiters.segment
    for run in _LINE_BREAK_RUN.finditer(text, 0, text.rfind(terminator) + 1):
        start, end = run.span()
        if not (
            text.startswith(terminator, end)
            or (start and text[start - 1] == terminator)
            or terminator in run.group()
        ):
            raise _control_character(text, start, delimiters)


def _control_character(text: str, offset: int, delimiters: Delimiters) -> X12Malformed:
    where = _element_at(text, offset, delimiters)
    return X12Malformed(
        f"{where}: the interchange holds the control character {text[offset]!r} at"
        f" offset {offset} (control characters are not X12 text)",
        fields=[where],
    )


def _element_at(text: str, offset: int, delimiters: Delimiters) -> str:
    """The name of the element holding ``offset`` (``B1002``), else ``segment <n>``."""
    start = text.rfind(delimiters.segment, 0, offset) + 1
    elements = text[start:offset].split(delimiters.element)
    segment_id = elements[0].strip("\r\n")
    if len(elements) > 1 and _SEGMENT_ID.fullmatch(segment_id):
        return f"{segment_id}{len(elements) - 1:02d}"
    return f"segment {text.count(delimiters.segment, 0, offset) + 1}"


def parse_interchange(data: bytes | str, max_sets: int | None = None) -> Interchange:
    """Parse and validate the envelopes of one interchange; raise naming the rule broken
    (also when it holds more than ``max_sets`` transaction sets)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise X12Malformed("the interchange is not ASCII/UTF-8 text", fields=["ISA"]) from None
    text = data.lstrip("\ufeff \t\r\n")
    isa, delimiters = _read_isa(text)
    _refuse_control_characters(text, delimiters)
    if not _NUMBER.fullmatch(isa[13]):
        raise X12EnvelopeInvalid(f"ISA13 is {isa[13]!r}, not a number", fields=["ISA13"])
    cursor = _Cursor(_split_segments(text[ISA_LENGTH:], delimiters), max_sets)
    groups: list[FunctionalGroup] = []
    # GS06 is N0, unique within the interchange by value: "01" repeats "1".
    group_controls: set[int] = set()
    while cursor.peek() == "GS":
        group = _read_group(cursor)
        if int(group.control_number) in group_controls:
            # Its sets would share their event ids with the first group's.
            raise X12EnvelopeInvalid(
                f"GS06 {group.control_number} is used twice in interchange {isa[13]}",
                fields=["GS06"],
            )
        group_controls.add(int(group.control_number))
        groups.append(group)
    if cursor.peek() is None:
        raise X12Malformed("IEA: missing, the interchange is truncated", fields=["IEA"])
    if cursor.peek() != "IEA":
        raise X12Malformed(
            f"{cursor.peek()}: found where GS or IEA is expected", fields=[str(cursor.peek())]
        )
    iea = cursor.take()
    if cursor.peek() is not None:
        raise X12Malformed(f"{cursor.peek()}: segments after IEA", fields=["IEA"])
    _count(iea, 1, len(groups), "the interchange", "functional groups")
    _same_control(iea, 2, isa, 13, numeric=True)
    if not groups:
        raise X12EnvelopeInvalid("GS: the interchange holds no functional group", fields=["GS"])
    return Interchange(isa, delimiters, groups)


def _require(name: str, actual: str, expected: str) -> None:
    if actual != expected:
        raise X12Unsupported(f"{name} is {actual} but only {expected} is accepted", fields=[name])


def require_version(
    interchange: Interchange, *, functional_id: str, version: str, set_code: str
) -> None:
    """Refuse any group or set other than ``functional_id``/``version``/``set_code``."""
    _require("ISA12", interchange.isa[12], version[:5])
    for group in interchange.groups:
        _require("GS01", group.functional_id, functional_id)
        _require("GS08", group.gs[8], version)
        for transaction in group.sets:
            _require("ST01", transaction.code, set_code)


def _shipment_key(transaction: TransactionSet) -> str:
    """B10-02, else B10-01, of the set's one B10, which stands in its heading (before the
    first LX): a second B10 would be acknowledged but read by nobody, and one inside a loop
    is not where profiles read the shipment (``document.B10[0]``)."""
    positions = [n for n, segment in enumerate(transaction.segments) if segment[0] == "B10"]
    if len(positions) > 1:
        raise X12EnvelopeInvalid(
            f"B10: transaction set {transaction.control_number} holds {len(positions)} B10"
            " segments; a set reports on one shipment, in one B10",
            fields=["B10"],
        )
    first_loop = next(
        (n for n, segment in enumerate(transaction.segments) if segment[0] == LOOP_SEGMENT),
        len(transaction.segments),
    )
    if positions and positions[0] > first_loop:
        raise X12EnvelopeInvalid(
            f"B10: in transaction set {transaction.control_number} the B10 follows an LX;"
            " it belongs to the heading, before the first LX",
            fields=["B10"],
        )
    for position in positions:
        segment = transaction.segments[position]
        key = _element(segment, 2) or _element(segment, 1)
        if key.strip():
            return key.strip()
    raise X12EnvelopeInvalid(
        f"B10: transaction set {transaction.control_number} has no shipment identification"
        " (B1002 or B1001)",
        fields=["B10"],
    )


def _document(
    interchange: Interchange, group: FunctionalGroup, transaction: TransactionSet
) -> dict[str, Any]:
    isa, gs = interchange.isa, group.gs
    return {
        "segments": transaction.segments,
        "isa": {
            "sender_id": interchange.sender_id,
            "receiver_id": isa[8].strip(),
            "control_number": interchange.control_number,
            "date": isa[9],
            "time": isa[10],
        },
        "gs": {
            "sender_code": gs[2],
            "receiver_code": gs[3],
            "control_number": group.control_number,
            "version": gs[8],
        },
        "st_control": transaction.control_number,
    }


def shipment_status_events(
    data: bytes | str, max_sets: int = MAX_EVENTS_PER_REQUEST
) -> tuple[Interchange, list[DocumentEvent]]:
    """The validated interchange and one event per transaction set: all of them or, if
    any rule is broken, a ``Refusal`` naming it."""
    interchange = parse_interchange(data, max_sets=max_sets)
    require_version(interchange, functional_id=FUNCTIONAL_ID, version=VERSION, set_code=SET_CODE)
    events = []
    for group in interchange.groups:
        for transaction in group.sets:
            event_id = joined_id(
                interchange.sender_id,
                interchange.control_number,
                group.control_number,
                transaction.control_number,
            )
            events.append(
                DocumentEvent(
                    check_key("event_id", event_id),
                    check_key("shipment key", _shipment_key(transaction)),
                    _document(interchange, group, transaction),
                )
            )
    return interchange, events


def _status_loops(segments: list[list[str]]) -> list[dict[str, list[list[str]]]]:
    """The view of one LX loop: one dict of its segments by id per status it reports.

    An LX loop repeats its AT7 loop (AT7 with the MS1 and MS2 after it) for each status;
    every status becomes a loop of the view holding its own AT7 group and the LX loop's
    other segments (LX, L11, MAN...), so ``LX[*].AT7[0]`` reads each of them. A loop with
    one status is viewed as before, whole."""
    group_of: list[int | None] = []
    groups = 0
    for segment in segments:
        if segment[0] == STATUS_SEGMENT:
            groups += 1
            group_of.append(groups - 1)
        elif segment[0] in STATUS_LOOP_SEGMENTS and groups:
            group_of.append(groups - 1)
        else:
            group_of.append(None)
    loops = []
    for group in range(max(groups, 1)):
        loop: dict[str, list[list[str]]] = {}
        for segment, owner in zip(segments, group_of, strict=True):
            if owner is None or owner == group or groups <= 1:
                loop.setdefault(segment[0], []).append(segment)
        loops.append(loop)
    return loops


def document_view(document: Any) -> dict[str, Any]:
    """A forwarded document as profile paths read it: the document, plus every segment
    before the first LX by its id, as the list of its occurrences (``B10[0][2]`` is B10-02),
    and ``LX``, the list of status loops, each a dict of its segments (``LX[*].AT7[0][1]`` is
    the status code of every loop; an LX loop reporting several statuses, each in its AT7
    loop, is one status loop per AT7, see ``_status_loops``)."""
    if not isinstance(document, dict) or not isinstance(document.get("segments"), list):
        raise X12Malformed("an X12 document needs a list of segments", fields=["segments"])
    view = dict(document)
    loops: list[list[list[str]]] = []
    for segment in document["segments"]:
        if not isinstance(segment, list) or not segment or not isinstance(segment[0], str):
            raise X12Malformed(
                f"segment {segment!r} is not a list starting with its id", fields=["segments"]
            )
        segment_id = segment[0]
        if segment_id in ENVELOPE_SEGMENTS:
            continue
        if segment_id == LOOP_SEGMENT:
            loops.append([])
        if loops:
            loops[-1].append(segment)
        else:
            view.setdefault(segment_id, []).append(segment)
    view[LOOP_SEGMENT] = [status for loop in loops for status in _status_loops(loop)]
    return view
