"""A peer app for invocation tests: answers every request with what it received.

It runs as its own process behind its own daprd (app id `echo-service`), so tests see
exactly what crossed two real sidecars.
"""

import asyncio

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

ECHO_APP_ID = "echo-service"


def create_app() -> FastAPI:
    app = FastAPI(title="echo-service")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.api_route("/status/{code}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    async def status(code: int) -> Response:
        """Answer with the status asked for, to exercise error mapping."""
        return JSONResponse({"status": code}, status_code=code)

    @app.get("/slow/{milliseconds}")
    async def slow(milliseconds: int) -> dict[str, int]:
        """Answer after a delay, to exercise deadlines."""
        await asyncio.sleep(milliseconds / 1000)
        return {"slept_ms": milliseconds}

    @app.api_route("/echo/{path:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    async def echo(path: str, request: Request) -> dict[str, object]:
        body = await request.body()
        return {
            "method": request.method,
            "path": path,
            "query": dict(request.query_params),
            "headers": dict(request.headers),
            "body": body.decode("utf-8", errors="replace"),
        }

    return app
