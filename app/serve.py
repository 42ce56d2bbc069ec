"""The container's entrypoint (`python -m app.serve`): uvicorn on the host and port the
settings give, so one variable (ORDERFLOW_APP_PORT) moves both the app and what daprd is
told (the Kubernetes annotation and compose's daprd flag read the same value)."""

import uvicorn

from app.settings import get_settings

# daprd keeps idle connections to the app for 90 s; the app keeps them longer, so daprd
# always closes first (the same reason as devstack.commands.APP_KEEP_ALIVE_S).
KEEP_ALIVE_S = 120
# On SIGTERM uvicorn stops accepting, lets in-flight requests finish for at most this
# long, then runs the lifespan's shutdown (workflow worker, actors, tracing flush).
# Kubernetes' terminationGracePeriodSeconds (45) leaves room for both.
GRACEFUL_SHUTDOWN_S = 20
# Named, not "auto": a missing package fails the start instead of falling back to the
# slower asyncio loop and h11 parser in silence (devstack.commands.uvicorn_argv too).
EVENT_LOOP = "uvloop"
HTTP_PARSER = "httptools"


def main() -> None:
    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=settings.app_host,
        port=settings.app_port,
        loop=EVENT_LOOP,
        http=HTTP_PARSER,
        access_log=False,  # the app logs each request itself, with trace ids
        timeout_keep_alive=KEEP_ALIVE_S,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )


if __name__ == "__main__":
    main()
