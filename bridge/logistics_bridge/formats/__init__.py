"""Inbound formats: each turns one authenticated body into the events to store.

Every event is stored with its format and its ordering key (an endpoint's events of one key
are forwarded in receipt order). ``tms-event`` is the bridge's own envelope, stored field by
field, its shipment reference the ordering key. The raw formats (``json``, ``x12-214``) keep
the document as the payload for Odoo's inbound profiles to map, with no event type or
shipment reference of their own (the ordering key is the shipment key the contract finds in
them); ``StoredEvent.to_odoo`` forwards them in the raw shape
``{event_id, format, received_at, correlation_id, document}``.
"""

from __future__ import annotations

from logistics_contract.envelope import MAX_EVENTS_PER_REQUEST

from ..endpoints import FORMAT_JSON, FORMAT_TMS_EVENT, FORMAT_X12_214, EndpointSettings
from ..exceptions import ConfigError
from .decoder import Decoded, Decoder, RequestContext, new_correlation_id
from .json_document import JsonDocumentDecoder
from .tms_event import MAX_REPORTED_ERRORS, TmsEventDecoder
from .x12_214 import X12ShipmentStatusDecoder

__all__ = [
    "MAX_EVENTS_PER_REQUEST",
    "MAX_REPORTED_ERRORS",
    "Decoded",
    "Decoder",
    "RequestContext",
    "build_decoder",
    "new_correlation_id",
]


def build_decoder(code: str, endpoint: EndpointSettings) -> Decoder:
    """The decoder of an endpoint's format."""
    if endpoint.format == FORMAT_TMS_EVENT:
        return TmsEventDecoder()
    if endpoint.format == FORMAT_JSON:
        return JsonDocumentDecoder(endpoint)
    if endpoint.format == FORMAT_X12_214:
        return X12ShipmentStatusDecoder()
    raise ConfigError(f"endpoints.{code}: format {endpoint.format!r} has no decoder")
