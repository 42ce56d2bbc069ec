"""Loopback ports for the stack: free ones for tests, checked ones for `make run`."""

import socket
from collections.abc import Iterable

HOST = "127.0.0.1"


class PortInUseError(RuntimeError):
    pass


# Every port this process has handed out: a later call (say, a peer's ports after the
# stack's) never repeats one, even though each call's sockets are closed when it returns.
_handed_out: set[int] = set()


def reserve_free_ports(count: int) -> list[int]:
    """Ask the kernel for `count` distinct free ports (held open together so none repeats),
    none of them handed out by an earlier call in this process."""
    sockets = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((HOST, 0))
            sockets.append(sock)  # held even when skipped, so the kernel moves on
            port = sock.getsockname()[1]
            if port not in _handed_out:
                ports.append(port)
        _handed_out.update(ports)
        return ports
    finally:
        for sock in sockets:
            sock.close()


def is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def ensure_free(ports: Iterable[tuple[str, int]]) -> None:
    """Raise one error naming every taken port, what it was for and how to move it."""
    taken = [(role, port) for role, port in ports if not is_free(port)]
    if taken:
        listing = ", ".join(f"{port} ({role})" for role, port in taken)
        raise PortInUseError(
            f"port(s) already in use on {HOST}: {listing}. Another stack may still be running "
            f"(`ss -ltnp 'sport = :{taken[0][1]}'` shows who holds it); stop it, or move ours "
            "with the ORDERFLOW_*_PORT / DAPR_*_PORT variables listed in the README."
        )


def ensure_distinct(ports: Iterable[tuple[str, int]]) -> None:
    """Raise if two roles were given the same port (one would fail to bind later)."""
    seen: dict[int, str] = {}
    for role, port in ports:
        if port in seen:
            raise PortInUseError(
                f"port {port} is configured for both {seen[port]} and {role}; give each its own"
            )
        seen[port] = role
