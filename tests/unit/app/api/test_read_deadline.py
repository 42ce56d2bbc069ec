"""The read deadline: a GET under /api/v1 that outlasts it is a 504 error of the taxonomy;
writes and the `wait` route are never cut short."""

import asyncio

import pytest
from fastapi import Request, Response

from app.api.error_status import http_status
from app.api.read_deadline import ReadDeadlineError, read_deadline


def _request(method: str, path: str) -> Request:
    return Request(
        {"type": "http", "method": method, "path": path, "headers": [], "query_string": b""}
    )


def _run(method: str, path: str, takes_s: float) -> Response:
    async def slow(request: Request) -> Response:
        await asyncio.sleep(takes_s)
        return Response(status_code=200)

    async def bounded() -> Response:
        return await read_deadline(0.05).run(_request(method, path), slow)

    return asyncio.run(bounded())


def test_a_slow_read_is_a_504_naming_path_and_deadline() -> None:
    """GET past the deadline raises ReadDeadlineError (504), with the path in its details."""
    with pytest.raises(ReadDeadlineError) as refused:
        _run("GET", "/api/v1/orders/o-1", 1.0)
    assert http_status(refused.value) == 504
    assert refused.value.details == {"path": "/api/v1/orders/o-1", "deadline_s": 0.05}


def test_a_fast_read_passes() -> None:
    """Within the deadline the route's own answer comes back."""
    assert _run("GET", "/api/v1/orders/o-1", 0.0).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/orders"),
        ("GET", "/api/v1/workflows/instances/i-1/wait"),
        ("GET", "/health/ready"),
    ],
)
def test_writes_waits_and_routes_outside_the_api_are_not_cut(method: str, path: str) -> None:
    """A write is never abandoned half-way; `wait` has its own timeout; health has its own."""
    assert _run(method, path, 0.1).status_code == 200
