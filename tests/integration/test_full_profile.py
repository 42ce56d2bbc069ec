"""The full profile through its real sidecar: state and configuration on PostgreSQL, pub/sub
on Redis streams, actors and workflows on the PostgreSQL actor state store.

Everything goes through the full stack's own daprd. Actors are called over its HTTP API,
not ActorProxy: the SDK's proxy settings are process-wide and aimed at the local stack.
"""

import json
import queue
import time
import uuid
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest
from dapr.clients import DaprClient
from dapr.clients.grpc._response import ConfigurationItem, ConfigurationResponse
from dapr.clients.grpc._state import Concurrency, StateItem, StateOptions
from dapr.ext.workflow import DaprWorkflowClient

from actors.inventory_interface import INVENTORY_ACTOR_TYPE
from devstack.postgres import PostgresServer
from devstack.postgres_schema import CONFIG_CHANNEL, CONFIG_TABLE
from devstack.redis import RedisServer
from devstack.stack import Stack
from tests.sidecar import sdk_client, sdk_token_of
from tests.support.restock_events import publish_restock, wait_completed

STATE, CONFIG, PUBSUB = "statestore", "configstore", "pubsub"
# Over gRPC a value is bytes; with this content type daprd hands the store JSON, which
# state.postgresql v1 keeps as JSONB (queryable) instead of a base64 blob.
AS_JSON = {"contentType": "application/json"}


@pytest.fixture(scope="module")
def dapr(full_stack: Stack) -> Iterator[DaprClient]:
    with sdk_client(full_stack) as client:
        yield client


@pytest.fixture(scope="module")
def sidecar_http(full_stack: Stack) -> Iterator[httpx.Client]:
    headers = full_stack.config.tokens.headers()
    with httpx.Client(base_url=full_stack.dapr_http_url, timeout=10.0, headers=headers) as client:
        yield client


@pytest.fixture(scope="module")
def workflow_client(full_stack: Stack) -> DaprWorkflowClient:
    host, port = full_stack.dapr_grpc_address.rsplit(":", 1)
    with sdk_token_of(full_stack):
        return DaprWorkflowClient(host=host, port=port)


@pytest.fixture(scope="module")
def postgres(full_stack: Stack) -> PostgresServer:
    server = full_stack.server("postgres")
    assert isinstance(server, PostgresServer)
    return server


@pytest.fixture(scope="module")
def redis(full_stack: Stack) -> RedisServer:
    server = full_stack.server("redis")
    assert isinstance(server, RedisServer)
    return server


def test_sidecar_loaded_the_postgres_and_redis_components(sidecar_http: httpx.Client) -> None:
    """daprd reports the full profile's component types, beside the shared ones."""
    metadata = sidecar_http.get("/v1.0/metadata").json()
    components = {component["name"]: component["type"] for component in metadata["components"]}
    assert components == {
        "statestore": "state.postgresql",
        "pubsub": "pubsub.redis",
        "configstore": "configuration.postgresql",
        "secretstore": "secretstores.local.file",
        "inventory-audit": "bindings.cron",
        "shipping-labels": "bindings.localstorage",
    }


def test_state_with_etag_is_stored_in_postgres(
    dapr: DaprClient, postgres: PostgresServer, full_stack: Stack
) -> None:
    """A saved value reads back with an ETag, is a row in PostgreSQL, and a stale ETag is
    refused without changing it."""
    key = f"etag-{uuid.uuid4()}"
    dapr.save_state(STATE, key, json.dumps({"v": 1}), state_metadata=AS_JSON)
    first = dapr.get_state(STATE, key)
    assert first.json() == {"v": 1}
    assert first.etag
    first_write = StateOptions(concurrency=Concurrency.first_write)
    dapr.save_state(
        STATE, key, json.dumps({"v": 2}), first.etag, first_write, state_metadata=AS_JSON
    )
    second = dapr.get_state(STATE, key)
    assert second.json() == {"v": 2}
    assert second.etag != first.etag

    with pytest.raises(grpc.RpcError) as refused:
        dapr.save_state(
            STATE, key, json.dumps({"v": 3}), first.etag, first_write, state_metadata=AS_JSON
        )
    assert "etag" in str(refused.value.details()).lower()
    row = postgres.sql(f"SELECT value FROM state WHERE key = '{full_stack.config.app_id}||{key}'")
    assert json.loads(row) == {"v": 2}


