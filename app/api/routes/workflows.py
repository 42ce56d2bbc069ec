"""Workflow control, generic over the WORKFLOWS registry (see app/workflow_control.py)."""

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from dapr.ext.workflow import WorkflowStatus
from fastapi import APIRouter, Body, Path, Query, Response, status
from pydantic import BaseModel, Field

from app.api.auth import Scope, requires
from app.api.deps import WorkflowControlDep
from app.building_blocks.ids import (
    CLIENT_ID_MAX_LENGTH,
    CLIENT_ID_PATTERN,
    INSTANCE_ID_MAX_LENGTH,
    INSTANCE_ID_PATTERN,
    NAME_MAX_LENGTH,
)
from app.building_blocks.workflow_status import ENDED
from app.records.workflow_index import InstanceRecord
from app.workflow_control import InstanceFilter, InstanceView

router = APIRouter(prefix="/api/v1/workflows", tags=["workflows"])

# Any instance can be read and signalled (a child's id included); only client ids started.
InstanceId = Annotated[str, Path(pattern=INSTANCE_ID_PATTERN, max_length=INSTANCE_ID_MAX_LENGTH)]
RuntimeStatus = Annotated[str, Field(examples=["RUNNING", "COMPLETED"])]
# The SDK's WorkflowStatus is an int enum; the API speaks its names.
StatusName = StrEnum("StatusName", {status.name: status.name for status in WorkflowStatus})  # type: ignore[misc]


class StartWorkflow(BaseModel):
    """The workflow's input (checked against its input model) and an optional id."""

    input: dict[str, Any] = Field(default_factory=dict)
    instance_id: str | None = Field(
        default=None, pattern=CLIENT_ID_PATTERN, max_length=CLIENT_ID_MAX_LENGTH
    )


class FailureDetails(BaseModel):
    message: str
    error_type: str | None = None
    stack_trace: str | None = None


class InstanceSummary(BaseModel):
    instance_id: str
    name: str
    runtime_status: RuntimeStatus
    created_at: datetime
    last_updated_at: datetime
    progress: Any = None


class InstanceDetail(InstanceSummary):
    input: Any = None
    output: Any = None
    failure: FailureDetails | None = None
    source: Literal["engine", "index"] = Field(
        default="engine",
        description="`engine`: the workflow engine's answer; `index`: the engine was busy "
        "with a step of this instance past the read deadline, so status and times are the "
        "last ones the service saw, without input or output",
    )


class InstanceList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[InstanceSummary]
    counts: dict[str, int] = Field(
        default_factory=dict,
        description="instances per runtime status among those every filter but `status` keeps",
    )


def _summary(record: InstanceRecord) -> InstanceSummary:
    return InstanceSummary(
        instance_id=record.instance_id,
        name=record.name,
        runtime_status=record.status,
        created_at=record.created_at,
        last_updated_at=record.updated_at,
        progress=record.progress,
    )


def _detail(view: InstanceView) -> InstanceDetail:
    detail = InstanceDetail(
        **_summary(view.record).model_dump(), source="index" if view.source == "index" else "engine"
    )
    state = view.state
    if state is not None:
        detail.input = _json(state.serialized_input)
        detail.output = _json(state.serialized_output)
        if state.serialized_custom_status:  # SDK 0.5.0 cannot set it; newer ones can
            detail.progress = _json(state.serialized_custom_status)
        if state.failure_details is not None:
            detail.failure = FailureDetails(
                message=state.failure_details.message,
                error_type=state.failure_details.error_type,
                stack_trace=state.failure_details.stack_trace,
            )
    return detail


def _json(serialized: str | None) -> Any:
    if not serialized:
        return None
    try:
        return json.loads(serialized)
    except ValueError:
        return serialized


def _location(instance_id: str) -> str:
    return f"{router.prefix}/instances/{instance_id}"


