"""Signing in to the dashboard: the operator pastes an API token once; the browser keeps it
in a cookie the page's scripts cannot read, and every page calls /api/v1 with it, so the
token's scopes are the operator's rights (docs/dashboard-and-cli.md#signing-in).

A cookie is sent by the browser on its own, so a form post could be forged by another
site: the cookie is SameSite=Strict, and each form carries a value derived from the token
(`csrf_for`), which a page of another site cannot know. A caller that sends its own
Authorization header (a script) needs neither.
"""

import hmac
import time
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from app.api.auth import NotAuthenticatedError, Principal
from app.ui.csrf import SESSION_COOKIE, csrf_for
from app.ui.templating import templates

_HOME = "/ui/workflows"

router = APIRouter(prefix="/ui", include_in_schema=False)


class LoginRequiredError(Exception):
    """The page needs a signed-in operator; `next` is where to come back to."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path
        super().__init__("sign in to the dashboard")


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


async def _verified(request: Request, token: str) -> Principal:
    verifier = request.app.state.services.token_verifier
    principal: Principal = await verifier.verify(token)
    return principal


async def signed_in(request: Request) -> None:
    """Every dashboard page's dependency: a valid session (or the caller's own bearer
    token), and on a form post from a session, the form's CSRF value."""
    if request.headers.get("authorization"):
        return  # a script's own token; /api/v1 checks it on every call
    token = session_token(request)
    if token is None:
        raise LoginRequiredError(request.url.path)
    try:
        await _verified(request, token)
    except NotAuthenticatedError:
        raise LoginRequiredError(request.url.path) from None
    if request.method == "POST":
        sent = (await request.form()).get("csrf")
        if not isinstance(sent, str) or not hmac.compare_digest(sent, csrf_for(token)):
            raise HTTPException(
                403, "this form is stale or came from another site: reload the page and retry"
            )


async def login_required(request: Request, error: Exception) -> Response:
    """To the login page, and back to the page after; htmx's polls follow HX-Redirect."""
    assert isinstance(error, LoginRequiredError)
    target = f"/ui/login?next={quote(error.next_path)}"
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _safe_next(next_path: str) -> str:
    """Only a dashboard page of this site: never an open redirect elsewhere."""
    if next_path.startswith("/ui/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return _HOME


def _login_page(request: Request, next_path: str, error: str | None, status: int) -> HTMLResponse:
    context: dict[str, Any] = {"next": _safe_next(next_path), "error": error}
    return templates.TemplateResponse(request, "login.html", context, status_code=status)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = _HOME) -> HTMLResponse:
    return _login_page(request, next, None, 200)


@router.post("/login", response_model=None)
async def login(
    request: Request,
    token: Annotated[str, Form(max_length=8192)],
    next: Annotated[str, Form(max_length=2048)] = _HOME,
) -> Response:
    token = token.strip().removeprefix("Bearer ").strip()
    try:
        principal = await _verified(request, token)
    except NotAuthenticatedError as refused:
        return _login_page(request, next, str(refused), 401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max(0, principal.expires_at - int(time.time())),
        path="/ui",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
async def logout() -> RedirectResponse:
    """Forget the session (the token itself stays valid until it expires)."""
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/ui")
    return response
