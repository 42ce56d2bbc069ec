"""Build daprd, placement, scheduler and sentry from the Go module proxy, with progress.

    python -m devstack.build [--force]

Binaries land in the version-keyed cache (devstack.runtime.bin_dir) and are rebuilt only
when missing or when daprd reports another version.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from devstack.progress import elapsed, say, step
from devstack.runtime import BINARIES, BUILD_MODULE, DAPR_VERSION, bin_dir, binary, missing_binaries

BUILD_TAGS = "stablecomponents"
# daprd is built from our own main package (dapr/runtime/cmd/daprd), which adds the SQLite
# name resolver to Dapr's stable components; the control-plane services are Dapr's own.
PACKAGES = {
    "daprd": "./cmd/daprd",
    "placement": "github.com/dapr/dapr/cmd/placement",
    "scheduler": "github.com/dapr/dapr/cmd/scheduler",
    "sentry": "github.com/dapr/dapr/cmd/sentry",
}
HEARTBEAT_S = 20.0


class BuildError(RuntimeError):
    pass


def _go_env() -> dict[str, str]:
    # The machine's GOPROXY/GOSUMDB/GOFLAGS stay as they are; only the toolchain is pinned
    # to the installed one and cgo is off (static binaries, no C compiler needed).
    return {**os.environ, "GOTOOLCHAIN": "local", "CGO_ENABLED": "0"}


def _is_compiled_package(line: str) -> bool:
    return bool(line) and " " not in line  # `go build -v` prints one package path per package


def _is_downloaded_module(line: str) -> bool:
    return line.startswith("# get ") and ".zip: 200" in line  # `go mod download -x`


def _run_logged(
    argv: list[str],
    log_path: Path,
    label: str,
    counts: tuple[str, Callable[[str], bool]],
    total: int | None = None,
) -> None:
    """Run a go command, logging every line; a heartbeat reports the count of items done.

    The heartbeat runs on its own timer: `go mod download` can be silent for minutes.
    """
    unit, is_item = counts
    started = time.monotonic()
    count = 0
    finished = threading.Event()

    def heartbeat() -> None:
        of_total = f" of {total}" if total else ""
        while not finished.wait(HEARTBEAT_S):
            say(f"    {label}: {count}{of_total} {unit}, {elapsed(started)}")

    beat = threading.Thread(target=heartbeat, daemon=True)
    with log_path.open("a") as log:
        log.write(f"$ {' '.join(argv)}\n")
        log.flush()
        process = subprocess.Popen(
            argv,
            cwd=BUILD_MODULE,
            env=_go_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        beat.start()
        try:
            for line in process.stdout:
                log.write(line)
                if is_item(line.strip()):
                    count += 1
            code = process.wait()
        finally:
            finished.set()
            if process.poll() is None:
                process.kill()
    if code != 0:
        with log_path.open() as log:
            tail = "".join(log.readlines()[-25:])
        raise BuildError(f"{label} failed (exit {code}). Last lines of {log_path}:\n{tail}")


def _count_packages(package: str) -> int | None:
    result = subprocess.run(
        ["go", "list", "-mod=readonly", "-tags", BUILD_TAGS, "-deps", package],
        cwd=BUILD_MODULE,
        env=_go_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return len(result.stdout.split()) if result.returncode == 0 else None


def build_fingerprint() -> str:
    """Identity of what we build: our module files and the build tags.

    A cached binary from another fingerprint (say, before a main package changed) is
    rebuilt even though it reports the same Dapr version.
    """
    digest = hashlib.sha256(BUILD_TAGS.encode())
    for path in sorted(BUILD_MODULE.rglob("*")):
        if path.is_file() and path.suffix in {".go", ".mod", ".sum"}:
            digest.update(path.relative_to(BUILD_MODULE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _fingerprint_file() -> Path:
    return bin_dir() / "BUILD_FINGERPRINT"


def is_current() -> bool:
    fingerprint = _fingerprint_file()
    return (
        not missing_binaries()
        and fingerprint.exists()
        and fingerprint.read_text().strip() == build_fingerprint()
        and built_version() == DAPR_VERSION
    )


def built_version() -> str | None:
    daprd = binary("daprd")
    if not os.access(daprd, os.X_OK):
        return None
    result = subprocess.run([str(daprd), "--version"], capture_output=True, text=True, check=False)
    return result.stdout.strip() or None


def build(force: bool = False) -> None:
    target = bin_dir()
    if not force and is_current():
        say(f"Dapr {DAPR_VERSION} runtime present in {target}")
        return
    if shutil.which("go") is None:
        raise BuildError("the `go` command is not on PATH; install Go 1.22 or newer and retry")
    target.mkdir(parents=True, exist_ok=True)
    log_path = target / "build.log"
    log_path.write_text("")
    started = time.monotonic()
    say(f"Building Dapr {DAPR_VERSION} into {target} (log: {log_path})")
    with step("download Go modules (several GB on a cold cache)"):
        counts = ("modules downloaded", _is_downloaded_module)
        _run_logged(["go", "mod", "download", "-x"], log_path, "download", counts)
    ldflags = f"-s -w -X github.com/dapr/dapr/pkg/buildinfo.version={DAPR_VERSION}"
    for name in BINARIES:
        package = PACKAGES[name]
        with step(f"compile {name}"):
            partial = target / f".{name}.partial"
            argv = ["go", "build", "-mod=readonly", "-v", "-trimpath", "-tags", BUILD_TAGS]
            argv += ["-ldflags", ldflags, "-o", str(partial), package]
            counts = ("packages compiled", _is_compiled_package)
            _run_logged(argv, log_path, name, counts, total=_count_packages(package))
            partial.replace(binary(name))  # atomic: an interrupted build leaves no half binary
    with step("verify"):
        version = built_version()
        if version != DAPR_VERSION:
            raise BuildError(f"daprd --version printed {version!r}, expected {DAPR_VERSION}")
        for name in BINARIES:
            size_mb = binary(name).stat().st_size / 1e6
            say(f"    {name}: {size_mb:.0f} MB")
        _fingerprint_file().write_text(build_fingerprint() + "\n")
    say(f"Dapr {DAPR_VERSION} built in {elapsed(started)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--force", action="store_true", help="rebuild even if the binaries exist")
    args = parser.parse_args()
    try:
        build(force=args.force)
    except BuildError as error:
        say(
            f"\nerror: {error}\n"
            "Retry with `make runtime`: downloads and compiled packages are cached."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
