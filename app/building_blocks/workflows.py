"""The workflow engine: registers workflows and activities, starts runs, reads their state."""

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import grpc
from dapr.ext.workflow import DaprWorkflowClient, WorkflowRuntime, WorkflowState

from workflows.spec import WorkflowSpec

_NO_SUCH_INSTANCE = "no such instance exists"


def _named(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A fresh function object for one registration.

    SDK 0.5.0 marks the function it registers with attributes and refuses a function it
    has marked before; registering a wrapper keeps our registries reusable (a second app
    in one process, or a bound method whose function is shared by every instance).
    """

    def registered(*args: Any) -> Any:
        return fn(*args)

    registered.__name__ = name
    registered.__qualname__ = name
    return registered


class UnknownWorkflowError(LookupError):
    """No registered workflow has this name."""


class WorkflowEngine:
    """Owns the workflow runtime (worker) and client for the app's lifetime.

    The SDK's client and worker are synchronous gRPC; every call from async code runs in
    a worker thread so the event loop never blocks on the sidecar.
    """

    def __init__(self, host: str, grpc_port: int) -> None:
        self._runtime = WorkflowRuntime(host=host, port=str(grpc_port))
        self._client = DaprWorkflowClient(host=host, port=str(grpc_port))
        self._specs: dict[str, WorkflowSpec] = {}
        self._started = False

    @property
    def started(self) -> bool:
        return self._started

    @property
    def workflow_names(self) -> list[str]:
        return sorted(self._specs)

    def register(
        self, workflows: Sequence[WorkflowSpec], activities: Sequence[Callable[..., Any]]
    ) -> None:
        for spec in workflows:
            self._runtime.register_workflow(_named(spec.orchestrator, spec.name), name=spec.name)
            self._specs[spec.name] = spec
        for activity in activities:
            self._runtime.register_activity(
                _named(activity, activity.__name__), name=activity.__name__
            )

    def spec(self, name: str) -> WorkflowSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownWorkflowError(name) from None

    async def start(self) -> None:
        await asyncio.to_thread(self._runtime.start)
        self._started = True

    async def shutdown(self) -> None:
        if self._started:
            self._started = False
            await asyncio.to_thread(self._runtime.shutdown)

    async def schedule(
        self, name: str, payload: dict[str, Any], instance_id: str | None = None
    ) -> str:
        """Start workflow `name` with validated input; returns the instance id."""
        spec = self.spec(name)
        workflow_input = spec.input_model.model_validate(payload).model_dump(mode="json")
        return await asyncio.to_thread(
            self._client.schedule_new_workflow,
            workflow=_named(spec.orchestrator, spec.name),
            input=workflow_input,
            instance_id=instance_id,
        )

    async def get_state(
        self, instance_id: str, fetch_payloads: bool = True
    ) -> WorkflowState | None:
        """The instance's state, or None if no such instance exists."""
        try:
            return await asyncio.to_thread(
                self._client.get_workflow_state, instance_id, fetch_payloads=fetch_payloads
            )
        except grpc.RpcError as error:
            # The 1.14 sidecar answers UNKNOWN, not NOT_FOUND, for an unknown instance id.
            if _NO_SUCH_INSTANCE in str(error.details()):
                return None
            raise

    async def raise_event(self, instance_id: str, event_name: str, data: Any = None) -> None:
        """Deliver an external event to a running instance (kept until it waits for it)."""
        await asyncio.to_thread(
            self._client.raise_workflow_event, instance_id, event_name, data=data
        )

    async def wait_for_completion(self, instance_id: str, timeout_s: float) -> WorkflowState | None:
        return await asyncio.to_thread(
            self._client.wait_for_workflow_completion,
            instance_id,
            fetch_payloads=True,
            timeout_in_seconds=max(1, round(timeout_s)),
        )
