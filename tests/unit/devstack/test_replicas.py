"""The replicas' configuration: which profiles may run several, their ports, and the
balancer's rendered configuration."""

from pathlib import Path

import pytest

from devstack.balancer import render_config
from devstack.replicas import ReplicasUnsupportedError, check_profile, replica_ports_from_env


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


def test_the_balancer_probes_readiness_and_retries_only_refused_connects() -> None:
    config = render_config(8000, [8100, 8101], stats_socket=Path("/s"))
    assert "bind 127.0.0.1:8000" in config
    assert "option httpchk GET /health/ready" in config
    assert "retry-on conn-failure\n" in config
    assert "server replica-0 127.0.0.1:8100 check" in config
    assert "server replica-1 127.0.0.1:8101 check" in config
    assert "server fallback-1 127.0.0.1:8101 backup" in config  # used when none is ready
