"""The dev stack: placement, the app (uvicorn) and its daprd, on loopback ports, plus the
servers a profile needs (PostgreSQL and Redis for `full`, started first).

Start order matters (dapr/dapr#8341): the app starts first and waits for daprd's outbound
readiness, registers actors and the workflow runtime, then listens; daprd finds the app
port and reads the actor types. The stack is ready when the app's /health/ready says so.
"""

import functools
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from devstack.app_processes import app_daprd_env, build_replicas
from devstack.balancer import Balancer
from devstack.commands import Mtls
from devstack.control_plane import placement_argv, scheduler_argv, sentry_argv
from devstack.daprd_configs import app_config, peer_config, render_configs
from devstack.peers import PeerApp, peer_processes
from devstack.ports import HOST, ensure_distinct, ensure_free
from devstack.postgres import PostgresServer
from devstack.processes import ManagedProcess
from devstack.progress import say
from devstack.redis import RedisServer
from devstack.replicas import Replica, check_profile
from devstack.runtime import PROJECT_ROOT, RuntimeMissingError, missing_binaries
from devstack.servers import BackingServer, ensure_installed
from devstack.stack_config import (
    PROFILE_SERVERS,
    StackConfig,
)
from devstack.trust_bundle import TRUST_DOMAIN, TrustBundle
from devstack.waiting import StackStartError, answers, wait_for

__all__ = ["Stack", "StackStartError"]


