"""/api/v1 is closed without a valid token and each route opens only to its scope, on the
real stack: every operation OpenAPI lists is tried without a token, with a bad one, and
with a token holding every scope but the one the operation declares."""

import re
import time
from typing import Any

import httpx
import jwt
import pytest

from devstack.api_auth import ALL_SCOPES, ApiSigningKey
from devstack.stack import Stack

PROBLEM_JSON = "application/problem+json"


def _operations(api: httpx.Client) -> list[tuple[str, str, str]]:
    """(method, concrete path, required scope) of every /api/v1 operation in OpenAPI."""
    document = api.get("/openapi.json").json()
    operations = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not path.startswith("/api/v1"):
                assert "security" not in operation, f"{method} {path} is not under /api/v1"
                continue
            [requirement] = operation["security"]
            [scope] = requirement["bearer"]
            concrete = re.sub(r"\{[^}]+\}", "x-1", path)
            operations.append((method.upper(), concrete, scope))
    return operations


def _sent(stack: Stack, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.request(method, f"{stack.app_url}{path}", headers=headers, timeout=10)


def test_openapi_declares_the_bearer_scheme_and_a_scope_on_every_api_operation(
    api: httpx.Client,
) -> None:
    document = api.get("/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    operations = _operations(api)
    assert len(operations) >= 20
    assert {scope for _, _, scope in operations} == set(ALL_SCOPES)


def test_every_operation_without_a_token_is_401_problem(stack: Stack, api: httpx.Client) -> None:
    for method, path, _ in _operations(api):
        response = _sent(stack, method, path, {})
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["error_code"] == "NOT_AUTHENTICATED"
        assert "Authorization: Bearer" in response.json()["detail"]
        assert response.headers["www-authenticate"] == 'Bearer realm="orderflow"'


def test_every_operation_without_its_scope_is_403_naming_the_scope(
    stack: Stack, api: httpx.Client
) -> None:
    for method, path, scope in _operations(api):
        others = [s for s in ALL_SCOPES if s != scope]
        response = _sent(stack, method, path, stack.config.api_headers(others))
        assert response.status_code == 403, (method, path, response.text)
        problem = response.json()
        assert problem["error_code"] == "INSUFFICIENT_SCOPE"
        assert problem["details"] == {"required_scope": scope}
        assert f'scope="{scope}"' in response.headers["www-authenticate"]


def _token(key: str, **claims: Any) -> str:
    now = int(time.time())
    base = {"iss": "orderflow-dev", "aud": "orderflow", "sub": "t", "iat": now, "exp": now + 60}
    return jwt.encode({**base, "scope": " ".join(ALL_SCOPES), **claims}, key, algorithm="HS256")


@pytest.mark.parametrize(
    "case",
    ["expired", "another key", "another issuer", "another audience", "not a jwt", "basic"],
)
def test_tokens_that_are_not_current_or_not_ours_are_401(stack: Stack, case: str) -> None:
    key = stack.config.api_key.value
    authorization = {
        "expired": f"Bearer {_token(key, iat=int(time.time()) - 600, exp=int(time.time()) - 300)}",
        "another key": f"Bearer {_token(ApiSigningKey().value)}",
        "another issuer": f"Bearer {_token(key, iss='evil')}",
        "another audience": f"Bearer {_token(key, aud='other-api')}",
        "not a jwt": "Bearer not-a-token",
        "basic": "Basic dXNlcjpwYXNz",
    }[case]
    response = _sent(stack, "GET", "/api/v1/inventory/SKU-AUTH", {"authorization": authorization})
    assert response.status_code == 401, response.text
    assert response.json()["error_code"] == "NOT_AUTHENTICATED"


def test_the_right_scope_alone_opens_its_routes(stack: Stack) -> None:
    writer = stack.config.api_headers(["inventory:write"])
    reader = stack.config.api_headers(["orders:read"])
    restock = httpx.post(
        f"{stack.app_url}/api/v1/inventory/SKU-AUTH-1/restock",
        json={"quantity": 3},
        headers=writer,
        timeout=10,
    )
    assert restock.status_code == 200, restock.text
    read = _sent(stack, "GET", "/api/v1/inventory/SKU-AUTH-1", reader)
    assert read.status_code == 200
    assert read.json()["on_hand"] == 3
    assert _sent(stack, "GET", "/api/v1/inventory/SKU-AUTH-1", writer).status_code == 403


def test_health_metrics_and_the_api_description_stay_open(stack: Stack) -> None:
    for path in ("/health/live", "/health/ready", "/metrics", "/openapi.json", "/docs"):
        assert _sent(stack, "GET", path, {}).status_code == 200, path
