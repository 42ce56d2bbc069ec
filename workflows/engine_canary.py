"""The `engine_canary` workflow: one no-op activity, run by the engine watchdog.

It takes the path every order takes (a start reminder, an orchestrator execution, an
activity, a second execution), so its finishing in time proves the engine schedules
work now: something the worker's open stream alone does not show (docs/workflow-engine.md).
"""

from collections.abc import Generator
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext
from pydantic import BaseModel, ConfigDict, Field

from activities.canary import CanaryActivities


class CanaryInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    replica: str = Field(min_length=1, max_length=64)
    sequence: int = Field(ge=0)


def engine_canary(ctx: DaprWorkflowContext, payload: dict[str, Any]) -> Generator[Any, Any, Any]:
    canary = CanaryInput.model_validate(payload)
    echoed = yield ctx.call_activity(CanaryActivities.canary_echo, input=canary.model_dump())
    return echoed
