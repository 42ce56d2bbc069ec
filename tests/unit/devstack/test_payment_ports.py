"""The payment peer's ports: fixed for `make run`, each overridable so that a test's
`devstack run` never collides with a developer's stack on the same machine."""

from devstack.peers import PAYMENT_SERVICE_PORTS, payment_port_variable, payment_ports_from_env


def test_without_variables_the_fixed_make_run_ports() -> None:
    """No variables set: the documented 8001 / 3501 / 50011 / 50012 / 9092."""
    assert payment_ports_from_env({}) == PAYMENT_SERVICE_PORTS


def test_each_port_is_overridable() -> None:
    """ORDERFLOW_PAYMENT_<FIELD>_PORT moves that port and no other."""
    ports = payment_ports_from_env({payment_port_variable("dapr_http"): "41234"})
    assert ports.dapr_http == 41234
    assert ports.app == PAYMENT_SERVICE_PORTS.app
