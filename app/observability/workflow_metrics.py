"""Metrics of workflow runs and activity executions, added by wrapping at registration.

An orchestrator runs again from the top every time its workflow makes progress, replaying
its history first. The wrapper counts a start, completion or failure only when the
context says it is not replaying: the start on the run's first execution, the end on the
execution that ends it. Durations use the workflow's own clock (`current_utc_datetime`,
the time of the history event being processed), which replays identically. The wrapper
does no I/O; a metric increment is process-local memory.
"""

import time
from collections.abc import Callable, Generator
from datetime import datetime
from types import GeneratorType
from typing import Any

from app.observability.metrics import (
    ACTIVITY_DURATION,
    ACTIVITY_FAILURES,
    WORKFLOW_DURATION,
    WORKFLOWS_COMPLETED,
    WORKFLOWS_CONTINUED,
    WORKFLOWS_FAILED,
    WORKFLOWS_STARTED,
)


class _RunContext:
    """The orchestrator's context, unchanged but for noting a continue-as-new."""

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx
        self.continued = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)

    def continue_as_new(self, new_input: Any, *, save_events: bool = False) -> None:
        self.continued = True
        self._ctx.continue_as_new(new_input, save_events=save_events)


def observed_workflow(name: str, orchestrator: Callable[..., Any]) -> Callable[..., Any]:
    """`orchestrator` counting its runs' start, end and duration under `name`."""

    def observed(ctx: Any, *payload: Any) -> Generator[Any, Any, Any]:
        started_at: datetime = ctx.current_utc_datetime
        if not ctx.is_replaying:
            WORKFLOWS_STARTED.labels(name).inc()
        run = _RunContext(ctx)
        try:
            result = orchestrator(run, *payload)
            if isinstance(result, GeneratorType):
                # `yield from` passes task results and task failures in and out unchanged.
                result = yield from result
        except Exception:
            _ended(ctx, name, "failed", started_at)
            raise
        _ended(ctx, name, "continued_as_new" if run.continued else "completed", started_at)
        return result

    return observed


def _ended(ctx: Any, name: str, outcome: str, started_at: datetime) -> None:
    if ctx.is_replaying:
        return
    counter = {
        "completed": WORKFLOWS_COMPLETED,
        "failed": WORKFLOWS_FAILED,
        "continued_as_new": WORKFLOWS_CONTINUED,
    }[outcome]
    counter.labels(name).inc()
    elapsed = (ctx.current_utc_datetime - started_at).total_seconds()
    WORKFLOW_DURATION.labels(name, outcome).observe(max(elapsed, 0.0))


def observed_activity(name: str, activity: Callable[..., Any]) -> Callable[..., Any]:
    """`activity` timing each execution and counting its failures under `name`."""

    def observed(*args: Any) -> Any:
        began = time.perf_counter()
        try:
            result = activity(*args)
        except Exception:
            ACTIVITY_FAILURES.labels(name).inc()
            ACTIVITY_DURATION.labels(name, "failure").observe(time.perf_counter() - began)
            raise
        ACTIVITY_DURATION.labels(name, "success").observe(time.perf_counter() - began)
        return result

    return observed
