"""Ordered middleware pipelines for inbound requests and outbound sidecar calls.

A middleware is `async (context, call_next) -> result`, the shape of Starlette's
function middleware. The first middleware in the list runs first on the way in and
last on the way out. An unexpected exception raised by a middleware leaves the pipeline
as a MiddlewareError naming the middleware, the stage and the operation, with the
original as its cause; errors of the taxonomy keep their type and gain the middleware's
name in their details.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from app.building_blocks.errors import DaprError

C = TypeVar("C")
R = TypeVar("R")
Next = Callable[[C], Awaitable[R]]


@dataclass(frozen=True)
class Middleware(Generic[C, R]):
    name: str
    run: Callable[[C, Next[C, R]], Awaitable[R]]


class MiddlewareError(DaprError):
    """A middleware failed; `details` names it, the stage and the operation."""

    error_code = "MIDDLEWARE_ERROR"


@dataclass
class OutboundCall:
    """What outbound middleware sees of a sidecar call; headers may be added."""

    operation: str
    headers: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)


class MiddlewarePipeline(Generic[C, R]):
    def __init__(self, stage: str, middlewares: Sequence[Middleware[C, R]] = ()) -> None:
        self.stage = stage
        self.middlewares = list(middlewares)

    @property
    def names(self) -> list[str]:
        return [middleware.name for middleware in self.middlewares]

    async def run(self, context: C, endpoint: Next[C, R], operation: str = "") -> R:
        if not self.middlewares:
            return await endpoint(context)  # no closures to build on a hot path
        handler = endpoint
        for middleware in reversed(self.middlewares):
            handler = self._guarded(middleware, handler, operation)
        return await handler(context)

    def _guarded(
        self, middleware: Middleware[C, R], call_next: Next[C, R], operation: str
    ) -> Next[C, R]:
        async def step(context: C) -> R:
            from_inside: list[BaseException] = []

            async def tracked_next(inner: C) -> R:
                try:
                    return await call_next(inner)
                except BaseException as error:
                    from_inside.append(error)  # raised further in: not this middleware's fault
                    raise

            try:
                return await middleware.run(context, tracked_next)
            except Exception as error:
                if error in from_inside or isinstance(error, MiddlewareError):
                    raise
                if isinstance(error, DaprError):
                    error.details.setdefault("middleware", middleware.name)
                    raise
                raise MiddlewareError(
                    f"{self.stage} middleware {middleware.name!r} failed: {error}",
                    {
                        "middleware": middleware.name,
                        "stage": self.stage,
                        "operation": operation,
                        "cause": type(error).__name__,
                    },
                ) from error

        return step
