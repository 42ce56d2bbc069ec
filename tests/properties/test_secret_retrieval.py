"""Property 7 against the real sidecar: what the store holds is what SecretsManager returns.

The test stack's `test-secrets` store (secretstores.local.file, multiValued; the file
behind `secretstore`, without python-api's secret scope) serves the dev secrets plus
seeded generated ones (tests/stack_secrets.py): the store reads its file
once at start, so existing keys are drawn from that file, while missing keys are
generated freely by Hypothesis.
"""

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import SecretNotFoundError
from app.building_blocks.redaction import Redactor
from app.building_blocks.secrets import SecretsManager
from tests.stack_secrets import MULTI_VALUED, SINGLE_VALUED, served

STORE = "test-secrets"  # the unscoped view of the file (tests/support/dapr/)
KNOWN_KEYS = frozenset(served())


@pytest.fixture(scope="module")
def secrets(dapr_client: DaprClientWrapper) -> SecretsManager:
    # Cache off, so every example crosses the sidecar (the cache has its own unit tests).
    return SecretsManager(dapr_client, Redactor(), cache_ttl_s=0)


@given(key=st.sampled_from(sorted(SINGLE_VALUED)))
def test_existing_single_valued_secret_reads_back(
    runner: asyncio.Runner, secrets: SecretsManager, key: str
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 7: Secret Retrieval Consistency**
    **Validates: Requirements 5.1, 5.3**

    An existing single-valued secret reads back with exactly the value in the store.
    """
    secret = runner.run(secrets.get_secret(STORE, key))
    assert secret.get_secret_value() == SINGLE_VALUED[key]


@given(key=st.sampled_from(sorted(MULTI_VALUED)), data=st.data())
def test_existing_multi_valued_secret_reads_back(
    runner: asyncio.Runner, secrets: SecretsManager, key: str, data: st.DataObject
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 7: Secret Retrieval Consistency**
    **Validates: Requirements 5.1, 5.3**

    An existing multi-valued secret reads back with all its values, and each one by name.
    """
    values = runner.run(secrets.get_secret_values(STORE, key))
    assert {name: value.get_secret_value() for name, value in values.items()} == MULTI_VALUED[key]
    field = data.draw(st.sampled_from(sorted(MULTI_VALUED[key])), label="field")
    secret = runner.run(secrets.get_secret(STORE, key, field=field))
    assert secret.get_secret_value() == MULTI_VALUED[key][field]


@given(key=st.text(min_size=1, max_size=60).filter(lambda k: k.strip() and k not in KNOWN_KEYS))
def test_missing_secret_is_secret_not_found(
    runner: asyncio.Runner, secrets: SecretsManager, key: str
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 7: Secret Retrieval Consistency**
    **Validates: Requirements 5.1, 5.3**

    Any key the store lacks raises SecretNotFoundError naming that store and that key.
    """
    with pytest.raises(SecretNotFoundError) as missing:
        runner.run(secrets.get_secret(STORE, key))
    assert (missing.value.store, missing.value.key) == (STORE, key)
    assert repr(key) in str(missing.value)
