"""Port checks that turn a taken port into an error naming it and its role."""

import socket
from typing import ClassVar

import pytest

from devstack import ports as ports_module
from devstack.ports import HOST, PortInUseError, ensure_distinct, ensure_free, reserve_free_ports
from devstack.stack_config import StackPorts


def test_reserved_ports_are_distinct_and_free() -> None:
    """Ports handed to a test stack never repeat and can be bound."""
    ports = reserve_free_ports(9)
    assert len(set(ports)) == 9
    ensure_free(("test", port) for port in ports)


def test_taken_port_is_reported_with_its_role() -> None:
    """A listener on the port makes ensure_free name the port, its role and the way out."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(PortInUseError) as taken:
            ensure_free([("dapr http", port)])
    message = str(taken.value)
    assert f"{port} (dapr http)" in message
    assert "ss -ltnp" in message


def test_stack_ports_come_from_dapr_and_orderflow_variables() -> None:
    """DAPR_HTTP_PORT and ORDERFLOW_<NAME>_PORT override the defaults; others stay."""
    ports = StackPorts.from_env({"DAPR_HTTP_PORT": "3600", "ORDERFLOW_PLACEMENT_PORT": "50105"})
    assert (ports.dapr_http, ports.placement) == (3600, 50105)
    assert ports.app == StackPorts().app


def test_one_port_given_two_roles_is_refused_naming_both() -> None:
    """A port configured twice (e.g. a peer's and the service's) fails before anything binds."""
    with pytest.raises(PortInUseError, match="both dapr internal grpc and payment-service app"):
        ensure_distinct([("dapr internal grpc", 50002), ("payment-service app", 50002)])


class _ScriptedSocket:
    """A socket whose bind(port 0) gets the next port of a script, as the kernel might
    hand them out: a port released by an earlier call can come round again."""

    script: ClassVar[list[int]] = []

    def __init__(self, *_: object) -> None:
        self._port = 0

    def bind(self, _: tuple[str, int]) -> None:
        self._port = self.script.pop(0)

    def getsockname(self) -> tuple[str, int]:
        return (HOST, self._port)

    def close(self) -> None:
        pass


def test_a_later_reservation_never_repeats_a_port_handed_out_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The stack's ports and then a peer's: the kernel offers a released port again (seen
    as "port N is configured for both dapr http and payment-service ..."); it is skipped."""
    monkeypatch.setattr(ports_module, "_handed_out", set(), raising=False)
    monkeypatch.setattr(socket, "socket", _ScriptedSocket)  # the module devstack.ports uses
    _ScriptedSocket.script = [61001, 61002, 61001, 61003, 61004]
    first = reserve_free_ports(2)
    second = reserve_free_ports(2)
    assert first == [61001, 61002]
    assert second == [61003, 61004]
