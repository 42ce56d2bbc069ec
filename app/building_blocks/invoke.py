"""ServiceInvoker: call another Dapr app's HTTP method through the sidecar.

Uses the sidecar's HTTP invocation API (`/v1.0/invoke/<app-id>/method/<path>`), which
keeps HTTP semantics end to end: verb, headers, query string, status, response headers.
The SDK's gRPC invocation loses the status and headers of non-2xx answers.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import InvalidRequestError, InvocationError

_APP_ID = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# Headers the sidecar or HTTP itself owns; a caller may not set them.
_RESERVED_HEADERS = frozenset({"host", "content-length", "dapr-api-token", "transfer-encoding"})


class HttpMethod(StrEnum):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    DELETE = "DELETE"
    PATCH = "PATCH"


@dataclass(frozen=True)
class InvocationResponse:
    data: bytes
    status_code: int
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = ""


class ServiceInvoker:
    """Invokes methods on other apps; a non-2xx answer raises InvocationError with its status."""

    def __init__(self, client: DaprClientWrapper) -> None:
        self._client = client

    async def invoke(
        self,
        app_id: str,
        method_name: str,
        data: bytes | None = None,
        http_verb: HttpMethod = HttpMethod.POST,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        content_type: str = "application/json",
        timeout_s: float | None = None,
    ) -> InvocationResponse:
        if not _APP_ID.match(app_id):
            raise InvalidRequestError(
                "app id must be lowercase letters, digits and dashes", {"app_id": app_id}
            )
        method = method_name.strip("/")
        if not method:
            raise InvalidRequestError("method name must not be empty", {"app_id": app_id})
        reserved = sorted(name for name in (headers or {}) if name.lower() in _RESERVED_HEADERS)
        if reserved:
            raise InvalidRequestError(f"headers {reserved} are set by the sidecar, not the caller")
        request_headers = dict(headers or {})
        if data is not None:
            request_headers.setdefault("content-type", content_type)
        context = {"app_id": app_id, "target_method": method, "verb": http_verb.value}
        response = await self._client.http_call(
            f"invoke {app_id}/{method}",
            http_verb.value,
            f"/v1.0/invoke/{app_id}/method/{method}",
            content=data,
            params=query,
            headers=request_headers,
            timeout_s=timeout_s,
            **context,
        )
        result = InvocationResponse(
            data=response.content,
            status_code=response.status_code,
            headers=dict(response.headers),
            content_type=response.headers.get("content-type", ""),
        )
        if not response.is_success:
            raise InvocationError(
                f"{app_id}/{method} answered {response.status_code}",
                {**context, "status": response.status_code, "body": response.text[:500]},
            )
        return result
