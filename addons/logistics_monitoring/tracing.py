"""OpenTelemetry spans for outbound calls and inbound events: plain Python over the SDK,
no Odoo.

Every outbound span of a transaction shares one trace id, derived from its correlation id
(``logistics_integration.outbound.trace_id``), and one virtual parent span id, so
a tracing backend groups an order's calls the way the correlation id does. An inbound
event whose sender traced its call (the ``traceparent`` the bridge kept) is ingested in a
span that continues the sender's trace.
"""

import hashlib
from contextlib import contextmanager

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.trace import (
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    TraceFlags,
    set_span_in_context,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

SERVICE_NAME = "odoo-logistics"
TRACER_NAME = "logistics_monitoring"


def build_provider(exporter, *, batch=True):
    """A tracer provider exporting to ``exporter`` (batched, or one by one in tests)."""
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    processor = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    return provider


def transaction_context(trace_id_hex):
    """Parent context of a transaction's spans: its trace id and a virtual root span."""
    root_span_id = int(hashlib.sha256(trace_id_hex.encode()).hexdigest()[:16], 16) or 1
    parent = SpanContext(
        trace_id=int(trace_id_hex, 16),
        span_id=root_span_id,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    return set_span_in_context(NonRecordingSpan(parent))


def traceparent_of(span):
    """W3C ``traceparent`` header naming ``span``."""
    context = span.get_span_context()
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


@contextmanager
def outbound_span(provider, trace_id_hex, name, attributes):
    """A client span around one outbound call, recording an exception that escapes."""
    tracer = provider.get_tracer(TRACER_NAME)
    with tracer.start_as_current_span(
        name,
        context=transaction_context(trace_id_hex),
        kind=SpanKind.CLIENT,
        attributes=attributes,
    ) as span:
        yield span


def inbound_span(provider, traceparent, name, attributes) -> Span:
    """A started server span, child of the sender's span named by ``traceparent``; the
    caller ends it. A ``traceparent`` that names no span starts a trace of its own."""
    parent = TraceContextTextMapPropagator().extract({"traceparent": traceparent})
    return provider.get_tracer(TRACER_NAME).start_span(
        name, context=parent, kind=SpanKind.SERVER, attributes=attributes
    )
