"""The service's own record of workflow instances, kept in the state store.

Dapr 1.14 and SDK 0.5.0 can neither list instances nor keep progress, so the service
records each instance it starts or reads (one key per instance) and indexes them per
workflow name (one key per name, a JSON list of ids). Index updates are ETag-guarded and
retried, so concurrent starts never lose an entry.
"""

import json
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


class WorkflowIndex:
    def __init__(self, state: StateManager) -> None:
        self._state = state

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
        await self._ids_of(name).update(
            lambda ids: ids if instance_id in ids else [*ids, instance_id]
        )

    async def remove(self, name: str, instance_id: str) -> None:
        await self._ids_of(name).update(lambda ids: [i for i in ids if i != instance_id])

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
