from unittest.mock import patch

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from odoo.addons.logistics_inbound.tests.common import LogisticsInboundCase

from ..models.logistics_tracing import OTEL_PARAM, LogisticsTracing

SENDER_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SENDER_SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{SENDER_TRACE_ID}-{SENDER_SPAN_ID}-01"


class TestInboundTrace(LogisticsInboundCase):
    """The sender's traceparent, kept by the bridge: on the inbox record, in the shipment's
    trace, and the parent of the ingest span when OpenTelemetry export is on."""

    def setUp(self):
        super().setUp()
        self.tracing = self.env["logistics.tracing"]
        self.addCleanup(self.tracing._reset_providers)

    def _inbox_record(self, event):
        return self.env["logistics.inbound.event"].search(
            [("external_event_id", "=", event["event_id"])]
        )

    def test_ingest_keeps_the_traceparent_and_the_trace_shows_it(self):
        traced = dict(self._event(status_code="AF"), traceparent=TRACEPARENT)
        untraced = self._event(status_code="X6")
        answers = self._ingest(traced, untraced)
        self.assertEqual([answer["result"] for answer in answers], ["processed", "processed"])
        self.assertEqual(self._inbox_record(traced).traceparent, TRACEPARENT)
        self.assertFalse(self._inbox_record(untraced).traceparent)

        action = self.shipment.action_open_trace()
        entries = self.env[action["res_model"]].search(action["domain"])
        inbound = entries.filtered(lambda entry: entry.kind == "inbound")
        by_record = {entry.res_id: entry.traceparent for entry in inbound}
        self.assertEqual(
            by_record,
            {self._inbox_record(traced).id: TRACEPARENT, self._inbox_record(untraced).id: False},
        )
        # the milestone the traced event made carries it too, nothing else does
        milestones = entries.filtered(lambda entry: entry.kind == "milestone")
        self.assertEqual(
            {entry.res_id: entry.traceparent for entry in milestones},
            {
                self._inbox_record(traced).milestone_id.id: TRACEPARENT,
                self._inbox_record(untraced).milestone_id.id: False,
            },
        )
        others = entries.filtered(lambda entry: entry.kind not in ("inbound", "milestone"))
        self.assertFalse(any(others.mapped("traceparent")))

    def test_no_span_while_export_is_off(self):
        self.assertFalse(self.env["ir.config_parameter"].sudo().get_param(OTEL_PARAM))
        event = dict(self._event(status_code="AF"), traceparent=TRACEPARENT)
        self.assertEqual(self._ingest_one(event)["result"], "processed")
        self.assertIsNone(self.tracing._provider())

    def test_ingest_span_continues_the_senders_trace(self):
        exporter = InMemorySpanExporter()
        self.env["ir.config_parameter"].sudo().set_param(OTEL_PARAM, "console")
        traced = dict(self._event(status_code="AF"), traceparent=TRACEPARENT)
        untraced = self._event(status_code="X6")
        with patch.object(LogisticsTracing, "_span_exporter", return_value=exporter):
            self._ingest(traced, untraced)
            self.tracing._provider().force_flush()

        (span,) = exporter.get_finished_spans()
        self.assertEqual(span.name, f"logistics.inbound {self.source_endpoint.code}")
        self.assertEqual(span.kind, SpanKind.SERVER)
        self.assertEqual(f"{span.context.trace_id:032x}", SENDER_TRACE_ID)
        self.assertEqual(f"{span.parent.span_id:016x}", SENDER_SPAN_ID)
        self.assertTrue(span.parent.is_remote)
        self.assertEqual(span.attributes["logistics.event_id"], traced["event_id"])
        self.assertEqual(span.attributes["logistics.inbound.result"], "processed")
