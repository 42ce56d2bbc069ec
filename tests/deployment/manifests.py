"""The deployment as data: the rendered Kubernetes overlays, compose.yaml, and the Dapr
resources each app's daprd loads in every profile (local, full, kubernetes, compose)."""

import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from devstack.deploy_tools import kustomize
from devstack.runtime import DAPR_DIR, PROJECT_ROOT
from devstack.stack_config import profile_resources

Obj = dict[str, Any]
KUBERNETES_DIR = PROJECT_ROOT / "deploy" / "kubernetes"
OVERLAYS = ("dev", "production", "production-postgresql")
COMPOSE_FILE = PROJECT_ROOT / "compose.yaml"
APP_ID, PAYMENT_ID = "python-api", "payment-service"
# compose.yaml's daprd service of each app.
COMPOSE_SIDECARS = {APP_ID: "python-api-dapr", PAYMENT_ID: "payment-service-dapr"}


def documents(text: str) -> list[Obj]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def render_with(argv: list[str]) -> list[Obj]:
    result = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"{' '.join(argv)} failed:\n{result.stderr}"
    return documents(result.stdout)


@cache
def rendered(overlay: str) -> tuple[Obj, ...]:
    """`kustomize build` of an overlay with the pinned kustomize."""
    return tuple(
        render_with([str(kustomize()), "build", str(KUBERNETES_DIR / "overlays" / overlay)])
    )


def is_dapr(obj: Obj) -> bool:
    return str(obj["apiVersion"]).startswith("dapr.io/")


def of_kind(objects: tuple[Obj, ...] | list[Obj], kind: str) -> list[Obj]:
    return [obj for obj in objects if obj["kind"] == kind]


def named(objects: tuple[Obj, ...] | list[Obj], kind: str, name: str) -> Obj:
    found = [obj for obj in of_kind(objects, kind) if obj["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def annotations(deployment: Obj) -> dict[str, str]:
    return dict(deployment["spec"]["template"]["metadata"].get("annotations", {}))


def containers(deployment: Obj) -> list[Obj]:
    return list(deployment["spec"]["template"]["spec"]["containers"])


def env_of(container: Obj) -> dict[str, str]:
    return {item["name"]: item["value"] for item in container.get("env", []) if "value" in item}


def scoped_to(obj: Obj, app_id: str) -> bool:
    scopes = obj.get("scopes")
    return not scopes or app_id in scopes


@cache
def compose() -> Obj:
    loaded: Obj = yaml.safe_load(COMPOSE_FILE.read_text())
    return loaded


def _yaml_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield from sorted(path.glob("*.yaml"))
    elif path.suffix == ".yaml":
        yield path


def _load_files(paths: list[Path]) -> list[Obj]:
    return [
        doc for path in paths for file in _yaml_files(path) for doc in documents(file.read_text())
    ]


def compose_resource_files(service: str) -> list[Path]:
    """Host paths compose.yaml mounts under /resources/ in a daprd service."""
    mounts = [v for v in compose()["services"][service].get("volumes", []) if isinstance(v, str)]
    host_paths = [
        PROJECT_ROOT / m.split(":")[0] for m in mounts if m.split(":")[1].startswith("/resources/")
    ]
    return host_paths


def compose_daprd_flags(service: str) -> dict[str, str]:
    """`--name=value` flags of a compose daprd command (bare switches map to "true")."""
    flags: dict[str, str] = {}
    for arg in compose()["services"][service]["command"]:
        if arg.startswith("--"):
            name, _, value = arg[2:].partition("=")
            flags[name] = value or "true"
    return flags


@dataclass(frozen=True)
class Profile:
    """One place the service runs: which Dapr resources each app's daprd loads there, and
    the environment the order service's container gets (its settings come from it)."""

    name: str
    resources: Mapping[str, tuple[Obj, ...]]  # app id -> Dapr objects its daprd loads
    app_env: Mapping[str, str]


def _dev_profile(name: str) -> Profile:
    app = _load_files(list(profile_resources(name)))
    peer = _load_files([DAPR_DIR / "peers" / PAYMENT_ID])
    return Profile(name, {APP_ID: tuple(app), PAYMENT_ID: tuple(peer)}, {"ORDERFLOW_PROFILE": name})


def _kubernetes_profile(overlay: str) -> Profile:
    objects = rendered(overlay)
    dapr = [obj for obj in objects if is_dapr(obj) and obj["kind"] != "Configuration"]
    api = containers(named(objects, "Deployment", APP_ID))[0]
    return Profile(
        f"kubernetes/{overlay}",
        {app: tuple(o for o in dapr if scoped_to(o, app)) for app in (APP_ID, PAYMENT_ID)},
        env_of(api),
    )


def _compose_profile() -> Profile:
    services = compose()["services"]
    resources = {
        app: tuple(o for o in _load_files(compose_resource_files(sidecar)) if scoped_to(o, app))
        for app, sidecar in COMPOSE_SIDECARS.items()
    }
    env = {k: str(v) for k, v in services[APP_ID]["environment"].items()}
    return Profile("compose", resources, env)


def profiles() -> list[Profile]:
    """Every profile: the dev stack's two, each Kubernetes overlay, and compose."""
    return [
        _dev_profile("local"),
        _dev_profile("full"),
        *(_kubernetes_profile(overlay) for overlay in OVERLAYS),
        _compose_profile(),
    ]
