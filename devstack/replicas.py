"""The app's replicas: N app processes, each with its own daprd, on one placement.

Replica 0 of a one-replica stack uses the stack's own ports (what every existing tool
reads). With more, each replica has ports of its own and the balancer (devstack/
balancer.py) listens on the stack's app port. The profile must keep state and pub/sub in
shared servers: the local profile's SQLite file and in-memory broker are per daprd.
"""

import dataclasses
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from devstack.commands import SidecarPorts
from devstack.ports import HOST, reserve_free_ports
from devstack.processes import ManagedProcess
from devstack.stack_config import PROFILE_SERVERS

# Defaults for `make run REPLICAS=N`, replica i: each role's base + i (off the one-replica
# defaults, so both can run side by side); ORDERFLOW_REPLICA_<FIELD>_BASE moves a role.
REPLICA_PORT_BASES = SidecarPorts(
    app=8100, dapr_http=3600, dapr_grpc=50100, dapr_internal_grpc=50200, dapr_metrics=9100
)
# daprd's graceful shutdown: time to hand its actors back to placement and let their
# ongoing calls finish (drainOngoingCallTimeout, app/settings.py) before it exits.
DAPRD_GRACEFUL_SHUTDOWN_S = 15
# How long a stopping replica's daprd waits for the balancer's last request to the
# replica to end. Requests here took up to 20 s with reminders in the state store
# (docs/replicas.md: the reminder stall); 15 s cut one short in the rolling restart test.
# The app drains as long, plus the handover below.
DRAIN_TIMEOUT_S = 60.0
# How long a stopping replica's daprd may take to leave placement once its app fails the
# actor health probe (app/api/sidecar_callbacks.py: 4 probes 5 s apart, then each actor's
# call in flight), before devstack stops it anyway.
HANDOVER_TIMEOUT_S = 45.0


class ReplicasUnsupportedError(ValueError):
    """More than one replica on a profile whose state or broker cannot be shared."""


def check_profile(profile: str, count: int) -> None:
    if count > 1 and profile not in PROFILE_SERVERS:
        raise ReplicasUnsupportedError(
            f"REPLICAS={count} needs shared state and pub/sub, and profile {profile!r} has "
            "neither: its actor state is a SQLite file and its broker is in-memory inside "
            "each daprd, so replicas would each see their own stock and miss each other's "
            "events. Run `make run PROFILE=full REPLICAS="
            f"{count}` (PostgreSQL and Redis, installed and started for you)."
        )


def free_replica_ports(count: int) -> tuple[SidecarPorts, ...]:
    per = len(SidecarPorts.__dataclass_fields__)
    ports = reserve_free_ports(per * count)
    return tuple(SidecarPorts(*ports[i * per : (i + 1) * per]) for i in range(count))


def replica_ports_from_env(count: int, env: Mapping[str, str]) -> tuple[SidecarPorts, ...]:
    """Ports of `count` replicas from REPLICA_PORT_BASES, each role's base movable."""
    bases = {
        name: int(env.get(f"ORDERFLOW_REPLICA_{name.upper()}_BASE", default))
        for name, default in vars(REPLICA_PORT_BASES).items()
    }
    return tuple(
        SidecarPorts(**{name: base + i for name, base in bases.items()}) for i in range(count)
    )


def hosts_no_actors(metadata: Mapping[str, Any]) -> bool:
    """From daprd 1.14's /v1.0/metadata: disconnected from placement, no actor active."""
    runtime = metadata.get("actorRuntime", {})
    active = sum(entry.get("count", 0) for entry in runtime.get("activeActors", []))
    return bool(runtime.get("placement") == "placement: disconnected" and active == 0)


@dataclass
class Replica:
    """One app process and its daprd."""

    index: int
    ports: SidecarPorts
    app: ManagedProcess
    daprd: ManagedProcess
    starts: int = 0
    sidecar_headers: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return f"replica-{self.index}"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.ports.app}"

    @property
    def dapr_http_url(self) -> str:
        return f"http://{HOST}:{self.ports.dapr_http}"

    @property
    def processes(self) -> list[ManagedProcess]:
        return [self.app, self.daprd]

    def renew_internal_port(self) -> None:
        """Give a restarted daprd a new internal gRPC port. Peers may still call the old
        address (retries of calls drained from it, a placement table not yet updated),
        and daprd 1.14.4 panics on an actor call that arrives before its actor runtime is
        up (nil pointer in api/grpc/daprinternal.go:287, seen in the rolling restart
        test). A restarted Kubernetes pod gets a new address the same way."""
        (port,) = reserve_free_ports(1)
        old = f"--dapr-internal-grpc-port={self.ports.dapr_internal_grpc}"
        new = f"--dapr-internal-grpc-port={port}"
        self.daprd.argv = [new if arg == old else arg for arg in self.daprd.argv]
        self.ports = dataclasses.replace(self.ports, dapr_internal_grpc=port)

    def hosts_no_actors(self) -> bool:
        """daprd has left placement and deactivated its actors (or is not answering)."""
        try:
            answer = httpx.get(
                f"{self.dapr_http_url}/v1.0/metadata", headers=dict(self.sidecar_headers)
            )
            return hosts_no_actors(answer.json())
        except (httpx.HTTPError, ValueError):
            return True

    def kill(self) -> None:
        """SIGKILL the app and its daprd at once, as a lost node would."""
        self.daprd.kill()
        self.app.kill()

    def stop_gracefully(
        self, taken_out: Callable[[], bool], drain_timeout_s: float = DRAIN_TIMEOUT_S
    ) -> None:
        """SIGTERM the app: it turns unready but keeps serving (app/drain.py), and fails
        daprd's actor health probe, so daprd leaves placement and hands its actors to the
        other replicas. Once the balancer has taken it out and its requests there ended
        (`taken_out`), and daprd hosts no actor, SIGTERM daprd (daprd 1.14.4 closes its
        state store at SIGTERM, under any actor still running there); the app then
        finishes its in-flight requests, stops its workflow worker and exits."""
        self.app.send(signal.SIGTERM)
        deadline = time.monotonic() + drain_timeout_s
        while not taken_out() and time.monotonic() < deadline:
            time.sleep(0.2)
        deadline = time.monotonic() + HANDOVER_TIMEOUT_S
        while not self.hosts_no_actors() and time.monotonic() < deadline:
            time.sleep(0.5)
        self.daprd.stop(grace_s=DAPRD_GRACEFUL_SHUTDOWN_S + 5)
        self.app.wait(timeout_s=60.0)
