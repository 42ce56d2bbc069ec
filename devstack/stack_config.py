"""What a dev stack is: its profile's resources and servers, its ports, and its config.

Profiles are the folders of dapr/components/; each port has a default a developer's
stack uses and an environment variable to move it (tests take free ports instead).
"""

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal

from devstack.api_auth import ALL_SCOPES, ApiSigningKey
from devstack.commands import SidecarPorts
from devstack.peers import PeerApp, payment_peer
from devstack.ports import reserve_free_ports
from devstack.runtime import DAPR_DIR, DEV_SECRETS_FILE, LINE, PROJECT_ROOT
from devstack.tokens import SidecarTokens
from devstack.trace_export import TraceExport

PLACEMENT_ID = "dapr-placement-0"
SCHEDULER_ID = "dapr-scheduler-server-0"
# Where daprd keeps actor reminders (and so the workflow engine's): in the actor state
# store (daprd 1.14's default), or on the Scheduler service (its preview feature
# `SchedulerReminders`). docs/replicas.md says why replica stacks use the Scheduler.
ReminderStore = Literal["state-store", "scheduler"]
REMINDER_STORES: tuple[ReminderStore, ...] = ("state-store", "scheduler")
# Components every profile loads (secret store, bindings) live in `components/common`.
COMMON = "common"


def profile_resources(profile: str) -> tuple[Path, ...]:
    """daprd --resources-path folders: shared components, the profile's components, and
    the profile's resiliency (dapr/config/<profile>, aimed at that profile's targets)."""
    return (
        DAPR_DIR / "components" / COMMON,
        DAPR_DIR / "components" / profile,
        DAPR_DIR / "config" / profile,
    )


# The servers each profile runs before daprd, in start order; other profiles run none.
PROFILE_SERVERS: dict[str, tuple[str, ...]] = {"full": ("postgres", "redis")}


