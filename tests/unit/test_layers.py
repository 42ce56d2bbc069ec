"""Dependencies point one way (docs/architecture.md): the folders are the layers, and no
module imports a layer above its own. Read from the source's import statements."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADAPTERS = ("app/building_blocks", "app/observability", "app/records")
DOMAIN = ("actors", "workflows", "activities")
# What an adapter may import from this repository: other adapters only.
ADAPTER_PACKAGES = ("app.building_blocks", "app.observability", "app.records")
OURS = ("app", "actors", "workflows", "activities", "payments", "devstack", "bench", "tests")
HTTP_LAYER = ("app.api", "app.main", "app.bootstrap")


def _imported(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


def _offenders(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {module}"
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
        for module in _imported(path)
        if _within(module, forbidden)
    ]


def test_adapters_import_only_adapters() -> None:
    """app/building_blocks, app/observability and app/records import none of the domain,
    the services or the HTTP layer: the floor does not know what stands on it."""
    ours_above = [
        module
        for folder in ADAPTERS
        for path in (ROOT / folder).rglob("*.py")
        for module in _imported(path)
        if _within(module, OURS) and not _within(module, ADAPTER_PACKAGES)
    ]
    assert ours_above == []


def test_the_domain_never_imports_the_http_layer() -> None:
    """actors/, workflows/ and activities/ know nothing of routes, the app or its wiring."""
    assert _offenders(DOMAIN, HTTP_LAYER) == []


def test_the_cli_is_a_client_of_the_http_api_only() -> None:
    """cli/ imports no code of ours outside cli/: `orderflow` reaches the service through
    /api/v1 alone, never through its modules or the sidecar."""
    assert _offenders(("cli",), tuple(p for p in OURS if p != "cli")) == []


def test_the_dashboard_reaches_the_service_through_its_http_api() -> None:
    """app/ui/ imports none of the service modules, the records or the sidecar adapters
    but the pure ones it names: every read and action is an /api/v1 call."""
    allowed = {"app.building_blocks.ids", "app.building_blocks.workflow_status"}
    forbidden = ("app.building_blocks", "app.records", "app.order_service", "app.workflow_control")
    offenders = [o for o in _offenders(("app/ui",), forbidden) if o.split()[-1] not in allowed]
    assert offenders == []
