"""The public API's development tokens: the HS256 key a stack's app trusts, and tokens
minted with it (docs/security.md#the-public-api).

The key reaches the app the way a production secret would, through its sidecar's secret
store: each stack serves its app a secrets file of its own (the base file plus the key),
owner-only in the data dir. `make run` keeps its key in the data dir, so tokens minted
for it survive a restart; tests make a new key per stack. Nothing here logs a key or a
token.
"""

import argparse
import json
import os
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import jwt

from app.api.auth import Scope
from app.settings import Settings
from devstack.tokens import write_private

ALL_SCOPES: tuple[str, ...] = tuple(scope.value for scope in Scope)
DEVELOPER_TOKEN_TTL = timedelta(hours=12)
_DEFAULTS = Settings.model_fields


def _new_key() -> str:
    return secrets.token_urlsafe(48)  # 384 bits: above HS256's 256-bit floor (RFC 7518)


@dataclass(frozen=True, repr=False)
class ApiSigningKey:
    """The key the app verifies API tokens with, and what a developer mints them with."""

    value: str = field(default_factory=_new_key)
    issuer: str = str(_DEFAULTS["api_auth_issuer"].default)
    audience: str = str(_DEFAULTS["api_auth_audience"].default)

    def __repr__(self) -> str:  # a config printed in a test report shows no key
        return "ApiSigningKey(<redacted>)"

    @classmethod
    def kept_in(cls, path: Path) -> "ApiSigningKey":
        """The key stored at `path`, made and stored (owner-only) the first time."""
        if path.exists():
            return cls(path.read_text().strip())
        key = cls()
        write_private(path, key.value)
        return key

    def mint(
        self,
        scopes: Iterable[str] = ALL_SCOPES,
        *,
        subject: str = "developer",
        ttl: timedelta = DEVELOPER_TOKEN_TTL,
        issued_at: float | None = None,
    ) -> str:
        now = int(time.time() if issued_at is None else issued_at)
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "exp": now + int(ttl.total_seconds()),
            "scope": " ".join(scopes),
        }
        return jwt.encode(claims, self.value, algorithm="HS256")

    def headers(self, scopes: Iterable[str] = ALL_SCOPES) -> dict[str, str]:
        """What a client of /api/v1 sends: a fresh token with `scopes` (all by default)."""
        return {"authorization": f"Bearer {self.mint(scopes)}"}

    def secret(self) -> dict[str, dict[str, str]]:
        """The key as the secret store serves it: secret `orderflow-api`, value `signing-key`."""
        name = str(_DEFAULTS["api_auth_secret_name"].default)
        value_name = str(_DEFAULTS["api_auth_secret_key"].default)
        return {name: {value_name: self.value}}

    def write_secrets_file(self, base: Path, path: Path) -> Path:
        """`base`'s secrets plus this key, owner-only at `path` (daprd reads it at start)."""
        served = {**json.loads(base.read_text()), **self.secret()}
        write_private(path, json.dumps(served, ensure_ascii=False, indent=2))
        return path


def api_token_headers(parser: argparse.ArgumentParser, token: str | None) -> dict[str, str]:
    """The headers of a command-line tool's API client, from its `--token` argument
    (added by `add_token_argument`); a usage error naming the fix when there is none."""
    if not token:
        parser.error("no API token: export ORDERFLOW_TOKEN=$(make -s token) or pass --token")
    return {"authorization": f"Bearer {token}"}


def add_token_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--token",
        default=os.environ.get("ORDERFLOW_TOKEN"),
        help="a bearer token for /api/v1 (default: $ORDERFLOW_TOKEN; `make token` mints one)",
    )
