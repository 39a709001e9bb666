from opentelemetry.trace import Status, StatusCode

from odoo import models

from ..tracing import inbound_span


class LogisticsIngest(models.AbstractModel):
    _inherit = "logistics.ingest"

    def _ingest(self, endpoint, events):
        """With export on, each event that carries a ``traceparent`` is ingested in a span
        continuing the sender's trace, tagged with Odoo's answer for it."""
        provider = self.env["logistics.tracing"]._provider()
        traced = [
            (index, raw)
            for index, raw in enumerate(events)
            if provider is not None and isinstance(raw, dict) and raw.get("traceparent")
        ]
        if not traced:
            return super()._ingest(endpoint, events)
        spans = {
            index: inbound_span(
                provider,
                str(raw["traceparent"]),
                f"logistics.inbound {endpoint.code}",
                {
                    "logistics.endpoint": endpoint.code,
                    "logistics.event_id": str(raw.get("event_id") or ""),
                    "logistics.correlation_id": str(raw.get("correlation_id") or ""),
                },
            )
            for index, raw in traced
        }
        try:
            answers = super()._ingest(endpoint, events)
        except Exception as exc:
            for span in spans.values():
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, str(exc)))
                span.end()
            raise
        for index, span in spans.items():
            span.set_attribute("logistics.inbound.result", answers[index]["result"])
            span.end()
        return answers
