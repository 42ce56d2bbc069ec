"""Metrics of the calls daprd makes into the actors this app hosts.

daprd calls PUT /actors/{type}/{id}/method/{name} for a method, and .../method/timer/{name}
or .../method/remind/{name} for a timer or reminder (served by `DaprActor`). Labels are
bounded: an actor type or method this app does not declare is counted as "other", and
timers and reminders are counted by kind, never by name (a name may carry an id).
"""

import time
from collections.abc import Mapping, Sequence

from dapr.actor import Actor
from fastapi import Request, Response

from app.building_blocks.actor_methods import declared_methods
from app.building_blocks.middleware import Middleware, Next
from app.observability.metrics import ACTOR_CALL_DURATION, ACTOR_CALLS

OTHER = "other"
_CALLBACK_KINDS = {"timer_name": "timer", "reminder_name": "reminder"}


def actor_call_metrics(actors: Sequence[type[Actor]]) -> Middleware[Request, Response]:
    """Counts and times daprd's calls into `actors` (type name = class name, as registered)."""
    methods: Mapping[str, frozenset[str]] = {a.__name__: declared_methods(a) for a in actors}

    async def observe(request: Request, call_next: Next[Request, Response]) -> Response:
        if not request.url.path.startswith("/actors/"):
            return await call_next(request)
        started = time.perf_counter()
        response = await call_next(request)
        labels = _labels(request.path_params, methods)  # routing has filled them in by now
        if labels is not None:
            outcome = "success" if response.status_code < 400 else "error"
            ACTOR_CALLS.labels(*labels, outcome).inc()
            ACTOR_CALL_DURATION.labels(*labels).observe(time.perf_counter() - started)
        return response

    return Middleware("actor-metrics", observe)


def _labels(
    params: Mapping[str, str], methods: Mapping[str, frozenset[str]]
) -> tuple[str, str] | None:
    """(actor type, method) for a method, timer or reminder call; None for other routes
    (deactivation)."""
    actor_type = params.get("actor_type_name")
    if actor_type is None:
        return None
    declared = methods.get(actor_type)
    for param, kind in _CALLBACK_KINDS.items():
        if param in params:
            return (actor_type if declared is not None else OTHER), kind
    method = params.get("method_name")
    if method is None:
        return None
    if declared is None:
        return OTHER, OTHER
    return actor_type, method if method in declared else OTHER
