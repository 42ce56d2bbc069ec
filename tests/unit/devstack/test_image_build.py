"""`make image`'s helpers, without podman: where the Debian mirror comes from, what the
podman configuration allows, and what the build context holds."""

import resource
from pathlib import Path

import pytest

from devstack import containers, image_base
from devstack.image import CONTAINERFILE
from devstack.runtime import PROJECT_ROOT

DEB822 = """Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates

Types: deb
URIs: http://deb.debian.org/debian-security
"""


def test_the_mirror_is_the_machines_own_debian_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The URIs line of the main archive, never the commented snapshot or the security one."""
    sources = tmp_path / "debian.sources"
    sources.write_text(DEB822)
    match = image_base._MIRROR_LINE.search(sources.read_text())
    assert match is not None
    assert match.group(1) == "http://deb.debian.org/debian"
    monkeypatch.setenv("ORDERFLOW_DEBIAN_MIRROR", "http://mirror.example/debian")
    assert image_base.debian_mirror() == "http://mirror.example/debian"


def test_one_line_sources_are_read_too() -> None:
    line = "deb [signed-by=/k.gpg] http://ftp.example.org/debian bookworm main\n"
    match = image_base._MIRROR_LINE.search(line)
    assert match is not None
    assert match.group(1) == "http://ftp.example.org/debian"


def test_the_base_reference_changes_with_its_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another package list makes another base (the cache is keyed by what goes in)."""
    before = image_base.base_reference()
    monkeypatch.setattr(image_base, "PACKAGES", (*image_base.PACKAGES, "curl"))
    assert image_base.base_reference() != before


def test_podman_runs_with_runc_and_limits_this_process_may_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """crun and limits above our own hard limit fail here (devstack/containers.py)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = containers.containers_conf().read_text()
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nofile = int(text.split('"nofile=')[1].split(":")[0])
    assert hard == resource.RLIM_INFINITY or nofile <= hard
    assert 'runtime = "runc"' in text
    assert containers.podman_env()["CONTAINERS_CONF"] == str(
        tmp_path / "orderflow/image/containers.conf"
    )


def test_the_build_context_lets_in_only_what_the_image_copies() -> None:
    """.containerignore excludes everything, then admits the Containerfile's sources."""
    ignore = (PROJECT_ROOT / ".containerignore").read_text().splitlines()
    admitted = {line[1:] for line in ignore if line.startswith("!")}
    copied = {
        line.split()[1].rstrip("/")
        for line in CONTAINERFILE.read_text().splitlines()
        if line.startswith("COPY ") and "--from" not in line
    }
    assert "*" in ignore
    assert copied == admitted
