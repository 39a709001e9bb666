"""The ``x12-214`` format: X12 004010 214 interchanges, one event per ST transaction set
(``logistics_contract.x12``: id ``ISA06:ISA13:GS06:ST02``, shipment key B10-02 else B10-01).
The answer to a good interchange is a 997 accepting every set.
"""

from __future__ import annotations

import hashlib
from datetime import UTC

from logistics_contract.envelope import Refusal
from logistics_contract.x12 import shipment_status_events

from ..endpoints import FORMAT_X12_214
from ..x12 import functional_acknowledgement
from .decoder import Decoded, RequestContext
from .raw import raw_event, refused

CONTENT_TYPE = "application/edi-x12"


class X12ShipmentStatusDecoder:
    """Decoder of ``x12-214`` endpoints (no settings of its own)."""

    format = FORMAT_X12_214
    content_types = (CONTENT_TYPE, "text/plain")

    def decode(self, body: bytes, request: RequestContext) -> Decoded:
        """Validate the whole interchange first: either every set becomes an event or none."""
        try:
            interchange, transactions = shipment_status_events(body)
        except Refusal as exc:
            raise refused(exc) from None
        events = [raw_event(request, FORMAT_X12_214, transaction) for transaction in transactions]
        # The 997's own control number, derived from the interchange: a redelivered file
        # is acknowledged under the same number, and no counter has to be kept.
        seed = hashlib.sha256("\n".join(event.event_id for event in events).encode()).digest()
        control_number = int.from_bytes(seed[:8]) % 999_999_999 + 1
        acknowledgement = functional_acknowledgement(
            interchange, control_number, request.received_at.astimezone(UTC)
        )
        return Decoded(events, (CONTENT_TYPE, acknowledgement.encode()))
