"""The ``json`` format: any JSON object or array, kept raw.

The event id comes from ``event_id_path`` (namespaced by endpoint in the inbox); when the
document has none there, it is ``sha256:`` + SHA-256 of the endpoint and the raw body, so a
redelivered body is still a duplicate. With ``split_path`` (ending in ``[*]``) every element
of that list is its own event; the paths are then read from the element (a ``$.`` path from
the whole document), and an id taken from the whole document (fallback or ``$.`` path)
gets ``:<index>`` appended. The shipment key (per-shipment forwarding order) comes from
``shipment_key_path``; without one, every event of a document shares a document-level key
(``document:<body hash>``), so the order still holds within the document.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..endpoints import FORMAT_JSON, EndpointSettings
from ..exceptions import SchemaViolation
from ..jsonpaths import MISSING, JsonPath
from ..safejson import load_json
from .raw import MAX_EVENTS_PER_REQUEST, Decoded, RequestContext, raw_event

MAX_KEY_LENGTH = 255


def _scalar_at(path: JsonPath | None, element: Any, document: Any, setting: str) -> str | None:
    """The string at ``path`` in ``element``; None when absent; refused when not a scalar."""
    if path is None:
        return None
    value = path.resolve(element, document)
    if value is MISSING or value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SchemaViolation(
            f"{setting} {path.text}: the value there is a {type(value).__name__},"
            " not a string or an integer",
            fields=[path.text],
        )
    text = str(value)
    if len(text) > MAX_KEY_LENGTH:
        raise SchemaViolation(
            f"{setting} {path.text}: longer than {MAX_KEY_LENGTH} characters", fields=[path.text]
        )
    return text


class JsonDocumentDecoder:
    """Decoder of one ``json`` endpoint (its paths parsed once)."""

    format = FORMAT_JSON
    content_types = ("application/json",)

    def __init__(self, endpoint: EndpointSettings) -> None:
        self._event_id = endpoint.path("event_id_path")
        self._shipment_key = endpoint.path("shipment_key_path")
        self._split = endpoint.path("split_path")

    def _elements(self, document: Any) -> list[Any]:
        if self._split is None:
            return [document]
        elements = self._split.resolve(document)
        if elements is MISSING:
            raise SchemaViolation(
                f"split_path {self._split.text}: the document has no list there",
                fields=[self._split.text],
            )
        if not elements:
            raise SchemaViolation(
                f"split_path {self._split.text}: the list is empty, the document holds no event",
                fields=[self._split.text],
            )
        if len(elements) > MAX_EVENTS_PER_REQUEST:
            raise SchemaViolation(
                f"split_path {self._split.text}: the list holds {len(elements)} elements;"
                f" at most {MAX_EVENTS_PER_REQUEST} events per request",
                fields=[self._split.text],
            )
        return list(elements)

    def decode(self, body: bytes, request: RequestContext) -> Decoded:
        """One event per document, or per element of the split list."""
        document = load_json(body)
        if not isinstance(document, dict | list):
            raise SchemaViolation("body must be a JSON object or array", fields=["(body)"])
        elements = self._elements(document)
        digest = "sha256:" + hashlib.sha256(request.endpoint.encode() + b"\n" + body).hexdigest()
        split = self._split is not None
        document_key = f"document:{digest}"
        events = []
        for index, element in enumerate(elements):
            event_id = _scalar_at(self._event_id, element, document, "event_id_path")
            if event_id is None:
                event_id = digest
            if split and (event_id == digest or self._event_id.from_root):
                # One id for the whole document: each element needs its own.
                event_id = f"{event_id}:{index}"
            shipment_key = _scalar_at(self._shipment_key, element, document, "shipment_key_path")
            events.append(
                raw_event(
                    request,
                    format_name=FORMAT_JSON,
                    event_id=event_id,
                    shipment_key=shipment_key or document_key,
                    document=element,
                    # One delivery id covers one event only; a split document has several.
                    delivery_id=None if split else request.delivery_id,
                )
            )
        return Decoded(events)
