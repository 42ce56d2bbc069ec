"""Invoking a declared actor method by name, for callers that only know names (the API).

Only methods an actor's interface declares with `@actor_method` can be called: the
public surface is the interface, not whatever the implementation class happens to have.
The call takes the same proxy path as the domain's (ActorGateway: traced, pooled,
sidecar-guarded), by wire name; the JSON is passed through as it is.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from dapr.actor import Actor, ActorInterface
from dapr.clients.exceptions import DaprInternalError

from app.building_blocks.actors import ActorGateway
from app.building_blocks.errors import (
    ActorMethodRejectedError,
    ActorNotFoundError,
    ComponentNotFoundError,
    DaprError,
    DaprTimeoutError,
    InvalidRequestError,
)

# daprd 1.14 answers 500 ERR_ACTOR_INVOKE_METHOD both when the actor raised and when it
# could not reach the actor; the actor's own failure carries this phrase.
_RAISED_BY_ACTOR = "error from actor service"
_INVOKE_FAILED = "ERR_ACTOR_INVOKE_METHOD"
# The codes daprd 1.14 answers with 400 on the actor API (pkg/messages/predefined.go); the
# SDK's error keeps the code and message, not the status.
_BAD_REQUEST = frozenset({"ERR_MALFORMED_REQUEST", "ERR_BAD_REQUEST", "ERR_ACTOR_INSTANCE_MISSING"})


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
    """Calls hosted actors' declared methods by name through the actor gateway."""

    def __init__(self, actors: ActorGateway, hosted: Sequence[type[Actor]]) -> None:
        self._actors = actors
        # Dapr's actor type name is the class name unless registered otherwise.
        self._methods: Mapping[str, frozenset[str]] = {
            actor.__name__: declared_methods(actor) for actor in hosted
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
        body = None if argument is None else json.dumps(argument).encode()
        proxy = self._actors.proxy(actor_type, actor_id)
        try:
            answer = await proxy.invoke_method(method, body)
        except DaprInternalError as error:
            raise _translated(error, context) from error
        except TimeoutError:
            raise DaprTimeoutError("actor invoke timed out", context) from None
        return json.loads(answer) if answer else None


def _translated(error: DaprInternalError, context: dict[str, Any]) -> DaprError:
    """daprd's refusal as the taxonomy (as raise_for_sidecar_status does for its answers)."""
    answer = error.as_dict()
    code, message = str(answer["errorCode"] or ""), str(answer["message"] or "")
    details = {"operation": "actor invoke", "dapr_reason": code, **context}
    text = f"actor invoke failed: {message}"
    if code == _INVOKE_FAILED and _RAISED_BY_ACTOR in message:
        return ActorMethodRejectedError(_actor_message(message), context)
    if "NOT_FOUND" in code or "DOES_NOT_EXIST" in code or "not found" in message.lower():
        return ComponentNotFoundError(text, details)
    if code in _BAD_REQUEST:
        return InvalidRequestError(text, details)
    return DaprError(text, details)


def _actor_message(message: str) -> str:
    """The actor's own words, out of daprd's wrapping `...: {"message": ...}`."""
    _, _, inner = message.partition(f"{_RAISED_BY_ACTOR}: ")
    try:
        found = json.loads(inner).get("message")
    except (ValueError, AttributeError):
        found = None
    return str(found) if found else message
