"""The app's server spans: one per request, named by route template, probes left out."""

import asyncio

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from app.observability import tracing
from app.observability.telemetry import instrument, otlp_traces_url, tracer_provider


def test_server_spans_are_named_by_route_and_continue_the_callers_trace() -> None:
    """A routed request gets a server span `GET /items/{item_id}` in the caller's trace,
    and the handler sees it as the current context; health probes get none."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = FastAPI()
    seen: list[str] = []

    @app.get("/items/{item_id}")
    async def item(item_id: str) -> dict[str, str]:
        context = tracing.current()
        seen.append(context.traceparent if context else "")
        return {"id": item_id}

    @app.get("/health/live")
    async def live() -> dict[str, bool]:
        return {"live": True}

    instrument(app, provider)
    caller = f"00-{'ab' * 16}-{'cd' * 8}-01"

    async def requests() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            assert (await client.get("/items/7", headers={"traceparent": caller})).is_success
            assert (await client.get("/health/live")).is_success
            assert (await client.get("/health/live?x=1")).is_success

    asyncio.run(requests())
    (span,) = exporter.get_finished_spans()
    assert span.name == "GET /items/{item_id}"
    assert span.kind is SpanKind.SERVER
    assert span.parent is not None
    assert f"{span.parent.span_id:016x}" == "cd" * 8
    assert seen == [f"00-{'ab' * 16}-{span.context.span_id:016x}-01"]


def test_provider_exports_only_with_an_endpoint() -> None:
    """No endpoint: spans are recorded (real ids for logs) but no exporter runs."""
    quiet = tracer_provider("svc", None)
    assert quiet.resource.attributes["service.name"] == "svc"
    with quiet.get_tracer("t").start_as_current_span("s") as span:
        assert span.is_recording()
    assert quiet._active_span_processor._span_processors == ()
    exporting = tracer_provider("svc", "http://127.0.0.1:4318/", 0.5)
    assert len(exporting._active_span_processor._span_processors) == 1
    assert "0.5" in exporting.sampler.get_description()
    exporting.shutdown()
    assert otlp_traces_url("http://c:4318/") == "http://c:4318/v1/traces"
