import uuid
from unittest.mock import patch

import responses
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from odoo.addons.logistics_tms_export.tests.common import TmsExportCase

from ..models.logistics_tracing import OTEL_PARAM, LogisticsTracing

ORDERS_URL = "http://127.0.0.1:8999/v1/orders"


class TestTracing(TmsExportCase):
    """OpenTelemetry export of outbound calls: off by default, one span per call when on."""

    def setUp(self):
        super().setUp()
        self.order, self.shipment = self._export_order()
        self.message = self._last_message(self.shipment)
        self.tracing = self.env["logistics.tracing"]
        self.addCleanup(self.tracing._reset_providers)
        responses.start()
        self.addCleanup(responses.stop)
        self.addCleanup(responses.reset)
        responses.post(ORDERS_URL, status=201, json={"planning_reference": "TMS-OTEL-1"})

    def test_off_by_default(self):
        self.assertFalse(self.env["ir.config_parameter"].sudo().get_param(OTEL_PARAM))
        self.assertIsNone(self.tracing._provider())
        self.message._send()
        header = responses.calls[0].request.headers["traceparent"]
        self.assertTrue(
            header.startswith(f"00-{uuid.UUID(self.order.logistics_correlation_id).hex}-")
        )

    def test_one_span_per_call_in_the_transaction_trace(self):
        exporter = InMemorySpanExporter()
        self.env["ir.config_parameter"].sudo().set_param(OTEL_PARAM, "console")
        with patch.object(LogisticsTracing, "_span_exporter", return_value=exporter):
            self.message._send()
            self.tracing._provider().force_flush()

        (span,) = exporter.get_finished_spans()
        self.assertEqual(span.name, "logistics.outbound tms_order_create")
        self.assertEqual(span.kind, SpanKind.CLIENT)
        trace_id = uuid.UUID(self.order.logistics_correlation_id).hex
        self.assertEqual(f"{span.context.trace_id:032x}", trace_id)
        self.assertEqual(span.attributes["logistics.endpoint"], self.endpoint.code)
        self.assertEqual(span.attributes["logistics.outbound.state"], "sent")
        self.assertEqual(
            span.attributes["logistics.correlation_id"], self.order.logistics_correlation_id
        )
        # The TMS received the span's own context.
        header = responses.calls[0].request.headers["traceparent"]
        self.assertEqual(header, f"00-{trace_id}-{span.context.span_id:016x}-01")

    def test_unknown_exporter_leaves_tracing_off(self):
        self.env["ir.config_parameter"].sudo().set_param(OTEL_PARAM, "zipkin")
        with self.assertLogs("odoo.addons.logistics_monitoring.models.logistics_tracing", "ERROR"):
            self.assertIsNone(self.tracing._provider())
