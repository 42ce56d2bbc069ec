"""The request body limit, at the edge: 413 before more than the limit is read.

The sidecar's gRPC API takes at most `dapr_max_request_bytes` (4 MiB) per call; a larger
body used to travel through the app to daprd and come back as a 502. Here it is refused
first, as an RFC 9457 problem, from `content-length` alone when the client sends one and
otherwise as soon as the streamed body passes the limit.
"""

from fastapi import Request, Response

from app.building_blocks.errors import DaprError
from app.building_blocks.middleware import Middleware, Next


class RequestTooLargeError(DaprError):
    error_code = "REQUEST_TOO_LARGE"
    http_status = 413


def body_limit(max_bytes: int) -> Middleware[Request, Response]:
    """Refuse bodies over `max_bytes`; a body within it is read once and handed on whole."""

    async def check(request: Request, call_next: Next[Request, Response]) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(request, max_bytes)
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            chunks: list[bytes] = []
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(request, max_bytes)
                chunks.append(chunk)
            # Starlette's own cache: request.body() and the inbound pipeline's replay
            # (app/api/middleware.py _replaying) hand these bytes to the route.
            request._body = b"".join(chunks)
        return await call_next(request)

    return Middleware("body-limit", check)


def _too_large(request: Request, max_bytes: int) -> RequestTooLargeError:
    return RequestTooLargeError(
        f"the request body is larger than {max_bytes} bytes",
        {"path": request.url.path, "max_bytes": max_bytes},
    )
