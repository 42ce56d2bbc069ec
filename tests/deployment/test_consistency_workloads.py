"""The Kubernetes workloads, compose.yaml and the image against the code: the app ids
and ports daprd is told match the apps' settings, every probe hits a route that exists,
and every container is sized, probed and runs as a non-root user on a read-only root."""

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from app import healthcheck
from app.building_blocks.health import HealthChecker
from app.main import create_app
from app.settings import Settings
from devstack.deploy_tools import DAPR, module_dir
from devstack.image import CONTAINERFILE
from payments.main import create_app as create_payment_app
from tests.deployment.manifests import (
    APP_ID,
    COMPOSE_SIDECARS,
    OVERLAYS,
    PAYMENT_ID,
    annotations,
    compose,
    compose_daprd_flags,
    containers,
    env_of,
    named,
    of_kind,
    rendered,
)

Obj = dict[str, Any]
KNOWN_ANNOTATIONS_FILE = "pkg/injector/annotations/annotations.go"


def _routes(app: FastAPI) -> set[str]:
    """GET routes the app serves, from its OpenAPI document (FastAPI 0.165 mounts
    included routers lazily, so app.routes does not list them yet)."""
    return {path for path, methods in app.openapi()["paths"].items() if "get" in methods}


ROUTES = {APP_ID: _routes(create_app(Settings())), PAYMENT_ID: _routes(create_payment_app())}


def _app_port(app_id: str, env: dict[str, str]) -> int:
    """The port the container's process listens on, as its own settings read it."""
    if app_id == APP_ID:
        return Settings(app_port=int(env.get("ORDERFLOW_APP_PORT", 8000))).app_port
    return int(env["UVICORN_PORT"])


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("app_id", [APP_ID, PAYMENT_ID])
def test_annotated_app_id_and_port_match_the_app(overlay: str, app_id: str) -> None:
    """dapr.io/app-id is the deployment's app, and the one the order service invokes;
    dapr.io/app-port is the port the container's settings make it listen on."""
    deployment = named(rendered(overlay), "Deployment", app_id)
    notes = annotations(deployment)
    container = containers(deployment)[0]
    env = env_of(container)
    assert notes["dapr.io/enabled"] == "true"
    assert notes["dapr.io/app-id"] == app_id
    port = _app_port(app_id, env)
    assert int(notes["dapr.io/app-port"]) == port
    assert [p["containerPort"] for p in container["ports"]] == [port]
    if app_id == APP_ID:
        assert Settings().app_id == env["ORDERFLOW_APP_ID"] == app_id
        assert Settings().payment_app_id == PAYMENT_ID
        assert notes["dapr.io/config"] in {
            c["metadata"]["name"] for c in of_kind(rendered(overlay), "Configuration")
        }


@pytest.mark.parametrize("app_id", [APP_ID, PAYMENT_ID])
def test_compose_tells_each_daprd_its_app_id_and_port(app_id: str) -> None:
    """compose.yaml's daprd flags match the app container's environment."""
    flags = compose_daprd_flags(COMPOSE_SIDECARS[app_id])
    env = {k: str(v) for k, v in compose()["services"][app_id]["environment"].items()}
    assert flags["app-id"] == app_id
    assert int(flags["app-port"]) == _app_port(app_id, env)
    assert flags["app-health-check-path"] in ROUTES[app_id]
    assert compose()["services"][COMPOSE_SIDECARS[app_id]]["network_mode"] == f"service:{app_id}"


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("app_id", [APP_ID, PAYMENT_ID])
def test_every_probe_hits_a_route_the_app_serves(overlay: str, app_id: str) -> None:
    """startup, liveness and readiness probes and daprd's app health check."""
    deployment = named(rendered(overlay), "Deployment", app_id)
    container = containers(deployment)[0]
    paths = [
        container[probe]["httpGet"]["path"]
        for probe in ("startupProbe", "livenessProbe", "readinessProbe")
    ]
    paths.append(annotations(deployment)["dapr.io/app-health-check-path"])
    assert set(paths) <= ROUTES[app_id]


