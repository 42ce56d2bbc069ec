"""`python -m devstack run`: build what is missing, start the stack, serve until Ctrl-C.
`python -m devstack token`: mint a token for that stack's /api/v1."""

import argparse
import os
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import FrameType

from devstack.api_auth import ALL_SCOPES, ApiSigningKey
from devstack.build import BuildError, build
from devstack.peers import payment_peer, payment_ports_from_env
from devstack.ports import PortInUseError
from devstack.progress import say
from devstack.replicas import ReplicasUnsupportedError, check_profile, replica_ports_from_env
from devstack.runtime import DAPR_VERSION, DEV_SECRETS_FILE, PROJECT_ROOT, RuntimeMissingError
from devstack.servers import ServerError
from devstack.stack import Stack, StackStartError
from devstack.stack_config import StackConfig, StackPorts, available_profiles
from devstack.tokens import write_private
from devstack.trace_export import ENDPOINT_VARIABLE, TraceExport


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


def _print_urls(stack: Stack) -> None:
    ports = stack.config.ports
    log_dir = stack.config.log_dir
    names = ",".join(sorted(process.log_path.stem for process in stack.processes))
    servers = "".join(f"\n  {server.name:<16}{server.address}" for server in stack.servers)
    replicas = "".join(
        f"\n  {replica.name:<16}{replica.url} (daprd {replica.ports.dapr_http}, "
        f"logs {log_dir}/{replica.app.log_path.name}, {replica.daprd.log_path.name})"
        for replica in stack.replicas
        if stack.balancer is not None
    )
    balancer = (
        f"\n  balancer        HAProxy on {stack.app_url}, config {stack.balancer.config_path}"
        if stack.balancer is not None
        else ""
    )
    scheduler = (
        f"\n  scheduler       127.0.0.1:{ports.scheduler} (actor reminders; healthz "
        f"{ports.scheduler_healthz}, data {stack.config.scheduler_data_dir})"
        if stack.scheduler is not None
        else ""
    )
    peers = "".join(
        f"\n  {peer.app_id:<16}http://127.0.0.1:{peer.ports.app} (daprd {peer.ports.dapr_http})"
        for peer in stack.config.peers
    )
    scheduler = f"\n  scheduler       127.0.0.1:{ports.scheduler}" if stack.scheduler else ""
    say(
        f"""
Orderflow is running on Dapr {DAPR_VERSION} (profile {stack.config.profile}).
  dashboard       {stack.app_url}/ui
  API docs        {stack.app_url}/docs
  health          {stack.app_url}/health/ready
  API token       export ORDERFLOW_TOKEN=$(cat {_api_token_file(stack.config.data_dir)})
                  (every scope, 12 h; send `authorization: Bearer $ORDERFLOW_TOKEN`)
  Dapr HTTP API   {stack.dapr_http_url}/v1.0/metadata
  Dapr gRPC API   {stack.dapr_grpc_address}
  Dapr API token  in {stack.config.token_file} (send it as `dapr-api-token`)
  Dapr metrics    http://127.0.0.1:{stack.replicas[0].ports.dapr_metrics}/metrics
  sentry (mTLS)   {stack.mtls.sentry_address}
  placement       127.0.0.1:{ports.placement}{scheduler}{servers}{peers}{balancer}{replicas}
  logs            {log_dir}/{{{names}}}.log
  data            {stack.config.data_dir}
  traces          {_traces_line(stack)}
Press Ctrl-C to stop everything."""
    )


def _signing_key_file(data_dir: Path) -> Path:
    return data_dir / "api-signing-key"


def _api_token_file(data_dir: Path) -> Path:
    return data_dir / "api-token"


def _traces_line(stack: Stack) -> str:
    export = stack.config.trace_export
    if export is None:
        return f"not exported (set {ENDPOINT_VARIABLE}=http://host:4318 to send them)"
    processes = ", ".join(
        [stack.config.app_id, *(p.app_id for p in stack.config.peers), "their daprds"]
    )
    return (
        f"OTLP/HTTP to {export.endpoint}/v1/traces from {processes} "
        f"(sampling {export.sampling_ratio:g})"
    )


