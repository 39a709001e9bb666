"""What every format shares: the reading of a JSON body, the request context a decoder reads,
the decoder protocol and what it returns."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from logistics_contract import safejson

from ..exceptions import MalformedJson, NumberOutOfRange
from ..models import NewEvent


def load_body(body: bytes) -> Any:
    """The JSON of ``body`` by the contract's rules (``logistics_contract.safejson``);
    what they refuse is answered 400 ``malformed_json`` or 422 ``number_out_of_range``
    naming the fields."""
    try:
        return safejson.load_json(body)
    except safejson.NumberOutOfRange as exc:
        raise NumberOutOfRange(str(exc), fields=exc.fields) from None
    except safejson.MalformedJson as exc:
        raise MalformedJson(str(exc)) from None


def new_correlation_id() -> str:
    """A random (version 4) UUID for events that come without a correlation id.

    From ``random``'s generator (seeded by the system once), not ``uuid.uuid4``'s
    ``os.urandom``: a correlation id is a label, not a secret, and a system call on a
    request's path makes its thread give up the interpreter lock and queue behind the busy
    ones to take it back, context switches that a loaded bridge pays on every request."""
    # uuid.UUID(int=..., version=4) sets these bits too, with more work per call.
    value = random.getrandbits(128) & _NOT_VERSION_NOR_VARIANT | _VERSION_4_RFC_4122
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_NOT_VERSION_NOR_VARIANT = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_4_RFC_4122 = (0x4000 << 64) | (0x8000 << 48)


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What a decoder needs to know about the request besides its body."""

    endpoint: str
    received_at: datetime
    correlation_id: str  # the request's X-Correlation-ID, else one made for the request
    delivery_id: str | None = None
    traceparent: str | None = None
    correlation_from_header: bool = False  # correlation_id is the request's X-Correlation-ID


@dataclass(slots=True)
class Decoded:
    """The events of one body, and the acknowledgement to answer with once they are stored."""

    events: list[NewEvent]
    acknowledgement: tuple[str, bytes] | None = None  # (Content-Type, body)


class Decoder(Protocol):
    """Turns one authenticated body into events (all or none: errors are ``RequestRejected``)."""

    format: str
    content_types: tuple[str, ...]

    def decode(self, body: bytes, request: RequestContext) -> Decoded:
        """Validate ``body`` and return its events; raise a ``RequestRejected`` otherwise."""