# The SDK warns on every call that the query API is alpha; that is known and accepted here.
@pytest.mark.filterwarnings("ignore:The State Store Query API is an Alpha:UserWarning")
def test_state_query_returns_exactly_the_matching_items(dapr: DaprClient) -> None:
    """The query API (state.postgresql v1) returns every item matching the filter and no other."""
    batch = uuid.uuid4().hex
    colours = {"a": "red", "b": "blue", "c": "red", "d": "green"}
    dapr.save_bulk_state(
        STATE,
        [
            StateItem(
                key=f"{batch}-{name}",
                value=json.dumps({"batch": batch, "colour": colour}),
                metadata=AS_JSON,
            )
            for name, colour in colours.items()
        ],
    )
    other = json.dumps({"batch": "other", "colour": "red"})
    dapr.save_state(STATE, f"other-{batch}", other, state_metadata=AS_JSON)
    query = {"filter": {"AND": [{"EQ": {"batch": batch}}, {"EQ": {"colour": "red"}}]}}

    found = dapr.query_state(STATE, json.dumps(query))

    assert {item.key: item.json() for item in found.results} == {
        f"{batch}-a": {"batch": batch, "colour": "red"},
        f"{batch}-c": {"batch": batch, "colour": "red"},
    }


def test_configuration_row_is_served_and_its_update_reaches_a_subscriber(
    dapr: DaprClient, postgres: PostgresServer
) -> None:
    """A row written into the config table is what the configuration API returns, and an
    update to it reaches a subscription through the table's NOTIFY trigger."""
    key = f"flag_{uuid.uuid4().hex[:12]}"
    postgres.sql(f"INSERT INTO {CONFIG_TABLE} VALUES ('{key}', 'off', '1', NULL)")
    served = dapr.get_configuration(CONFIG, [key]).items[key]
    assert (served.value, served.version) == ("off", "1")

    updates: queue.Queue[ConfigurationItem] = queue.Queue()

    def on_change(_subscription_id: str, response: ConfigurationResponse) -> None:
        if key in response.items:
            updates.put(response.items[key])

    subscription = dapr.subscribe_configuration(
        CONFIG, [key], on_change, config_metadata={"pgNotifyChannel": CONFIG_CHANNEL}
    )
    assert subscription, "daprd did not confirm the subscription"
    try:
        # daprd issues LISTEN in the background after confirming, so an update made at
        # once can go unheard: update again (a new version each time) until one arrives.
        deadline = time.monotonic() + 30
        version = 1
        while True:
            version += 1
            postgres.sql(
                f"UPDATE {CONFIG_TABLE} SET value = 'on-{version}', version = '{version}' "
                f"WHERE key = '{key}'"
            )
            try:
                update = updates.get(timeout=1)
            except queue.Empty:
                assert time.monotonic() < deadline, "no configuration update arrived in 30s"
                continue
            if update.version == "1":
                # The INSERT's own NOTIFY: daprd may already LISTEN on the channel for
                # another subscription (the app's configuration layer) and match it to
                # ours once we subscribe. It must carry the inserted row.
                assert update.value == "off"
                continue
            break
        assert update.value == f"on-{update.version}"
        assert int(update.version) >= 2
        assert dapr.get_configuration(CONFIG, [key]).items[key].value == f"on-{version}"
    finally:
        dapr.unsubscribe_configuration(CONFIG, subscription)


def _actor(sidecar_http: httpx.Client, sku: str, method: str, body: object = None) -> Any:
    url = f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/{sku}/method/{method}"
    response = sidecar_http.post(url, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_restock_event_travels_over_redis_and_starts_its_workflow(
    dapr: DaprClient,
    workflow_client: DaprWorkflowClient,
    sidecar_http: httpx.Client,
    redis: RedisServer,
) -> None:
    """An event published on `restocks` is an entry of the Redis stream, reaches the app's
    subscription, and its restock workflow completes and adds the stock."""
    sku, event_id = f"SKU-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    publish_restock(dapr, event_id, {"sku": sku, "quantity": 3})
    wait_completed(workflow_client, event_id)
    assert _actor(sidecar_http, sku, "GetStock") == {
        "sku": sku,
        "on_hand": 3,
        "reserved": 0,
        "available": 3,
    }
    assert event_id in redis.cli("XRANGE", "restocks", "-", "+")


def test_inventory_actor_keeps_its_state_in_postgres(
    sidecar_http: httpx.Client, postgres: PostgresServer, full_stack: Stack
) -> None:
    """Restock then GetStock through the sidecar, and the stock level is a PostgreSQL row."""
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    restocked = _actor(sidecar_http, sku, "Restock", {"restock_id": "r-1", "quantity": 7})
    assert restocked == {"sku": sku, "on_hand": 7, "reserved": 0, "available": 7}
    assert _actor(sidecar_http, sku, "GetStock") == {
        "sku": sku,
        "on_hand": 7,
        "reserved": 0,
        "available": 7,
    }
    actor_key = f"{full_stack.config.app_id}||{INVENTORY_ACTOR_TYPE}||{sku}||on_hand"
    assert postgres.sql(f"SELECT value FROM state WHERE key = '{actor_key}'").strip() == "7"
