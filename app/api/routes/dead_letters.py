"""Dead letters: list the messages the dead-letter topics received, newest first."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.auth import Scope, requires
from app.api.deps import StateDep
from app.records.dead_letters import DeadLetter, DeadLetters

router = APIRouter(prefix="/api/v1/dead-letters", tags=["dead letters"])


@router.get("", dependencies=[requires(Scope.WORKFLOWS_READ)])
async def list_dead_letters(
    state: StateDep,
    topic: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[DeadLetter]:
    """Kept dead letters, newest first; `topic` is the original or the dead-letter topic."""
    return await DeadLetters(state).newest(topic, limit)
