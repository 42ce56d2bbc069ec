"""The running service as an operator sees it: health, docs, and what daprd registered."""

import httpx

from devstack.runtime import DAPR_VERSION


def test_liveness_answers(api: httpx.Client) -> None:
    """/health/live is 200 while the process serves HTTP."""
    assert api.get("/health/live").json() == {"status": "ok"}


def test_readiness_reports_each_dependency(api: httpx.Client) -> None:
    """/health/ready is 200 and names the sidecar, workflow runtime, payment-service and
    every component, each with what was checked and how long it took."""
    response = api.get("/health/ready")
    assert response.status_code == 200
    report = response.json()
    assert report["ready"] is True
    assert report["status"] == "healthy"
    assert report["sidecar"] == report["workflow_runtime"] == "healthy"
    assert report["dapr_version"] == DAPR_VERSION
    dependencies = {item["name"]: item for item in report["dependencies"]}
    assert dependencies.keys() == {"sidecar", "workflow-runtime", "payment-service"}
    assert dependencies["payment-service"]["status"] == "healthy"
    assert dependencies["payment-service"]["checked"].endswith("/payment-service/method/health")
    assert "work-item stream" in dependencies["workflow-runtime"]["checked"]
    components = {item["name"]: item for item in report["components"]}
    assert components["statestore"]["status"] == "healthy"
    assert components["statestore"]["message"] is None  # probed with a real read
    assert components["statestore"]["checked"].startswith("GET /v1.0/state/statestore/")
    assert components["pubsub"]["checked"].startswith("POST /v1.0/publish/pubsub/")
    assert components["secretstore"]["checked"] == "loaded by daprd"
    assert {"pubsub", "secretstore", "shipping-labels"} <= components.keys()
    assert all(item["latency_ms"] >= 0 for item in [*components.values(), *dependencies.values()])


def test_readiness_is_documented_with_its_model(api: httpx.Client) -> None:
    """OpenAPI describes /health/ready's body for both 200 and 503."""
    operation = api.get("/openapi.json").json()["paths"]["/health/ready"]["get"]
    for status in ("200", "503"):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/Readiness")


def test_openapi_docs_are_served(api: httpx.Client) -> None:
    """/docs serves the Swagger UI and /openapi.json lists the health routes."""
    assert api.get("/docs").status_code == 200
    assert "/health/ready" in api.get("/openapi.json").json()["paths"]


def test_sidecar_runs_the_built_version_with_our_actors_and_subscriptions(
    sidecar_http: httpx.Client,
) -> None:
    """daprd reports the version we built, our actor type and the restocks subscription."""
    metadata = sidecar_http.get("/v1.0/metadata").json()
    assert metadata["runtimeVersion"] == DAPR_VERSION
    assert {"type": "InventoryActor"} in [{"type": actor["type"]} for actor in metadata["actors"]]
    topics = {(sub["pubsubname"], sub["topic"]) for sub in metadata["subscriptions"]}
    assert ("pubsub", "restocks") in topics
    components = {component["name"]: component["type"] for component in metadata["components"]}
    assert components["statestore"] == "state.sqlite"
    assert components["pubsub"] == "pubsub.in-memory"
