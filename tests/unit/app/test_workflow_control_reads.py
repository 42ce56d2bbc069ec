"""WorkflowControl.get when the engine is busy past the read deadline: an instance the
index holds is answered from its record; an id it does not hold waits for the engine's
own answer, so an unknown id is a 404, never the 504 a busy engine used to give it (found
by Schemathesis under load)."""

import asyncio
from typing import Any, cast

import pytest

from app.building_blocks.errors import DaprTimeoutError, WorkflowNotFoundError
from app.workflow_control import WorkflowControl


class BusyEngine:
    """Answers a patient read (no deadline) and times out any read with a deadline."""

    def __init__(self) -> None:
        self.patient_reads = 0

    async def get_state(
        self, instance_id: str, fetch_payloads: bool = True, deadline_s: float | None = None
    ) -> None:
        if deadline_s is not None:
            raise DaprTimeoutError("no answer within the deadline", {"deadline_s": deadline_s})
        self.patient_reads += 1
        return None  # the engine's answer: no such instance


class EmptyIndex:
    async def get(self, instance_id: str) -> None:
        return None


def test_an_unknown_id_waits_for_the_engine_and_is_not_found() -> None:
    engine = BusyEngine()
    control = WorkflowControl(
        cast(Any, engine),
        cast(Any, EmptyIndex()),
        cast(Any, None),
        cast(Any, None),
        cast(Any, None),
        read_deadline_s=0.05,
    )
    with pytest.raises(WorkflowNotFoundError):
        asyncio.run(control.get("typed-by-a-client"))
    assert engine.patient_reads == 1
