"""Client input never becomes a server error (issue 11, defect 5): bodies over the
sidecar's limit are a 413 before anything is sent, control characters in an actor id a
422, and daprd's actor callback routes are undocumented and answer 4xx problems for
calls no hosted actor can serve."""

from collections.abc import Iterator

import httpx
import pytest

from app.settings import Settings
from devstack.stack import Stack
from tests.support.orders import new_id

PROBLEM = "application/problem+json"
TOO_LARGE = Settings().dapr_max_request_bytes + 1


def _problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == status


def _big_json() -> bytes:
    return b'{"quantity": 1, "restock_id": "' + b"x" * TOO_LARGE + b'"}'


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/actors/InventoryActor/SKU-big/methods/Restock",
        "/api/v1/workflows/instances/no-such-instance/events/approval",
        "/api/v1/orders",
    ],
)
def test_a_body_over_the_limit_is_413_with_or_without_a_length(
    api: httpx.Client, path: str
) -> None:
    """Declared by content-length or streamed in chunks: 413 problem, nothing sent on."""
    headers = {"content-type": "application/json"}
    _problem(api.post(path, content=_big_json(), headers=headers), 413)

    def chunks() -> Iterator[bytes]:
        body = _big_json()
        for start in range(0, len(body), 1 << 20):
            yield body[start : start + (1 << 20)]

    _problem(api.post(path, content=chunks(), headers=headers), 413)


@pytest.mark.parametrize("actor_id", ["%00", "a%00b", "a%1Fb", "a%7F", "a%0Ab"])
def test_an_actor_id_with_control_characters_is_422(api: httpx.Client, actor_id: str) -> None:
    """NUL, other C0 controls, DEL and newlines in the id are refused at the edge."""
    _problem(api.post(f"/api/v1/actors/InventoryActor/{actor_id}/methods/GetStock"), 422)


def test_the_dapr_actor_callbacks_are_not_in_the_openapi_document(api: httpx.Client) -> None:
    """/actors/..., /dapr/config and /healthz are daprd's, not the API's."""
    paths = api.get("/openapi.json").json()["paths"]
    assert [p for p in paths if p.startswith(("/actors/", "/dapr/config", "/healthz"))] == []


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("DELETE", "/actors/NoSuchActor/a", None, 404),
        ("PUT", "/actors/NoSuchActor/a/method/GetStock", b"{}", 404),
        ("PUT", "/actors/InventoryActor/a/method/get_stock", b"{}", 404),
        ("PUT", "/actors/InventoryActor/a/method/timer/t", b"{}", 404),
        ("PUT", "/actors/OrderActor/a/method/remind/r", b"{}", 404),
        ("PUT", "/actors/InventoryActor/a/method/GetStock", b"{not json", 400),
        ("PUT", "/actors/InventoryActor/a/method/remind/hold:o", b"\xff", 400),
    ],
)
def test_actor_callbacks_no_actor_can_serve_are_4xx_problems(
    stack: Stack, api: httpx.Client, method: str, path: str, body: bytes | None, status: int
) -> None:
    """Unknown type, undeclared method, a timer, a reminder for a type that takes none,
    a body that is not JSON: 4xx problems, not the SDK's 500. Sent with the app token,
    as daprd sends it (without it, every one is a 401: test_sidecar_tokens.py)."""
    as_the_sidecar = {"dapr-api-token": stack.config.tokens.app_api}
    _problem(api.request(method, path, content=body, headers=as_the_sidecar), status)


def test_daprd_still_reaches_the_actors_through_the_callbacks(api: httpx.Client) -> None:
    """The guard lets daprd's own calls through: a restock and a read of a new SKU."""
    sku = new_id("SKU")
    restocked = api.post(
        f"/api/v1/actors/InventoryActor/{sku}/methods/Restock",
        json={"restock_id": "r-1", "quantity": 2},
    )
    assert restocked.status_code == 200, restocked.text
    read = api.post(f"/api/v1/actors/InventoryActor/{sku}/methods/GetStock")
    assert read.json()["on_hand"] == 2
