"""Drive a workflow's generator step by step, with no sidecar and no worker.

`FakeOrchestrationContext` implements durabletask's `OrchestrationContext` and records
what the orchestrator schedules; the real `DaprWorkflowContext` wraps it, so activity and
child-workflow names are the ones the SDK would send. The tasks are durabletask's own, so
`when_all` / `when_any` compose them exactly as in the runtime. `WorkflowRun` resumes the
generator the way durabletask's worker does (send the result, or throw the failure), and
inputs, results and event data cross a JSON round trip, as they do on the wire.

What it leaves out: replay (`is_replaying` is always False) and the activity retry
policies, which durabletask applies in its executor; a `fail()` here is the failure the
orchestrator sees once the retries are spent. The policy each call was given is kept.
"""

from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from dapr.ext.workflow import DaprWorkflowContext

from app.building_blocks.sdk_line.durabletask import pb, shared, task

Kind = Literal["activity", "child", "timer", "status"]
Orchestrator = Callable[[DaprWorkflowContext, Any], Generator[Any, Any, Any]]
START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def wire(value: Any) -> Any:
    """The value as the other side of the sidecar gets it (durabletask's own JSON codec)."""
    return None if value is None else shared.from_json(shared.to_json(value))


@dataclass
class Scheduled:
    """One action the orchestrator scheduled, and the task it is waiting on."""

    kind: Kind
    name: str
    input: Any
    task: Any  # durabletask.task.CompletableTask
    instance_id: str | None = None
    retry_policy: Any = None  # durabletask.task.RetryPolicy, as the SDK passed it
    fire_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return not bool(self.task.is_complete)


class FakeOrchestrationContext(task.OrchestrationContext):  # type: ignore[misc]
    """Records scheduled activities, child workflows and timers; buffers external events."""

    def __init__(self, instance_id: str, now: datetime = START) -> None:
        self._instance_id = instance_id
        self._now = now
        self.scheduled: list[Scheduled] = []
        self.waiting: dict[str, list[Any]] = {}  # event name -> tasks waiting for it
        self.buffered: dict[str, list[Any]] = {}  # event name -> data nobody waited for yet
        self.continued_with: Any = None
        self.continued = False
        self.custom_status: Any = None

    @property
    def instance_id(self) -> str:
        return self._instance_id

    @property
    def current_utc_datetime(self) -> datetime:
        return self._now

    @property
    def is_replaying(self) -> bool:
        return False

    def create_timer(self, fire_at: datetime | timedelta) -> Any:
        when = self._now + fire_at if isinstance(fire_at, timedelta) else fire_at
        return self._schedule(Scheduled("timer", "timer", None, task.TimerTask(), fire_at=when))

    def call_activity(
        self, activity: Any, *, input: Any = None, retry_policy: Any = None, **_: Any
    ) -> Any:  # `**_`: the 1.18 SDK passes app_id / propagation too
        name = activity if isinstance(activity, str) else task.get_name(activity)
        call = Scheduled("activity", name, wire(input), task.CompletableTask())
        call.retry_policy = retry_policy
        return self._schedule(call)

    def call_sub_orchestrator(
        self,
        orchestrator: Any,
        *,
        input: Any = None,
        instance_id: str | None = None,
        retry_policy: Any = None,
        **_: Any,
    ) -> Any:
        call = Scheduled("child", task.get_name(orchestrator), wire(input), task.CompletableTask())
        call.instance_id, call.retry_policy = instance_id, retry_policy
        return self._schedule(call)

    def wait_for_external_event(self, name: str, *, timeout: Any = None) -> Any:
        # `timeout`: the 1.18 SDK passes it (None unless the workflow gives one; ours don't)
        waiter = task.CompletableTask()
        key = name.casefold()  # event names are case-insensitive, as in durabletask
        if self.buffered.get(key):
            waiter.complete(self.buffered[key].pop(0))
        else:
            self.waiting.setdefault(key, []).append(waiter)
        return waiter

    def continue_as_new(self, new_input: Any, *, save_events: bool = False) -> None:
        self.continued, self.continued_with = True, wire(new_input)

    # Abstract in 1.18's OrchestrationContext only (custom status, versioning, propagation).
    def set_custom_status(self, custom_status: Any) -> None:
        """Kept, and put in the trail as an answered `record_progress` (kind "status"): the
        1.18 path of a progress report (app/building_blocks/sdk_line/features.py)."""
        self.custom_status = custom_status
        done = task.CompletableTask()
        done.complete(None)
        progress = {"progress": shared.from_json(custom_status)}
        self.scheduled.append(Scheduled("status", "record_progress", progress, done))

    def is_patched(self, patch_name: str) -> bool:
        return True  # a new run takes every patch

    def get_propagated_history(self) -> Any:
        return None

    def _schedule(self, call: Scheduled) -> Any:
        self.scheduled.append(call)
        return call.task


