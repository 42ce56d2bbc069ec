"""Invoke a method declared on a hosted actor's interface."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path

from app.api.auth import Scope, requires
from app.api.deps import ActorMethodsDep
from app.building_blocks.ids import NAME_MAX_LENGTH

router = APIRouter(prefix="/api/v1/actors", tags=["actors"])

# No '/' (a path segment), no '|' (daprd keys actor state "<type>||<id>||<key>"), and no
# control characters: daprd refused "%00" and the route answered 502 for a bad input.
ActorId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^/|\x00-\x1f\x7f]+$")]


@router.post(
    "/{actor_type}/{actor_id}/methods/{method}", dependencies=[requires(Scope.ACTORS_INVOKE)]
)
async def invoke_actor_method(
    actor_type: Annotated[str, Path(max_length=NAME_MAX_LENGTH)],
    actor_id: ActorId,
    method: Annotated[str, Path(max_length=NAME_MAX_LENGTH)],
    invoker: ActorMethodsDep,
    argument: Annotated[Any, Body()] = None,
) -> Any:
    """Call `method` on the actor with the JSON body as its argument; returns its result."""
    return await invoker.invoke(actor_type, actor_id, method, argument)
