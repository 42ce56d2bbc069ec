"""The workflow engine: registers workflows and activities, starts runs, reads their state.

When daprd goes away, the durabletask 0.1.1a1 worker under the SDK notices at once (its
work-item stream ends with UNAVAILABLE) and reconnects by itself: every 5 s it sends
Hello and reopens the stream on the same channel, whose reconnect backoff the bootstrap
bounds (sdk_line/channels.py). A restart would not help: gRPC shares the backoff of
channels to one address. `worker_connected` reports whether the stream is open now.
"""

import asyncio
import contextvars
import functools
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import grpc
from dapr.ext.workflow import WorkflowState
from dapr.ext.workflow.logger import LoggerOptions
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Tracer
from tenacity import retry_if_exception

from app.building_blocks.errors import WorkflowConflictError, WorkflowNotFoundError, from_grpc
from app.building_blocks.host_left import host_left_retry
from app.building_blocks.patient_calls import PatientCalls
from app.building_blocks.retry import RetryPolicy
from app.building_blocks.run_endings import RunEnded, reporting_end
from app.building_blocks.sdk_line.features import instance_history, purge_recursively
from app.building_blocks.sdk_line.handles import worker_stream, workflow_runtime
from app.building_blocks.workflow_registration import named as _named
from app.building_blocks.workflow_spec import WorkflowSpec
from app.observability import tracing
from app.observability.logging import SdkLogBridge
from app.observability.workflow_metrics import observed_activity, observed_workflow
from app.observability.workflow_tracing import ActivityTracing, traced_workflow_client

T = TypeVar("T")

# A work-item stream daprd has not refused within this long counts as connected.
STREAM_SETTLE_S = 1.0
# The SDK's workflow client is synchronous gRPC: each call holds a thread while daprd
# answers, and a status read can wait for a busy instance's actor. Its own pool, so these
# calls never queue behind the loop's default executor (6 threads on 2 cores). Not more:
# the threads' Python work shares the GIL with the event loop, and 64 of them starting a
# burst's first wave at once held the loop's status reads for 0.4-0.7 s; with 16 the
# first reads of the same burst (300 after a restart) took 5 ms (docs/workflow-engine.md).
CLIENT_THREADS = 16

# daprd 1.18.2 can read an instance's metadata and its inbox from the state store apart,
# while the instance is saving: UNKNOWN "inbox key ... declared in metadata ... but missing
# from state store (transient store read failure or partial save?)". A read, so read again.
_TORN_READ = "transient store read failure"
_TORN_READ_ATTEMPTS = 3
_TORN_READ_PAUSE_S = 0.05
# How the 1.14 sidecar words these (gRPC status UNKNOWN for both).
_NO_SUCH_INSTANCE = "no such instance exists"
_ALREADY_EXISTS = "already exists"


class UnknownWorkflowError(WorkflowNotFoundError, LookupError):
    """No registered workflow has this name."""

    @classmethod
    def named(cls, name: str) -> "UnknownWorkflowError":
        return cls(f"no workflow named {name!r} is registered", {"workflow": name})


