"""The pinned tools and schemas the deployment checks use, fetched when missing.

- kustomize, built from the Go module proxy (the version kubectl 1.32 embeds, so
  `kubectl apply -k` renders what the checks rendered);
- Dapr's CRDs, from the pinned github.com/dapr/dapr module the runtime build downloads
  (charts/dapr/crds/);
- the Compose specification's JSON schema, from the pinned compose-go module
  (schema/compose-spec.json).

The Kubernetes JSON schemas come with the kubernetes-validate package (requirements-dev.lock).
"""

import json
import os
import subprocess
from pathlib import Path

from devstack.progress import step
from devstack.runtime import DAPR_VERSION, cache_root

KUSTOMIZE = ("sigs.k8s.io/kustomize/kustomize/v5", "v5.5.0")
COMPOSE_GO = ("github.com/compose-spec/compose-go/v2", "v2.16.2")
DAPR = ("github.com/dapr/dapr", f"v{DAPR_VERSION}")
# The Kubernetes release whose schemas the objects must satisfy (kubectl here is 1.32).
KUBERNETES_VERSION = "1.32.0"


class ToolError(RuntimeError):
    pass


def _go_env(gobin: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "GOTOOLCHAIN": "local", "CGO_ENABLED": "0"}
    if gobin is not None:
        env["GOBIN"] = str(gobin)
    return env


def _go(argv: list[str], gobin: Path | None = None) -> str:
    result = subprocess.run(
        ["go", *argv],
        env=_go_env(gobin),
        cwd=cache_root(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ToolError(f"`go {' '.join(argv)}` failed:\n{result.stderr.strip()[-2000:]}")
    return result.stdout


def kustomize() -> Path:
    """The pinned kustomize binary (about 25 s to build the first time)."""
    module, version = KUSTOMIZE
    gobin = cache_root() / "tools" / f"kustomize-{version}"
    binary = gobin / "kustomize"
    if not binary.exists():
        gobin.mkdir(parents=True, exist_ok=True)
        with step(f"building kustomize {version} from the Go module proxy into {gobin}"):
            _go(["install", "-trimpath", "-ldflags=-s -w", f"{module}@{version}"], gobin)
    return binary


def module_dir(module: str, version: str) -> Path:
    """Where the Go module cache holds `module@version` (downloaded when missing)."""
    cache_root().mkdir(parents=True, exist_ok=True)
    info = json.loads(_go(["mod", "download", "-json", f"{module}@{version}"]))
    if "Dir" not in info:
        raise ToolError(f"go mod download {module}@{version}: {info.get('Error', info)}")
    return Path(info["Dir"])


def dapr_crd_dir() -> Path:
    return module_dir(*DAPR) / "charts" / "dapr" / "crds"


def compose_schema() -> Path:
    return module_dir(*COMPOSE_GO) / "schema" / "compose-spec.json"
