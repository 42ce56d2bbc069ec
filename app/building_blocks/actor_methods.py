"""Invoking a declared actor method by name, for callers that only know names (the API).

Only methods an actor's interface declares with `@actor_method` can be called: the
public surface is the interface, not whatever the implementation class happens to have.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from dapr.actor import Actor, ActorInterface

from app.building_blocks.client import DaprClientWrapper, raise_for_sidecar_status
from app.building_blocks.errors import ActorMethodRejectedError, ActorNotFoundError

# daprd 1.14 answers 500 ERR_ACTOR_INVOKE_METHOD both when the actor raised and when it
# could not reach the actor; the actor's own failure carries this phrase.
_RAISED_BY_ACTOR = "error from actor service"
_INVOKE_FAILED = "ERR_ACTOR_INVOKE_METHOD"


def declared_methods(actor_class: type[Actor]) -> frozenset[str]:
    """The wire names of the `@actor_method`s on the actor's interfaces."""
    names: set[str] = set()
    for base in actor_class.mro():
        if ActorInterface not in base.__bases__:
            continue
        for attribute in vars(base).values():
            name = getattr(attribute, "__actormethod__", None)
            if isinstance(name, str):
                names.add(name)
    return frozenset(names)


class ActorMethodInvoker:
    """Calls actors through the sidecar's actor HTTP API (async; no loop blocking)."""

    def __init__(self, dapr: DaprClientWrapper, actors: Sequence[type[Actor]]) -> None:
        self._dapr = dapr
        # Dapr's actor type name is the class name unless registered otherwise.
        self._methods: Mapping[str, frozenset[str]] = {
            actor.__name__: declared_methods(actor) for actor in actors
        }

    def check_declared(self, actor_type: str, method: str) -> None:
        methods = self._methods.get(actor_type)
        if methods is None:
            raise ActorNotFoundError(
                f"no actor type {actor_type!r} is hosted here", {"actor_type": actor_type}
            )
        if method not in methods:
            raise ActorNotFoundError(
                f"{actor_type} declares no method {method!r}; it declares "
                + ", ".join(sorted(methods)),
                {"actor_type": actor_type, "method": method},
            )

    async def invoke(self, actor_type: str, actor_id: str, method: str, argument: Any) -> Any:
        """The method's JSON result; the actor's own exception is ActorMethodRejectedError."""
        self.check_declared(actor_type, method)
        context = {"actor_type": actor_type, "actor_id": actor_id, "method": method}
        path = (
            f"/v1.0/actors/{quote(actor_type, safe='')}/{quote(actor_id, safe='')}/method/{method}"
        )
        response = await self._dapr.http_call(
            "actor invoke",
            "POST",
            path,
            content=None if argument is None else json.dumps(argument).encode(),
            headers={"content-type": "application/json"},
            actor_type=actor_type,
            actor_id=actor_id,
            actor_method=method,
        )
        if not response.is_success and _INVOKE_FAILED in response.text:
            message = str(response.json().get("message", ""))
            if _RAISED_BY_ACTOR in message:
                raise ActorMethodRejectedError(_actor_message(message), context)
        raise_for_sidecar_status(response, "actor invoke", **context)
        return response.json() if response.content else None


def _actor_message(message: str) -> str:
    """The actor's own words, out of daprd's wrapping `...: {"message": ...}`."""
    _, _, inner = message.partition(f"{_RAISED_BY_ACTOR}: ")
    try:
        found = json.loads(inner).get("message")
    except (ValueError, AttributeError):
        found = None
    return str(found) if found else message
