"""The token check of /api/v1: signature, issuer, audience, lifetime and scopes, for the
HS256 key and for RS256 keys served as a JWKS by a real HTTP server on this host."""

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.api.auth import NotAuthenticatedError, Principal, TokenVerifier
from devstack.api_auth import ALL_SCOPES, ApiSigningKey

ISSUER, AUDIENCE = "orderflow-dev", "orderflow"


def _verify(verifier: TokenVerifier, token: str) -> Principal:
    return asyncio.run(verifier.verify(token))


def _verifier(key: ApiSigningKey) -> TokenVerifier:
    return TokenVerifier(key=key.value, issuer=ISSUER, audience=AUDIENCE, leeway_s=0)


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "s", "iat": now, "exp": now + 60}
    return {**claims, "scope": "orders:read", **overrides}


def test_a_minted_token_carries_its_subject_and_scopes() -> None:
    key = ApiSigningKey()
    principal = _verify(_verifier(key), key.mint(["orders:read", "workflows:admin"]))
    assert principal.subject == "developer"
    assert principal.scopes == {"orders:read", "workflows:admin"}
    every = _verify(_verifier(key), key.mint())
    assert every.scopes == set(ALL_SCOPES)


@pytest.mark.parametrize(
    ("why", "claims", "signed_with"),
    [
        ("expired", _claims(exp=int(time.time()) - 5), "right"),
        ("another issuer", _claims(iss="someone-else"), "right"),
        ("another audience", _claims(aud="another-api"), "right"),
        ("no subject", {k: v for k, v in _claims().items() if k != "sub"}, "right"),
        ("no expiry", {k: v for k, v in _claims().items() if k != "exp"}, "right"),
        ("another key", _claims(), "wrong"),
    ],
)
def test_a_token_that_is_not_ours_or_not_current_is_refused(
    why: str, claims: dict[str, Any], signed_with: str
) -> None:
    key = ApiSigningKey()
    secret = key.value if signed_with == "right" else ApiSigningKey().value
    with pytest.raises(NotAuthenticatedError):
        _verify(_verifier(key), jwt.encode(claims, secret, algorithm="HS256"))


def test_unsigned_and_malformed_tokens_are_refused() -> None:
    key = ApiSigningKey()
    unsigned = jwt.encode(_claims(), "", algorithm="none")
    for token in (unsigned, "not-a-jwt", "a.b.c", ""):
        with pytest.raises(NotAuthenticatedError):
            _verify(_verifier(key), token)


def _jwks_verifier(url: str) -> TokenVerifier:
    return TokenVerifier(jwks=jwt.PyJWKClient(url), issuer=ISSUER, audience=AUDIENCE, leeway_s=0)


def test_an_hs256_token_is_refused_by_a_jwks_verifier(
    jwks_server: tuple[str, rsa.RSAPrivateKey],
) -> None:
    """Against algorithm confusion: the JWKS path accepts asymmetric algorithms only, so a
    token signed with a shared secret (say, the published public key) never passes."""
    url, _ = jwks_server
    verifier = _jwks_verifier(url)
    forged = jwt.encode(
        _claims(),
        "any-shared-secret-long-enough-for-hs256-xx",
        algorithm="HS256",
        headers={"kid": "k1"},
    )
    with pytest.raises(NotAuthenticatedError):
        _verify(verifier, forged)


def test_rs256_tokens_are_checked_against_the_providers_jwks(
    jwks_server: tuple[str, rsa.RSAPrivateKey],
) -> None:
    url, private_key = jwks_server
    verifier = _jwks_verifier(url)
    good = jwt.encode(_claims(scope="orders:write"), private_key, "RS256", headers={"kid": "k1"})
    assert (_verify(verifier, good)).scopes == {"orders:write"}
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for kid in ("k1", "unknown-kid"):
        forged = jwt.encode(_claims(), other_key, "RS256", headers={"kid": kid})
        with pytest.raises(NotAuthenticatedError):
            _verify(verifier, forged)


def test_the_verifier_and_the_key_never_print_their_secret() -> None:
    key = ApiSigningKey()
    assert key.value not in repr(key)
    assert key.value not in repr(_verifier(key))


@pytest.fixture(scope="module")
def jwks_server() -> Iterator[tuple[str, rsa.RSAPrivateKey]]:
    """An identity provider's JWKS endpoint: a real HTTP server on a free port."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    body = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]})

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *_: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/jwks.json", private_key
    finally:
        server.shutdown()
        server.server_close()


def test_a_verified_token_is_not_decoded_again_until_it_expires() -> None:
    """The gate and the route check one placement's token; the second check is a lookup
    while the token is current, and once its `exp` has passed it is decoded again."""
    key = ApiSigningKey()
    clock = [time.time()]
    verifier = TokenVerifier(
        key=key.value, issuer=ISSUER, audience=AUDIENCE, leeway_s=0, clock=lambda: clock[0]
    )
    now = int(clock[0])
    token = jwt.encode(_claims(iat=now, exp=now + 60), key.value, algorithm="HS256")
    first = _verify(verifier, token)
    assert _verify(verifier, token) is first
    clock[0] = now + 61  # past `exp` for the cache (PyJWT keeps the real clock)
    assert _verify(verifier, token) is not first
