"""W3C trace context and the correlation id of the current request, for outbound calls.

Inbound middleware binds them per request (contextvars follow the request through
awaits and `asyncio.to_thread`); every call to the sidecar carries them, so daprd joins
its spans to ours and the callee sees the same trace.
"""

import re
import secrets
import uuid
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass

CORRELATION_HEADER = "x-correlation-id"
_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


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


_current: ContextVar[TraceContext | None] = ContextVar("orderflow_trace", default=None)


def _new_traceparent(trace_id: str | None = None) -> str:
    return f"00-{trace_id or secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def context_from_headers(headers: Mapping[str, str]) -> TraceContext:
    """Continue the caller's trace if its traceparent is valid, else start one."""
    inbound = headers.get("traceparent", "").strip().lower()
    match = _TRACEPARENT.match(inbound)
    traceparent = _new_traceparent(match.group(1)) if match else _new_traceparent()
    tracestate = headers.get("tracestate", "").strip() or f"orderflow={traceparent.split('-')[2]}"
    correlation_id = headers.get(CORRELATION_HEADER, "").strip()[:128] or str(uuid.uuid4())
    return TraceContext(traceparent, tracestate, correlation_id)


def bind(context: TraceContext) -> None:
    _current.set(context)


def current() -> TraceContext | None:
    return _current.get()


def outbound_headers() -> dict[str, str]:
    """Headers for a call leaving this process; a call outside any request starts a trace."""
    context = _current.get() or context_from_headers({})
    return {
        "traceparent": context.traceparent,
        "tracestate": context.tracestate,
        CORRELATION_HEADER: context.correlation_id,
    }
