"""How devstack starts uvicorn: on uvloop and httptools, and keeping idle connections
longer than daprd does, so daprd never sends a call on a connection the app is closing
(an EOF, and a 500 for an actor call)."""

import importlib

from devstack.commands import APP_KEEP_ALIVE_S, uvicorn_argv

# Go's http.DefaultTransport IdleConnTimeout, which daprd 1.14's app channel clones.
DAPRD_IDLE_CONN_TIMEOUT_S = 90


def test_the_app_outlasts_daprds_idle_connections() -> None:
    """uvicorn's keep-alive is set, and longer than daprd's idle timeout."""
    argv = uvicorn_argv("app.main:create_app", 8000)
    keep_alive = int(argv[argv.index("--timeout-keep-alive") + 1])
    assert keep_alive == APP_KEEP_ALIVE_S
    assert keep_alive > DAPRD_IDLE_CONN_TIMEOUT_S


def test_the_app_runs_on_uvloop_and_httptools() -> None:
    """Named, so a venv without them fails at start rather than serving on the slower
    asyncio loop and h11 parser; both are installed from requirements.lock."""
    argv = uvicorn_argv("app.main:create_app", 8000)
    assert argv[argv.index("--loop") + 1] == "uvloop"
    assert argv[argv.index("--http") + 1] == "httptools"
    importlib.import_module("uvloop")
    importlib.import_module("httptools")
