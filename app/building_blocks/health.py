"""HealthChecker: the sidecar's health and each component's, as daprd reports them.

`/v1.0/healthz/outbound` turns healthy once components are loaded and the APIs listen,
before daprd waits for the app; `/v1.0/healthz` only once the app channel, actors and
the workflow engine are initialised. The app waits for the first during start-up (it is
not listening yet, so the second could never come) and reports the second as ready.
"""

import asyncio
import time
from dataclasses import dataclass, field
from enum import StrEnum

import httpx


class SidecarUnavailableError(RuntimeError):
    """The sidecar did not become ready in time."""


class HealthStatus(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"


@dataclass(frozen=True)
class ComponentHealth:
    name: str
    type: str
    status: HealthStatus
    message: str | None = None


@dataclass(frozen=True)
class DaprHealth:
    sidecar_status: HealthStatus
    components: list[ComponentHealth] = field(default_factory=list)
    version: str | None = None


# A key nobody writes: reading it proves a store answers without touching real data.
PROBE_KEY = "orderflow_health_probe"  # also a valid key for the postgres configuration store


class HealthChecker:
    """Probes daprd over its HTTP API with short timeouts; never raises for a failed probe."""

    def __init__(self, http: httpx.AsyncClient, probe_timeout_s: float = 2.0) -> None:
        self._http = http
        self._timeout = probe_timeout_s

    async def _status_of(self, path: str) -> int | None:
        try:
            response = await self._http.get(path, timeout=self._timeout)
        except httpx.HTTPError:
            return None
        return response.status_code

    async def is_outbound_ready(self) -> bool:
        return await self._status_of("/v1.0/healthz/outbound") == httpx.codes.NO_CONTENT

    async def is_healthy(self) -> bool:
        return await self._status_of("/v1.0/healthz") == httpx.codes.NO_CONTENT

    async def check_sidecar_health(self) -> HealthStatus:
        """Healthy when fully initialised; degraded when it serves outbound calls only."""
        if await self.is_healthy():
            return HealthStatus.HEALTHY
        if await self.is_outbound_ready():
            return HealthStatus.DEGRADED
        return HealthStatus.UNHEALTHY

    async def _metadata(self) -> dict[str, object] | None:
        try:
            response = await self._http.get("/v1.0/metadata", timeout=self._timeout)
        except httpx.HTTPError:
            return None
        if not response.is_success:
            return None
        body = response.json()
        return body if isinstance(body, dict) else None

    async def check_component_health(self, name: str, component_type: str) -> ComponentHealth:
        """A cheap real call where the component has one; loaded-ness otherwise."""
        if component_type.startswith("state."):
            status = await self._status_of(f"/v1.0/state/{name}/{PROBE_KEY}")
            if status in (200, 204):
                return ComponentHealth(name, component_type, HealthStatus.HEALTHY)
            return ComponentHealth(
                name, component_type, HealthStatus.UNHEALTHY, f"state probe answered {status}"
            )
        if component_type.startswith("configuration."):
            status = await self._status_of(f"/v1.0/configuration/{name}?key={PROBE_KEY}")
            if status in (200, 204):  # 204: the store answered, the key has no value
                return ComponentHealth(name, component_type, HealthStatus.HEALTHY)
            return ComponentHealth(
                name,
                component_type,
                HealthStatus.UNHEALTHY,
                f"configuration probe answered {status}",
            )
        return ComponentHealth(name, component_type, HealthStatus.HEALTHY, "loaded")

    async def get_full_health(self) -> DaprHealth:
        sidecar = await self.check_sidecar_health()
        metadata = await self._metadata()
        if metadata is None:
            return DaprHealth(sidecar_status=sidecar)
        raw_components = metadata.get("components", [])
        components = raw_components if isinstance(raw_components, list) else []
        checks = [
            self.check_component_health(str(item.get("name")), str(item.get("type")))
            for item in components
            if isinstance(item, dict)
        ]
        version = metadata.get("runtimeVersion")
        return DaprHealth(
            sidecar_status=sidecar,
            components=list(await asyncio.gather(*checks)),
            version=str(version) if version else None,
        )

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
