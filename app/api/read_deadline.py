"""Every read of the API answers within a deadline, or says why not.

A read that waits on the sidecar can wait as long as the sidecar does: a busy workflow
actor, a state store that stopped answering (issue 11 saw an order read hang for a
minute). GET routes under /api/v1 therefore run under `deadline_s` and answer a 504
problem past it. Reads change nothing, so cutting one short loses nothing. The `wait`
route is exempt: waiting is what it was asked to do, under its own `timeout_s`.
"""

import asyncio

from fastapi import Request, Response

from app.building_blocks.errors import DaprTimeoutError
from app.building_blocks.middleware import Middleware, Next

API_PREFIX = "/api/v1/"
_WAITS = "/wait"


class ReadDeadlineError(DaprTimeoutError):
    error_code = "READ_DEADLINE_EXCEEDED"


def read_deadline(deadline_s: float) -> Middleware[Request, Response]:
    async def bounded(request: Request, call_next: Next[Request, Response]) -> Response:
        path = request.url.path
        if request.method != "GET" or not path.startswith(API_PREFIX) or path.endswith(_WAITS):
            return await call_next(request)
        try:
            async with asyncio.timeout(deadline_s):
                return await call_next(request)
        except TimeoutError:
            raise ReadDeadlineError(
                f"GET {path} did not finish within {deadline_s:g}s: the sidecar or the "
                "workflow engine is slow to answer; retry shortly",
                {"path": path, "deadline_s": deadline_s},
            ) from None

    return Middleware("read-deadline", bounded)
