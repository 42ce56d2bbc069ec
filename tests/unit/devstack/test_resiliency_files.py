"""The profiles' Resiliency files: loaded by their own profile, aimed at names that exist,
and free of fields daprd 1.14 would silently ignore. Read as text (no YAML parser in the
project's dependencies); what daprd does with them is tested through real sidecars."""

import re
from pathlib import Path

import pytest

from app.settings import Settings
from devstack.runtime import DAPR_DIR, PROJECT_ROOT
from devstack.stack_config import available_profiles, profile_resources

RESILIENCY_FILES = [
    *(DAPR_DIR / "config" / profile / "resiliency.yaml" for profile in available_profiles()),
    PROJECT_ROOT / "tests" / "support" / "fault_resources" / "resiliency.yaml",
]


def _component_names(profile: str) -> set[str]:
    names: set[str] = set()
    for folder in ("common", profile):
        for path in (DAPR_DIR / "components" / folder).glob("*.yaml"):
            names.update(re.findall(r"^metadata:\n  name: (\S+)", path.read_text(), re.M))
    return names


def _targets(text: str, kind: str) -> set[str]:
    """Names directly under `targets: <kind>:` (four-space indent below it)."""
    block = re.search(rf"^    {kind}:\n((?:      .*\n|\s*#.*\n|\s*\n)*)", text, re.M)
    assert block, f"no targets.{kind}"
    return set(re.findall(r"^      ([\w-]+):", block.group(1), re.M))


@pytest.mark.parametrize("profile", available_profiles())
def test_each_profile_loads_its_own_resiliency_file(profile: str) -> None:
    """daprd's resources of a profile include its dapr/config/<profile> (and no other's)."""
    resources = profile_resources(profile)
    assert (DAPR_DIR / "config" / profile / "resiliency.yaml").is_file()
    assert DAPR_DIR / "config" / profile in resources
    others = {DAPR_DIR / "config" / other for other in available_profiles() if other != profile}
    assert not others & set(resources)


@pytest.mark.parametrize("profile", available_profiles())
def test_targets_are_the_services_real_app_and_components(profile: str) -> None:
    """Scoped to the service's app id; apps: the payment provider; components: names that
    the profile's component files define, including the state store and pub/sub."""
    settings = Settings()
    text = (DAPR_DIR / "config" / profile / "resiliency.yaml").read_text()
    assert re.search(rf"^scopes:\n  - {re.escape(settings.app_id)}$", text, re.M)
    assert re.search(rf"^  name: python-api-resiliency-{profile}$", text, re.M)
    assert _targets(text, "apps") == {settings.payment_app_id}
    components = _targets(text, "components")
    assert {settings.statestore_name, settings.pubsub_name} <= components
    assert components <= _component_names(profile)


@pytest.mark.parametrize("path", RESILIENCY_FILES, ids=lambda path: str(Path(path).parent.name))
def test_no_retry_field_that_daprd_ignores(path: Path) -> None:
    """daprd 1.14's Resiliency type reads only policy, duration, maxInterval and
    maxRetries of a retry: initialInterval, multiplier or randomizationFactor would be
    dropped without a word, so a file must not pretend to set them."""
    ignored = re.findall(
        r"^\s+(initialInterval|multiplier|randomizationFactor|maxElapsedTime):",
        path.read_text(),
        re.M,
    )
    assert ignored == []
