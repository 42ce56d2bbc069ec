"""The configuration layers against the real local-profile stack."""

from collections.abc import Iterator

import pytest

from app.building_blocks.configuration_store import DaprConfigurationSource
from app.building_blocks.errors import ComponentNotFoundError
from devstack.stack import Stack
from tests.sidecar import SidecarClient


@pytest.fixture(scope="module")
def sidecar(stack: Stack) -> Iterator[SidecarClient]:
    with SidecarClient(stack) as client:
        yield client


def test_local_sidecar_has_no_configuration_store(sidecar: SidecarClient) -> None:
    """daprd's FAILED_PRECONDITION "configuration stores not configured" stops a store layer."""
    store = DaprConfigurationSource(sidecar.dapr, "configstore")
    with pytest.raises(ComponentNotFoundError, match="configuration stores not configured"):
        sidecar.run(store.start())
    assert not store.following


def test_running_app_resolves_the_approval_threshold_from_its_defaults(stack: Stack) -> None:
    """At start-up the app logs its layers and where approval-threshold came from."""
    log = stack.app.log_path.read_text(encoding="utf-8", errors="replace")
    expected = (
        "configuration layers: environment, defaults; approval-threshold = 1000 (from defaults)"
    )
    assert expected in log
