"""The trace-context helpers: what calls leaving the process carry, read from OTel spans."""

import contextvars
import re

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import format_span_id, format_trace_id

from app.observability import tracing
from app.observability.tracing import span_attributes
from app.observability.workflow_tracing import ActivityTracing

TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-01$")


def _recording() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def test_outbound_headers_carry_the_active_span() -> None:
    """Inside a span, the traceparent names that span and the correlation id rides along."""
    provider, _ = _recording()

    def call() -> None:
        tracing.bind_correlation("corr-1")
        with provider.get_tracer("t").start_as_current_span("client") as span:
            headers = tracing.outbound_headers()
            context = span.get_span_context()
            expected = f"00-{format_trace_id(context.trace_id)}-{format_span_id(context.span_id)}"
            assert headers["traceparent"] == expected + "-01"
            assert headers[tracing.CORRELATION_HEADER] == "corr-1"
            assert headers["tracestate"]

    contextvars.copy_context().run(call)


def test_outside_any_span_a_call_starts_a_new_trace() -> None:
    """No active span: each call gets a fresh valid traceparent, and current() is None."""

    def call() -> None:
        assert tracing.current() is None
        first, second = tracing.outbound_headers(), tracing.outbound_headers()
        assert TRACEPARENT.match(first["traceparent"])
        assert first["traceparent"].split("-")[1] != second["traceparent"].split("-")[1]

    contextvars.copy_context().run(call)


def test_bound_context_is_the_parent_of_new_spans() -> None:
    """bind() makes a request's context current: a span started then is its child."""
    provider, exporter = _recording()
    bound = tracing.context_from_headers({"traceparent": f"00-{'ab' * 16}-{'cd' * 8}-01"})

    def call() -> None:
        tracing.bind(bound)
        assert tracing.current() == bound
        with provider.get_tracer("t").start_as_current_span("child"):
            pass

    contextvars.copy_context().run(call)
    (span,) = exporter.get_finished_spans()
    assert format_trace_id(span.context.trace_id) == "ab" * 16
    assert span.parent is not None
    assert format_span_id(span.parent.span_id) == bound.span_id


def test_invalid_traceparents_are_refused() -> None:
    """Malformed, all-zero ids or another version do not name a parent."""
    for value in ("", "garbage", f"00-{'0' * 32}-{'1' * 16}-01", f"00-{'1' * 32}-{'0' * 16}-01"):
        assert tracing.span_context(value) is None
    assert tracing.parse_traceparent(f"00-{'A' * 32}-{'b' * 16}-01") == ("a" * 32, "b" * 16, "01")


def test_context_from_headers_continues_the_callers_trace() -> None:
    """A valid inbound traceparent keeps its trace id with a new span id; the correlation
    id is the caller's, bounded, or a new one."""
    inbound = {"traceparent": f"00-{'12' * 16}-{'34' * 8}-01", "x-correlation-id": "c" * 500}
    context = tracing.context_from_headers(inbound)
    assert context.trace_id == "12" * 16
    assert context.span_id != "34" * 8
    assert context.correlation_id == "c" * 128
    assert tracing.context_from_headers({}).correlation_id


def test_activities_continue_the_trace_their_instance_started_in() -> None:
    """An activity runs in a span under the context its instance was started in, with
    that request's correlation id; an unknown instance's activity starts its own trace."""
    provider, exporter = _recording()
    activity_tracing = ActivityTracing(provider.get_tracer("t"))
    started_in = tracing.context_from_headers({"x-correlation-id": "order-7"})
    activity_tracing.started("wf-1", started_in)
    seen: list[tracing.TraceContext | None] = []

    class Ctx:
        def __init__(self, workflow_id: str) -> None:
            self.workflow_id = workflow_id
            self.task_id = 3

    def activity(ctx: Ctx, payload: int) -> int:
        seen.append(tracing.current())
        return payload + 1

    traced = activity_tracing.traced(activity, "charge_payment")
    assert traced(Ctx("wf-1"), 1) == 2
    assert traced(Ctx("unknown"), 1) == 2
    assert traced(Ctx("wf-1:shipping"), 1) == 2  # a child workflow's activity

    known, unknown, child = exporter.get_finished_spans()
    assert child.parent == known.parent
    assert known.name == "activity charge_payment"
    assert format_trace_id(known.context.trace_id) == started_in.trace_id
    assert known.parent is not None
    assert format_span_id(known.parent.span_id) == started_in.span_id
    assert known.attributes is not None
    assert known.attributes["dapr.workflow.task_id"] == 3
    assert seen[0] is not None
    assert seen[0].correlation_id == "order-7"
    assert unknown.parent is None
    assert format_trace_id(unknown.context.trace_id) != started_in.trace_id
    # The correlation id did not leak into the next activity on the same thread.
    assert seen[1] is not None
    assert seen[1].correlation_id == seen[1].trace_id


def test_span_attributes_keep_scalar_context() -> None:
    """Sidecar-call spans name the operation and its scalar context, nothing else."""
    attributes = span_attributes("state get", {"store": "statestore", "keys": ["a"], "n": 2})
    assert attributes == {
        "rpc.system": "dapr",
        "dapr.operation": "state get",
        "dapr.store": "statestore",
        "dapr.n": 2,
    }
