"""A start refused while its host leaves is tried again, a bounded number of times."""

import asyncio

import pytest

from app.building_blocks.errors import ComponentNotFoundError, WorkflowConflictError
from app.building_blocks.host_left import host_left_retry


def test_a_start_refused_twice_then_accepted_returns_the_id() -> None:
    answers: list[BaseException | str] = [
        ComponentNotFoundError("workflow not found"),
        ComponentNotFoundError("workflow not found"),
        "ord-1",
    ]

    async def start() -> str:
        answer = answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    assert asyncio.run(host_left_retry(start, pause_s=0.0)) == "ord-1"


def test_it_gives_up_after_its_attempts() -> None:
    calls = 0

    async def start() -> str:
        nonlocal calls
        calls += 1
        raise ComponentNotFoundError("workflow not found")

    with pytest.raises(ComponentNotFoundError):
        asyncio.run(host_left_retry(start, attempts=3, pause_s=0.0))
    assert calls == 3


def test_other_errors_are_not_retried() -> None:
    async def start() -> str:
        raise WorkflowConflictError("exists")

    with pytest.raises(WorkflowConflictError):
        asyncio.run(host_left_retry(start, pause_s=0.0))
