"""The SDK stub wrapper that puts the trace context and the call's deadline on every
unary gRPC call (pure logic: a recording multicallable stands in for the channel's)."""

import contextvars
from typing import Any

import grpc

from app.building_blocks.call_context import CallContextStub, call_deadline_s
from app.observability import tracing


class _Recording(grpc.aio.UnaryUnaryMultiCallable):  # type: ignore[misc]
    def __init__(self) -> None:
        self.metadata: list[tuple[str, str]] = []
        self.timeout: float | None = None

    def __call__(self, request: Any, *args: Any, metadata: Any = None, **kwargs: Any) -> Any:
        self.metadata = list(metadata or ())
        self.timeout = kwargs.get("timeout")
        return request


class _Stub:
    def __init__(self) -> None:
        self.GetState = _Recording()
        self.SubscribeConfiguration = object()  # a stream: left alone


def test_unary_calls_carry_the_current_trace_and_keep_the_callers_metadata() -> None:
    """The caller's metadata stays first; the bound traceparent and correlation id are
    added; the call's result is the multicallable's; non-unary attributes pass as-is."""
    contextvars.copy_context().run(_check)  # the bound trace stays out of other tests


def _check() -> None:
    stub = _Stub()
    wrapped = CallContextStub(stub)
    context = tracing.context_from_headers({"x-correlation-id": "corr-1"})
    tracing.bind(context)
    assert wrapped.GetState("request", metadata=[("dapr-api-token", "t")]) == "request"
    sent = dict(stub.GetState.metadata)
    assert stub.GetState.metadata[0] == ("dapr-api-token", "t")
    assert sent["traceparent"].split("-")[1] == context.trace_id
    assert sent[tracing.CORRELATION_HEADER] == "corr-1"
    assert wrapped.SubscribeConfiguration is stub.SubscribeConfiguration
    assert wrapped.GetState is wrapped.GetState  # built once per method


class _SyncRecording(grpc.UnaryUnaryMultiCallable):  # type: ignore[misc]
    """A sync multicallable, as the workflow client's durabletask stub has."""

    def __init__(self) -> None:
        self.metadata: list[tuple[str, str]] = []

    def __call__(self, request: Any, *args: Any, metadata: Any = None, **kwargs: Any) -> Any:
        self.metadata = list(metadata)
        return request

    def with_call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def future(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


def test_sync_unary_calls_carry_the_trace_too() -> None:
    """The workflow client's sync stub gets the same trace metadata as the async client's."""

    def check() -> None:
        recording = _SyncRecording()
        stub = type("WorkflowStub", (), {"StartInstance": recording})()
        context = tracing.context_from_headers({"x-correlation-id": "corr-2"})
        tracing.bind(context)
        assert CallContextStub(stub).StartInstance("request") == "request"
        sent = dict(recording.metadata)
        assert sent["traceparent"].split("-")[1] == context.trace_id
        assert sent[tracing.CORRELATION_HEADER] == "corr-2"

    contextvars.copy_context().run(check)


def test_unary_calls_carry_the_current_deadline_unless_given_one() -> None:
    """The deadline set for the call becomes the RPC's timeout; a caller's own timeout
    wins; with none set, the RPC has no deadline (gRPC's default)."""

    def check() -> None:
        stub = _Stub()
        wrapped = CallContextStub(stub)
        wrapped.GetState("request")
        assert stub.GetState.timeout is None
        call_deadline_s.set(1.5)
        wrapped.GetState("request")
        assert stub.GetState.timeout == 1.5
        wrapped.GetState("request", timeout=0.2)
        assert stub.GetState.timeout == 0.2
        wrapped.GetState("request", timeout=None)  # the SDK's way of giving none
        assert stub.GetState.timeout == 1.5

    contextvars.copy_context().run(check)


def test_outside_any_span_calls_carry_no_invented_trace() -> None:
    """No span and no correlation id: nothing is added (daprd samples by its own
    configuration); a bound correlation id alone still travels."""

    def check() -> None:
        stub = _Stub()
        wrapped = CallContextStub(stub)
        wrapped.GetState("request")
        assert stub.GetState.metadata == []
        tracing.bind_correlation("corr-3")
        wrapped.GetState("request")
        assert stub.GetState.metadata == [(tracing.CORRELATION_HEADER, "corr-3")]

    contextvars.copy_context().run(check)
