"""The local base image: Debian bookworm (Python 3.11) made by debootstrap from Debian's
own packages, for machines that reach no container registry.

Cached twice: the root filesystem's tarball under ~/.cache/orderflow/image/ (survives a
wiped podman store) and the imported image in podman's store. Both are keyed by what goes
into them, so a change of suite or packages makes a new base.
"""

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from devstack.containers import ContainerError, image_cache, image_exists, podman
from devstack.progress import step

SUITE = "bookworm"  # Debian 12: python3 is 3.11, as requirements.lock needs
PACKAGES = ("python3", "python3-venv", "ca-certificates")
# Left out of the tarball: package lists and caches, documentation, translations.
EXCLUDED = (
    "./var/cache/apt/*",
    "./var/lib/apt/lists/*",
    "./usr/share/doc/*",
    "./usr/share/man/*",
    "./usr/share/locale/*",
    "./usr/share/info/*",
    "./proc/*",
    "./sys/*",
    "./dev/*",
)
DEFAULT_MIRROR = "http://deb.debian.org/debian"
# A deb822 `URIs:` line or a one-line `deb` entry whose path ends in /debian (not the
# security archive, not a commented-out snapshot address).
_MIRROR_LINE = re.compile(r"^(?:URIs:|deb)\s+(?:\[[^\]]*\]\s+)?(https?://\S+/debian)/?\s", re.M)


def fingerprint() -> str:
    recipe = "\n".join([SUITE, *PACKAGES, *EXCLUDED])
    return hashlib.sha256(recipe.encode()).hexdigest()[:12]


def base_reference() -> str:
    return f"localhost/orderflow-base:{SUITE}-py311-{fingerprint()}"


def debian_mirror() -> str:
    """ORDERFLOW_DEBIAN_MIRROR, else the machine's own Debian mirror (the one apt-get
    already reaches), else deb.debian.org."""
    override = os.environ.get("ORDERFLOW_DEBIAN_MIRROR")
    if override:
        return override
    sources = [Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")]
    for source in sources:
        if source.exists():
            match = _MIRROR_LINE.search(source.read_text())
            if match:
                return match.group(1)
    return DEFAULT_MIRROR


def ensure_base_image() -> str:
    """Import the base into podman (debootstrap first when no tarball is cached)."""
    reference = base_reference()
    if image_exists(reference):
        return reference
    tarball = image_cache() / f"base-{SUITE}-{fingerprint()}.tar"
    if not tarball.exists():
        _debootstrap_tarball(tarball)
    with step(f"importing {tarball.name} as {reference}"):
        podman(["import", "--change", 'CMD ["python3"]', str(tarball), reference])
    return reference


def _debootstrap_tarball(tarball: Path) -> None:
    log_path = image_cache() / "debootstrap.log"
    mirror = debian_mirror()
    work = Path(tempfile.mkdtemp(prefix="rootfs-", dir=image_cache()))
    rootfs = work / "rootfs"
    try:
        with step(f"debootstrap {SUITE} with {', '.join(PACKAGES)} from {mirror} (log {log_path})"):
            argv = [
                *("debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}"),
                *(SUITE, str(rootfs), mirror),
            ]
            _run(argv, log_path)
        with step(f"packing the root filesystem into {tarball}"):
            partial = tarball.with_suffix(".partial")
            excludes = [f"--exclude={pattern}" for pattern in EXCLUDED]
            _run(["tar", "-C", str(rootfs), *excludes, "-cf", str(partial), "."], log_path)
            partial.rename(tarball)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(argv: list[str], log_path: Path) -> None:
    with log_path.open("a") as log:
        log.write(f"$ {' '.join(argv)}\n")
        log.flush()
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    if result.returncode != 0:
        with log_path.open(errors="replace") as log:
            tail = "".join(log.readlines()[-15:])
        raise ContainerError(f"`{argv[0]}` failed (exit {result.returncode}); {log_path}:\n{tail}")
