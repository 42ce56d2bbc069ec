"""Each profile's daprd loads that profile's Resiliency file (dapr/config/<profile>/)."""

import pytest

from devstack.stack import Stack

LOADED = "Loading Resiliency configuration: python-api-resiliency-{profile}"


@pytest.mark.parametrize("fixture", ["stack", "full_stack"])
def test_the_profiles_daprd_loads_its_own_resiliency(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    """The daprd log names the profile's own Resiliency and no other profile's."""
    running: Stack = request.getfixturevalue(fixture)
    log = running.daprd.log_path.read_text()
    profile = running.config.profile
    assert LOADED.format(profile=profile) in log
    others = {"local", "full"} - {profile}
    assert not [other for other in others if LOADED.format(profile=other) in log]
