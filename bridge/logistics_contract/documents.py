"""The ``json`` format: which events the bridge makes of one JSON document.

The bridge decodes every ``json`` request with ``JsonDocuments``, and Odoo's *Try a sample*
runs the same on a pasted document, so Try shows the events the bridge will forward.

- Event id: the text at ``event_id_path`` (a number is taken as its JSON text); without one
  there, ``sha256:`` + SHA-256 of the endpoint code and the document's canonical JSON, so a
  redelivered document is still a duplicate, whatever its whitespace, key order or the way
  its numbers are written.
- ``split_path`` (ending in ``[*]``): every element of that list is its own event, and the
  paths are read from the element (a ``$.`` path from the whole document); an id taken from
  the whole document (the fallback or a ``$.`` path) becomes the element's
  ``ids.derived_id``, ``<id>#<hash of the element>``, as Odoo's profiles split: the same
  element keeps its id wherever it stands in the list.
- Shipment key (the bridge forwards one shipment's events in order): the text at
  ``shipment_key_path``; without one, every event of a document shares the document key
  ``document:<document hash>``, so the order still holds within the document.

Ids and keys obey the envelope's key rule. An empty document (``{}``, ``[]``) is refused:
it holds no event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .content import canonical_json
from .envelope import MAX_EVENTS_PER_REQUEST, Refusal, check_key
from .ids import derived_id
from .paths import MISSING, JsonPath, parse_path, scalar_text

FALLBACK_ID_PREFIX = "sha256:"
DOCUMENT_KEY_PREFIX = "document:"


@dataclass(frozen=True)
class DocumentEvent:
    """One event of a raw document (``json`` or ``x12-214``): its id, its shipment key, and
    the JSON value forwarded."""

    event_id: str
    shipment_key: str
    document: Any


def _setting(name: str, text: str | None, *, split: bool = False) -> JsonPath | None:
    if not text:
        return None
    try:
        return parse_path(text, allow_split=split)
    except ValueError as exc:
        raise Refusal(f"{name}: {exc}", fields=[name]) from None


@dataclass(frozen=True)
class JsonDocuments:
    """The ``json`` settings of one endpoint, parsed once."""

    event_id_path: JsonPath | None = None
    shipment_key_path: JsonPath | None = None
    split_path: JsonPath | None = None

    @classmethod
    def from_settings(
        cls,
        event_id_path: str | None = None,
        shipment_key_path: str | None = None,
        split_path: str | None = None,
    ) -> JsonDocuments:
        """Parse the endpoint's path settings; a ``Refusal`` names a malformed one."""
        return cls(
            _setting("event_id_path", event_id_path),
            _setting("shipment_key_path", shipment_key_path),
            _setting("split_path", split_path, split=True),
        )

    def events(self, document: Any, endpoint: str) -> list[DocumentEvent]:
        """The events of ``document`` (received on ``endpoint``), all or none: a ``Refusal``
        names the path or key at fault."""
        if not isinstance(document, dict | list):
            raise Refusal("body must be a JSON object or array", fields=["(body)"])
        if not document:
            # Nothing in it to map, and every empty document would share one id.
            raise Refusal("the document is empty ({} or []): it holds no event", ["(body)"])
        elements = self._elements(document)
        # The document's canonical form, not its bytes: a resend written with other
        # whitespace or key order is the same event again.
        canonical = canonical_json(document).encode()
        digest = (
            FALLBACK_ID_PREFIX + hashlib.sha256(endpoint.encode() + b"\n" + canonical).hexdigest()
        )
        split = self.split_path is not None
        events = []
        for element in elements:
            event_id = self._text("event_id_path", element, document) or digest
            if split and (event_id == digest or self.event_id_path.from_root):
                # One id for the whole document: each element needs its own.
                event_id = derived_id(event_id, element)
            shipment_key = self._text("shipment_key_path", element, document)
            events.append(
                DocumentEvent(
                    check_key("event_id", event_id),
                    check_key("shipment key", shipment_key or DOCUMENT_KEY_PREFIX + digest),
                    element,
                )
            )
        return events

    def _elements(self, document: Any) -> list[Any]:
        if self.split_path is None:
            return [document]
        where = f"split_path {self.split_path.text}"
        elements = self.split_path.resolve(document)
        if elements is MISSING:
            raise Refusal(f"{where}: the document has no list there", [self.split_path.text])
        if not elements:
            raise Refusal(
                f"{where}: the list is empty, the document holds no event", [self.split_path.text]
            )
        if len(elements) > MAX_EVENTS_PER_REQUEST:
            raise Refusal(
                f"{where}: the list holds {len(elements)} elements;"
                f" at most {MAX_EVENTS_PER_REQUEST} events per request",
                [self.split_path.text],
            )
        return elements

    def _text(self, setting: str, element: Any, document: Any) -> str | None:
        """The id at the setting's path; None when absent or empty."""
        path = getattr(self, setting)
        if path is None:
            return None
        try:
            return scalar_text(path.resolve(element, document)) or None
        except ValueError as exc:
            raise Refusal(f"{setting} {path.text}: {exc}", fields=[path.text]) from None
