"""Every rendered object and compose.yaml validate against their schemas, offline."""

import pytest

from devstack.runtime import PROJECT_ROOT
from tests.deployment.manifests import OVERLAYS, compose, documents, is_dapr, profiles, rendered
from tests.deployment.schemas import compose_errors, dapr_errors, dapr_schemas, kubernetes_errors

# The manifests target a Dapr 1.14 control plane; its Configuration CRD lacks spec.workflow,
# which deploy/kubernetes/dapr-crd patches in. Dapr 1.18's CRD has the field already (the
# patch is refused there: "exists already: drop the patch").
ON_1_14_CRDS = pytest.mark.runtime_difference(
    "1.14", "Dapr 1.18's Configuration CRD has spec.workflow; the CRD patch is for 1.14's"
)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_kubernetes_object_matches_the_kubernetes_schemas(overlay: str) -> None:
    """Deployments, Services, PDBs, HPAs, NetworkPolicies...: Kubernetes 1.32, strict."""
    objects = [obj for obj in rendered(overlay) if not is_dapr(obj)]
    assert objects
    errors = {f"{o['kind']}/{o['metadata']['name']}": kubernetes_errors(o) for o in objects}
    assert {name: found for name, found in errors.items() if found} == {}


@ON_1_14_CRDS
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_dapr_object_matches_the_dapr_crds(overlay: str) -> None:
    """Components, Configurations, Resiliency, Subscriptions: the CRDs shipped in the
    pinned github.com/dapr/dapr module (charts/dapr/crds), unknown fields refused."""
    objects = [obj for obj in rendered(overlay) if is_dapr(obj)]
    assert len(objects) >= 11
    errors = {f"{o['kind']}/{o['metadata']['name']}": dapr_errors(o) for o in objects}
    assert {name: found for name, found in errors.items() if found} == {}


@ON_1_14_CRDS
def test_the_dapr_crds_are_the_ones_daprd_1_14_serves() -> None:
    """The schemas come from the module the runtime is built from: all five kinds."""
    kinds = {kind for _, kind in dapr_schemas()}
    assert {"Component", "Configuration", "Resiliency", "Subscription", "HTTPEndpoint"} <= kinds


def test_compose_yaml_matches_the_compose_specification() -> None:
    """compose.yaml against compose-spec.json from compose-go (the schema docker compose uses)."""
    assert compose_errors(compose()) == []


@ON_1_14_CRDS
def test_without_the_crd_patch_the_workflow_limits_would_be_refused() -> None:
    """The gap the patch closes is real: Dapr 1.14.4's own CRD has no spec.workflow."""
    config = next(o for o in rendered("production") if o["metadata"]["name"] == "python-api-config")
    assert any("'workflow' was unexpected" in error for error in dapr_errors(config, patched=False))


@ON_1_14_CRDS
def test_every_dapr_file_daprd_loads_outside_kubernetes_matches_the_crds() -> None:
    """The dev profiles' files and what compose.yaml mounts (components, resiliency,
    subscriptions, its Configuration) are Dapr objects of the same schemas."""
    objects = [
        obj
        for profile in profiles()
        if not profile.name.startswith("kubernetes")
        for app_objects in profile.resources.values()
        for obj in app_objects
    ]
    objects += documents((PROJECT_ROOT / "deploy" / "compose" / "config.yaml").read_text())
    errors = {f"{o['kind']}/{o['metadata']['name']}": dapr_errors(o) for o in objects}
    assert {name: found for name, found in errors.items() if found} == {}
