"""The images built by `make image`, run for real: each app in its container (read-only
root filesystem, host network) beside its own daprd from devstack, one order placed
through the containerized API. Nothing is skipped: no podman or no image fails here."""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.build import build
from devstack.containers import podman, podman_env
from devstack.image import IMAGES, build_images, image_size_mb
from tests.deployment.image_stack import ImageStack
from tests.support.orders import new_id, place, stocked_sku, wait_for

# Both images together stay well under the public python:3.11-slim plus a typical app
# (measured 2026-12-07: 245 MB each, sharing every layer but their last).
MAX_IMAGE_MB = 300


@pytest.fixture(scope="module")
def image_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImageStack]:
    """Build the images (cached layers: seconds when nothing changed), then start the
    stack whose apps are those images."""
    started = time.monotonic()
    build_images()
    print(f"\nimages built in {time.monotonic() - started:.1f}s")  # noqa: T201 (test report)
    build()  # daprd and placement, as every real-stack fixture
    stack = ImageStack(tmp_path_factory.mktemp("image-stack"))
    try:
        started = time.monotonic()
        stack.start()
        print(f"containerized stack ready in {time.monotonic() - started:.1f}s")  # noqa: T201
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def api(image_stack: ImageStack) -> Iterator[httpx.Client]:
    with image_stack.api_client(timeout_s=10.0) as client:
        yield client


def _exec(container: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["podman", "exec", container, *argv], env=podman_env(), capture_output=True, text=True
    )


def test_an_order_placed_through_the_containerized_app_completes(
    api: httpx.Client, image_stack: ImageStack
) -> None:
    """Stock, then an order: reserved in actors, charged at the payment-service container
    through both daprd, shipped (a label through the output binding), completed."""
    sku = stocked_sku(api, 3)
    order_id = new_id("image")
    assert place(api, order_id, [(sku, 1, "4.50")]).status_code == 202
    done = wait_for(api, order_id, {"completed", "failed", "cancelled"}, timeout_s=90)
    assert done["status"] == "completed", done
    label = Path(image_stack.config.data_dir) / "localstorage" / f"label-{order_id}.json"
    assert label.exists()


def test_the_containerized_apps_refuse_calls_around_their_sidecar(
    image_stack: ImageStack,
) -> None:
    """The sidecar tokens (docs/security.md) reach the containers: without APP_API_TOKEN
    the order service refuses daprd's routes and payment-service its charges (401), and
    no token appears in any log of the stack."""
    payment_port = image_stack.config.peers[0].ports.app
    assert httpx.get(f"{image_stack.app_url}/dapr/config").status_code == 401
    assert httpx.get(f"http://127.0.0.1:{payment_port}/charges/x").status_code == 401
    tokens = [image_stack.config.tokens, image_stack.config.peers[0].tokens]
    for log in image_stack.config.log_dir.glob("*.log"):
        text = log.read_text(errors="replace")
        assert not any(t.dapr_api in text or t.app_api in text for t in tokens), log.name


@pytest.mark.parametrize("which", ["app", "payment"])
def test_the_processes_run_as_the_non_root_image_user(image_stack: ImageStack, which: str) -> None:
    """uid 10001 inside each running container, as USER says (runAsNonRoot can check it)."""
    name = image_stack.app_container if which == "app" else image_stack.payment_container
    assert _exec(name, "id", "-u").stdout.strip() == "10001"
    for image in IMAGES:
        user = podman(["image", "inspect", "--format", "{{.Config.User}}", image.reference])
        assert user.strip() == "10001:10001"


def test_the_image_healthcheck_passes_against_the_running_apps(image_stack: ImageStack) -> None:
    """The HEALTHCHECK command (python -m app.healthcheck) answers healthy in both."""
    for name in (image_stack.app_container, image_stack.payment_container):
        result = subprocess.run(
            ["podman", "healthcheck", "run", name], env=podman_env(), capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_final_stage_has_no_pip_compiler_or_pip_cache(image_stack: ImageStack) -> None:
    """Nothing to build or install with is left in the image the app runs from."""
    found = _exec(
        image_stack.app_container,
        "sh",
        "-c",
        "command -v pip pip3 gcc cc g++ make; ls /opt/venv/bin/pip* /root/.cache/pip 2>/dev/null; "
        "python3 -c 'import pip' 2>/dev/null && echo importable-pip; true",
    )
    assert found.stdout.strip() == ""


def test_the_image_size_is_reported_and_bounded(
    image_stack: ImageStack, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each image's size (printed in the test output) stays under MAX_IMAGE_MB."""
    for image in IMAGES:
        size = image_size_mb(image.reference)
        with capsys.disabled():
            print(f"\n  image {image.reference}: {size:.0f} MB")  # noqa: T201 (the figure)
        assert size < MAX_IMAGE_MB


def test_sigterm_stops_the_app_container_gracefully(image_stack: ImageStack) -> None:
    """Last in this module, as it stops the app: SIGTERM (podman stop) ends uvicorn with
    its lifespan's shutdown, exit 0, well before podman would SIGKILL it."""
    started = time.monotonic()
    podman(["stop", "--time", "30", image_stack.app_container])
    took = time.monotonic() - started
    deadline = time.monotonic() + 10
    while image_stack.app.is_running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert image_stack.app.exit_code() == 0
    assert took < 25
    log = image_stack.app.log_path.read_text()
    assert "Application shutdown complete" in log, image_stack.app.log_tail()
