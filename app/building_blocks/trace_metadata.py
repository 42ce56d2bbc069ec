"""Trace context on the SDKs' gRPC calls: a wrapper around a generated stub.

The Dapr client and the workflow client each reach every RPC through their `_stub`;
wrapping it adds the current traceparent (the call's client span) and correlation id to
each unary call's metadata, after the caller's own (the SDK's API token stays on its
channel). Not an interceptor: each grpc.aio interceptor is one more coroutine level per
call (about a quarter of the state layer's overhead over the raw SDK, bench/analysis.md),
and a sync one needs its own ClientCallDetails.
"""

from typing import Any

import grpc

from app.building_blocks.tracing import outbound_headers

_UNARY = (grpc.aio.UnaryUnaryMultiCallable, grpc.UnaryUnaryMultiCallable)


class TraceMetadataStub:
    """`stub` whose unary calls (sync or asyncio) carry the current trace context."""

    def __init__(self, stub: Any) -> None:
        self._stub = stub
        self._methods: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        method = self._methods.get(name)
        if method is None:
            method = self._methods[name] = self._traced(getattr(self._stub, name))
        return method

    @staticmethod
    def _traced(method: Any) -> Any:
        if not isinstance(method, _UNARY):
            return method  # streams: as before, no trace metadata of ours

        def call(request: Any, *args: Any, metadata: Any = None, **kwargs: Any) -> Any:
            headers = [*(metadata or ()), *outbound_headers().items()]
            return method(request, *args, metadata=headers, **kwargs)

        return call
