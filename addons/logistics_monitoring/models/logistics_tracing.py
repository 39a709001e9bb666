import logging

from odoo import api, models

from ..tracing import build_provider

_logger = logging.getLogger(__name__)

OTEL_PARAM = "logistics_monitoring.otel_exporter"


class LogisticsTracing(models.AbstractModel):
    """Where outbound spans go: nowhere unless an exporter is configured (the default).

    The tracer provider lives with the registry (one per database and process,
    its batch exporter thread included); changing the setting replaces it.
    """

    _name = "logistics.tracing"
    _description = "Logistics OpenTelemetry Tracing"

    @api.model
    def _provider(self):
        """The tracer provider for the configured exporter, or None when tracing is off."""
        kind = self.env["ir.config_parameter"].sudo().get_param(OTEL_PARAM) or ""
        if not kind:
            return None
        cache = self.pool.__dict__.setdefault("_logistics_tracer_providers", {})
        if kind not in cache:
            exporter = self._span_exporter(kind)
            cache[kind] = build_provider(exporter) if exporter is not None else None
        return cache[kind]

    @api.model
    def _span_exporter(self, kind):
        """The SDK exporter named by the setting; None (logged) when it cannot be built."""
        if kind == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter

            return ConsoleSpanExporter()
        if kind == "otlp":
            try:
                from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
                    OTLPSpanExporter,
                )
            except ImportError:
                _logger.error(
                    "OpenTelemetry export set to OTLP, but opentelemetry-exporter-otlp-proto-http "
                    "is not installed: tracing stays off"
                )
                return None
            # Endpoint and headers from the standard OTEL_EXPORTER_OTLP_* variables.
            return OTLPSpanExporter()
        _logger.error("unknown OpenTelemetry exporter %r: tracing stays off", kind)
        return None

    @api.model
    def _reset_providers(self):
        """Flush and drop the providers, so that a changed setting takes effect."""
        for provider in self.pool.__dict__.pop("_logistics_tracer_providers", {}).values():
            if provider is not None:
                provider.shutdown()
