"""The app's entrypoint (`python -m app.serve`, the container's and devstack's): uvicorn
on the host and port the settings give, so one variable (ORDERFLOW_APP_PORT) moves both
the app and what daprd is told (the Kubernetes annotation and compose's daprd flag read
the same value). SIGTERM drains first (app/drain.py)."""

import uvicorn

from app.drain import DrainingServer, sidecar_answers
from app.settings import get_settings

# daprd keeps idle connections to the app for 90 s; the app keeps them longer, so daprd
# always closes first (the same reason as devstack.commands.APP_KEEP_ALIVE_S).
KEEP_ALIVE_S = 120
# After the drain, uvicorn stops accepting, lets in-flight requests finish for at most
# this long, then runs the lifespan's shutdown (workflow worker, actors, tracing flush).
# Kubernetes' terminationGracePeriodSeconds (45) leaves room for the drain (at most
# shutdown_drain_max_s, 20) and this.
GRACEFUL_SHUTDOWN_S = 20
# Named, not "auto": a missing package fails the start instead of falling back to the
# slower asyncio loop and h11 parser in silence (devstack.commands.uvicorn_argv too).
EVENT_LOOP = "uvloop"
HTTP_PARSER = "httptools"


def main() -> None:
    settings = get_settings()
    config = uvicorn.Config(
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
    server = DrainingServer(
        config,
        drain_s=settings.shutdown_drain_s,
        max_s=settings.shutdown_drain_max_s,
        sidecar_up=sidecar_answers(f"{settings.dapr_http_endpoint}/v1.0/healthz"),
    )
    server.run()


if __name__ == "__main__":
    main()