class WorkflowEngine:
    """Owns the workflow runtime (worker) and client for the app's lifetime.

    The SDK's client and worker are synchronous gRPC; every call from async code runs in
    a worker thread so the event loop never blocks on the sidecar.
    """

    def __init__(
        self,
        host: str,
        grpc_port: int,
        tracer: Tracer | None = None,
        retry: RetryPolicy | None = None,
        on_run_ended: Callable[[RunEnded], None] | None = None,
    ) -> None:
        self._address = f"{host}:{grpc_port}"
        self._on_run_ended = on_run_ended
        self._calls = ThreadPoolExecutor(CLIENT_THREADS, thread_name_prefix="workflow-client")
        # Reads that outlive their caller's patience keep at most half the pool.
        self._patient = PatientCalls(self._calls, max_outstanding=CLIENT_THREADS // 2)
        # The SDK's lines go through the app's log handler, not a stderr handler of its own.
        sdk_logs = LoggerOptions(log_handler=SdkLogBridge())
        self._runtime = workflow_runtime(host, grpc_port, sdk_logs)
        self._client = traced_workflow_client(host, grpc_port, sdk_logs)
        self._tracer = tracer or trace.NoOpTracer()
        self._activity_tracing = ActivityTracing(self._tracer)
        self._specs: dict[str, WorkflowSpec] = {}
        self._started = False
        self._stream_seen: tuple[object, float] | None = None
        self._retry = retry or RetryPolicy()

    @property
    def started(self) -> bool:
        return self._started

    @property
    def sidecar_address(self) -> str:
        return self._address

    def worker_connected(self) -> bool:
        """The worker's work-item stream to daprd is open, and has stayed open for
        STREAM_SETTLE_S since this method first saw it (not merely started).

        A stream exists before daprd accepts it: daprd 1.14 refuses one with UNAVAILABLE
        while its workflow engine cannot start yet (wfengine.go), right after the call.
        The SDK exposes no connection state of its own (sdk_line.handles.worker_stream).
        """
        stream = worker_stream(self._runtime)
        if not self._started or stream is None or stream.done():
            self._stream_seen = None
            return False
        now = time.monotonic()
        if self._stream_seen is None or self._stream_seen[0] is not stream:
            self._stream_seen = (stream, now)
        return now - self._stream_seen[1] >= STREAM_SETTLE_S

    @property
    def workflow_names(self) -> list[str]:
        return sorted(self._specs)

    def register(
        self, workflows: Sequence[WorkflowSpec], activities: Sequence[Callable[..., Any]]
    ) -> None:
        for spec in workflows:
            orchestrator = observed_workflow(spec.name, spec.orchestrator)
            if self._on_run_ended is not None:
                orchestrator = reporting_end(orchestrator, spec.name, self._on_run_ended)
            self._runtime.register_workflow(_named(orchestrator, spec.name), name=spec.name)
            self._specs[spec.name] = spec
        for activity in activities:
            name = activity.__name__
            # Metrics inside the span: the activity's duration excludes span bookkeeping.
            observed = observed_activity(name, activity)
            self._runtime.register_activity(
                _named(self._activity_tracing.traced(observed, name), name), name=name
            )

    def spec(self, name: str) -> WorkflowSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownWorkflowError.named(name) from None

    async def start(self) -> None:
        await asyncio.to_thread(self._runtime.start)
        self._started = True

    async def shutdown(self) -> None:
        if self._started:
            self._started = False
            await asyncio.to_thread(self._runtime.shutdown)
        self._calls.shutdown(wait=False, cancel_futures=True)

    async def schedule(
        self, name: str, payload: dict[str, Any], instance_id: str | None = None
    ) -> str:
        """Start workflow `name` with validated input; returns the instance id."""
        spec = self.spec(name)
        workflow_input = spec.input_model.model_validate(payload).model_dump(mode="json")
        # Named here, not by the SDK, so the instance's trace is known before its first
        # activity can run (the sidecar may dispatch it before the start call returns).
        instance_id = instance_id or uuid.uuid4().hex
        with self._span(f"workflow start {name}", "workflow start", instance_id):
            self._activity_tracing.started(instance_id, tracing.current())
            return await host_left_retry(
                lambda: self._blocking(
                    "workflow start",
                    instance_id,
                    lambda: self._client.schedule_new_workflow(
                        workflow=_named(spec.orchestrator, spec.name),
                        input=workflow_input,
                        instance_id=instance_id,
                    ),
                )
            )

    async def get_state(
        self, instance_id: str, fetch_payloads: bool = True, deadline_s: float | None = None
    ) -> WorkflowState | None:
        """The instance's state, or None if no such instance exists. With `deadline_s`,
        a sidecar that has not answered by then raises DaprTimeoutError: the 1.14 engine
        answers only between the instance's steps (its actor is turn-based). The call is
        never cut short (app/building_blocks/patient_calls.py says why)."""

        def read() -> WorkflowState | None:
            for attempt in range(_TORN_READ_ATTEMPTS):
                try:
                    return self._client.get_workflow_state(
                        instance_id, fetch_payloads=fetch_payloads
                    )
                except grpc.RpcError as error:
                    if _TORN_READ not in str(error.details()) or attempt + 1 == _TORN_READ_ATTEMPTS:
                        raise
                    time.sleep(_TORN_READ_PAUSE_S)
            raise AssertionError("unreachable")

        with self._span("workflow get", "workflow get", instance_id) as span:
            try:
                if deadline_s is None:
                    return await self._retried(read)
                return await self._patient.within(deadline_s, read, f"workflow {instance_id}")
            except grpc.RpcError as error:
                # The 1.14 sidecar answers UNKNOWN, not NOT_FOUND, for an unknown instance id.
                # An expected answer (every order placement asks first), so it is not an
                # exception on the span: recording one formats its traceback, which cost
                # more CPU than the rest of the request (bench/analysis.md).
                if _NO_SUCH_INSTANCE in str(error.details()):
                    span.set_attribute("dapr.workflow.found", False)
                    return None
                raise _translated(
                    error, "workflow get state", instance_id, self._address
                ) from error

    async def wait_for_completion(self, instance_id: str, timeout_s: float) -> WorkflowState | None:
        """The final state, or None if the instance is still running after `timeout_s`."""
        try:
            with self._span("workflow wait", "workflow wait", instance_id):
                return await self._in_thread(
                    lambda: self._client.wait_for_workflow_completion(
                        instance_id,
                        fetch_payloads=True,
                        timeout_in_seconds=max(1, round(timeout_s)),
                    )
                )
        except TimeoutError:
            return None
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                return None
            raise _translated(error, "workflow wait", instance_id, self._address) from error

    async def raise_event(self, instance_id: str, event_name: str, data: Any = None) -> None:
        """Deliver an external event to an instance (kept until it waits for it)."""
        await self._call(
            "workflow raise event",
            instance_id,
            lambda: self._client.raise_workflow_event(instance_id, event_name, data=data),
        )

    async def terminate(self, instance_id: str) -> None:
        await self._call(
            "workflow terminate", instance_id, lambda: self._client.terminate_workflow(instance_id)
        )

    async def pause(self, instance_id: str) -> None:
        await self._call(
            "workflow pause", instance_id, lambda: self._client.pause_workflow(instance_id)
        )

    async def resume(self, instance_id: str) -> None:
        await self._call(
            "workflow resume", instance_id, lambda: self._client.resume_workflow(instance_id)
        )

    async def history(self, instance_id: str) -> list[dict[str, Any]]:
        """The runtime's own events of the instance (1.18: sdk_line.features)."""
        read = functools.partial(instance_history, self._client, instance_id)
        return await self._call("workflow history", instance_id, read)

    async def purge(self, instance_id: str) -> None:
        """Purge a finished instance with its child workflows (1.18: sdk_line.features)."""
        purge = functools.partial(purge_recursively, self._client, instance_id)
        await self._call("workflow purge", instance_id, purge)

    def _span(self, name: str, operation: str, instance_id: str) -> Any:
        """A client span around one call to the sidecar's workflow API; the call carries
        its traceparent (workflow_tracing.traced_workflow_client)."""
        return self._tracer.start_as_current_span(
            name,
            kind=SpanKind.CLIENT,
            attributes={
                "rpc.system": "dapr",
                "dapr.operation": operation,
                "dapr.workflow.instance_id": instance_id,
            },
        )

    async def _call(self, operation: str, instance_id: str, call: Callable[[], T]) -> T:
        """`_blocking` in a client span named by the operation."""
        with self._span(operation, operation, instance_id):
            return await self._blocking(operation, instance_id, call)

    async def _blocking(self, operation: str, instance_id: str, call: Callable[[], T]) -> T:
        """Run a blocking SDK call in a worker thread; its gRPC errors join the taxonomy."""
        try:
            return await self._retried(call)
        except grpc.RpcError as error:
            raise _translated(error, operation, instance_id, self._address) from error

    async def _retried(self, call: Callable[[], T]) -> T:
        """Run `call` in a worker thread, retrying (bounded) while the sidecar is unreachable.

        UNAVAILABLE from a gRPC call means no connection to daprd: the request was not
        processed (a start that did get through is caught by its instance id).
        """
        return await self._retry.call(lambda: self._in_thread(call), _NOT_SENT)

    async def _in_thread(self, call: Callable[[], T]) -> T:
        """`call` on the client's own pool, in a copy of this context (trace, deadline)."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            self._calls, lambda: context.run(call)
        )


def _unavailable(error: BaseException) -> bool:
    return isinstance(error, grpc.RpcError) and error.code() == grpc.StatusCode.UNAVAILABLE


_NOT_SENT = retry_if_exception(_unavailable)


def _translated(error: grpc.RpcError, operation: str, instance_id: str, sidecar: str) -> Exception:
    message = str(error.details())
    details = {"operation": operation, "instance_id": instance_id}
    if _NO_SUCH_INSTANCE in message:
        return WorkflowNotFoundError(f"no workflow instance {instance_id!r}", details)
    if _ALREADY_EXISTS in message:
        return WorkflowConflictError(
            f"an active workflow instance {instance_id!r} already exists", details
        )
    return from_grpc(error, operation, sidecar=sidecar, instance_id=instance_id)
