"""What the API's answers are made of, for its Python clients (this CLI and the dashboard,
app/ui/): its RFC 9457 problem details and its timestamps."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx


@dataclass(eq=False)  # not frozen: raising sets __traceback__ on it
class ApiError(Exception):
    """The API refused or failed: its RFC 9457 problem, as far as it sent one."""

    status: int
    title: str
    detail: str
    error_code: str = ""
    fields: list[str] = field(default_factory=list)
    retry_after: str | None = None
    body: Any = None

    @classmethod
    def from_response(cls, response: httpx.Response) -> "ApiError":
        try:
            body = response.json()
        except ValueError:
            body = None
        problem = body if isinstance(body, dict) else {}
        fields = [
            f"{error.get('field', '')}: {error.get('message', '')}"
            for error in problem.get("errors", [])
            if isinstance(error, dict)
        ]
        return cls(
            status=response.status_code,
            title=str(problem.get("title", response.reason_phrase or "HTTP error")),
            detail=str(problem.get("detail", response.text[:500])),
            error_code=str(problem.get("error_code", "")),
            fields=fields,
            retry_after=response.headers.get("retry-after"),
            body=body,
        )


def parse_time(value: object) -> datetime | None:
    """An API timestamp (ISO 8601, UTC when it has no offset), or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
