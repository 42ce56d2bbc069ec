"""What the 1.18 runtime and SDK offer that 1.14 forced a workaround for, beside the 1.14 path.

- custom status: a 1.18 workflow reports its progress as its custom status, kept by the
  runtime with the instance; 1.14's SDK (0.5.0) cannot set one, so a workflow reports
  through the `record_progress` activity into the state store (activities/progress.py).
- instance history: 1.18 answers GetInstanceHistory with the instance's own events (the
  timeline the control API and the dashboard show); 1.14 keeps no readable history, so
  the timeline is the service's own record (start, last progress, last update).
- instance list: 1.18 answers ListInstanceIDs; 1.14 cannot list, so the service keeps its
  own index (app/records/workflow_index.py), which stays on both lines for its filters.
- recursive purge: 1.18's client purges an instance with its child workflows; 1.14's
  sidecar purges through its HTTP API, one instance (app/workflow_control.py).
"""

import json
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dapr.ext.workflow import DaprWorkflowClient, DaprWorkflowContext, WorkflowState

from app.building_blocks.sdk_line import SDK_LINE
from app.building_blocks.sdk_line.durabletask import pb
from app.building_blocks.sdk_line.handles import durabletask_client


@dataclass(frozen=True)
class RuntimeFeatures:
    custom_status: bool
    instance_history: bool
    instance_list: bool
    recursive_purge: bool


_NEWER = SDK_LINE != "1.14"
FEATURES = RuntimeFeatures(
    custom_status=_NEWER, instance_history=_NEWER, instance_list=_NEWER, recursive_purge=_NEWER
)


def report_progress(
    ctx: DaprWorkflowContext,
    progress: dict[str, Any],
    record_activity: Callable[..., Any],
    activity_input: dict[str, Any],
) -> Generator[Any, Any, None]:
    """A workflow's progress report (`yield from` it): its custom status where the SDK can
    set one, else `record_activity(activity_input)` (the 1.14 path). Deterministic either
    way: the custom status is part of each execution's result, not an action."""
    if FEATURES.custom_status:
        ctx.set_custom_status(json.dumps(progress, sort_keys=True))  # type: ignore[attr-defined, unused-ignore]
        return
    yield ctx.call_activity(record_activity, input=activity_input)


def progress_of(state: WorkflowState) -> dict[str, Any] | None:
    """The progress a workflow set as its custom status (JSON object), or None."""
    raw = getattr(state, "serialized_custom_status", None)
    if not raw:
        return None
    try:
        # The SDK JSON-encodes the string it is given: a JSON string holding our JSON.
        value = json.loads(raw)
        value = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def instance_history(client: DaprWorkflowClient, instance_id: str) -> list[dict[str, Any]]:
    """The instance's events as the 1.18 runtime keeps them (GetInstanceHistory, reached
    through the client's stub: the SDK wraps no call for it): kind, time, and the name
    of the step or event where there is one. Blocking; call from a worker thread."""
    stub = durabletask_client(client)._stub
    response = stub.GetInstanceHistory(pb.GetInstanceHistoryRequest(instanceId=instance_id))
    return [_event(event) for event in response.events]


def list_instance_ids(client: DaprWorkflowClient, page_size: int = 100) -> list[str]:
    """Every instance id the 1.18 runtime holds (ListInstanceIDs, paged). Blocking."""
    stub = durabletask_client(client)._stub
    ids: list[str] = []
    token: str | None = None
    while True:
        request = pb.ListInstanceIDsRequest(pageSize=page_size)
        if token:
            request.continuationToken = token
        response = stub.ListInstanceIDs(request)
        ids.extend(response.instanceIds)
        token = response.continuationToken if response.HasField("continuationToken") else None
        if not token or not response.instanceIds:
            return ids


def purge_recursively(client: DaprWorkflowClient, instance_id: str) -> None:
    """Purge a finished instance and its child workflows (1.18's client). Blocking."""
    client.purge_workflow(instance_id, recursive=True)


def _event(event: Any) -> dict[str, Any]:
    kind = str(event.WhichOneof("eventType"))
    body = getattr(event, kind)
    name = getattr(body, "name", "") if kind != "timerCreated" else ""
    at: datetime = event.timestamp.ToDatetime()
    return {"kind": kind, "at": at.isoformat() + "Z", "id": event.eventId, "name": name or None}
