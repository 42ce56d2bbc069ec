"""Runs that end in this process, reported as they end: the one place the app learns an
orchestrator's outcome without asking the engine (admission counts the run out, and
order reads show the outcome while the engine is busy with other runs)."""

from collections.abc import Callable, Generator
from dataclasses import dataclass
from types import GeneratorType
from typing import Any


@dataclass(frozen=True)
class RunEnded:
    """An orchestrator's own outcome: COMPLETED with its output, or FAILED with the message
    the engine records (str of the exception, as durabletask's worker does)."""

    instance_id: str
    workflow: str
    runtime_status: str
    output: Any = None
    failure: str | None = None


def reporting_end(
    orchestrator: Callable[..., Any], workflow: str, on_end: Callable[[RunEnded], None]
) -> Callable[..., Any]:
    """`orchestrator`, calling `on_end` when a run ends for real: completed or failed in an
    execution that is not a replay. Memory only, no I/O; a replay reports nothing, so each
    end is reported once per process that executes it."""

    def reporting(ctx: Any, *payload: Any) -> Generator[Any, Any, Any]:
        try:
            result = orchestrator(ctx, *payload)
            if isinstance(result, GeneratorType):
                result = yield from result
        except Exception as error:
            if not ctx.is_replaying:
                on_end(RunEnded(ctx.instance_id, workflow, "FAILED", failure=str(error)))
            raise
        if not ctx.is_replaying:
            on_end(RunEnded(ctx.instance_id, workflow, "COMPLETED", output=result))
        return result

    return reporting