class Stack:
    """Starts, watches and stops the stack's processes; usable as a context manager."""

    def __init__(self, config: StackConfig, progress: Callable[[str], None] = say) -> None:
        check_profile(config.profile, config.replica_count)
        self.config = config
        self._progress = progress
        ports = config.ports
        known: dict[str, BackingServer] = {
            "postgres": PostgresServer(ports.postgres, config.data_dir, config.log_dir),
            "redis": RedisServer(ports.redis, config.data_dir, config.log_dir),
        }
        self.servers = [known[name] for name in PROFILE_SERVERS.get(config.profile, ())]
        self.trust = TrustBundle(config.trust_dir)
        self.mtls = Mtls(
            sentry_address=f"{HOST}:{ports.sentry}",
            trust_anchors_file=self.trust.ca_file,
            trust_domain=TRUST_DOMAIN,
        )
        self.sentry = ManagedProcess(
            name="sentry",
            argv=sentry_argv(config.ports, self.trust.directory),
            log_path=config.log_dir / "sentry.log",
            cwd=PROJECT_ROOT,
        )
        self.placement = ManagedProcess(
            name="placement",
            argv=placement_argv(config.ports, self.mtls),
            log_path=config.log_dir / "placement.log",
            cwd=PROJECT_ROOT,
        )
        # One Scheduler for the stack, when its reminders live there (stack_config.py).
        self.scheduler = (
            ManagedProcess(
                name="scheduler",
                argv=scheduler_argv(config.ports, config.scheduler_data_dir, self.mtls),
                log_path=config.log_dir / "scheduler.log",
                cwd=PROJECT_ROOT,
            )
            if config.reminder_store == "scheduler"
            else None
        )
        export = config.trace_export
        exporter_env = export.exporter_env() if export else {}
        self.peers = [
            peer_processes(
                peer,
                config.profile,
                config.data_dir,
                config.log_dir,
                daprd_config=self.peer_daprd_config(peer),
                daprd_extra_env=exporter_env,
                app_extra_env=export.app_env() if export else {},
                mtls=self.mtls,
            )
            for peer in config.peers
        ]
        self.replicas = build_replicas(config, self.daprd_config, self.mtls)
        # Replica 0's: what tools that know one app and one daprd (most tests) drive.
        self.app, self.daprd = self.replicas[0].app, self.replicas[0].daprd
        self.balancer = (
            Balancer(
                ports.app,
                [replica.ports.app for replica in self.replicas],
                config.data_dir,
                config.log_dir,
            )
            if config.replicas
            else None
        )

    @property
    def daprd_config(self) -> Path:
        """The Configuration every daprd of the app reads (devstack/daprd_configs.py)."""
        return app_config(self.config)

    def peer_daprd_config(self, peer: PeerApp) -> Path:
        return peer_config(self.config, peer)

    # --- addresses -------------------------------------------------------------------
    @property
    def app_url(self) -> str:
        return f"http://{HOST}:{self.config.ports.app}"

    def api_client(self, timeout_s: float = 10.0, **options: Any) -> httpx.Client:
        """A client of this stack's /api/v1 holding a token with every scope."""
        headers = {**self.config.api_headers(), **options.pop("headers", {})}
        return httpx.Client(base_url=self.app_url, timeout=timeout_s, headers=headers, **options)

    @property
    def dapr_http_url(self) -> str:
        return self.replicas[0].dapr_http_url

    @property
    def dapr_grpc_address(self) -> str:
        return f"{HOST}:{self.replicas[0].ports.dapr_grpc}"

    @property
    def processes(self) -> list[ManagedProcess]:
        """In start order; stop() goes in reverse, so the servers stop after daprd."""
        peers = [process for pair in self.peers for process in pair]
        servers = [server.process for server in self.servers]
        apps = [process for replica in self.replicas for process in replica.processes]
        balancer = [self.balancer.process] if self.balancer else []
        return [*servers, *self.control_plane, *peers, *apps, *balancer]

    @property
    def control_plane(self) -> list[ManagedProcess]:
        return [self.sentry, self.placement, *([self.scheduler] if self.scheduler else [])]

    @property
    def scheduler_port(self) -> int | None:
        """Where a daprd of this stack finds the Scheduler; None on a stack without one."""
        return self.config.ports.scheduler if self.scheduler else None

    def ports_to_check(self) -> list[tuple[str, int]]:
        """(role, port) of what this stack runs: the local profile has no postgres to clash,
        and each peer app brings its own ports."""
        every_server = {name for names in PROFILE_SERVERS.values() for name in names}
        not_run = every_server - {server.name for server in self.servers}
        if self.scheduler is None:
            not_run |= {f.name for f in fields(self.config.ports) if f.name.startswith("scheduler")}
        replica_ports = []
        if self.config.replicas:  # the replicas' own ports replace the single app's daprd's
            not_run |= {"dapr_http", "dapr_grpc", "dapr_internal_grpc", "dapr_metrics"}
            replica_ports = [
                (f"{replica.name} {role.name.replace('_', ' ')}", getattr(replica.ports, role.name))
                for replica in self.replicas
                for role in fields(replica.ports)
            ]
        peer_ports = [
            (f"{peer.app_id} {role.name.replace('_', ' ')}", getattr(peer.ports, role.name))
            for peer in self.config.peers
            for role in fields(peer.ports)
        ]
        return [*self.config.ports.roles(without=not_run), *peer_ports, *replica_ports]

    def server(self, name: str) -> BackingServer:
        """This profile's server called `name` (e.g. "postgres"); KeyError if it has none."""
        for server in self.servers:
            if server.name == name:
                return server
        raise KeyError(f"profile {self.config.profile!r} runs no {name} server")

    def stop_server(self, name: str) -> None:
        """Stop one backing server under the running stack (an outage, for tests)."""
        self.server(name).process.stop()

    def start_server(self, name: str, timeout_s: float = 60.0) -> None:
        """Start a stopped backing server again and wait until it accepts commands."""
        server = self.server(name)
        server.process.start()
        self._wait_for(name, server.is_ready, [server.process], timeout_s)

    def start_sidecar(self, replica: Replica | None = None) -> None:
        """Start a replica's daprd (replica 0's by default; its environment exists only
        once servers are prepared), with the secrets file its secret store serves (the
        API signing key among them)."""
        config = self.config
        config.api_key.write_secrets_file(config.secrets_file, config.app_secrets_file)
        daprd = (replica or self.replicas[0]).daprd
        daprd.env = app_daprd_env(config, self.mtls, self.servers)
        daprd.start()

    # --- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        missing = missing_binaries()
        if missing:
            raise RuntimeMissingError(missing)
        ensure_distinct(self.ports_to_check())
        ensure_free(self.ports_to_check())
        ensure_installed(self.servers, self.config.log_dir / "apt.log")
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        (self.config.data_dir / "localstorage").mkdir(exist_ok=True)
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        self.config.tokens.write(self.config.token_file)
        if self.balancer is not None:
            self.balancer.prepare()  # installs HAProxy when missing, before anything starts
        render_configs(self.config)
        try:
            self._start_all()
        except BaseException:
            self.stop()
            raise

    def _start_all(self) -> None:
        started = time.monotonic()
        servers = [server.process for server in self.servers]
        for server in self.servers:
            self._progress(f"starting {server.name} on {server.address}")
            server.prepare(self._progress)
            server.process.start()
            self._wait_for(server.name, server.is_ready, [server.process], 60.0)
            server.provision()

        self.start_control_plane(watched=servers)

        for (peer_app, peer_daprd), peer in zip(self.peers, self.config.peers, strict=True):
            self._progress(f"starting peer {peer.app_id} and its daprd")
            peer_app.start()
            peer_daprd.env = {**peer_daprd.env, **self.mtls.daprd_env()}  # this start's CA
            peer_daprd.start()
            peer_health = f"http://{HOST}:{peer.ports.dapr_http}/v1.0/healthz"
            self._wait_for(
                f"{peer.app_id} daprd",
                functools.partial(answers, peer_health, 204),
                [peer_app, peer_daprd],
            )

        for replica in self.replicas:
            self.start_replica(replica, watched=[*servers, *self.control_plane])
        if self.balancer is not None:
            self._progress(f"starting the load balancer (HAProxy) on {self.app_url}")
            self.balancer.process.start()
            ready = f"{self.app_url}/health/ready"
            self._wait_for(
                "the balancer (/health/ready through it)",
                lambda: answers(ready, 200),
                self.processes,
            )
        self._progress(f"stack ready in {time.monotonic() - started:.1f}s")

    def start_replica(self, replica: Replica, watched: list[ManagedProcess]) -> None:
        """Start one replica's app, then its daprd, and wait until the app is ready."""
        if replica.starts > 0:
            replica.renew_internal_port()
        replica.starts += 1
        self._progress(f"starting the app on {replica.url} (it waits for its sidecar)")
        replica.app.start()
        self._progress(f"starting daprd for {self.config.app_id} on {replica.dapr_http_url}")
        self.start_sidecar(replica)
        watched = [*watched, replica.app, replica.daprd]
        outbound = f"{replica.dapr_http_url}/v1.0/healthz/outbound"
        self._wait_for("daprd (components loaded)", lambda: answers(outbound, 204), watched)
        sidecar = f"{replica.dapr_http_url}/v1.0/healthz"
        self._wait_for(
            "daprd (app connected, actors and workflows up)",
            lambda: answers(sidecar, 204),
            watched,
        )
        ready = f"{replica.url}/health/ready"
        self._wait_for(f"{replica.name} (/health/ready)", lambda: answers(ready, 200), watched)

    def start_control_plane(self, watched: list[ManagedProcess] | None = None) -> None:
        """A new trust bundle, sentry, then placement and the Scheduler, if the stack runs
        one (each takes its certificate from sentry); each waited for. `watched`: processes
        already running that must stay up."""
        ports, running = self.config.ports, list(watched or [])
        self._progress(f"starting sentry on {HOST}:{ports.sentry} (mTLS for every sidecar)")
        TrustBundle.generate(self.trust.directory)
        self.sentry.start()
        sentry_healthz = f"http://{HOST}:{ports.sentry_healthz}/healthz"
        self._wait_for(
            "sentry", lambda: answers(sentry_healthz, 200), [*running, self.sentry], 30.0
        )
        self._progress(f"starting placement on {HOST}:{ports.placement}")
        self.placement.start()
        healthz = f"http://{HOST}:{ports.placement_healthz}/healthz"
        self._wait_for(
            "placement",
            lambda: answers(healthz, 200),
            [*running, self.sentry, self.placement],
            30.0,
        )
        if self.scheduler is not None:
            self._progress(f"starting the scheduler on {HOST}:{ports.scheduler} (reminders)")
            self.scheduler.start()
            scheduler_healthz = f"http://{HOST}:{ports.scheduler_healthz}/healthz"
            self._wait_for(
                "scheduler", lambda: answers(scheduler_healthz, 200), running + self.control_plane
            )

    def _wait_for(
        self,
        what: str,
        is_ready: Callable[[], bool],
        watched: list[ManagedProcess],
        timeout_s: float | None = None,
    ) -> None:
        timeout_s = timeout_s or self.config.ready_timeout_s
        wait_for(what, is_ready, watched, timeout_s, self.config.log_dir)
        self._progress(f"  ready: {what}")

    def stop(self) -> None:
        """Stop in reverse order: daprd drains actors first, then the app, then placement,
        then the servers daprd was using."""
        for process in reversed(self.processes):
            process.stop()

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
