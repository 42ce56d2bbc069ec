"""The app's OpenTelemetry tracer provider: built once per app, flushed at shutdown.

Spans are always recorded (so log lines and outbound calls carry real span ids) and
exported over OTLP/HTTP (protobuf) only when `otlp_endpoint` is set. The provider is
passed to whoever makes spans rather than installed process-wide: tests build several
apps in one process, each with its own settings.
"""

import re

from fastapi import FastAPI
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

# daprd probes these every few seconds; a span each would bury the traces that matter.
UNTRACED_ROUTES = ("/health/live", "/health/ready", "/metrics", "/healthz")


def otlp_traces_url(endpoint: str) -> str:
    """The OTLP/HTTP traces URL of a collector's base address."""
    return endpoint.rstrip("/") + "/v1/traces"


def tracer_provider(
    service_name: str, otlp_endpoint: str | None, sampling_ratio: float = 1.0
) -> TracerProvider:
    """Parent-based ratio sampling: a sampled caller's trace is always continued, a
    new trace is sampled at `sampling_ratio`. No endpoint: nothing is exported."""
    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: service_name}),
        sampler=ParentBased(TraceIdRatioBased(sampling_ratio)),
    )
    if otlp_endpoint:
        # The batch interval and queue come from OTEL_BSP_* variables when set.
        exporter = OTLPSpanExporter(endpoint=otlp_traces_url(otlp_endpoint), timeout=5)
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def untraced_url_patterns(routes: tuple[str, ...]) -> list[str]:
    """Patterns the instrumentation searches in each request's *full* URL."""
    return [rf"://[^/]+{re.escape(route)}(\?|$)" for route in routes]


def instrument(
    app: FastAPI, provider: TracerProvider, untraced: tuple[str, ...] = UNTRACED_ROUTES
) -> None:
    """A server span per request, named by method and route template."""
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls=",".join(untraced_url_patterns(untraced)),
        # The ASGI receive/send sub-spans add nothing an order's trace needs.
        exclude_spans=["receive", "send"],
    )
