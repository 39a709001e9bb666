"""Inbound formats other than the ``tms-event`` envelope: each turns one authenticated body
into the events to store, kept raw for Odoo's inbound profiles to map.

A raw event is stored with ``event_type`` set to its format name (``json``, ``x12-214``),
the document as its payload and the per-shipment ordering key as ``shipment_reference``;
``StoredEvent.to_odoo`` forwards it in the raw shape
``{event_id, format, received_at, correlation_id, document}``.
"""

from __future__ import annotations

from logistics_contract.envelope import MAX_EVENTS_PER_REQUEST

from ..endpoints import FORMAT_JSON, FORMAT_X12_214, EndpointSettings
from ..exceptions import ConfigError
from .json_document import JsonDocumentDecoder
from .raw import Decoded, Decoder, RequestContext
from .x12_214 import X12ShipmentStatusDecoder

__all__ = ["MAX_EVENTS_PER_REQUEST", "Decoded", "Decoder", "RequestContext", "build_decoder"]


def build_decoder(code: str, endpoint: EndpointSettings) -> Decoder:
    """The decoder of a ``json`` or ``x12-214`` endpoint."""
    if endpoint.format == FORMAT_JSON:
        return JsonDocumentDecoder(endpoint)
    if endpoint.format == FORMAT_X12_214:
        return X12ShipmentStatusDecoder()
    raise ConfigError(f"endpoints.{code}: format {endpoint.format!r} has no raw decoder")
