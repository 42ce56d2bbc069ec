"""The two tokens between an app and its daprd, made new for every stack.

daprd requires `DAPR_API_TOKEN` from every caller of its HTTP and gRPC API (only the
health endpoints stay open), and presents `APP_API_TOKEN` on every call it makes into
its app, which refuses a call without it. Each app of a stack gets its own pair, so one
app's token opens no other app's sidecar. Nothing here is ever logged: the values live
in the processes' environments and in one owner-only file per stack for a developer's
curl (`token_file`).
"""

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

TOKEN_HEADER = "dapr-api-token"  # the header daprd reads, and sends to the app


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, repr=False)
class SidecarTokens:
    """`dapr_api` opens the sidecar's API; `app_api` is what the sidecar shows the app."""

    dapr_api: str = field(default_factory=_new_token)
    app_api: str = field(default_factory=_new_token)

    def env(self) -> dict[str, str]:
        """For the app and its daprd alike: daprd requires the first and sends the second;
        the app sends the first and requires the second."""
        return {"DAPR_API_TOKEN": self.dapr_api, "APP_API_TOKEN": self.app_api}

    def headers(self) -> dict[str, str]:
        """What a client of the sidecar's HTTP API sends."""
        return {TOKEN_HEADER: self.dapr_api}

    def grpc_metadata(self) -> tuple[tuple[str, str], ...]:
        """What a client of the sidecar's gRPC API sends."""
        return ((TOKEN_HEADER, self.dapr_api),)

    def __repr__(self) -> str:  # a config printed in a test report shows no token
        return "SidecarTokens(<redacted>)"

    def write(self, path: Path) -> None:
        """Write the sidecar API token to `path`, readable by its owner only."""
        write_private(path, self.dapr_api)


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path`, readable by its owner only (also when it existed before)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as private:
        private.write(text)
    path.chmod(0o600)  # an older file kept its mode through O_TRUNC
