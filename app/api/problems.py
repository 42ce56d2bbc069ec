"""RFC 9457 problem details for every error the API returns.

Each problem carries the taxonomy's `error_code`, the trace id of the request, and for
bad input the fields at fault. Unexpected exceptions become a 500 that names no internals.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from actors.order_states import IllegalTransitionError
from app.api.auth import InsufficientScopeError, NotAuthenticatedError
from app.api.error_status import http_status
from app.building_blocks.errors import ActorHostUnavailableError, DaprError
from app.building_blocks.workflow_admission import EngineAtCapacityError
from app.observability import tracing
from app.order_service import OrderNotFoundError

logger = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    field: str
    message: str
    type: str


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    error_code: str
    details: dict[str, Any] = {}
    errors: list[FieldError] = []
    trace_id: str | None = None
    timestamp: str


def _problem(
    request: Request, status: int, title: str, detail: str, error_code: str, **extra: Any
) -> JSONResponse:
    context = tracing.current()
    problem = Problem(
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        error_code=error_code,
        trace_id=context.trace_id if context else None,
        timestamp=datetime.now(UTC).isoformat(),
        **extra,
    )
    return JSONResponse(
        problem.model_dump(mode="json"), status_code=status, media_type=PROBLEM_JSON
    )


def _field_errors(errors: Any) -> list[FieldError]:
    return [
        FieldError(
            field=".".join(str(part) for part in error.get("loc", ())),
            message=str(error.get("msg", "")),
            type=str(error.get("type", "")),
        )
        for error in errors
    ]


async def _on_dapr_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DaprError)
    return dapr_error_response(request, error)


def dapr_error_response(request: Request, error: DaprError) -> JSONResponse:
    """The problem for an error of the taxonomy (also used by middleware, which runs
    outside FastAPI's exception handlers)."""
    status = http_status(error)
    if status >= 500:
        logger.warning("%s on %s: %s", error.error_code, request.url.path, error)
    response = _problem(
        request,
        status,
        type(error).__name__,
        str(error),
        error.error_code,
        details={key: value for key, value in error.details.items() if _is_json_scalar(value)},
    )
    if isinstance(error, EngineAtCapacityError | ActorHostUnavailableError):
        response.headers["Retry-After"] = str(error.retry_after_s)
    return response


async def _on_illegal_transition(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, IllegalTransitionError)
    return _problem(
        request,
        http_status(error),
        "Illegal order transition",
        str(error),
        error.error_code,
        details=error.details,
    )


async def _on_not_authenticated(request: Request, error: Exception) -> JSONResponse:
    response = _problem(request, 401, "Not authenticated", str(error), "NOT_AUTHENTICATED")
    # RFC 6750: the scheme, and why a token that was sent did not do.
    challenge = 'Bearer realm="orderflow"'
    if request.headers.get("authorization"):
        challenge += ', error="invalid_token"'
    response.headers["WWW-Authenticate"] = challenge
    return response


async def _on_insufficient_scope(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InsufficientScopeError)
    response = _problem(
        request,
        403,
        "Insufficient scope",
        str(error),
        "INSUFFICIENT_SCOPE",
        details={"required_scope": " ".join(error.needed)},
    )
    scope = " ".join(error.needed)
    response.headers["WWW-Authenticate"] = (
        f'Bearer realm="orderflow", error="insufficient_scope", scope="{scope}"'
    )
    return response


async def _on_order_not_found(request: Request, error: Exception) -> JSONResponse:
    # The same problem the routes' HTTPException(404) gave before the order service.
    return _problem(request, 404, "HTTP error", str(error), "HTTP_404")


async def _on_request_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return _problem(
        request,
        422,
        "Invalid request",
        "the request does not match the API's schema",
        "VALIDATION_ERROR",
        errors=_field_errors(error.errors()),
    )


async def _on_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ValidationError)
    return _problem(
        request,
        422,
        "Invalid input",
        f"{error.error_count()} field(s) failed validation",
        "VALIDATION_ERROR",
        errors=_field_errors(error.errors(include_input=False)),
    )


async def _on_http_exception(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    return _problem(
        request, error.status_code, "HTTP error", str(error.detail), f"HTTP_{error.status_code}"
    )


async def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return _problem(
        request,
        500,
        "Internal error",
        "the server failed; the trace id identifies the failure",
        "INTERNAL_ERROR",
    )


def _is_json_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DaprError, _on_dapr_error)
    app.add_exception_handler(IllegalTransitionError, _on_illegal_transition)
    app.add_exception_handler(OrderNotFoundError, _on_order_not_found)
    app.add_exception_handler(NotAuthenticatedError, _on_not_authenticated)
    app.add_exception_handler(InsufficientScopeError, _on_insufficient_scope)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(ValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)
