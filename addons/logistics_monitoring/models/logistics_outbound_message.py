from odoo import models

from odoo.addons.logistics_integration import outbound

from ..tracing import outbound_span, traceparent_of

TRACEPARENT_CONTEXT = "logistics_traceparent"


class LogisticsOutboundMessage(models.Model):
    _inherit = "logistics.outbound.message"

    def _send(self):
        provider = self.env["logistics.tracing"]._provider()
        if provider is None:
            return super()._send()
        self.ensure_one()
        attributes = {
            "logistics.endpoint": self.endpoint_id.code,
            "logistics.exchange_type": self.exchange_type_code or "",
            "logistics.correlation_id": self.correlation_id or "",
            "logistics.idempotency_key": self.idempotency_key or "",
            "logistics.payload_version": self.payload_version,
            "http.request.method": self.http_method or "",
        }
        with outbound_span(
            provider,
            outbound.trace_id(self.correlation_id),
            f"logistics.outbound {self.exchange_type_code}",
            attributes,
        ) as span:
            traced = self.with_context(**{TRACEPARENT_CONTEXT: traceparent_of(span)})
            summary = super(LogisticsOutboundMessage, traced)._send()
            span.set_attribute("logistics.outbound.state", self.state)
            return summary

    def _traceparent(self):
        return self.env.context.get(TRACEPARENT_CONTEXT) or super()._traceparent()
