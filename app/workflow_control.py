"""Workflow control for the API: start, read, list, signal and purge instances.

Every operation checks the instance's state first, because the 1.14 sidecar accepts
several illegal ones silently or harmfully (measured against daprd 1.14.4):
- start with the id of a completed instance re-creates it (the old run is lost);
- resume of a running instance FAILS it ("Don't know how to handle event of type
  'executionResumed'" in SDK 0.5.0);
- raise event, pause or terminate on a completed instance are accepted and do nothing;
- terminate of a suspended instance is accepted but only happens after a resume;
- purge of a running instance is a 500 ("orchestration has not yet completed").
Those all answer 409 here. The check and the call are two steps: a transition between
them (e.g. the instance completes) is reported by the next read, not prevented.
"""

import asyncio
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dapr.ext.workflow import WorkflowState, WorkflowStatus

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import (
    DaprTimeoutError,
    InvalidRequestError,
    UnknownWorkflowEventError,
    WorkflowConflictError,
    WorkflowNotFoundError,
    raise_for_sidecar_status,
)
from app.building_blocks.ids import CLIENT_ID_PATTERN, is_client_id
from app.building_blocks.sdk_line.features import FEATURES, progress_of
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflow_status import ACTIVE, ENDED
from app.building_blocks.workflows import WorkflowEngine
from app.records.workflow_index import InstanceRecord, WorkflowIndex, WorkflowProgress

_WAIT_POLL_S = 0.25
# The runtime's events of one instance (sdk_line.features.instance_history).
HistoryEvents = list[dict[str, Any]]
_REFRESH_PARALLELISM = 8


@dataclass(frozen=True)
class InstanceView:
    """One instance as the API shows it: the sidecar's state plus the service's progress."""

    record: InstanceRecord
    state: WorkflowState | None = None
    # "index": the engine was busy past the read deadline; `record` is the last status seen.
    source: str = "engine"


@dataclass(frozen=True)
class InstanceFilter:
    """What the list keeps besides name and status: an id prefix and a window of start
    times (`created_after` inclusive, `created_before` exclusive; either may be open)."""

    id_prefix: str = ""
    created_after: datetime | None = None
    created_before: datetime | None = None

    def keeps(self, record: InstanceRecord) -> bool:
        if not record.instance_id.startswith(self.id_prefix):
            return False
        # A time without an offset is UTC, as the records' own times are.
        if self.created_after is not None and record.created_at < _utc(self.created_after):
            return False
        return self.created_before is None or record.created_at < _utc(self.created_before)


@dataclass(frozen=True)
class InstancePage:
    total: int
    items: list[InstanceRecord]
    # Instances per status among those the other filters keep (before the status filter).
    counts: dict[str, int] = field(default_factory=dict)


