"""The service's own record of workflow instances, kept in the state store.

Dapr 1.14 and SDK 0.5.0 can neither list instances nor keep progress, so the service
records each instance it starts or reads (one key per instance) and indexes them per
workflow name (one key per name, a JSON list of ids). Index updates are ETag-guarded and
retried, so concurrent starts never lose an entry.

Additions are coalesced per name within the process: a burst of placements would
otherwise race on the one key (each write conflicting with every other), and the retries
grew with the square of the writers. One write adds everything that arrived meanwhile;
every caller returns once its id is stored. Keep one WorkflowIndex per process.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from app.building_blocks.errors import ConcurrencyError, WorkflowConflictError
from app.building_blocks.guarded_list import GuardedList
from app.building_blocks.state import Concurrency, StateManager, StateOptions

_RECORD_PREFIX = "workflow-instance:"
_INDEX_PREFIX = "workflow-index:"
_PROGRESS_PREFIX = "workflow-progress:"
_FIRST_WRITE = StateOptions(concurrency=Concurrency.FIRST_WRITE)
_JSON = "application/json"


class InstanceRecord(BaseModel):
    """What the index knows of one instance; `status` is as of `updated_at`. `progress`
    is filled in from WorkflowProgress when read, never stored here."""

    instance_id: str
    name: str
    status: str
    created_at: datetime
    updated_at: datetime
    progress: Any = None


class CoalescedAdds:
    """Ids to add to one index key, written together by one writer at a time."""

    def __init__(self, write: Callable[[list[str]], Awaitable[None]]) -> None:
        self._write = write
        self._pending: list[tuple[str, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def add(self, instance_id: str) -> None:
        done = asyncio.get_running_loop().create_future()
        self._pending.append((instance_id, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        await asyncio.shield(done)  # a caller giving up does not stop the write for others

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self._write([instance_id for instance_id, _ in batch])
            except Exception as error:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)


class WorkflowIndex:
    def __init__(self, state: StateManager) -> None:
        self._state = state
        self._adds: dict[str, CoalescedAdds] = {}

    async def claim(self, record: InstanceRecord) -> None:
        """Write the record only if the id has none yet: the first of two starts wins."""
        try:
            await self._state.save(
                _RECORD_PREFIX + record.instance_id,
                record.model_dump_json().encode(),
                options=_FIRST_WRITE,
                content_type=_JSON,
            )
        except ConcurrencyError:
            raise WorkflowConflictError(
                f"workflow instance {record.instance_id!r} already exists",
                {"instance_id": record.instance_id},
            ) from None

    async def get(self, instance_id: str) -> InstanceRecord | None:
        item = await self._state.get(_RECORD_PREFIX + instance_id)
        return None if item is None else InstanceRecord.model_validate_json(item.value)

    async def get_many(self, instance_ids: list[str]) -> list[InstanceRecord]:
        items = await self._state.get_bulk([_RECORD_PREFIX + i for i in instance_ids])
        return [InstanceRecord.model_validate_json(item.value) for item in items]

    async def save(self, record: InstanceRecord) -> None:
        await self._state.save(
            _RECORD_PREFIX + record.instance_id,
            record.model_dump_json().encode(),
            content_type=_JSON,
        )

    async def delete(self, instance_id: str) -> None:
        await self._state.delete(_RECORD_PREFIX + instance_id)

    async def ids(self, name: str) -> list[str]:
        return await self._ids_of(name).read()

    async def add(self, name: str, instance_id: str) -> None:
        adds = self._adds.get(name)
        if adds is None:
            adds = self._adds[name] = CoalescedAdds(lambda batch: self._add_all(name, batch))
        await adds.add(instance_id)

    async def _add_all(self, name: str, instance_ids: list[str]) -> None:
        def added(ids: list[str]) -> list[str]:
            known = set(ids)
            new = [i for i in dict.fromkeys(instance_ids) if i not in known]
            return [*ids, *new] if new else ids

        await self._ids_of(name).update(added)

    async def remove(self, name: str, instance_id: str) -> None:
        await self._ids_of(name).update(lambda ids: [i for i in ids if i != instance_id])

    async def forget(self, name: str, instance_ids: list[str]) -> None:
        """Drop the instances from the index of `name` (one write), then their records and
        progress: pruning, for instances whose workflow ended long ago."""
        if not instance_ids:
            return
        gone = set(instance_ids)
        await self._ids_of(name).update(lambda ids: [i for i in ids if i not in gone])
        for instance_id in instance_ids:
            await self._state.delete(_RECORD_PREFIX + instance_id)
            await self._state.delete(_PROGRESS_PREFIX + instance_id)

    def _ids_of(self, name: str) -> GuardedList[str]:
        return GuardedList(self._state, _INDEX_PREFIX + name, str, field="ids")


class WorkflowProgress:
    """Progress a workflow reports about itself, one key per instance.

    Kept apart from the instance record: only the workflow's own activity writes it, so
    it never races the record refreshes that API reads do.
    """

    def __init__(self, state: StateManager) -> None:
        self._state = state

    async def record(self, instance_id: str, progress: dict[str, Any]) -> None:
        await self._state.save(
            _PROGRESS_PREFIX + instance_id, json.dumps(progress).encode(), content_type=_JSON
        )

    async def get_many(self, instance_ids: list[str]) -> dict[str, Any]:
        """Progress by instance id, for the ids that reported any."""
        items = await self._state.get_bulk([_PROGRESS_PREFIX + i for i in instance_ids])
        return {item.key.removeprefix(_PROGRESS_PREFIX): json.loads(item.value) for item in items}

    async def delete(self, instance_id: str) -> None:
        await self._state.delete(_PROGRESS_PREFIX + instance_id)
