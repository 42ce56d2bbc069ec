"""The OpenAPI document says what the API answers: every error is an RFC 9457 problem.

FastAPI documents only a 422 with its own `HTTPValidationError` body as JSON, while the
API answers every 4xx and 5xx as `application/problem+json` (app/api/problems.py). Each
router is included with PROBLEM_RESPONSES ("4XX" and "5XX": a Problem), and
`problem_openapi` files those schemas under the problem media type.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.problems import PROBLEM_JSON, Problem

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": Problem, "description": "Client error: an RFC 9457 problem"},
    "5XX": {"model": Problem, "description": "Server or sidecar error: an RFC 9457 problem"},
}
_PROBLEM_REF = "#/components/schemas/Problem"


def problem_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """`app.openapi` with error bodies declared as application/problem+json."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            for path_item in document.get("paths", {}).values():
                for operation in path_item.values():
                    for response in operation.get("responses", {}).values():
                        _as_problem(response)
            app.openapi_schema = document
        return app.openapi_schema

    return openapi


def _as_problem(response: dict[str, Any]) -> None:
    content = response.get("content", {})
    body = content.get("application/json")
    if body is not None and body.get("schema", {}).get("$ref") == _PROBLEM_REF:
        content[PROBLEM_JSON] = content.pop("application/json")
