"""StackConfig.throwaway: the stack tests, probes and benchmarks start beside any other
stack on the machine (`make run`'s included), so none of its ports is a fixed one."""

from pathlib import Path

from devstack.peers import PAYMENT_SERVICE_PORTS
from devstack.stack_config import StackConfig


def test_a_throwaway_stack_lives_under_its_root_on_free_ports(tmp_path: Path) -> None:
    config = StackConfig.throwaway(tmp_path, {"ORDERFLOW_X": "1"})
    assert (config.data_dir, config.log_dir) == (tmp_path / "data", tmp_path / "logs")
    assert config.app_env == {"ORDERFLOW_X": "1"}
    (payment,) = config.peers
    assert payment.app_id == "payment-service"
    assert payment.ports != PAYMENT_SERVICE_PORTS  # make run's fixed ports stay free


def test_two_throwaway_stacks_share_no_port(tmp_path: Path) -> None:
    first = StackConfig.throwaway(tmp_path / "a")
    second = StackConfig.throwaway(tmp_path / "b")
    ports = [dict(first.ports.roles()), dict(second.ports.roles())]
    assert not set(ports[0].values()) & set(ports[1].values())


def test_a_stack_without_the_payment_peer(tmp_path: Path) -> None:
    assert StackConfig.throwaway(tmp_path, with_payment=False).peers == ()