@dataclass(frozen=True)
class StackPorts:
    app: int = 8000
    dapr_http: int = 3500
    dapr_grpc: int = 50001
    dapr_internal_grpc: int = 50002
    dapr_metrics: int = 9090
    placement: int = 50005
    placement_raft: int = 8201
    placement_healthz: int = 8081
    placement_metrics: int = 9091
    sentry: int = 50003
    sentry_healthz: int = 8082
    sentry_metrics: int = 9093
    # The Scheduler (actor reminders: on 1.14 on stacks that keep them there, from 1.15 on
    # every stack, so every workflow timer and step) and its embedded etcd.
    scheduler: int = 50006
    scheduler_healthz: int = 8083
    scheduler_metrics: int = 9094
    scheduler_etcd_client: int = 12379
    scheduler_etcd_peer: int = 12380
    # Servers of the full profile: off Debian's 5432/6379 so a system service never clashes.
    postgres: int = 15432
    redis: int = 16379

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "StackPorts":
        """Defaults, each overridable: ORDERFLOW_APP_PORT, DAPR_HTTP_PORT, DAPR_GRPC_PORT,
        and ORDERFLOW_<FIELD>_PORT for the rest (e.g. ORDERFLOW_PLACEMENT_PORT)."""
        values = {}
        for port_field in fields(cls):
            variable = _port_variable(port_field.name)
            if variable in env:
                values[port_field.name] = int(env[variable])
        return cls(**values)

    def env(self) -> dict[str, str]:
        """The variables from_env reads, set to these ports (for a `devstack run` child)."""
        return {_port_variable(f.name): str(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def free(cls) -> "StackPorts":
        """Distinct free ports, as tests use them (never the defaults a dev stack holds)."""
        return cls(*reserve_free_ports(len(fields(cls))))

    def roles(self, without: Collection[str] = ()) -> list[tuple[str, int]]:
        """(role, port) pairs, leaving out the fields named in `without`."""
        return [
            (port_field.name.replace("_", " "), getattr(self, port_field.name))
            for port_field in fields(self)
            if port_field.name not in without
        ]


def _port_variable(field_name: str) -> str:
    dapr_names = {"dapr_http": "DAPR_HTTP_PORT", "dapr_grpc": "DAPR_GRPC_PORT"}
    return dapr_names.get(field_name, f"ORDERFLOW_{field_name.upper()}_PORT")


@dataclass(frozen=True)
class StackConfig:
    ports: StackPorts
    data_dir: Path
    log_dir: Path
    profile: str = "local"
    app_id: str = "python-api"
    app_env: Mapping[str, str] = field(default_factory=dict)
    daprd_env: Mapping[str, str] = field(default_factory=dict)
    daprd_args: tuple[str, ...] = ()  # appended to the app's daprd command line
    peers: tuple[PeerApp, ...] = ()
    ready_timeout_s: float = 120.0
    trace_export: TraceExport | None = None  # None: spans are not exported
    tokens: SidecarTokens = field(default_factory=SidecarTokens)  # the app's and its daprd's
    # The public API's signing key, served to the app through its secret store together
    # with `secrets_file`'s secrets (the app's store serves the file `app_secrets_file`).
    api_key: ApiSigningKey = field(default_factory=ApiSigningKey)
    secrets_file: Path = DEV_SECRETS_FILE
    # Empty: one app on ports.app with its daprd on ports.dapr_*. Otherwise one app and
    # daprd per entry (docs/replicas.md), and the load balancer on ports.app.
    replicas: tuple[SidecarPorts, ...] = ()
    # None: the Scheduler for a stack of replicas (several daprds writing reminders of one
    # actor type contend for the state store's record of them), the state store otherwise.
    reminders: ReminderStore | None = None

    @property
    def replica_count(self) -> int:
        return max(1, len(self.replicas))

    @property
    def reminder_store(self) -> ReminderStore:
        if LINE.needs_scheduler:  # from 1.15 the Scheduler is the only reminder store
            return "scheduler"
        if self.reminders is not None:
            return self.reminders
        return "scheduler" if self.replicas else "state-store"

    @property
    def scheduler_data_dir(self) -> Path:
        """The Scheduler's embedded etcd (its jobs: the reminders), kept with the stack's
        other state."""
        return self.data_dir / "scheduler"

    @classmethod
    def throwaway(
        cls, root: Path, app_env: Mapping[str, str] | None = None, with_payment: bool = True
    ) -> "StackConfig":
        """A stack of its own: data and logs under `root`, every port free (the payment
        peer's too, if it runs), so it starts beside any other stack on the machine. Other
        fields: `dataclasses.replace` on the result."""
        return cls(
            ports=StackPorts.free(),
            data_dir=root / "data",
            log_dir=root / "logs",
            app_env=dict(app_env or {}),
            peers=(payment_peer(PeerApp.free_ports()),) if with_payment else (),
        )

    def peer(self, app_id: str) -> PeerApp:
        """This stack's peer app called `app_id`; KeyError if it has none."""
        for peer in self.peers:
            if peer.app_id == app_id:
                return peer
        raise KeyError(f"the stack runs no peer {app_id!r}")

    @property
    def trust_dir(self) -> Path:
        """The stack's mTLS root and issuer, made new at every start (sentry reads them)."""
        return self.data_dir / "trust"

    @property
    def token_file(self) -> Path:
        """Where a developer finds the app sidecar's API token (owner-only)."""
        return self.data_dir / "dapr-api-token"

    @property
    def app_secrets_file(self) -> Path:
        """What the app's secret store serves: `secrets_file` plus the API signing key."""
        return self.data_dir / "secrets.json"

    def api_headers(self, scopes: Collection[str] = ALL_SCOPES) -> dict[str, str]:
        """Headers of a client of this stack's /api/v1: a fresh token with `scopes`."""
        return self.api_key.headers(scopes)

    def __post_init__(self) -> None:
        known = available_profiles()
        if self.profile not in known:
            raise ValueError(f"unknown profile {self.profile!r}; profiles: {', '.join(known)}")
        if self.reminders is not None and self.reminders not in REMINDER_STORES:
            raise ValueError(
                f"unknown reminder store {self.reminders!r}; one of {', '.join(REMINDER_STORES)}"
            )
        if self.reminders == "state-store" and LINE.needs_scheduler:
            raise ValueError(
                f"Dapr {LINE.version} keeps actor reminders on the Scheduler only; "
                "reminders='state-store' is a choice of the 1.14 line (make ... DAPR=1.14)"
            )


def available_profiles() -> list[str]:
    """Profiles are the folders of dapr/components/."""
    components = PROJECT_ROOT / "dapr" / "components"
    return sorted(
        path.name for path in components.iterdir() if path.is_dir() and path.name != COMMON
    )
