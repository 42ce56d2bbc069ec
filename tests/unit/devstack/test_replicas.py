"""The replicas' configuration: which profiles may run several, their ports, the
balancer's rendered configuration, and the Scheduler their reminders live on."""

from pathlib import Path
from typing import Any

import pytest

from devstack.balancer import render_config
from devstack.daprd_configs import app_config
from devstack.replicas import (
    ReplicasUnsupportedError,
    check_profile,
    hosts_no_actors,
    replica_ports_from_env,
)
from devstack.stack import Stack
from devstack.stack_config import StackConfig, StackPorts


def test_several_replicas_on_the_local_profile_are_refused_with_the_fix() -> None:
    with pytest.raises(ReplicasUnsupportedError, match="PROFILE=full REPLICAS=3"):
        check_profile("local", 3)


def test_one_replica_runs_on_any_profile_and_several_on_full() -> None:
    check_profile("local", 1)
    check_profile("full", 3)


def test_replica_ports_count_up_from_each_roles_base_which_the_environment_moves() -> None:
    ports = replica_ports_from_env(3, {"ORDERFLOW_REPLICA_APP_BASE": "18100"})
    assert [p.app for p in ports] == [18100, 18101, 18102]
    assert [p.dapr_http for p in ports] == [3600, 3601, 3602]


def test_the_balancer_probes_readiness_and_replays_only_refused_connects_and_reads() -> None:
    config = render_config(8000, [8100, 8101], stats_socket=Path("/s"))
    assert "bind 127.0.0.1:8000" in config
    assert "option httpchk GET /health/ready" in config
    assert "retry-on conn-failure empty-response 503 504\n" in config
    assert "http-request disable-l7-retry unless METH_GET || METH_HEAD\n" in config
    assert "server replica-0 127.0.0.1:8100 check" in config
    assert "server replica-1 127.0.0.1:8101 check" in config
    assert "server fallback-1 127.0.0.1:8101 backup" in config  # used when none is ready


def _replica_stack(tmp_path: Path, **options: Any) -> Stack:
    config = StackConfig(
        ports=StackPorts(),
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
        profile="full",
        replicas=replica_ports_from_env(2, {}),
        **options,
    )
    return Stack(config, progress=lambda _: None)


def test_a_replica_stack_runs_one_scheduler_after_placement_and_stops_it_after_the_daprds(
    tmp_path: Path,
) -> None:
    """Start order is stop order reversed: the daprds stop before the Scheduler they use."""
    stack = _replica_stack(tmp_path)
    names = [process.name for process in stack.processes]
    assert names[:5] == ["postgres", "redis", "sentry", "placement", "scheduler"]
    assert names.count("scheduler") == 1
    assert names.index("scheduler") < names.index("daprd-0")
    assert stack.scheduler is not None
    assert stack.scheduler.log_path == tmp_path / "logs" / "scheduler.log"
    assert stack.config.scheduler_data_dir == tmp_path / "data" / "scheduler"
    assert {("scheduler", 50006), ("scheduler etcd client", 12379)} <= set(stack.ports_to_check())


def test_every_replicas_daprd_is_given_the_schedulers_address(tmp_path: Path) -> None:
    stack = _replica_stack(tmp_path)
    for replica in stack.replicas:
        assert "--scheduler-host-address=127.0.0.1:50006" in replica.daprd.argv
        assert f"--config={stack.daprd_config}" in replica.daprd.argv
    assert stack.daprd_config == app_config(stack.config)  # 1.14: the copy with the feature


@pytest.mark.runtime_difference(
    "1.14", "reminders in the actor state store: from 1.15 the Scheduler keeps every reminder"
)
def test_stacks_with_reminders_in_the_state_store_run_no_scheduler(tmp_path: Path) -> None:
    """The single-app default, or a replica stack that asks for it: no process, no port
    checked, no address given to daprd."""
    single = Stack(
        StackConfig(ports=StackPorts(), data_dir=tmp_path, log_dir=tmp_path, profile="full"),
        progress=lambda _: None,
    )
    for stack in (single, _replica_stack(tmp_path, reminders="state-store")):
        assert stack.scheduler is None
        assert "scheduler" not in [process.name for process in stack.processes]
        assert not [role for role, _ in stack.ports_to_check() if role.startswith("scheduler")]
        daprd_args = [arg for replica in stack.replicas for arg in replica.daprd.argv]
        assert not [arg for arg in daprd_args if arg.startswith("--scheduler-host-address")]


@pytest.mark.parametrize(
    ("placement", "counts", "stoppable"),
    [
        ("placement: connected", [], False),
        ("placement: disconnected", [3, 0], False),
        ("placement: disconnected", [0, 0], True),
        ("placement: disconnected", [], True),
    ],
)
def test_a_draining_daprd_is_stopped_only_once_it_left_placement_with_no_actor_active(
    placement: str, counts: list[int], stoppable: bool
) -> None:
    """Read from daprd 1.14's /v1.0/metadata (`actorRuntime`)."""
    metadata = {
        "actorRuntime": {
            "placement": placement,
            "activeActors": [{"type": f"T{i}", "count": n} for i, n in enumerate(counts)],
        }
    }
    assert hosts_no_actors(metadata) is stoppable
