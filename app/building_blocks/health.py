"""Sidecar health as daprd reports it on its HTTP API."""

import asyncio
import time

import httpx


class SidecarUnavailableError(RuntimeError):
    """The sidecar did not become ready in time."""


class SidecarHealth:
    """Probes daprd's health endpoints.

    `/v1.0/healthz/outbound` turns healthy once components are loaded and the APIs listen,
    before daprd waits for the app; `/v1.0/healthz` only once the app channel, actors and
    the workflow engine are initialised. The app waits for the first during start-up (it
    is not listening yet, so the second could never come) and reports the second as ready.
    """

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def _answers_204(self, path: str) -> bool:
        try:
            response = await self._http.get(path)
        except httpx.HTTPError:
            return False
        return response.status_code == httpx.codes.NO_CONTENT

    async def is_outbound_ready(self) -> bool:
        return await self._answers_204("/v1.0/healthz/outbound")

    async def is_healthy(self) -> bool:
        return await self._answers_204("/v1.0/healthz")

    async def wait_for_sidecar(self, timeout_s: float, interval_s: float) -> None:
        """Return once the sidecar can serve outbound calls; raise after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while not await self.is_outbound_ready():
            if time.monotonic() >= deadline:
                raise SidecarUnavailableError(
                    f"the Dapr sidecar at {self._http.base_url} did not answer "
                    f"/v1.0/healthz/outbound within {timeout_s:.0f}s; is daprd running "
                    "with this --dapr-http-port? (check its log)"
                )
            await asyncio.sleep(interval_s)
