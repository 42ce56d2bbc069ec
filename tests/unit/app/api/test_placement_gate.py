"""PlacementGate: at capacity, a valid placement by a caller allowed to place is refused
at the door with the route's own 429; everything else reaches the route, body intact."""

import asyncio
import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from starlette.types import Message

from app.api.auth import TokenVerifier
from app.api.placement_gate import PlacementGate
from app.building_blocks.workflow_admission import WorkflowAdmission
from devstack.api_auth import ALL_SCOPES, ApiSigningKey

KEY = ApiSigningKey()
VERIFIER = TokenVerifier(key=KEY.value, issuer=KEY.issuer, audience=KEY.audience, leeway_s=0)


@dataclass
class Route:
    """The app behind the gate: records the bodies it was given."""

    bodies: list[bytes] = field(default_factory=list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        self.bodies.append(message["body"])
        await send({"type": "http.response.start", "status": 202, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


def _order(order_id: str) -> bytes:
    lines = [{"sku": "S", "quantity": 1, "unit_price": "1.00"}]
    return json.dumps({"order_id": order_id, "customer_id": "c", "lines": lines}).encode()


def _post(
    admission: WorkflowAdmission, body: bytes, scopes: tuple[str, ...] | None = ALL_SCOPES
) -> tuple[Route, Message]:
    """POST /api/v1/orders through the gate; the route and the response's start."""
    route = Route()
    services = SimpleNamespace(admission=admission, token_verifier=VERIFIER)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if scopes is not None:
        headers.append((b"authorization", KEY.headers(scopes)["authorization"].encode()))
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/orders",
        "headers": headers,
        "query_string": b"",
        "app": SimpleNamespace(state=SimpleNamespace(services=services)),
    }
    incoming: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(PlacementGate(route)(scope, receive, send))
    return route, sent[0]


def _full() -> WorkflowAdmission:
    admission = WorkflowAdmission(1)
    admission.admit("running")
    return admission


def test_at_capacity_a_valid_placement_is_refused_at_the_door() -> None:
    """429 with Retry-After, as a problem, without the route being called."""
    route, start = _post(_full(), _order("new"))
    assert start["status"] == 429
    headers = dict(start["headers"])
    assert headers[b"content-type"] == b"application/problem+json"
    assert int(headers[b"retry-after"]) >= 1
    assert route.bodies == []


def test_with_room_the_route_gets_the_body_and_the_slot_held_for_it() -> None:
    """Below capacity the gate holds a slot while the route runs and gives it back if the
    route did not admit the order (this route admits nothing)."""
    body = _order("new")
    admission = WorkflowAdmission(1)
    route, start = _post(admission, body)
    assert start["status"] == 202
    assert route.bodies == [body]
    assert admission.reserve("next") is True


def test_what_the_route_must_answer_itself_reaches_it_with_the_body_replayed() -> None:
    """At capacity still: an id admitted already (200), a body the route refuses (422),
    no token (401), a token without orders:write (403) all reach the route."""
    cases = [
        (_order("running"), ALL_SCOPES),
        (_order("not an id"), ALL_SCOPES),
        (b"{not json", ALL_SCOPES),
        (_order("new"), None),
        (_order("new"), ("orders:read",)),
    ]
    for body, scopes in cases:
        route, start = _post(_full(), body, scopes)
        assert start["status"] == 202, (body, scopes)
        assert route.bodies == [body], (body, scopes)