class WorkflowControl:
    def __init__(
        self,
        engine: WorkflowEngine,
        index: WorkflowIndex,
        progress: WorkflowProgress,
        dapr: DaprClientWrapper,
        admission: WorkflowAdmission,
        workflow_component: str = "dapr",
        read_deadline_s: float | None = None,
    ) -> None:
        self._engine = engine
        self._index = index
        self._progress = progress
        self._dapr = dapr
        self._admission = admission
        self._component = workflow_component
        # Status reads wait this long for the engine, which answers a read only between
        # an instance's steps (its actor is turn-based; docs/workflow-engine.md).
        self._read_deadline_s = read_deadline_s

    async def start(self, name: str, payload: Any, instance_id: str | None) -> InstanceView:
        """Start `name`; an id that any instance (running or finished) holds is a 409."""
        spec = self._engine.spec(name)
        spec.input_model.model_validate(payload)  # 422 with the fields at fault, nothing sent
        instance_id = instance_id or uuid.uuid4().hex
        # The one id rule (app/building_blocks/ids.py): only ids the engine can run.
        if not is_client_id(instance_id):
            raise InvalidRequestError(
                f"instance id {instance_id!r} does not match {CLIENT_ID_PATTERN}",
                {"instance_id": instance_id},
            )
        if await self._engine.get_state(instance_id, fetch_payloads=False) is not None:
            raise _conflict(instance_id, "already exists")
        now = datetime.now(UTC)
        record = InstanceRecord(
            instance_id=instance_id,
            name=name,
            status=WorkflowStatus.PENDING.name,
            created_at=now,
            updated_at=now,
        )
        await self._index.claim(record)  # of two concurrent starts, one passes
        try:
            await self._engine.schedule(name, payload, instance_id=instance_id)
        except BaseException:
            await self._index.delete(instance_id)
            raise
        await self._index.add(name, instance_id)
        return InstanceView(record=record)

    async def get(self, instance_id: str, live: bool = False) -> InstanceView:
        """The engine's state; the index record is refreshed (or created) as a side effect.
        Unless `live`, an engine busy past the read deadline is answered from the index
        record of an instance it holds (source "index"); an id the index does not hold
        (unknown, or started elsewhere) waits for the engine's own answer instead: a busy
        engine is no reason to answer a 5xx for an id a client typed."""
        try:
            state = await self._engine.get_state(
                instance_id, deadline_s=None if live else self._read_deadline_s
            )
        except DaprTimeoutError:
            known = await self._index.get(instance_id)
            if known is not None:
                return InstanceView(record=await self._with_progress(known), source="index")
            state = await self._engine.get_state(instance_id)
        if state is None:
            raise _not_found(instance_id)
        record = await self._refresh(instance_id, state)
        return InstanceView(record=await self._with_progress(record, state), state=state)

    async def list(
        self,
        name: str | None,
        status: WorkflowStatus | None,
        limit: int,
        offset: int,
        keep: InstanceFilter | None = None,
    ) -> InstancePage:
        """Indexed instances, newest first; records not yet terminal are refreshed first so
        the status filter sees the current status. `counts` has every status's number
        among the instances `name` and `keep` select."""
        names = [self._engine.spec(name).name] if name else self._engine.workflow_names
        ids = [i for n in names for i in await self._index.ids(n)]
        wanted = keep or InstanceFilter()
        ids = [i for i in ids if i.startswith(wanted.id_prefix)]  # before any read
        records = [r for r in await self._index.get_many(ids) if wanted.keeps(r)]
        limiter = asyncio.Semaphore(_REFRESH_PARALLELISM)

        async def current(record: InstanceRecord) -> InstanceRecord | None:
            if WorkflowStatus[record.status] in ENDED:
                return record
            try:
                async with limiter:
                    state = await self._engine.get_state(
                        record.instance_id, fetch_payloads=False, deadline_s=self._read_deadline_s
                    )
            except DaprTimeoutError:
                return record  # busy with a step: its last status seen stands
            return None if state is None else await self._refresh(record.instance_id, state)

        fresh = [r for r in await asyncio.gather(*map(current, records)) if r is not None]
        counts = dict(Counter(r.status for r in fresh))
        if status is not None:
            fresh = [r for r in fresh if r.status == status.name]
        fresh.sort(key=lambda r: (r.created_at, r.instance_id), reverse=True)
        page = fresh[offset : offset + limit]
        reported = await self._reported([r.instance_id for r in page])
        items = [r.model_copy(update={"progress": reported.get(r.instance_id)}) for r in page]
        return InstancePage(total=len(fresh), items=items, counts=counts)

    async def raise_event(self, instance_id: str, event_name: str, data: Any) -> None:
        """Deliver an event the instance's workflow declares (WorkflowSpec.events), with a
        payload its model accepts: a name it never waits for is refused (422, listing the
        accepted ones), and so is a payload that would fail the workflow."""
        state = await self._require(instance_id, ACTIVE, "is not running; the event would be lost")
        accepted = self._engine.spec(state.name).events
        model = accepted.get(event_name)
        if model is None:
            names = ", ".join(sorted(accepted)) or "none"
            raise UnknownWorkflowEventError(
                f"workflow {state.name!r} accepts no event {event_name!r}; it accepts: {names}",
                {"instance_id": instance_id, "event_name": event_name, "accepted": names},
            )
        model.model_validate(data)  # 422 with the fields at fault; nothing is raised
        await self._engine.raise_event(instance_id, event_name, data)

    async def terminate(self, instance_id: str) -> None:
        await self._require(
            instance_id,
            {WorkflowStatus.RUNNING, WorkflowStatus.PENDING},
            "is not running (a suspended instance must be resumed before it can terminate)",
        )
        await self._engine.terminate(instance_id)
        self._admission.release(instance_id)  # a terminated run reports no end of its own

    async def pause(self, instance_id: str) -> None:
        await self._require(instance_id, {WorkflowStatus.RUNNING}, "is not running")
        await self._engine.pause(instance_id)

    async def resume(self, instance_id: str) -> None:
        await self._require(instance_id, {WorkflowStatus.SUSPENDED}, "is not suspended")
        await self._engine.resume(instance_id)

    async def purge(self, instance_id: str) -> None:
        """Delete a finished instance's history and its record; only terminal ones."""
        state = await self._require(instance_id, ENDED, "has not finished")
        if FEATURES.recursive_purge:  # 1.18: with its child workflows (sdk_line.features)
            await self._engine.purge(instance_id)
        else:
            await purge_history(self._dapr, instance_id, self._component)
        self._admission.release(instance_id)
        await self._index.delete(instance_id)
        await self._progress.delete(instance_id)
        await self._index.remove(state.name, instance_id)

    async def wait(self, instance_id: str, timeout_s: float) -> InstanceView:
        """Poll until the instance finishes or `timeout_s` passes; the latest state either way.

        Polling instead of the SDK's blocking wait: its gRPC wait did not return at its
        timeout against the 1.14 sidecar, and a worker thread cannot be cancelled.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            view = await self.get(instance_id, live=True)
            if view.state is not None and view.state.runtime_status in ENDED:
                return view
            if loop.time() >= deadline:
                return view
            await asyncio.sleep(min(_WAIT_POLL_S, max(0.0, deadline - loop.time())))

    async def history(self, instance_id: str) -> HistoryEvents | None:
        """The instance's events as the runtime keeps them, or None where the runtime keeps
        no readable history (1.14: the timeline is the service's record)."""
        await self._require(instance_id, set(WorkflowStatus), "")
        if not FEATURES.instance_history:
            return None
        return await self._engine.history(instance_id)

    async def _with_progress(
        self, record: InstanceRecord, state: WorkflowState | None = None
    ) -> InstanceRecord:
        if FEATURES.custom_status:  # 1.18: the workflow's custom status, in its state
            progress = progress_of(state) if state is not None else None
            return record.model_copy(update={"progress": progress})
        reported = await self._progress.get_many([record.instance_id])
        return record.model_copy(update={"progress": reported.get(record.instance_id)})

    async def _reported(self, instance_ids: Sequence[str]) -> dict[str, Any]:
        """Progress by instance id: the state store's records (1.14), or each instance's
        custom status (1.18), read with the read deadline (a busy engine: no progress)."""
        if not FEATURES.custom_status:
            return await self._progress.get_many(list(instance_ids))

        async def read(instance_id: str) -> Any:
            try:
                state = await self._engine.get_state(instance_id, deadline_s=self._read_deadline_s)
            except DaprTimeoutError:
                return None
            return progress_of(state) if state is not None else None

        found = await asyncio.gather(*map(read, instance_ids))
        return {i: p for i, p in zip(instance_ids, found, strict=True) if p is not None}

    async def _require(
        self, instance_id: str, allowed: set[WorkflowStatus] | frozenset[WorkflowStatus], why: str
    ) -> WorkflowState:
        state = await self._engine.get_state(instance_id, fetch_payloads=False)
        if state is None:
            raise _not_found(instance_id)
        await self._refresh(instance_id, state)
        if state.runtime_status not in allowed:
            raise _conflict(instance_id, f"is {state.runtime_status.name}: it {why}")
        return state

    async def _refresh(self, instance_id: str, state: WorkflowState) -> InstanceRecord:
        known = await self._index.get(instance_id)
        record = InstanceRecord(
            instance_id=instance_id,
            name=state.name,
            status=state.runtime_status.name,
            created_at=known.created_at if known else _utc(state.created_at),
            updated_at=_utc(state.last_updated_at),
        )
        if known != record:
            await self._index.save(record)
        if known is None:
            await self._index.add(state.name, instance_id)
        return record


async def purge_history(
    dapr: DaprClientWrapper, instance_id: str, workflow_component: str = "dapr"
) -> None:
    """Delete a finished instance's history in the engine (the 1.14 SDK has no purge)."""
    response = await dapr.http_call(
        "workflow purge",
        "POST",
        f"/v1.0-beta1/workflows/{workflow_component}/{instance_id}/purge",
        instance_id=instance_id,
    )
    raise_for_sidecar_status(response, "workflow purge", instance_id=instance_id)


def _utc(moment: datetime) -> datetime:
    # The SDK hands out naive datetimes that are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _not_found(instance_id: str) -> WorkflowNotFoundError:
    return WorkflowNotFoundError(
        f"no workflow instance {instance_id!r}", {"instance_id": instance_id}
    )


def _conflict(instance_id: str, why: str) -> WorkflowConflictError:
    return WorkflowConflictError(
        f"workflow instance {instance_id!r} {why}", {"instance_id": instance_id}
    )
