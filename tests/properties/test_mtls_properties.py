"""Property 28 against the running stack: sidecars and placement take only callers holding
a current certificate from the stack's own trust bundle (sentry's issuer).

A caller is a TLS client (or none) with a generated certificate: none, one from another
trust bundle, an expired one from the right bundle, or a current one from the right
bundle. "Reached" means the server answered the HTTP/2 connection preface that gRPC
starts with (its SETTINGS frame); a refused handshake, a closed connection or anything
else is "refused". The client does not check the server: only the server's choice counts.
"""

import datetime
import socket
import ssl
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import example, given, settings
from hypothesis import strategies as st

from devstack.ports import HOST
from devstack.stack import Stack
from devstack.trust_bundle import TrustBundle

CALLERS = ("plaintext", "no certificate", "another trust bundle", "expired", "current")
TARGETS = ("app daprd", "payment-service daprd", "placement")
HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
SETTINGS_FRAME = 0x04


@pytest.fixture(scope="module")
def other_bundle() -> TrustBundle:
    return TrustBundle.generate(Path(tempfile.mkdtemp(prefix="other-trust-")))


def _ports(stack: Stack) -> dict[str, int]:
    payment = stack.config.peer("payment-service")
    return {
        "app daprd": stack.config.ports.dapr_internal_grpc,
        "payment-service daprd": payment.ports.dapr_internal_grpc,
        "placement": stack.config.ports.placement,
    }


def _workload_certificate(bundle: TrustBundle, directory: Path, *, expired: bool) -> Path:
    """A certificate as sentry would sign one for an app (SPIFFE id in the URI SAN), with
    the issuer after it; returns the PEM file holding chain and key."""
    issuer_key = serialization.load_pem_private_key(bundle.issuer_key_file.read_bytes(), None)
    assert isinstance(issuer_key, ec.EllipticCurvePrivateKey)
    issuer = x509.load_pem_x509_certificate(bundle.issuer_cert_file.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    valid_from, valid_to = (
        (now - datetime.timedelta(hours=3), now - datetime.timedelta(hours=2))
        if expired
        else (now - datetime.timedelta(minutes=5), now + datetime.timedelta(hours=1))
    )
    spiffe_id = "spiffe://public/ns/default/python-api"
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(spiffe_id)]),
            critical=True,
        )
        .sign(issuer_key, hashes.SHA256())
    )
    path = directory / f"client-{uuid.uuid4().hex[:8]}.pem"
    path.write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
        + issuer.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def _answers_http2(connection: socket.socket) -> bool:
    try:
        connection.sendall(HTTP2_PREFACE)
        head = connection.recv(9)
    except (ssl.SSLError, OSError):
        return False
    return len(head) == 9 and head[3] == SETTINGS_FRAME


def _reached(port: int, client_pem: Path | None, tls: bool) -> bool:
    with socket.create_connection((HOST, port), timeout=5) as raw:
        if not tls:
            return _answers_http2(raw)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["h2"])
        if client_pem is not None:
            context.load_cert_chain(client_pem)
        try:
            connection = context.wrap_socket(raw)
        except (ssl.SSLError, OSError):
            return False
        with connection:
            return _answers_http2(connection)


@settings(max_examples=40, deadline=None)
@given(caller=st.sampled_from(CALLERS), target=st.sampled_from(TARGETS))
@example(caller="current", target="app daprd")
@example(caller="plaintext", target="app daprd")
@example(caller="no certificate", target="payment-service daprd")
@example(caller="another trust bundle", target="app daprd")
@example(caller="expired", target="placement")
def test_mtls_enforcement(
    stack: Stack,
    other_bundle: TrustBundle,
    tmp_path_factory: pytest.TempPathFactory,
    caller: str,
    target: str,
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 28: mTLS Enforcement**
    **Validates: Requirements 13.1**

    Only a current certificate from the stack's trust bundle reaches a sidecar's internal
    gRPC port or placement; plaintext, no certificate, a foreign bundle's and an expired
    one are refused.
    """
    directory = tmp_path_factory.mktemp("callers")
    own = TrustBundle(stack.config.trust_dir)
    certificates: dict[str, Callable[[], Path | None]] = {
        "plaintext": lambda: None,
        "no certificate": lambda: None,
        "another trust bundle": lambda: _workload_certificate(
            other_bundle, directory, expired=False
        ),
        "expired": lambda: _workload_certificate(own, directory, expired=True),
        "current": lambda: _workload_certificate(own, directory, expired=False),
    }
    reached = _reached(_ports(stack)[target], certificates[caller](), tls=caller != "plaintext")
    assert reached == (caller == "current"), (caller, target)
