"""SecretsManager against the real sidecar's secret stores: `secretstore`, which serves
python-api only the secrets its Configuration allows, and `test-secrets`, the same file
(the dev secrets, the API signing key and the generated ones of tests/stack_secrets.py)
without that scope."""

from collections.abc import Iterator

import pytest

from app.building_blocks.errors import ComponentNotFoundError, DaprError, SecretNotFoundError
from app.building_blocks.redaction import Redactor
from app.building_blocks.secrets import SecretsManager
from devstack.runtime import DEV_SECRETS_FILE
from devstack.stack import Stack
from tests.sidecar import SidecarClient
from tests.stack_secrets import served

STORE = "secretstore"
UNSCOPED = "test-secrets"
ALLOWED = {"payment", "orderflow-api"}  # dapr/config/<profile>/config.yaml


@pytest.fixture(scope="module")
def sidecar(stack: Stack) -> Iterator[SidecarClient]:
    with SidecarClient(stack) as client:
        yield client


@pytest.fixture
def secrets(sidecar: SidecarClient) -> SecretsManager:
    return SecretsManager(sidecar.dapr, Redactor(), cache_ttl_s=0)


def test_dev_secret_is_one_secret_with_named_values(
    sidecar: SidecarClient, secrets: SecretsManager
) -> None:
    """The committed {"payment": {"api-key": ...}} reads back as secret payment, value api-key."""
    assert DEV_SECRETS_FILE.exists()
    api_key = sidecar.run(secrets.get_secret(STORE, "payment", field="api-key"))
    assert api_key.get_secret_value() == served()["payment"]["api-key"]
    assert sidecar.run(secrets.get_secret(STORE, "payment")) == api_key


def test_bulk_read_returns_every_secret_in_the_file(
    stack: Stack, sidecar: SidecarClient, secrets: SecretsManager
) -> None:
    """get_bulk_secrets answers each secret with all its values, exactly as the file holds."""
    bulk = sidecar.run(secrets.get_bulk_secrets(UNSCOPED))
    unwrapped = {
        key: {name: value.get_secret_value() for name, value in values.items()}
        for key, values in bulk.items()
    }
    assert unwrapped == {**served(), **stack.config.api_key.secret()}


def test_python_api_reads_only_the_secrets_its_scope_allows(
    sidecar: SidecarClient, secrets: SecretsManager
) -> None:
    """The same file through `secretstore`: a bulk read lists the allowed secrets only, and
    any other name, present in the file or not, is refused by daprd before the store."""
    assert set(sidecar.run(secrets.get_bulk_secrets(STORE))) == ALLOWED
    other = next(key for key in served() if key not in ALLOWED)
    for name in (other, "no-such-secret"):
        with pytest.raises(DaprError) as refused:
            sidecar.run(secrets.get_secret(STORE, name))
        assert not isinstance(refused.value, SecretNotFoundError)  # refused, not looked up
        assert "access denied by policy" in str(refused.value), refused.value


def test_missing_key_names_store_and_key(sidecar: SidecarClient, secrets: SecretsManager) -> None:
    """The sidecar's INTERNAL "secret ... not found" becomes SecretNotFoundError."""
    with pytest.raises(SecretNotFoundError) as missing:
        sidecar.run(secrets.get_secret(UNSCOPED, "no-such-secret"))
    assert (missing.value.store, missing.value.key) == (UNSCOPED, "no-such-secret")
    assert str(missing.value) == "secret 'no-such-secret' not found in store 'test-secrets'"


def test_missing_value_of_a_secret_names_it(
    sidecar: SidecarClient, secrets: SecretsManager
) -> None:
    """Asking a multi-valued secret for a value it lacks is SecretNotFoundError too."""
    with pytest.raises(SecretNotFoundError, match="value 'nope' of secret 'payment'"):
        sidecar.run(secrets.get_secret(STORE, "payment", field="nope"))


def test_unknown_store_is_component_not_found(
    sidecar: SidecarClient, secrets: SecretsManager
) -> None:
    """daprd's INVALID_ARGUMENT "failed finding secret store" becomes ComponentNotFoundError."""
    with pytest.raises(ComponentNotFoundError, match="'vault'"):
        sidecar.run(secrets.get_secret("vault", "payment"))
    with pytest.raises(ComponentNotFoundError, match="'vault'"):
        sidecar.run(secrets.get_bulk_secrets("vault"))