@router.get("/instances", dependencies=[requires(Scope.WORKFLOWS_READ)])
async def list_instances(
    control: WorkflowControlDep,
    name: Annotated[str | None, Query(max_length=NAME_MAX_LENGTH)] = None,
    runtime_status: Annotated[StatusName | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    id_prefix: Annotated[str, Query(max_length=CLIENT_ID_MAX_LENGTH)] = "",
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> InstanceList:
    """Instances the service knows, newest first, filtered by workflow name, status, id
    prefix and start time (`created_after` inclusive, `created_before` exclusive; UTC
    when no offset is given), with the count of each status."""
    wanted = None if runtime_status is None else WorkflowStatus[runtime_status.value]
    keep = InstanceFilter(id_prefix, created_after, created_before)
    page = await control.list(name, wanted, limit, offset, keep)
    return InstanceList(
        total=page.total,
        limit=limit,
        offset=offset,
        items=[_summary(r) for r in page.items],
        counts=page.counts,
    )


@router.get("/instances/{instance_id}", dependencies=[requires(Scope.WORKFLOWS_READ)])
async def get_instance(instance_id: InstanceId, control: WorkflowControlDep) -> InstanceDetail:
    """Runtime status, input, output, failure, timestamps and progress of one instance."""
    return _detail(await control.get(instance_id))


@router.get(
    "/instances/{instance_id}/wait",
    dependencies=[requires(Scope.WORKFLOWS_READ)],
    responses={202: {"model": InstanceDetail}},
)
async def wait_for_instance(
    instance_id: InstanceId,
    control: WorkflowControlDep,
    response: Response,
    timeout_s: Annotated[float, Query(gt=0, le=300)] = 30.0,
) -> InstanceDetail:
    """Wait until the instance finishes (200) or the timeout passes (202, current state)."""
    view = await control.wait(instance_id, timeout_s)
    if view.state is None or view.state.runtime_status not in ENDED:
        response.status_code = status.HTTP_202_ACCEPTED
    return _detail(view)


@router.post(
    "/instances/{instance_id}/events/{event_name}",
    dependencies=[requires(Scope.WORKFLOWS_ADMIN)],
    status_code=202,
)
async def raise_event(
    instance_id: InstanceId,
    event_name: Annotated[
        str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", max_length=NAME_MAX_LENGTH)
    ],
    control: WorkflowControlDep,
    data: Annotated[Any, Body()] = None,
) -> None:
    """Deliver an external event (JSON body) to a running or suspended instance."""
    await control.raise_event(instance_id, event_name, data)


@router.post(
    "/instances/{instance_id}/terminate",
    dependencies=[requires(Scope.WORKFLOWS_ADMIN)],
    status_code=202,
)
async def terminate_instance(instance_id: InstanceId, control: WorkflowControlDep) -> None:
    """Terminate a running instance."""
    await control.terminate(instance_id)


@router.post(
    "/instances/{instance_id}/pause",
    dependencies=[requires(Scope.WORKFLOWS_ADMIN)],
    status_code=202,
)
async def pause_instance(instance_id: InstanceId, control: WorkflowControlDep) -> None:
    """Suspend a running instance."""
    await control.pause(instance_id)


@router.post(
    "/instances/{instance_id}/resume",
    dependencies=[requires(Scope.WORKFLOWS_ADMIN)],
    status_code=202,
)
async def resume_instance(instance_id: InstanceId, control: WorkflowControlDep) -> None:
    """Resume a suspended instance."""
    await control.resume(instance_id)


class HistoryEvent(BaseModel):
    kind: str  # the runtime's event type, e.g. executionStarted, taskScheduled, timerFired
    at: datetime
    id: int
    name: str | None = None  # the step, timer or event it names, if any


class InstanceHistory(BaseModel):
    instance_id: str
    # False where the runtime keeps no readable history (Dapr 1.14): `events` is then empty
    # and the instance's timeline is the service's record (GET .../instances/{id}).
    from_runtime: bool
    events: list[HistoryEvent]


@router.get("/instances/{instance_id}/history", dependencies=[requires(Scope.WORKFLOWS_READ)])
async def instance_history(instance_id: InstanceId, control: WorkflowControlDep) -> InstanceHistory:
    """The instance's events as the runtime keeps them (Dapr 1.18); 404 unknown."""
    events = await control.history(instance_id)
    return InstanceHistory(
        instance_id=instance_id,
        from_runtime=events is not None,
        events=[HistoryEvent.model_validate(event) for event in events or []],
    )


@router.delete(
    "/instances/{instance_id}", dependencies=[requires(Scope.WORKFLOWS_ADMIN)], status_code=204
)
async def purge_instance(instance_id: InstanceId, control: WorkflowControlDep) -> None:
    """Purge a finished instance's history and record; running instances are a 409."""
    await control.purge(instance_id)


@router.post("/{name}", dependencies=[requires(Scope.WORKFLOWS_ADMIN)], status_code=202)
async def start_workflow(
    name: Annotated[str, Path(max_length=NAME_MAX_LENGTH)],
    control: WorkflowControlDep,
    response: Response,
    request: StartWorkflow,
    instance_id: Annotated[
        str | None, Query(pattern=CLIENT_ID_PATTERN, max_length=CLIENT_ID_MAX_LENGTH)
    ] = None,
) -> InstanceSummary:
    """Start workflow `name`; an instance id already in use is a 409."""
    chosen = request.instance_id or instance_id
    view = await control.start(name, request.input, chosen)
    response.headers["Location"] = _location(view.record.instance_id)
    return _summary(view.record)