class WorkflowRun:
    """One run of an orchestrator: start it, then answer what it waits for."""

    def __init__(
        self, orchestrator: Orchestrator, payload: Any, *, instance_id: str = "wf-1"
    ) -> None:
        self.ctx = FakeOrchestrationContext(instance_id)
        self.finished = False
        self.output: Any = None
        self.failure: BaseException | None = None
        self._generator = orchestrator(DaprWorkflowContext(self.ctx), wire(payload))
        self._current: Any = None
        self._advance(lambda: next(self._generator))

    # What the orchestrator did
    def names(self) -> list[str]:
        """Every activity, child workflow and timer scheduled so far, in order."""
        return [call.name for call in self.ctx.scheduled]

    def pending(self) -> list[Scheduled]:
        return [call for call in self.ctx.scheduled if call.pending]

    def calls(self, name: str) -> list[Scheduled]:
        return [call for call in self.ctx.scheduled if call.name == name]

    # Answers from the outside world
    def complete(self, name: str, result: Any = None) -> None:
        """The first pending call named `name` returns `result`."""
        self.next_pending(name).task.complete(wire(result))
        self._resume()

    def fail(self, name: str, message: str, error_type: str = "Exception") -> None:
        """The first pending call named `name` fails (its retries, if any, spent)."""
        details = pb.TaskFailureDetails(errorType=error_type, errorMessage=message)
        self.next_pending(name).task.fail(message, details)
        self._resume()

    def reported(self) -> None:
        """The progress report just made is done: the `record_progress` activity (1.14)
        completes; a custom status (1.18) needs no answer."""
        if any(call.name == "record_progress" for call in self.pending()):
            self.complete("record_progress")

    def fire_timer(self) -> None:
        self.complete("timer")

    def raise_event(self, name: str, data: Any = None) -> None:
        """Deliver an external event: to the first task waiting for it, else buffer it."""
        key = name.casefold()
        if self.ctx.waiting.get(key):
            self.ctx.waiting[key].pop(0).complete(wire(data))
            self._resume()
        else:
            self.ctx.buffered.setdefault(key, []).append(wire(data))

    def next_pending(self, name: str) -> Scheduled:
        """The first call named `name` still waiting for an answer."""
        for call in self.ctx.scheduled:
            if call.name == name and call.pending:
                return call
        raise AssertionError(f"nothing named {name!r} is pending; scheduled: {self.names()}")

    def _advance(self, step: Callable[[], Any]) -> None:
        try:
            yielded = step()
        except StopIteration as stop:
            self.finished, self.output, self._current = True, wire(stop.value), None
            return
        except Exception as error:  # the orchestrator raised: the runtime fails the instance
            self.finished, self.failure, self._current = True, error, None
            return
        if not isinstance(yielded, task.Task):
            raise TypeError(f"the orchestrator yielded {yielded!r}, not a durabletask Task")
        self._current = yielded
        self._resume()

    def _resume(self) -> None:
        """As durabletask's worker: go on while the task the generator waits on is done."""
        current = self._current
        if self.finished or current is None or not current.is_complete:
            return
        if current.is_failed:
            self._advance(lambda: self._generator.throw(current.get_exception()))
        else:
            self._advance(lambda: self._generator.send(current.get_result()))
