"""Input bindings as data: the routes daprd calls with each event of a binding.

daprd asks the app with OPTIONS /<binding-name> whether it serves a binding (2xx or 405
means yes) and only then starts reading from it; each event is then POSTed to that route
with the data as body and the binding's metadata as headers (dapr/dapr
`pkg/runtime/processor/binding/send.go`). 200 acknowledges the event (daprd's inbound
resiliency treats any other status, even 204, as a failed attempt); anything else reports
a failure to the component, which may retry (cron does not).
"""

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, Request, Response, status

logger = logging.getLogger(__name__)

D = TypeVar("D")

# daprd sends a binding's metadata as request headers (names lower-cased on the way);
# these are the HTTP client's own and say nothing about the event.
_TRANSPORT_HEADERS = frozenset({"host", "user-agent", "content-length", "accept-encoding"})
_STATUS_ONLY: dict[int | str, dict[str, Any]] = {
    200: {"description": "Event handled (acknowledged); no body", "content": {}},
    500: {"description": "The handler failed; the component may retry; no body", "content": {}},
    503: {"description": "The app is still starting; no body", "content": {}},
}


@dataclass(frozen=True)
class BindingEvent:
    """One event from an input binding: its data and the binding's metadata (header
    names, so lower-case: cron sends `readtimeutc` and `timezone`)."""

    binding: str
    data: bytes
    metadata: Mapping[str, str]


InputBindingHandler = Callable[[BindingEvent, D], Awaitable[None]]


@dataclass(frozen=True)
class InputBinding(Generic[D]):
    """An input binding the app serves; `name` matches the component's metadata.name."""

    name: str
    handler: InputBindingHandler[D]


@dataclass(frozen=True)
class _Active(Generic[D]):
    deps: D


class InputBindingRegistry(Generic[D]):
    """Mounts POST and OPTIONS /<name> per input binding; bootstrap activates it."""

    def __init__(self, bindings: Sequence[InputBinding[D]]) -> None:
        names = [binding.name for binding in bindings]
        for name in names:
            if not name.strip() or "/" in name:
                raise ValueError(f"input binding name {name!r} must be one non-empty path segment")
        if len(set(names)) != len(names):
            raise ValueError(f"input bindings registered twice: {names}")
        self._bindings = list(bindings)
        self._active: _Active[D] | None = None

    def activate(self, deps: D) -> None:
        self._active = _Active(deps)

    def deactivate(self) -> None:
        self._active = None

    @property
    def names(self) -> list[str]:
        return [binding.name for binding in self._bindings]

    def router(self) -> APIRouter:
        router = APIRouter(tags=["bindings"])
        for binding in self._bindings:
            router.add_api_route(
                f"/{binding.name}",
                _serves_binding,
                methods=["OPTIONS"],
                status_code=status.HTTP_204_NO_CONTENT,
                name=f"serves {binding.name}",
                summary=f"Tells daprd this app serves input binding `{binding.name}`",
            )
            router.add_api_route(
                f"/{binding.name}",
                self._endpoint(binding),
                methods=["POST"],
                name=f"binding {binding.name}",
                summary=f"Events of input binding `{binding.name}`",
                # Status only, no body: declared so, not as FastAPI's default JSON.
                response_class=Response,
                responses=_STATUS_ONLY,
            )
        return router

    def _endpoint(self, binding: InputBinding[D]) -> Callable[[Request], Awaitable[Response]]:
        async def receive(request: Request) -> Response:
            metadata = {
                name: value
                for name, value in request.headers.items()
                if name not in _TRANSPORT_HEADERS
            }
            event = BindingEvent(binding.name, await request.body(), metadata)
            return await self._deliver(binding, event)

        return receive

    async def _deliver(self, binding: InputBinding[D], event: BindingEvent) -> Response:
        active = self._active
        if active is None:
            logger.warning("%s: binding event before start-up finished", binding.name)
            return Response(status_code=status.HTTP_503_SERVICE_UNAVAILABLE)
        try:
            await binding.handler(event, active.deps)
        except Exception:
            logger.exception("%s: binding handler failed", binding.name)
            return Response(status_code=status.HTTP_500_INTERNAL_SERVER_ERROR)
        return Response(status_code=status.HTTP_200_OK)


async def _serves_binding() -> Response:
    """daprd's OPTIONS probe: any 2xx says the app serves the binding."""
    return Response(status_code=status.HTTP_204_NO_CONTENT)
