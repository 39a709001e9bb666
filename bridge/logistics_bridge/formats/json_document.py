"""The ``json`` format: any JSON object or array, kept raw; its events (ids, split, shipment
key) are ``logistics_contract.documents``'s, the ones Odoo's *Try a sample* shows."""

from __future__ import annotations

from logistics_contract.documents import JsonDocuments
from logistics_contract.envelope import Refusal

from ..endpoints import FORMAT_JSON, EndpointSettings
from .decoder import Decoded, RequestContext, load_body
from .raw import raw_event, refused


class JsonDocumentDecoder:
    """Decoder of one ``json`` endpoint (its paths parsed once)."""

    format = FORMAT_JSON
    content_types = ("application/json",)

    def __init__(self, endpoint: EndpointSettings) -> None:
        self._documents = JsonDocuments.from_settings(
            endpoint.event_id_path, endpoint.shipment_key_path, endpoint.split_path
        )

    def decode(self, body: bytes, request: RequestContext) -> Decoded:
        """One event per document, or per element of the split list."""
        document = load_body(body)
        try:
            events = self._documents.events(document, request.endpoint)
        except Refusal as exc:
            raise refused(exc) from None
        # One delivery id covers one event only; a split document has several.
        delivery_id = request.delivery_id if self._documents.split_path is None else None
        return Decoded([raw_event(request, FORMAT_JSON, event, delivery_id) for event in events])
