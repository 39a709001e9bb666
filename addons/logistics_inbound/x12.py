"""X12 214 transaction sets as inbound documents.

The bridge validates interchanges and forwards each ST 214 as a raw document
``{"segments": [["ST", "214", "0001"], [id, element 1, ...], ..., ["SE", ...]],
"isa": {"sender_id", "receiver_id", "control_number", "date", "time"},
"gs": {"sender_code", "receiver_code", "control_number", "version"},
"st_control": "0001"}``. ``document_view`` adds what profile paths read:
every segment id before the first LX as a list of its occurrences
(``document.B10[0][2]`` is B10-02, the shipment identification number) and
``LX``, the list of LX loops, each a dict of its segments
(``document.LX[*].AT7[0][1]`` is the status code of every loop).

``parse_interchange`` reads X12 text into the same documents, tolerantly (no
envelope validation: that is the bridge's job), for trying samples in Odoo.
"""

ISA_LENGTH = 106
LOOP_SEGMENT = "LX"
ENVELOPE_SEGMENTS = {"ISA", "IEA", "GS", "GE", "ST", "SE"}


class X12ParseError(ValueError):
    """The text is not an X12 interchange this parser can read."""


def document_view(document):
    """``document`` plus its segments by id and its LX loops (see the module doc)."""
    if not isinstance(document, dict) or not isinstance(document.get("segments"), list):
        raise X12ParseError("an X12 document needs a list of segments")
    view = dict(document)
    loops = []
    current = view
    for segment in document["segments"]:
        if not isinstance(segment, list) or not segment or not isinstance(segment[0], str):
            raise X12ParseError(f"segment {segment!r} is not a list starting with its id")
        segment_id = segment[0]
        if segment_id in ENVELOPE_SEGMENTS:
            continue
        if segment_id == LOOP_SEGMENT:
            current = {}
            loops.append(current)
        current.setdefault(segment_id, []).append(segment)
    view[LOOP_SEGMENT] = loops
    return view


def parse_interchange(text):
    """The transaction sets of an X12 interchange, as bridge documents."""
    text = text.strip()
    if not text.startswith("ISA") or len(text) < ISA_LENGTH:
        raise X12ParseError("X12 text must start with a complete ISA segment")
    element_separator = text[3]
    terminator = text[105]  # the character after ISA16
    segments = [
        part.strip("\r\n ").split(element_separator)
        for part in text.split(terminator)
        if part.strip("\r\n ")
    ]
    isa = segments[0]
    if len(isa) < 17:
        raise X12ParseError("the ISA segment has fewer than 16 elements")
    interchange = {
        "sender_id": isa[6].strip(),
        "receiver_id": isa[8].strip(),
        "control_number": isa[13],
        "date": isa[9],
        "time": isa[10],
    }
    documents, group, current = [], {}, None
    for segment in segments[1:]:
        segment_id = segment[0]
        if segment_id == "GS":
            padded = segment + [""] * (9 - len(segment))
            group = {
                "sender_code": padded[2],
                "receiver_code": padded[3],
                "control_number": padded[6],
                "version": padded[8],
            }
        elif segment_id == "ST":
            current = {
                "segments": [segment],
                "isa": interchange,
                "gs": group,
                "st_control": segment[2] if len(segment) > 2 else "",
            }
        elif current is not None:
            current["segments"].append(segment)
            if segment_id == "SE":
                documents.append(current)
                current = None
        elif segment_id == "SE":
            raise X12ParseError("SE without ST")
    if current is not None:
        raise X12ParseError("transaction set without SE (truncated interchange?)")
    if not documents:
        raise X12ParseError("no ST transaction set in the interchange")
    return documents
