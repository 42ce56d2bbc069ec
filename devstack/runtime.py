"""Where the Dapr runtime binaries live, and which version they are.

Two runtime lines are built and cached side by side: 1.14 (the design's, the default) and
1.18 (the newest these machines can build). ORDERFLOW_DAPR picks one (the Makefile sets it
from `make ... DAPR=1.18`); each line has its own build module, binary cache, Python lock
and venv (docs/runtimes.md).
"""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DAPR_DIR = PROJECT_ROOT / "dapr"
BINARIES = ("daprd", "placement", "scheduler", "sentry")
# Development-only secrets served by secretstores.local.file in the local profiles.
DEV_SECRETS_FILE = DAPR_DIR / "secrets" / "dev-secrets.json"
LINE_VARIABLE = "ORDERFLOW_DAPR"
DEFAULT_LINE = "1.14"


@dataclass(frozen=True)
class RuntimeLine:
    """One Dapr runtime line: the patch built, its build module, and what daprd needs."""

    line: str
    version: str
    build_module: Path
    # daprd needs the scheduler: from 1.15 actor reminders, and so every workflow timer
    # and step, live there; 1.14 keeps them in the actor state store.
    needs_scheduler: bool
    # The dapr-ext-workflow release of this line's lock (a venv of another line is refused).
    workflow_sdk: str


# 1.14.5 and its components-contrib v1.14.7 are not served by the Go module proxy here;
# 1.14.4 is the newest 1.14 patch that is. 1.18.3 needs durabletask-go v0.12.4, refused
# too, so 1.18.2 (README, "Dapr runtime"; docs/runtimes.md).
LINES: dict[str, RuntimeLine] = {
    "1.14": RuntimeLine("1.14", "1.14.4", DAPR_DIR / "runtime", False, "0.5.0"),
    "1.18": RuntimeLine("1.18", "1.18.2", DAPR_DIR / "runtime-1.18", True, "1.18.3"),
}


def selected_line(env: "os._Environ[str] | dict[str, str]" = os.environ) -> RuntimeLine:
    """The line ORDERFLOW_DAPR names (default 1.14); ValueError for an unknown one."""
    name = env.get(LINE_VARIABLE) or DEFAULT_LINE
    try:
        return LINES[name]
    except KeyError:
        raise ValueError(f"{LINE_VARIABLE}={name!r}: known lines are {', '.join(LINES)}") from None


LINE = selected_line()
DAPR_VERSION = LINE.version
BUILD_MODULE = LINE.build_module


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
            f"Build them with `make runtime DAPR={LINE.line}` (about 10 minutes cold, see README)."
        )
