"""Each Kubernetes overlay renders, with the pinned kustomize and with `kubectl
kustomize` (what `kubectl apply -k` runs), to the same objects."""

import shutil

import pytest

from tests.deployment.manifests import KUBERNETES_DIR, OVERLAYS, of_kind, render_with, rendered

# What every overlay must hold: both apps and every Dapr object the service needs.
EXPECTED = {
    "Deployment": {"python-api", "payment-service"},
    "Service": {"python-api", "payment-service"},
    "ServiceAccount": {"python-api", "payment-service"},
    "PodDisruptionBudget": {"python-api", "payment-service"},
    "HorizontalPodAutoscaler": {"python-api"},
    "NetworkPolicy": {"python-api", "payment-service"},
    "Component": {
        "statestore",
        "pubsub",
        "secretstore",
        "payment-ledger",
        "inventory-audit",
        "shipping-labels",
    },
    "Configuration": {"python-api-config", "payment-service-config"},
    "Resiliency": {"python-api-resiliency"},
    "Subscription": {"restocks", "orders", "orders-deadletter"},
}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlay_renders_every_object_the_service_needs(overlay: str) -> None:
    """kustomize build succeeds and yields the expected objects, all in one namespace."""
    objects = rendered(overlay)
    for kind, names in EXPECTED.items():
        found = {obj["metadata"]["name"] for obj in of_kind(objects, kind)}
        assert names <= found, f"{overlay}: {kind} missing {names - found}"
    namespaces = {obj["metadata"].get("namespace") for obj in objects if obj["kind"] != "Namespace"}
    assert None not in namespaces
    assert len(namespaces) == 1, namespaces


def test_the_postgresql_overlay_swaps_the_state_store_and_adds_configstore() -> None:
    """The full profile's stores: state.postgresql for statestore, configuration.postgresql."""
    components = {
        c["metadata"]["name"]: c for c in of_kind(rendered("production-postgresql"), "Component")
    }
    assert components["statestore"]["spec"]["type"] == "state.postgresql"
    assert components["configstore"]["spec"]["type"] == "configuration.postgresql"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubectl_kustomize_renders_the_same_objects(overlay: str) -> None:
    """The machine's kubectl (1.32, kustomize v5.5.0 inside) agrees with the pinned build."""
    kubectl = shutil.which("kubectl")
    assert kubectl is not None, "kubectl is not on PATH (this machine image ships it)"
    by_kubectl = render_with([kubectl, "kustomize", str(KUBERNETES_DIR / "overlays" / overlay)])
    assert by_kubectl == list(rendered(overlay))
