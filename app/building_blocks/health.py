"""HealthChecker: real, cheap, harmless probes of the sidecar, its components and peer apps.

`/v1.0/healthz/outbound` turns healthy once components are loaded and the APIs listen,
before daprd waits for the app; `/v1.0/healthz` only once the app channel, actors and
the workflow engine are initialised. The app waits for the first during start-up (it is
not listening yet, so the second could never come) and reports the second as ready.

Every probe is bounded by `probe_timeout_s`, never raises, and says what it checked and
how long it took.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx


class SidecarUnavailableError(RuntimeError):
    """The sidecar did not become ready in time."""


class HealthStatus(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"


@dataclass(frozen=True)
class Check:
    """One dependency's verdict: what was checked, how long it took, and why if not healthy."""

    name: str
    type: str
    status: HealthStatus
    checked: str
    latency_ms: float
    message: str | None = None


# A key nobody writes: reading it proves a store answers without touching real data.
PROBE_KEY = "orderflow_health_probe"  # also a valid key for the postgres configuration store
# A topic nobody subscribes to; each probe event expires after PROBE_EVENT_TTL_S, and the
# full profile's Redis streams are capped (maxLenApprox), so probes never pile up.
PROBE_TOPIC = "orderflow-health-probe"
PROBE_EVENT_TTL_S = 60

_Probe = Callable[[], Awaitable[httpx.Response]]


class HealthChecker:
    """Probes daprd over its HTTP API with short timeouts; never raises for a failed probe."""

    def __init__(self, http: httpx.AsyncClient, probe_timeout_s: float = 2.0) -> None:
        self._http = http
        self._timeout = probe_timeout_s

    @property
    def sidecar_address(self) -> str:
        return str(self._http.base_url).rstrip("/")

    async def _status_of(self, path: str) -> int | None:
        try:
            response = await self._http.get(path, timeout=self._timeout)
        except httpx.HTTPError:
            return None
        return response.status_code

    async def is_outbound_ready(self) -> bool:
        return await self._status_of("/v1.0/healthz/outbound") == httpx.codes.NO_CONTENT

    async def _timed(
        self, name: str, kind: str, checked: str, probe: _Probe, failed: HealthStatus
    ) -> Check:
        """Run `probe` under the timeout; a 2xx answer is healthy, anything else `failed`."""
        started = time.perf_counter()
        message: str | None = None
        try:
            response = await asyncio.wait_for(probe(), self._timeout)
        except (TimeoutError, httpx.TimeoutException):
            message = f"no answer within {self._timeout:g}s"
        except httpx.HTTPError as error:
            message = f"{type(error).__name__}: {error or 'connection failed'}"
        else:
            if not response.is_success:
                message = f"answered {response.status_code}: {response.text[:200]}"
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        status = HealthStatus.HEALTHY if message is None else failed
        return Check(name, kind, status, checked, latency_ms, message)

    async def check_sidecar(self) -> Check:
        """Healthy when fully initialised; degraded when it serves outbound calls only."""
        checked = f"GET {self.sidecar_address}/v1.0/healthz"
        full = await self._timed(
            "sidecar",
            "daprd",
            checked,
            lambda: self._http.get("/v1.0/healthz"),
            HealthStatus.UNHEALTHY,
        )
        if full.status is HealthStatus.HEALTHY:
            return full
        outbound = await self._timed(
            "sidecar",
            "daprd",
            f"{checked} and /v1.0/healthz/outbound",
            lambda: self._http.get("/v1.0/healthz/outbound"),
            HealthStatus.UNHEALTHY,
        )
        if outbound.status is HealthStatus.HEALTHY:
            return Check(
                "sidecar",
                "daprd",
                HealthStatus.DEGRADED,
                outbound.checked,
                full.latency_ms + outbound.latency_ms,
                f"serves outbound calls, not yet fully initialised ({full.message})",
            )
        return Check(
            "sidecar",
            "daprd",
            HealthStatus.UNHEALTHY,
            outbound.checked,
            full.latency_ms + outbound.latency_ms,
            f"daprd at {self.sidecar_address} is unreachable ({outbound.message}); "
            "is it running with this --dapr-http-port? (check its log)",
        )

    async def check_component(self, name: str, component_type: str) -> Check:
        """A cheap real call where the component has one; loaded-ness otherwise."""
        if component_type.startswith("state."):
            path = f"/v1.0/state/{name}/{PROBE_KEY}"
            return await self._timed(
                name,
                component_type,
                f"GET {path}",
                lambda: self._http.get(path),
                HealthStatus.UNHEALTHY,
            )
        if component_type.startswith("configuration."):
            path = f"/v1.0/configuration/{name}?key={PROBE_KEY}"
            return await self._timed(
                name,
                component_type,
                f"GET {path}",  # 204: the store answered, the key has no value
                lambda: self._http.get(path),
                HealthStatus.UNHEALTHY,
            )
        if component_type.startswith("pubsub."):
            path = f"/v1.0/publish/{name}/{PROBE_TOPIC}"
            return await self._timed(
                name,
                component_type,
                f"POST {path} (ttl {PROBE_EVENT_TTL_S}s, no subscriber)",
                lambda: self._http.post(
                    path,
                    json={"probe": True},
                    params={"metadata.ttlInSeconds": str(PROBE_EVENT_TTL_S)},
                ),
                HealthStatus.UNHEALTHY,
            )
        # Secret stores, bindings: no call that is both cheap and free of side effects.
        return Check(name, component_type, HealthStatus.HEALTHY, "loaded by daprd", 0.0)

    async def check_app(self, app_id: str, method: str = "health") -> Check:
        """Service invocation of a peer's health route through daprd; an optional peer, so
        a failure is `degraded`."""
        path = f"/v1.0/invoke/{app_id}/method/{method}"
        return await self._timed(
            app_id,
            "app",
            f"GET {path}",
            lambda: self._http.get(path),
            HealthStatus.DEGRADED,
        )

    async def check_components(self) -> tuple[list[Check], str | None]:
        """Every component daprd loaded, probed concurrently, and daprd's version; empty
        when the metadata API does not answer (the sidecar check says why)."""
        metadata = await self._metadata()
        if metadata is None:
            return [], None
        raw = metadata.get("components", [])
        listed = [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []
        checks = await asyncio.gather(
            *(self.check_component(str(item.get("name")), str(item.get("type"))) for item in listed)
        )
        version = metadata.get("runtimeVersion")
        return list(checks), str(version) if version else None

    async def _metadata(self) -> dict[str, Any] | None:
        try:
            response = await self._http.get("/v1.0/metadata", timeout=self._timeout)
        except httpx.HTTPError:
            return None
        if not response.is_success:
            return None
        body = response.json()
        return body if isinstance(body, dict) else None

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
