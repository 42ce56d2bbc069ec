"""The current trace context and correlation id, read from the active OpenTelemetry span.

The FastAPI instrumentation opens a server span per request (continuing the caller's
`traceparent`); client spans around sidecar calls and activity spans nest under it.
`current()` reads the active span, so log lines and problems carry real span ids;
`outbound_headers()` is what every call leaving the process carries, so daprd joins its
spans to ours. The correlation id rides beside the span in a contextvar (contextvars
follow the request through awaits and `asyncio.to_thread`).
"""

import re
import secrets
import uuid
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState

CORRELATION_HEADER = "x-correlation-id"
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_INVALID_TRACE_ID = "0" * 32
_INVALID_SPAN_ID = "0" * 16


@dataclass(frozen=True)
class TraceContext:
    traceparent: str
    tracestate: str
    correlation_id: str

    @property
    def trace_id(self) -> str:
        return self.traceparent.split("-")[1]

    @property
    def span_id(self) -> str:
        return self.traceparent.split("-")[2]


_correlation: ContextVar[str | None] = ContextVar("orderflow_correlation", default=None)


def _new_traceparent(trace_id: str | None = None) -> str:
    return f"00-{trace_id or secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def parse_traceparent(value: str) -> tuple[str, str, str] | None:
    """(trace id, span id, flags) of a valid version-00 traceparent, else None."""
    match = _TRACEPARENT.match(value.strip().lower())
    if match is None or match.group(1) == _INVALID_TRACE_ID or match.group(2) == _INVALID_SPAN_ID:
        return None
    return match.group(1), match.group(2), match.group(3)


def context_from_headers(headers: Mapping[str, str]) -> TraceContext:
    """A context continuing the caller's trace (a new span id) if its traceparent is
    valid, else a new trace; for code that stands in for a request (tests, tools)."""
    parsed = parse_traceparent(headers.get("traceparent", ""))
    traceparent = _new_traceparent(parsed[0] if parsed else None)
    tracestate = headers.get("tracestate", "").strip() or f"orderflow={traceparent.split('-')[2]}"
    correlation_id = headers.get(CORRELATION_HEADER, "").strip()[:128] or str(uuid.uuid4())
    return TraceContext(traceparent, tracestate, correlation_id)


def span_context(traceparent: str, tracestate: str = "") -> SpanContext | None:
    """The remote span a traceparent names, as a parent for spans of ours."""
    parsed = parse_traceparent(traceparent)
    if parsed is None:
        return None
    trace_id, span_id, flags = parsed
    return SpanContext(
        trace_id=int(trace_id, 16),
        span_id=int(span_id, 16),
        is_remote=True,
        trace_flags=TraceFlags(int(flags, 16) & TraceFlags.SAMPLED),
        trace_state=TraceState.from_header([tracestate]) if tracestate else TraceState(),
    )


def bind(context: TraceContext) -> None:
    """Make `context` the current one, in this task or thread's context, as a request
    would: spans started from here are its children, calls from here carry it."""
    parent = span_context(context.traceparent, context.tracestate)
    if parent is not None:
        otel_context.attach(trace.set_span_in_context(NonRecordingSpan(parent)))
    _correlation.set(context.correlation_id)


def bind_correlation(correlation_id: str) -> None:
    _correlation.set(correlation_id)


def correlation_from_headers(headers: Mapping[str, str]) -> str:
    """The caller's correlation id (bounded), or a new one."""
    return headers.get(CORRELATION_HEADER, "").strip()[:128] or str(uuid.uuid4())


def current() -> TraceContext | None:
    """The active span's context and the correlation id; None outside any span."""
    span = trace.get_current_span().get_span_context()
    if not span.is_valid:
        return None
    trace_id = trace.format_trace_id(span.trace_id)
    span_id = trace.format_span_id(span.span_id)
    # Only the sampled bit: level-1 parsers (daprd's among them) know no other flag.
    flags = f"{int(span.trace_flags) & TraceFlags.SAMPLED:02x}"
    return TraceContext(
        traceparent=f"00-{trace_id}-{span_id}-{flags}",
        tracestate=span.trace_state.to_header() or f"orderflow={span_id}",
        # Work that no request started (a workflow step replayed after a restart) is
        # still findable by its trace id.
        correlation_id=_correlation.get() or trace_id,
    )


def propagated_headers() -> dict[str, str]:
    """The caller's trace context and correlation id, for a call to the sidecar; nothing
    when there is none. Unlike `outbound_headers()` no trace is invented: a made-up
    sampled traceparent would make daprd record a span of every such call (8% of a state
    get's latency, bench/analysis.md) whatever its own sampling rate says."""
    context = current()
    if context is not None:
        return {
            "traceparent": context.traceparent,
            "tracestate": context.tracestate,
            CORRELATION_HEADER: context.correlation_id,
        }
    correlation_id = _correlation.get()
    return {CORRELATION_HEADER: correlation_id} if correlation_id else {}


def outbound_headers() -> dict[str, str]:
    """Headers for a call leaving this process; a call outside any span starts a trace."""
    context = current() or context_from_headers({})
    return {
        "traceparent": context.traceparent,
        "tracestate": context.tracestate,
        CORRELATION_HEADER: context.correlation_id,
    }


_SCALARS = (str, int, float, bool)


def span_attributes(operation: str, context: Mapping[str, Any]) -> dict[str, str | int | float]:
    """A sidecar call's span attributes: the operation and its scalar context values
    (component, key, topic, app id ...), each under `dapr.`."""
    attributes: dict[str, str | int | float] = {"rpc.system": "dapr", "dapr.operation": operation}
    for name, value in context.items():
        if isinstance(value, _SCALARS):
            attributes[f"dapr.{name}"] = value
    return attributes
