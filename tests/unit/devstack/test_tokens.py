"""SidecarTokens: a new random pair per stack, never shown in a repr, and written for the
developer with owner-only permissions."""

import stat
from pathlib import Path

from devstack.stack_config import StackConfig, StackPorts
from devstack.tokens import TOKEN_HEADER, SidecarTokens


def test_every_stack_and_app_gets_its_own_tokens(tmp_path: Path) -> None:
    """Two configs, two pairs; within a pair the two tokens differ; both are long."""
    first, second = (
        StackConfig(ports=StackPorts(), data_dir=tmp_path, log_dir=tmp_path).tokens
        for _ in range(2)
    )
    values = {first.dapr_api, first.app_api, second.dapr_api, second.app_api}
    assert len(values) == 4
    assert all(len(value) >= 40 for value in values)


def test_the_app_and_its_sidecar_get_the_same_two_variables() -> None:
    tokens = SidecarTokens()
    assert tokens.env() == {"DAPR_API_TOKEN": tokens.dapr_api, "APP_API_TOKEN": tokens.app_api}
    assert tokens.headers() == {TOKEN_HEADER: tokens.dapr_api}
    assert tokens.grpc_metadata() == ((TOKEN_HEADER, tokens.dapr_api),)


def test_a_printed_config_shows_no_token(tmp_path: Path) -> None:
    config = StackConfig(ports=StackPorts(), data_dir=tmp_path, log_dir=tmp_path)
    printed = repr(config)
    assert config.tokens.dapr_api not in printed
    assert config.tokens.app_api not in printed


def test_the_token_file_is_owner_only_even_when_it_existed(tmp_path: Path) -> None:
    path = tmp_path / "data" / "dapr-api-token"
    path.parent.mkdir()
    path.write_text("old")
    path.chmod(0o644)
    tokens = SidecarTokens()
    tokens.write(path)
    assert path.read_text() == tokens.dapr_api
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
