"""Command lines of the control plane: every port explicit on loopback, state where the
stack keeps its own, certificates from the stack's sentry."""

from pathlib import Path

from devstack.commands import Mtls
from devstack.control_plane import placement_argv, scheduler_argv
from devstack.runtime import LINES, binary
from devstack.stack_config import StackPorts

MTLS = Mtls("127.0.0.1:50003", Path("/trust/ca.crt"), "public")


def _flags(argv: list[str]) -> dict[str, str]:
    return dict(arg.removeprefix("--").split("=", 1) for arg in argv[1:] if "=" in arg)


def test_the_scheduler_listens_on_loopback_ports_of_its_own() -> None:
    """Its API, healthz, metrics and both etcd ports come from the stack's ports, never
    the defaults (8080, 9090, 2379 and 2380 clash on one host)."""
    ports = StackPorts.free()
    argv = scheduler_argv(ports, Path("data/scheduler"), MTLS)
    assert argv[0] == str(binary("scheduler"))
    flags = _flags(argv)
    assert flags["port"] == str(ports.scheduler)
    assert flags["listen-address"] == "127.0.0.1"
    assert flags["healthz-port"] == str(ports.scheduler_healthz)
    assert flags["metrics-port"] == str(ports.scheduler_metrics)
    assert flags["metrics-listen-address"] == "127.0.0.1"


def test_the_schedulers_etcd_takes_the_stacks_ports_under_each_lines_flag_names() -> None:
    """1.15 renamed the embedded etcd's flags; each line gets its own names."""
    ports = StackPorts.free()
    peer = f"dapr-scheduler-server-0=http://127.0.0.1:{ports.scheduler_etcd_peer}"
    expected = {
        "1.14": {
            "initial-cluster": peer,
            "etcd-client-ports": f"dapr-scheduler-server-0={ports.scheduler_etcd_client}",
        },
        "1.18": {
            "etcd-initial-cluster": peer,
            "etcd-client-port": str(ports.scheduler_etcd_client),
            "etcd-client-listen-address": "127.0.0.1",
        },
    }
    assert set(expected) == set(LINES)
    for name, line in LINES.items():
        flags = _flags(scheduler_argv(ports, Path("data/scheduler"), MTLS, line))
        assert {key: flags.get(key) for key in expected[name]} == expected[name]


def test_the_scheduler_keeps_its_etcd_in_the_given_directory_absolute() -> None:
    """Its default, ./data, would land in whatever directory it was started from."""
    flags = _flags(scheduler_argv(StackPorts(), Path("data/scheduler"), MTLS))
    assert Path(flags["etcd-data-dir"]).is_absolute()
    assert flags["etcd-data-dir"].endswith("data/scheduler")


def test_placement_and_the_scheduler_take_certificates_from_the_stacks_sentry() -> None:
    for argv in (placement_argv(StackPorts(), MTLS), scheduler_argv(StackPorts(), Path("d"), MTLS)):
        assert "--tls-enabled" in argv
        flags = _flags(argv)
        assert flags["sentry-address"] == "127.0.0.1:50003"
        assert flags["trust-anchors-file"] == "/trust/ca.crt"
        assert flags["trust-domain"] == "public"
