"""The dashboard's way to the service: the app's own /api/v1, called in-process.

Every page reads and acts through the same routes as any API client (no second path to
Dapr, and the same validation, conflicts and problem details), over an ASGI transport
that never leaves the process. The operator's token goes with each call, so the API's
authentication and scopes cover the dashboard too.
"""

from typing import Any

import httpx
from fastapi import Request

from app.observability import tracing
from app.ui.csrf import SESSION_COOKIE

# The API's problem as its Python clients read it: one parser, the CLI's.
from cli.wire import ApiError

API = "/api/v1"
# Longer than the API's own read deadline (5 s), so its 504 problem is what we show.
_TIMEOUT_S = 30.0


class DashboardApi:
    """/api/v1 for one dashboard request; methods return the API's JSON or raise ApiError."""

    def __init__(self, request: Request) -> None:
        # The page's trace and correlation id: each API call is a span of the page's trace.
        headers = tracing.propagated_headers()
        # A script's own token, or the operator's session (app/ui/session.py).
        authorization = request.headers.get("authorization")
        if not authorization and (session := request.cookies.get(SESSION_COOKIE)):
            authorization = f"Bearer {session}"
        if authorization:
            headers["authorization"] = authorization
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=request.app),
            base_url="http://orderflow.internal",
            headers=headers,
            timeout=_TIMEOUT_S,
        )

    async def __aenter__(self) -> "DashboardApi":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._client.aclose()

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return await self._call("GET", path, params=params)

    async def get_or_none(self, path: str, also: tuple[int, ...] = ()) -> Any:
        """The resource, or None where the API answers 404 (or a status in `also`)."""
        try:
            return await self.get(path)
        except ApiError as problem:
            if problem.status == 404 or problem.status in also:
                return None
            raise

    async def post(self, path: str, body: Any = None) -> Any:
        return await self._call("POST", path, json=body)

    async def delete(self, path: str) -> Any:
        return await self._call("DELETE", path)

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._client.request(method, API + path, **kwargs)
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        if not response.content:
            return None
        return response.json()
