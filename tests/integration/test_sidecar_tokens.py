"""The API tokens between each app and its daprd, attacked on the running stack.

devstack makes a new pair per app and stack (devstack/tokens.py). A local process that
knows a sidecar's port but not its token can neither call the sidecar's HTTP or gRPC API
nor go around the sidecar into the app; the stack's own calls, which carry the tokens,
keep working."""

import stat
import uuid

import grpc
import httpx
import pytest
from dapr.proto import api_service_v1, api_v1  # both SDK lines (1.18 split dapr_pb2)

from actors.inventory_interface import INVENTORY_ACTOR_TYPE
from devstack.stack import Stack
from devstack.tokens import TOKEN_HEADER
from payments.models import API_KEY_HEADER, PAYMENT_APP_ID
from tests.support.payments import PaymentsAdmin, dev_api_key

WRONG = {TOKEN_HEADER: "not-the-token"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1.0/metadata"),
        ("GET", "/v1.0/state/statestore/any-key"),
        ("POST", "/v1.0/publish/pubsub/orders"),
        ("POST", f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/SKU-1/method/GetStock"),
        ("GET", f"/v1.0/invoke/{PAYMENT_APP_ID}/method/health"),
        ("GET", "/v1.0-beta1/workflows/dapr/some-instance"),
    ],
)
def test_the_sidecar_http_api_refuses_a_caller_without_its_token(
    stack: Stack, method: str, path: str
) -> None:
    """No token and a wrong one are 401 on every API family; only health stays open."""
    url = f"{stack.dapr_http_url}{path}"
    for headers in ({}, WRONG, stack.config.peer(PAYMENT_APP_ID).tokens.headers()):
        response = httpx.request(method, url, headers=headers, json={}, timeout=10)
        assert response.status_code == 401, (headers.keys(), response.text)
    assert httpx.get(f"{stack.dapr_http_url}/v1.0/healthz", timeout=10).status_code == 204


def test_the_sidecar_http_api_serves_a_caller_with_its_token(stack: Stack) -> None:
    response = httpx.get(
        f"{stack.dapr_http_url}/v1.0/metadata", headers=stack.config.tokens.headers(), timeout=10
    )
    assert response.status_code == 200
    assert response.json()["id"] == stack.config.app_id


def test_the_sidecar_grpc_api_refuses_a_caller_without_its_token(stack: Stack) -> None:
    """UNAUTHENTICATED without the token or with a wrong one; the right one is served."""
    with grpc.insecure_channel(stack.dapr_grpc_address) as channel:
        dapr = api_service_v1.DaprStub(channel)
        for metadata in ((), tuple(WRONG.items())):
            with pytest.raises(grpc.RpcError) as refused:
                dapr.GetMetadata(api_v1.GetMetadataRequest(), metadata=metadata, timeout=10)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
            request = api_v1.GetStateRequest(store_name="statestore", key="k")
            with pytest.raises(grpc.RpcError) as refused:
                dapr.GetState(request, metadata=metadata, timeout=10)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
        served = dapr.GetMetadata(
            api_v1.GetMetadataRequest(), metadata=stack.config.tokens.grpc_metadata(), timeout=10
        )
        assert served.id == stack.config.app_id


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", f"/actors/{INVENTORY_ACTOR_TYPE}/SKU-1/method/GetStock"),
        ("GET", "/dapr/config"),
        ("GET", "/dapr/subscribe"),
        ("POST", "/events/restocks"),
    ],
)
def test_the_routes_daprd_calls_refuse_a_caller_going_around_it(
    stack: Stack, method: str, path: str
) -> None:
    """Straight to the app without APP_API_TOKEN (or with the sidecar's API token, which
    is not it): 401 problem+json."""
    for headers in ({}, WRONG, stack.config.tokens.headers()):
        response = httpx.request(method, f"{stack.app_url}{path}", headers=headers, timeout=10)
        assert response.status_code == 401, (path, response.text)
        assert response.json()["error_code"] == "UNAUTHORIZED"


def test_the_stack_still_reaches_its_actors_through_the_sidecar(
    sidecar_http: httpx.Client,
) -> None:
    """The same actor route, called by daprd with the app token, answers."""
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    response = sidecar_http.post(f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/{sku}/method/GetStock")
    assert response.status_code == 200, response.text


def test_payment_service_refuses_a_charge_that_goes_around_its_sidecar(stack: Stack) -> None:
    """With the right API key but without its sidecar's app token, a charge straight to
    the provider's port is 401 and charges nothing; through its sidecar it is charged."""
    peer = stack.config.peer(PAYMENT_APP_ID)
    order_id = f"o-{uuid.uuid4().hex[:8]}"
    body = {"order_id": order_id, "amount": "3.00"}
    key = {API_KEY_HEADER: dev_api_key()}
    direct = f"http://127.0.0.1:{peer.ports.app}/charges"
    for headers in (key, {**key, **WRONG}, {**key, **peer.tokens.headers()}):
        assert httpx.post(direct, json=body, headers=headers, timeout=10).status_code == 401
    admin = PaymentsAdmin(stack)
    assert admin.charge(order_id) is None
    assert admin.post("/charges", body, dev_api_key()).status_code == 200
    assert admin.charge(order_id) is not None


def test_tokens_stay_out_of_every_log_and_the_token_file_is_owner_only(stack: Stack) -> None:
    """No process of the stack writes a token to its log (Property 29's promise for
    secrets, held for the tokens); the developer's copy is readable by its owner only."""
    tokens = [stack.config.tokens, *(peer.tokens for peer in stack.config.peers)]
    values = [value for pair in tokens for value in (pair.dapr_api, pair.app_api)]
    for process in stack.processes:
        text = process.log_path.read_text(errors="replace")
        assert not [value for value in values if value in text], process.log_path
    mode = stat.S_IMODE(stack.config.token_file.stat().st_mode)
    assert mode == 0o600
    assert stack.config.token_file.read_text() == stack.config.tokens.dapr_api
