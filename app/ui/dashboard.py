"""Mounting the operators' dashboard on the app (called by app/main.py)."""

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from app.ui import order_pages, session, workflow_pages
from app.ui.templating import STATIC_DIR


def mount_dashboard(app: FastAPI) -> None:
    """The operators' dashboard at /ui (app/ui/): pages over the app's own /api/v1, and
    their static files, which ship inside the package."""
    app.include_router(session.router)
    for pages in (workflow_pages.router, order_pages.router):
        app.include_router(pages, dependencies=[Depends(session.signed_in)])
    app.add_exception_handler(session.LoginRequiredError, session.login_required)
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="ui-static")