def _log_format_env() -> dict[str, str]:
    """Run from a terminal, the app's log file is text for a person to read; otherwise
    the app's default (JSON lines). An explicit ORDERFLOW_LOG_FORMAT wins."""
    if "ORDERFLOW_LOG_FORMAT" in os.environ or not sys.stderr.isatty():
        return {}
    return {"ORDERFLOW_LOG_FORMAT": "text"}


def run(profile: str, data_dir: Path, replicas: int = 1) -> int:
    try:
        check_profile(profile, replicas)
        build()
        trace_export = TraceExport.from_env()
    except (BuildError, ValueError, ReplicasUnsupportedError) as error:
        say(f"error: {error}")
        return 1
    config = StackConfig(
        ports=StackPorts.from_env(),
        data_dir=data_dir,
        log_dir=data_dir / "logs",
        profile=profile,
        peers=(payment_peer(payment_ports_from_env(os.environ)),),
        trace_export=trace_export,
        app_env=_log_format_env(),
        api_key=ApiSigningKey.kept_in(_signing_key_file(data_dir)),  # tokens outlive restarts
        replicas=replica_ports_from_env(replicas, os.environ) if replicas > 1 else (),
    )
    stack = Stack(config)
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        stack.start()
        write_private(_api_token_file(data_dir), config.api_key.mint())
        _print_urls(stack)
        while True:
            for process in stack.processes:
                if not process.is_running():
                    say(
                        f"\n{process.name} exited (code {process.exit_code()}); "
                        f"stopping the stack. Its log: {process.log_path}\n{process.log_tail()}"
                    )
                    return 1
            time.sleep(0.5)
    except (PortInUseError, RuntimeMissingError, ServerError, StackStartError) as error:
        say(f"\nerror: {error}")
        return 1
    except _Stop as stop:
        stopping = ", ".join(process.name for process in reversed(stack.processes))
        say(f"\n{stop} received, stopping {stopping} ...")
        return 0
    finally:
        stack.stop()
        say("all stack processes stopped")


def mint_token(data_dir: Path, scopes: list[str], subject: str, ttl_hours: float) -> int:
    """Print a token trusted by the stack whose data dir is `data_dir`. Its key is made
    there if missing, with the secrets file an app's daprd serves it from (`make run`
    writes that file itself; compose mounts it: docs/deployment.md#compose)."""
    unknown = sorted(set(scopes) - set(ALL_SCOPES))
    if unknown:
        say(f"error: unknown scope {', '.join(unknown)}; scopes: {' '.join(ALL_SCOPES)}")
        return 2
    key = ApiSigningKey.kept_in(_signing_key_file(data_dir))
    key.write_secrets_file(DEV_SECRETS_FILE, data_dir / "secrets.json")
    print(key.mint(scopes or ALL_SCOPES, subject=subject, ttl=timedelta(hours=ttl_hours)))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="start the dev stack and serve until Ctrl-C")
    run_parser.add_argument("--profile", default="local", choices=available_profiles())
    run_parser.add_argument(
        "--data-dir", type=Path, help="state, files and logs (default: .data/<profile>)"
    )
    run_parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="app processes, each with its own daprd, behind HAProxy (full profile)",
    )
    token_parser = commands.add_parser("token", help="print a token for the stack's /api/v1")
    token_parser.add_argument("--profile", default="local", choices=available_profiles())
    token_parser.add_argument(
        "--data-dir", type=Path, help="the stack's (default: .data/<profile>)"
    )
    token_parser.add_argument(
        "--scope", action="append", default=[], help="repeat for each (default: every scope)"
    )
    token_parser.add_argument("--subject", default="developer")
    token_parser.add_argument("--ttl-hours", type=float, default=12.0)
    args = parser.parse_args()
    data_dir = args.data_dir or PROJECT_ROOT / ".data" / args.profile
    if args.command == "token":
        return mint_token(data_dir, args.scope, args.subject, args.ttl_hours)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    return run(args.profile, data_dir, args.replicas)


if __name__ == "__main__":
    sys.exit(main())
