"""Where the Dapr runtime binaries live, and which version they are."""

import os
from pathlib import Path

# 1.14.5 and its components-contrib v1.14.7 are not served by the Go module proxy here;
# 1.14.4 is the newest 1.14 patch that is (README, "Dapr runtime").
DAPR_VERSION = "1.14.4"
BINARIES = ("daprd", "placement", "scheduler", "sentry")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DAPR_DIR = PROJECT_ROOT / "dapr"
BUILD_MODULE = DAPR_DIR / "runtime"
# Development-only secrets served by secretstores.local.file in the local profiles.
DEV_SECRETS_FILE = DAPR_DIR / "secrets" / "dev-secrets.json"


def cache_root() -> Path:
    """~/.cache/orderflow (or under XDG_CACHE_HOME): what builds keep between runs."""
    cache_home = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache_home / "orderflow"


def bin_dir() -> Path:
    """The binary cache for this version; ORDERFLOW_DAPR_BIN_DIR overrides it."""
    override = os.environ.get("ORDERFLOW_DAPR_BIN_DIR")
    if override:
        return Path(override).expanduser()
    return cache_root() / "dapr" / DAPR_VERSION


def binary(name: str) -> Path:
    return bin_dir() / name


def missing_binaries() -> list[str]:
    return [name for name in BINARIES if not os.access(binary(name), os.X_OK)]


class RuntimeMissingError(RuntimeError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            f"Dapr {DAPR_VERSION} binaries missing from {bin_dir()}: {', '.join(missing)}. "
            "Build them with `make runtime` (about 10 minutes cold, see README)."
        )
