"""daprd's actor callback routes (`/actors/...`, mounted by dapr.ext.fastapi.DaprActor):
kept out of the OpenAPI document, answering 4xx problems for calls no hosted actor
can serve, and failing daprd's actor health probe while the process drains.

The SDK answers every such call with a 500 and a body of its own (`repr` of a
ValueError or AttributeError): an unknown actor type, an undeclared method, a timer (no
actor here registers one), a reminder for a type that takes none, or a body that is not
JSON. These routes are only for daprd, which never sends those; a check in front of the
SDK refuses them as RFC 9457 problems and lets every call daprd makes through unchanged
(an actor's own exception stays the SDK's 500, whose text daprd relays and
app/building_blocks/actor_methods.py reads).
"""

import json
from collections.abc import Sequence

from dapr.actor import Actor, Remindable
from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.building_blocks.actor_methods import declared_methods
from app.building_blocks.errors import ActorNotFoundError, DaprError
from app.building_blocks.middleware import Middleware, Next
from app.drain import DRAIN, ShutdownDrain

ACTOR_CALLBACK_PREFIX = "/actors/"


class MalformedCallbackError(DaprError):
    error_code = "VALIDATION_ERROR"
    http_status = 400


# What DaprActor(app) mounts: daprd's health probe, its actor configuration, the actors.
ACTOR_HEALTH_PATH = "/healthz"
DAPR_ACTOR_PATHS = (ACTOR_HEALTH_PATH, "/dapr/config", ACTOR_CALLBACK_PREFIX)


def hide_dapr_actor_routes(routes: Sequence[BaseRoute]) -> None:
    """Leave DaprActor's routes out of the OpenAPI document: they are daprd's, not the
    API's (the topic and binding routes stay documented and answer what it says)."""
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's included router
        if isinstance(included, APIRouter):
            hide_dapr_actor_routes(included.routes)
        elif isinstance(route, APIRoute) and route.path.startswith(DAPR_ACTOR_PATHS):
            route.include_in_schema = False


def actor_callback_guard(actors: Sequence[type[Actor]]) -> Middleware[Request, Response]:
    """4xx problems for actor callbacks that name what is not hosted or send non-JSON."""
    methods = {actor.__name__: declared_methods(actor) for actor in actors}
    remindable = {actor.__name__ for actor in actors if issubclass(actor, Remindable)}

    async def check(request: Request, call_next: Next[Request, Response]) -> Response:
        path: str = request.scope["path"]
        if not path.startswith(ACTOR_CALLBACK_PREFIX):
            return await call_next(request)
        # /actors/<type>/<id>[/method/<name> | /method/timer/<name> | /method/remind/<name>]
        parts = path[len(ACTOR_CALLBACK_PREFIX) :].split("/")
        actor_type, kind = parts[0], parts[2:]
        if actor_type not in methods:
            raise ActorNotFoundError(
                f"no actor type {actor_type!r} is hosted here", {"actor_type": actor_type}
            )
        if len(kind) == 2 and kind[0] == "method" and kind[1] not in methods[actor_type]:
            raise ActorNotFoundError(
                f"{actor_type} declares no method {kind[1]!r}",
                {"actor_type": actor_type, "method": kind[1]},
            )
        if len(kind) == 3 and kind[:2] == ["method", "timer"]:
            raise ActorNotFoundError(
                f"{actor_type} registers no timers", {"actor_type": actor_type, "timer": kind[2]}
            )
        if len(kind) == 3 and kind[:2] == ["method", "remind"] and actor_type not in remindable:
            raise ActorNotFoundError(
                f"{actor_type} takes no reminders", {"actor_type": actor_type, "reminder": kind[2]}
            )
        if request.method == "PUT":
            body = await request.body()
            if body:
                try:
                    json.loads(body)
                except ValueError:
                    raise MalformedCallbackError(
                        "an actor call's body must be JSON", {"path": path}
                    ) from None
        return await call_next(request)

    return Middleware("actor-callbacks", check)


def actor_host_drain(drain: ShutdownDrain = DRAIN) -> Middleware[Request, Response]:
    """While the process drains, daprd's actor health probe (`GET /healthz`) fails.

    After 4 failed probes (5 s apart in daprd 1.14) daprd leaves placement, which hands
    this replica's actors to the others, and deactivates each once its call ends; only
    then may daprd be stopped. daprd 1.14.4 closes its components at SIGTERM while actors
    still run: a workflow step there fails "state store does not exist", which the engine
    takes as final and deletes the workflow's reminder (the workflow then never moves
    again; seen in the rolling restart test with reminders on the Scheduler).
    """

    async def check(request: Request, call_next: Next[Request, Response]) -> Response:
        if drain.draining and request.scope["path"] == ACTOR_HEALTH_PATH:
            return Response(status_code=503, content="draining")
        return await call_next(request)

    return Middleware("actor-host-drain", check)
