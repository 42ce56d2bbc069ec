"""Trace context for workflows: the start call carries it, and each activity continues it.

The 1.14 sidecar (durabletask-go v0.5.0) records the orchestration and activity spans
itself, as children of its span of the start call, but sends the worker no trace context
(its gRPC executor leaves `ActivityRequest.parentTraceContext` empty, and durabletask
python 0.1.1a1 would not read it). So the engine remembers the context each instance was
started in, and each activity of that instance runs in a span of ours under it: the
actor calls and invocations an activity makes join the trace of the request that
started the workflow (a child workflow continues its parent's). The memory is per
process: an activity of an instance started before a restart, or by another replica,
starts a trace of its own, tagged with the instance id.
"""

import contextvars
from collections.abc import Callable
from typing import Any

from cachetools import TTLCache
from dapr.ext.workflow import DaprWorkflowClient
from dapr.ext.workflow.logger import LoggerOptions
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Tracer

from app.building_blocks.call_context import CallContextStub
from app.building_blocks.sdk_line.handles import wrap_client_stub
from app.observability import tracing

# Instances are started far less often than this many live at once.
_REMEMBERED_INSTANCES = 10_000
_REMEMBERED_FOR_S = 7 * 24 * 3600.0


def traced_workflow_client(
    host: str, port: int, logger_options: LoggerOptions | None = None
) -> DaprWorkflowClient:
    """The SDK's workflow client, its calls carrying the trace context: the 0.5.0 client
    fixes its metadata at construction and offers no hook, so its durabletask client's
    stub is wrapped."""
    client = DaprWorkflowClient(host=host, port=str(port), logger_options=logger_options)
    wrap_client_stub(client, CallContextStub)
    return client


class ActivityTracing:
    """Remembers the trace each instance started in; runs activities in spans under it."""

    def __init__(self, tracer: Tracer) -> None:
        self._tracer = tracer
        self._parents: TTLCache[str, tracing.TraceContext] = TTLCache(
            _REMEMBERED_INSTANCES, _REMEMBERED_FOR_S
        )

    def started(self, instance_id: str, context: tracing.TraceContext | None) -> None:
        if context is not None:
            self._parents[instance_id] = context

    def parent_of(self, instance_id: str) -> tracing.TraceContext | None:
        """The context `instance_id` started in; a child workflow, which durabletask names
        `<parent id>:<n>` (and ours name `<parent id>:<what>`), shares its parent's."""
        while True:
            found = self._parents.get(instance_id)
            if found is not None or ":" not in instance_id:
                return found
            instance_id = instance_id.rsplit(":", 1)[0]

    def traced(self, activity: Callable[..., Any], name: str) -> Callable[..., Any]:
        """`activity` run in a span `activity <name>`, a child of its instance's start."""

        def run(ctx: Any, *args: Any) -> Any:
            # A context of its own: the worker's threads are reused by other instances.
            return contextvars.copy_context().run(in_span, ctx, *args)

        def in_span(ctx: Any, *args: Any) -> Any:
            instance_id = str(getattr(ctx, "workflow_id", ""))
            parent = self.parent_of(instance_id)
            remote = tracing.span_context(parent.traceparent, parent.tracestate) if parent else None
            parent_context = (
                trace.set_span_in_context(trace.NonRecordingSpan(remote)) if remote else None
            )
            if parent is not None:
                tracing.bind_correlation(parent.correlation_id)
            with self._tracer.start_as_current_span(
                f"activity {name}",
                context=parent_context,
                kind=SpanKind.INTERNAL,
                attributes={
                    "dapr.workflow.instance_id": instance_id,
                    "dapr.workflow.task_id": int(getattr(ctx, "task_id", -1)),
                    "dapr.workflow.activity": name,
                },
            ):
                return activity(ctx, *args)

        return run
