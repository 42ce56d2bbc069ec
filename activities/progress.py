"""Progress reporting: a workflow records where it stands, the API shows it.

SDK 0.5.0 cannot set a workflow's custom status, so progress is written to the state
store by this activity (I/O belongs in activities; the orchestrator stays pure).
"""

from typing import Any

from dapr.ext.workflow import WorkflowActivityContext
from pydantic import BaseModel, ConfigDict

from activities.spec import ActivityDeps, ActivityFn


class ProgressUpdate(BaseModel):
    """Input of `record_progress`: the instance and a small JSON object about its step."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    instance_id: str
    progress: dict[str, Any]


class ProgressActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._loop = deps.loop
        self._progress = deps.progress

    def activities(self) -> list[ActivityFn]:
        return [self.record_progress]

    def record_progress(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> None:
        """Overwrite the instance's progress record; running it twice is harmless."""
        update = ProgressUpdate.model_validate(payload)
        self._loop.run(self._progress.record(update.instance_id, update.progress))
