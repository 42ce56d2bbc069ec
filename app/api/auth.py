"""Bearer tokens on /api/v1: who may call, and with which scopes (docs/security.md).

A token is a JWT whose `scope` claim lists what it may do (RFC 9068's space-separated
string; a list is read too). Two ways to trust one, chosen by settings, never "off":
- local and test stacks: HS256 with the key devstack generates into the secret store;
- production: RS256 (or ES256) against the identity provider's JWKS.
Issuer, audience and expiry are always checked. Routes declare the scope they need with
`requires(Scope.X)`, which also puts the scheme and the scope into OpenAPI.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import anyio
import jwt
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes

from app.building_blocks.secrets import SecretsManager
from app.settings import Settings

VERIFIED_TOKENS_KEPT = 10_000

logger = logging.getLogger(__name__)

_SYMMETRIC = ["HS256"]
_ASYMMETRIC = ["RS256", "ES256"]
# Claims a token without them is refused for; `sub` names the caller in logs and audits.
_REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


class Scope(StrEnum):
    ORDERS_READ = "orders:read"  # orders, stock, the inventory and books audits
    ORDERS_WRITE = "orders:write"  # place, approve, reject, cancel, restart
    INVENTORY_WRITE = "inventory:write"  # restock
    WORKFLOWS_READ = "workflows:read"  # instances, dead letters
    WORKFLOWS_ADMIN = "workflows:admin"  # start, pause, resume, terminate, purge, raise events
    ACTORS_INVOKE = "actors:invoke"  # the generic actor-method route


class NotAuthenticatedError(Exception):
    """401: no token, or one that is expired, wrongly signed or not meant for us."""


class InsufficientScopeError(Exception):
    """403: a valid token without the scope the route needs."""

    def __init__(self, needed: list[str], held: frozenset[str]) -> None:
        self.needed = needed
        super().__init__(
            f"this route needs scope {' '.join(needed)}; the token holds "
            f"{' '.join(sorted(held)) or 'no scope'}"
        )


@dataclass(frozen=True)
class Principal:
    subject: str
    scopes: frozenset[str]
    expires_at: int  # the token's `exp`, seconds since the epoch


class TokenVerifier:
    """Checks a token's signature, issuer, audience and lifetime, and reads its scopes."""

    def __init__(
        self,
        *,
        key: str | None = None,
        jwks: jwt.PyJWKClient | None = None,
        issuer: str,
        audience: str,
        leeway_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if (key is None) == (jwks is None):
            raise ValueError("give exactly one of a signing key and a JWKS client")
        self._key = key
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience
        self._leeway_s = leeway_s
        self._clock = clock
        # Tokens already verified, until their `exp`: a placement is checked at the gate
        # and again by its route, and a burst's client sends the same token every time.
        self._verified: OrderedDict[str, Principal] = OrderedDict()

    def __repr__(self) -> str:  # never shows the key
        source = "JWKS" if self._jwks is not None else "HS256 key"
        return f"TokenVerifier({source}, iss={self._issuer!r}, aud={self._audience!r})"

    async def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None and self._clock() < known.expires_at:
            return known
        principal = await self._verify(token)
        self._verified[token] = principal
        while len(self._verified) > VERIFIED_TOKENS_KEPT:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> Principal:
        try:
            if self._jwks is not None:
                # PyJWKClient fetches over blocking urllib (cached after the first key).
                signing = await anyio.to_thread.run_sync(self._jwks.get_signing_key_from_jwt, token)
                claims = self._decode(token, signing.key, _ASYMMETRIC)
            else:
                assert self._key is not None
                claims = self._decode(token, self._key, _SYMMETRIC)
        except jwt.PyJWKClientError as error:
            raise NotAuthenticatedError(f"the token's signing key is unknown: {error}") from None
        except jwt.InvalidTokenError as error:
            raise NotAuthenticatedError(f"the token is not valid: {error}") from None
        return Principal(
            subject=str(claims["sub"]), scopes=_scopes(claims), expires_at=int(claims["exp"])
        )

    def _decode(self, token: str, key: Any, algorithms: list[str]) -> dict[str, Any]:
        decoded: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=self._audience,
            issuer=self._issuer,
            leeway=self._leeway_s,
            options={"require": _REQUIRED_CLAIMS},
        )
        return decoded


def _scopes(claims: dict[str, Any]) -> frozenset[str]:
    granted = claims.get("scope", "")
    if isinstance(granted, str):
        return frozenset(granted.split())
    if isinstance(granted, list):
        return frozenset(str(scope) for scope in granted)
    return frozenset()


async def token_verifier(settings: Settings, secrets: SecretsManager) -> TokenVerifier:
    """The verifier settings ask for; the HS256 key is read once, at start-up (a rotated
    key takes effect at the next restart, one replica at a time)."""
    issuer, audience = settings.api_auth_issuer, settings.api_auth_audience
    leeway_s = settings.api_auth_leeway_s
    if settings.api_auth_jwks_url is not None:
        logger.info("API tokens: RS256/ES256 against %s", settings.api_auth_jwks_url)
        jwks = jwt.PyJWKClient(settings.api_auth_jwks_url, cache_keys=True, timeout=5)
        return TokenVerifier(jwks=jwks, issuer=issuer, audience=audience, leeway_s=leeway_s)
    key = await secrets.get_secret(
        settings.secretstore_name, settings.api_auth_secret_name, settings.api_auth_secret_key
    )
    logger.info(
        "API tokens: HS256 with the key %s/%s of secret store %r",
        settings.api_auth_secret_name,
        settings.api_auth_secret_key,
        settings.secretstore_name,
    )
    return TokenVerifier(
        key=key.get_secret_value(), issuer=issuer, audience=audience, leeway_s=leeway_s
    )


_bearer = HTTPBearer(
    scheme_name="bearer",
    bearerFormat="JWT",
    description="A JWT whose `scope` claim holds the route's scope. `make run` prints one.",
    auto_error=False,  # our own 401 problem, with the reason
)


async def authorized(
    security: SecurityScopes,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise NotAuthenticatedError(
            "this route needs a bearer token: send `Authorization: Bearer <token>` "
            "(`make run` prints a development token; docs/security.md says how to mint one)"
        )
    verifier: TokenVerifier = request.app.state.services.token_verifier
    principal = await verifier.verify(credentials.credentials)
    missing = [scope for scope in security.scopes if scope not in principal.scopes]
    if missing:
        raise InsufficientScopeError(missing, principal.scopes)
    return principal


def requires(scope: Scope) -> Any:
    """A route dependency: a valid token holding `scope` (in OpenAPI as the requirement)."""
    return Security(authorized, scopes=[scope.value])
