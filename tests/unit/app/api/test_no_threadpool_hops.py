"""No route or dependency of the app runs on FastAPI's threadpool.

FastAPI runs a plain `def` endpoint or dependency on anyio's worker threads (40 tokens).
Under a burst of placements every request queued there twice (the services lookups of
app/api/deps.py were plain functions), and the first status read of a 300-order burst
waited over a second behind them (CI, issue 11). Everything here is cheap and in memory,
so all of it is `async def` and stays on the event loop."""

import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from app.main import create_app
from app.settings import Settings


def _runs_on_the_loop(call: Callable[..., Any]) -> bool:
    if inspect.isfunction(call) or inspect.ismethod(call):
        return inspect.iscoroutinefunction(call)
    return inspect.iscoroutinefunction(type(call).__call__)  # an instance such as HTTPBearer


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, inside included routers too (FastAPI 0.165 keeps an included
    router whole, as `original_router`)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)


def test_every_endpoint_and_dependency_is_a_coroutine() -> None:
    """Each APIRoute's endpoint and its whole dependency tree are async callables."""
    routes = list(_api_routes(create_app(Settings()).routes))
    assert len(routes) > 30
    on_threads = sorted(
        {
            f"{route.path}: {getattr(call, '__qualname__', repr(call))}"
            for route in routes
            for call in [route.endpoint, *_calls(route.dependant)]
            if not _runs_on_the_loop(call)
        }
    )
    assert on_threads == []
