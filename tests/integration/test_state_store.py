"""The local profile's state store (state.sqlite) through the real sidecar."""

import uuid

import grpc
import pytest
from dapr.clients import DaprClient
from dapr.clients.grpc._state import Concurrency, StateOptions

STORE = "statestore"


def test_saved_value_reads_back_with_an_etag(dapr: DaprClient) -> None:
    """A saved value is read back unchanged, with an ETag."""
    key = f"smoke-{uuid.uuid4()}"
    dapr.save_state(STORE, key, b"first value")
    item = dapr.get_state(STORE, key)
    assert item.data == b"first value"
    assert item.etag


def test_write_with_the_current_etag_succeeds_and_changes_it(dapr: DaprClient) -> None:
    """First-write concurrency: the current ETag lets a write through and yields a new one."""
    key = f"smoke-{uuid.uuid4()}"
    dapr.save_state(STORE, key, b"v1")
    etag = dapr.get_state(STORE, key).etag
    options = StateOptions(concurrency=Concurrency.first_write)
    dapr.save_state(STORE, key, b"v2", etag=etag, options=options)
    item = dapr.get_state(STORE, key)
    assert item.data == b"v2"
    assert item.etag != etag


def test_write_with_a_stale_etag_is_refused_and_changes_nothing(dapr: DaprClient) -> None:
    """A stale ETag is refused by the store and the stored value stays as it was."""
    key = f"smoke-{uuid.uuid4()}"
    dapr.save_state(STORE, key, b"v1")
    stale = dapr.get_state(STORE, key).etag
    dapr.save_state(STORE, key, b"v2")
    options = StateOptions(concurrency=Concurrency.first_write)
    with pytest.raises(grpc.RpcError) as refused:
        dapr.save_state(STORE, key, b"lost update", etag=stale, options=options)
    assert "etag" in str(refused.value.details()).lower()
    assert dapr.get_state(STORE, key).data == b"v2"


def test_deleted_key_reads_back_empty(dapr: DaprClient) -> None:
    """After delete, the key reads back as no data."""
    key = f"smoke-{uuid.uuid4()}"
    dapr.save_state(STORE, key, b"doomed")
    dapr.delete_state(STORE, key)
    assert dapr.get_state(STORE, key).data == b""
