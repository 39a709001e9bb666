"""The ``x12-214`` format: X12 004010 214 interchanges, one event per ST transaction set.

Event id: ISA06 sender, ISA13, GS06 and ST02 (stable when a file is delivered again).
Shipment key: B10-02 (shipment identification number), else B10-01.
The answer to a good interchange is a 997 accepting every set.
"""

from __future__ import annotations

import hashlib
from datetime import UTC

from ..endpoints import FORMAT_X12_214
from ..exceptions import X12EnvelopeInvalid
from ..x12 import (
    FunctionalGroup,
    Interchange,
    TransactionSet,
    functional_acknowledgement,
    parse_interchange,
    require_version,
)
from .raw import MAX_EVENTS_PER_REQUEST, Decoded, RequestContext, raw_event

CONTENT_TYPE = "application/edi-x12"
VERSION = "004010"


def _shipment_key(transaction: TransactionSet) -> str:
    for segment in transaction.segments:
        if segment[0] == "B10":
            key = (segment[2] if len(segment) > 2 else "") or segment[1]
            if key.strip():
                return key.strip()
            break
    raise X12EnvelopeInvalid(
        f"B10: transaction set {transaction.control_number} has no shipment identification"
        " (B1002 or B1001)",
        fields=["B10"],
    )


def _document(
    interchange: Interchange, group: FunctionalGroup, transaction: TransactionSet
) -> dict[str, object]:
    isa, gs = interchange.isa, group.gs
    return {
        "segments": transaction.segments,
        "isa": {
            "sender_id": isa[6].strip(),
            "receiver_id": isa[8].strip(),
            "control_number": isa[13],
            "date": isa[9],
            "time": isa[10],
        },
        "gs": {
            "sender_code": gs[2],
            "receiver_code": gs[3],
            "control_number": gs[6],
            "version": gs[8],
        },
        "st_control": transaction.control_number,
    }


class X12ShipmentStatusDecoder:
    """Decoder of ``x12-214`` endpoints (no settings of its own)."""

    format = FORMAT_X12_214
    content_types = (CONTENT_TYPE, "text/plain")

    def decode(self, body: bytes, request: RequestContext) -> Decoded:
        """Validate the whole interchange first: either every set becomes an event or none."""
        interchange = parse_interchange(body, max_sets=MAX_EVENTS_PER_REQUEST)
        require_version(interchange, functional_id="QM", version=VERSION, set_code="214")
        events = []
        for group in interchange.groups:
            for transaction in group.sets:
                event_id = ":".join(
                    (
                        interchange.sender_id,
                        interchange.control_number,
                        group.control_number,
                        transaction.control_number,
                    )
                )
                events.append(
                    raw_event(
                        request,
                        format_name=FORMAT_X12_214,
                        event_id=event_id,
                        shipment_key=_shipment_key(transaction),
                        document=_document(interchange, group, transaction),
                    )
                )
        # The 997's own control number, derived from the interchange: a redelivered file
        # is acknowledged under the same number, and no counter has to be kept.
        seed = hashlib.sha256("\n".join(event.event_id for event in events).encode()).digest()
        control_number = int.from_bytes(seed[:8]) % 999_999_999 + 1
        acknowledgement = functional_acknowledgement(
            interchange, control_number, request.received_at.astimezone(UTC)
        )
        return Decoded(events, (CONTENT_TYPE, acknowledgement.encode()))
