"""Service invocation through two real sidecars to the echo peer app."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from app.bootstrap import dapr_config
from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import InvalidRequestError, InvocationError
from app.building_blocks.invoke import HttpMethod, ServiceInvoker
from devstack.stack import Stack
from tests.sidecar import stack_settings
from tests.support.echo_app import ECHO_APP_ID

T = TypeVar("T")


def _run(stack: Stack, scenario: Callable[[ServiceInvoker], Awaitable[T]]) -> T:
    settings = stack_settings(stack)

    async def main() -> T:
        async with DaprClientWrapper(dapr_config(settings)) as client:
            return await scenario(ServiceInvoker(client))

    return asyncio.run(main())


def test_post_with_headers_query_and_body_arrives_intact(stack: Stack) -> None:
    """Verb, header, query string and body reach the peer; status and type come back."""

    async def scenario(invoker: ServiceInvoker) -> dict[str, object]:
        response = await invoker.invoke(
            ECHO_APP_ID,
            "echo/orders/42",
            data=b'{"hello": "world"}',
            http_verb=HttpMethod.PUT,
            headers={"x-request-kind": "smoke"},
            query={"page": "2"},
        )
        assert response.status_code == 200
        assert response.content_type.startswith("application/json")
        return dict(json.loads(response.data))

    echoed = _run(stack, scenario)
    assert echoed["method"] == "PUT"
    assert echoed["path"] == "orders/42"
    assert echoed["query"] == {"page": "2"}
    assert echoed["body"] == '{"hello": "world"}'
    headers = echoed["headers"]
    assert isinstance(headers, dict)
    assert headers["x-request-kind"] == "smoke"


def test_non_2xx_answer_is_a_typed_error_carrying_the_status(stack: Stack) -> None:
    """A 409 from the peer raises InvocationError with status 409."""

    async def scenario(invoker: ServiceInvoker) -> None:
        await invoker.invoke(ECHO_APP_ID, "status/409", http_verb=HttpMethod.GET)

    with pytest.raises(InvocationError) as failed:
        _run(stack, scenario)
    assert failed.value.status == 409


@pytest.mark.parametrize(
    ("app_id", "method"),
    [("", "echo/x"), ("Not_A_Valid_Id", "echo/x"), (ECHO_APP_ID, ""), (ECHO_APP_ID, "///")],
)
def test_bad_target_is_refused_before_any_call(stack: Stack, app_id: str, method: str) -> None:
    """An invalid app id or empty method is an InvalidRequestError; nothing is sent."""

    async def scenario(invoker: ServiceInvoker) -> None:
        await invoker.invoke(app_id, method)

    with pytest.raises(InvalidRequestError):
        _run(stack, scenario)