def test_the_readiness_probe_outlasts_readiness_itself() -> None:
    """/health/ready probes each dependency for up to HealthChecker's timeout (2 s; about
    2 s when payment-service is silent): the probe must wait longer than that."""
    default = HealthChecker.__init__.__defaults__
    assert default is not None
    probe_timeout_s = float(default[-1])
    for overlay in OVERLAYS:
        container = containers(named(rendered(overlay), "Deployment", APP_ID))[0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["readinessProbe"]["timeoutSeconds"] > probe_timeout_s + 1


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_is_sized_probed_and_locked_down(overlay: str) -> None:
    """requests and limits for cpu and memory, liveness and readiness probes, non-root,
    read-only root, no privilege escalation, no capabilities; the sidecar sized too."""
    for deployment in of_kind(rendered(overlay), "Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is False
        notes = annotations(deployment)
        for key in ("cpu-request", "cpu-limit", "memory-request", "memory-limit"):
            assert f"dapr.io/sidecar-{key}" in notes
        for container in containers(deployment):
            name = f"{deployment['metadata']['name']}/{container['name']}"
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) >= {"cpu", "memory"}, name
            assert {"livenessProbe", "readinessProbe"} <= set(container), name
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True, name
            assert context.get("runAsUser", 0) != 0, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_graceful_shutdown_fits_the_termination_grace_period(overlay: str) -> None:
    """daprd first holds its shutdown back (until the app turns unhealthy or the block
    duration passes: the time its actors move to other replicas), then drains for up to
    its graceful-shutdown seconds; one after the other, both end before Kubernetes sends
    SIGKILL."""
    for deployment in of_kind(rendered(overlay), "Deployment"):
        notes = annotations(deployment)
        grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        block_s = int(notes["dapr.io/block-shutdown-duration"].rstrip("s"))
        assert block_s + int(notes["dapr.io/graceful-shutdown-seconds"]) < grace


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_dapr_annotation_is_one_the_1_14_injector_reads(overlay: str) -> None:
    """A misspelt dapr.io/ annotation is silently ignored by the injector: each must be a
    key of the pinned module's annotations.go."""
    source = (module_dir(*DAPR) / KNOWN_ANNOTATIONS_FILE).read_text()
    known = set(re.findall(r'= "(dapr\.io/[a-z-]+)"', source))
    for deployment in of_kind(rendered(overlay), "Deployment"):
        used = {key for key in annotations(deployment) if key.startswith("dapr.io/")}
        assert used <= known, used - known


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_objects_or_secret_values_in_the_manifests(overlay: str) -> None:
    """No Secret is rendered, and no env var that names a credential carries a value."""
    objects = rendered(overlay)
    assert of_kind(objects, "Secret") == []
    for deployment in of_kind(objects, "Deployment"):
        for container in containers(deployment):
            for name in env_of(container):
                assert not re.search(r"password|token|secret|api_key", name, re.I), name


def test_the_image_user_and_health_check_agree_with_the_manifests() -> None:
    """The Containerfile's USER is the uid the pods run as; its HEALTHCHECK module's
    default path is the liveness route."""
    text = CONTAINERFILE.read_text()
    assert "USER 10001:10001" in text
    for overlay in OVERLAYS:
        for deployment in of_kind(rendered(overlay), "Deployment"):
            pod = deployment["spec"]["template"]["spec"]
            assert pod["securityContext"]["runAsUser"] == 10001
    assert '"/health/live"' in Path(healthcheck.__file__).read_text()
    assert "/health/live" in ROUTES[APP_ID]
    assert "ORDERFLOW_HEALTH_PATH=/health" in text
    assert "/health" in ROUTES[PAYMENT_ID]


TOKENS = {"DAPR_API_TOKEN": "dapr.io/api-token-secret", "APP_API_TOKEN": "dapr.io/app-token-secret"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_app_and_its_daprd_read_their_tokens_from_the_same_secrets(overlay: str) -> None:
    """docs/security.md's pair per app: the injector gives daprd the secret an annotation
    names (key `token`), and the app container reads the very same secret and key; no
    two apps share a secret."""
    secrets: list[str] = []
    for deployment in of_kind(rendered(overlay), "Deployment"):
        notes = annotations(deployment)
        env = {item["name"]: item for item in containers(deployment)[0]["env"]}
        for variable, annotation in TOKENS.items():
            reference = env[variable]["valueFrom"]["secretKeyRef"]
            assert reference == {"name": notes[annotation], "key": "token"}, variable
            secrets.append(reference["name"])
    assert len(secrets) == len(set(secrets)) == 4


def _interpolated(value: object) -> str:
    """The variable a compose value interpolates; fails for a literal."""
    match = re.fullmatch(r"\$\{(\w+):\?[^}]+\}", str(value))
    assert match, f"{value!r} is not a required ${{VAR:?...}} interpolation"
    return match.group(1)


def test_compose_gives_each_app_and_its_daprd_one_pair_of_tokens() -> None:
    """In compose, an app and its daprd interpolate the same required variables, no
    token is written in, and the two apps' pairs differ."""
    services = compose()["services"]
    pairs = []
    for app_id, sidecar in COMPOSE_SIDECARS.items():
        pair = tuple(_interpolated(services[app_id]["environment"][v]) for v in TOKENS)
        assert pair == tuple(_interpolated(services[sidecar]["environment"][v]) for v in TOKENS)
        pairs.append(pair)
    assert len({name for pair in pairs for name in pair}) == 4
