"""Jinja2 templates and static files of the dashboard, shipped inside the app package."""

import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.ui.csrf import SESSION_COOKIE, csrf_for
from app.ui.presenters import format_duration, format_time
from cli.wire import ApiError, parse_time

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
HTMX = "htmx-2.0.11.min.js"  # vendored from the npm registry: static/VENDORED.md

templates = Jinja2Templates(directory=HERE / "templates")


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, default=str)


def _when(value: Any) -> str:
    return format_time(parse_time(value))


templates.env.filters["pretty"] = _pretty
templates.env.filters["when"] = _when
templates.env.filters["duration"] = format_duration
templates.env.globals["HTMX"] = HTMX


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    problem: ApiError | None = None,
) -> HTMLResponse:
    """Render `template`; with a `problem`, the page shows it and answers its status.
    Forms post the session's CSRF value (app/ui/session.py)."""
    if problem is not None:
        status_code = problem.status
    token = request.cookies.get(SESSION_COOKIE)
    csrf = csrf_for(token) if token else ""
    return templates.TemplateResponse(
        request, template, {**context, "problem": problem, "csrf": csrf}, status_code=status_code
    )
