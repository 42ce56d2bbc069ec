"""Each /api/v1 operation declares exactly one bearer scope, and nothing else declares
any, read from the app's own OpenAPI document: the offline half of
tests/integration/test_api_auth.py, which then sends every operation without its scope."""

from typing import Any

import pytest

from app.main import create_app
from app.settings import Settings
from devstack.api_auth import ALL_SCOPES

Document = dict[str, Any]


@pytest.fixture(scope="module")
def document() -> Document:
    return create_app(Settings()).openapi()


def _scopes(document: Document) -> dict[str, list[Any]]:
    """`METHOD path` -> the operation's security requirements, for every operation."""
    return {
        f"{method.upper()} {path}": operation.get("security", [])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def _declared_rightly(operation: str, requirements: list[Any]) -> bool:
    """Under /api/v1: one requirement, the bearer scheme with one known scope; elsewhere
    none (health, metrics, the API description, the dashboard, sidecar callbacks)."""
    if not operation.split(" ", 1)[1].startswith("/api/v1"):
        return requirements == []
    if len(requirements) != 1 or list(requirements[0]) != ["bearer"]:
        return False
    scopes = requirements[0]["bearer"]
    return len(scopes) == 1 and scopes[0] in ALL_SCOPES


def test_every_api_operation_requires_one_scope_and_no_other_route_any(
    document: Document,
) -> None:
    scopes = _scopes(document)
    assert sum(operation.startswith(("GET /api/v1", "POST /api/v1")) for operation in scopes) > 20
    wrong = {op: req for op, req in scopes.items() if not _declared_rightly(op, req)}
    assert wrong == {}


def test_the_runtime_history_is_read_with_workflows_read(document: Document) -> None:
    """The 1.18 line's history route follows the other instance reads."""
    scopes = _scopes(document)
    history = scopes["GET /api/v1/workflows/instances/{instance_id}/history"]
    assert history == scopes["GET /api/v1/workflows/instances/{instance_id}"]
    assert history == [{"bearer": ["workflows:read"]}]
