"""The engine canary's activity: returns its input, touching nothing."""

from typing import Any

from dapr.ext.workflow import WorkflowActivityContext

from activities.spec import ActivityDeps, ActivityFn


class CanaryActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        del deps  # needs nothing: it proves only that the engine runs activities

    def activities(self) -> list[ActivityFn]:
        return [self.canary_echo]

    def canary_echo(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> dict[str, Any]:
        return payload
