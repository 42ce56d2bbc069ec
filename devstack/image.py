"""Build Orderflow's two images with Debian's podman: `make image`.

    python -m devstack.image [--base REF]

Without --base the base is made here by debootstrap (devstack/image_base.py), since no
container registry is reachable; --base docker.io/library/python:3.11-slim-bookworm is
the usual public one. The builder installs exactly requirements.lock from wheels that
this step downloads with pip beforehand (cached by the lock's hash), so the build itself
runs with no network at all.
"""

import argparse
import hashlib
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from devstack.containers import (
    ContainerError,
    ensure_container_tools,
    image_cache,
    podman,
)
from devstack.image_base import ensure_base_image
from devstack.progress import say, step
from devstack.runtime import PROJECT_ROOT
from devstack.servers import ServerError

CONTAINERFILE = PROJECT_ROOT / "deploy" / "image" / "Containerfile"
LOCK = PROJECT_ROOT / "requirements.lock"
CONTEXT_WHEELS = PROJECT_ROOT / "deploy" / "image" / "wheels"


@dataclass(frozen=True)
class Image:
    target: str  # the Containerfile stage
    reference: str


ORDERFLOW = Image("orderflow", "localhost/orderflow:dev")
PAYMENT_SERVICE = Image("payment-service", "localhost/orderflow-payment-service:dev")
IMAGES = (ORDERFLOW, PAYMENT_SERVICE)
# Tagged only so its layers count as used: podman's prune (below) removes the untagged
# layers of a multi-stage build's builder, and the next build would reinstall every wheel.
BUILDER = Image("builder", "localhost/orderflow-builder:dev")


def _wheel_cache() -> Path:
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()[:12]
    return image_cache() / "wheels" / digest


def ensure_wheels() -> Path:
    """Binary wheels of every line of requirements.lock for CPython 3.11 on Linux."""
    cache = _wheel_cache()
    done = cache / ".complete"
    if done.exists():
        return cache
    cache.mkdir(parents=True, exist_ok=True)
    with step(f"downloading the wheels of requirements.lock into {cache}"):
        argv = [
            *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
            *("--only-binary=:all:", "--python-version", "3.11", "--implementation", "cp"),
            *("-r", str(LOCK), "-d", str(cache)),
        ]
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if result.returncode != 0:
            raise ContainerError(f"pip download failed:\n{result.stderr[-3000:]}")
    done.touch()
    return cache


def _stage_wheels(cache: Path) -> None:
    """Put the wheels in the build context (hard links where the filesystem allows)."""
    for old in CONTEXT_WHEELS.glob("*.whl"):
        old.unlink()
    for wheel in cache.glob("*.whl"):
        target = CONTEXT_WHEELS / wheel.name
        try:
            target.hardlink_to(wheel)
        except OSError:
            shutil.copy2(wheel, target)


def build_images(base: str | None = None) -> tuple[Image, ...]:
    """Build both images (podman's layer cache makes an unchanged rebuild seconds)."""
    started = time.monotonic()
    ensure_container_tools()
    base = base or ensure_base_image()
    _stage_wheels(ensure_wheels())
    log_path = image_cache() / "build.log"
    for image in (BUILDER, *IMAGES):
        with step(f"building {image.reference} (target {image.target}, base {base})"):
            podman(
                [
                    *("build", "--format", "docker", "--network=none", "--pull=never"),
                    *("--build-arg", f"BASE={base}"),
                    *("--build-arg", "PIP_INDEX_ARGS=--no-index"),
                    *("--target", image.target, "--tag", image.reference),
                    *("--file", str(CONTAINERFILE), str(PROJECT_ROOT)),
                ],
                log_path,
            )
        if image in IMAGES:
            say(f"    {image.reference}: {image_size_mb(image.reference):.0f} MB")
    # Layers of earlier builds that no image uses any more (each code change leaves some).
    podman(["image", "prune", "--force"], log_path)
    say(f"images ready in {time.monotonic() - started:.1f}s (build log: {log_path})")
    return IMAGES


def image_size_mb(reference: str) -> float:
    return int(podman(["image", "inspect", "--format", "{{.Size}}", reference])) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack.image", description=__doc__)
    parser.add_argument("--base", help="base image (default: made here with debootstrap)")
    args = parser.parse_args()
    try:
        build_images(args.base)
    except (ContainerError, ServerError) as error:  # what failed and what to do, no traceback
        say(f"error: {error}")
        sys.exit(1)


if __name__ == "__main__":
    main()
