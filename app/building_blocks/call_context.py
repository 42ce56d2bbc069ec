"""What every unary gRPC call to the sidecar carries: trace context and a deadline.

The Dapr client and the workflow client each reach every RPC through their `_stub`;
wrapping it adds the caller's traceparent (the call's client span) and correlation id to
each unary call's metadata, after the caller's own (the SDK's API token stays on its
channel), and the deadline `DaprClientWrapper.grpc_call` set for the call. Not an
interceptor: each grpc.aio interceptor is one more coroutine level per call, and a sync
one needs its own ClientCallDetails. The deadline is gRPC's own rather than an
`asyncio.timeout` around the call: it costs no timer on the loop (a third of the state
layer's own time per call, bench/analysis.md) and daprd sees it too.
"""

from contextvars import ContextVar
from typing import Any

import grpc

from app.observability.tracing import propagated_headers

_UNARY = (grpc.aio.UnaryUnaryMultiCallable, grpc.UnaryUnaryMultiCallable)

# Seconds the current unary call may take; None: no deadline (gRPC's default).
call_deadline_s: ContextVar[float | None] = ContextVar("orderflow_call_deadline_s", default=None)


class CallContextStub:
    """`stub` whose unary calls (sync or asyncio) carry the current trace context and the
    current call deadline, unless the caller gave a timeout of its own."""

    def __init__(self, stub: Any) -> None:
        self._stub = stub
        self._methods: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        method = self._methods.get(name)
        if method is None:
            method = self._methods[name] = self._with_context(getattr(self._stub, name))
        return method

    @staticmethod
    def _with_context(method: Any) -> Any:
        if not isinstance(method, _UNARY):
            return method  # streams: the caller bounds them (a deadline would end the stream)

        def call(request: Any, *args: Any, metadata: Any = None, **kwargs: Any) -> Any:
            propagated = propagated_headers()
            if propagated:
                metadata = (*(metadata or ()), *propagated.items())
            if kwargs.get("timeout") is None:  # the SDK passes timeout=None for "unset"
                kwargs["timeout"] = call_deadline_s.get()
            return method(request, *args, metadata=metadata, **kwargs)

        return call
