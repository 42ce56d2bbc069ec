"""The stack's mTLS trust bundle: a root CA and the issuer that sentry signs workload
certificates with, made new for every stack start.

Lifetimes are chosen, not inherited: the root and the issuer live 30 days (a dev stack
restarts long before; nothing persisted depends on them), workload certificates live an
hour and daprd renews them at 70% of that (`dapr/config/sentry/config.yaml`). Keys are
ECDSA P-256, as sentry's own; the files are readable by their owner only.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TRUST_DOMAIN = "localhost"  # daprd's and placement's default control-plane trust domain
CONTROL_PLANE_NAMESPACE = "default"
CA_LIFETIME = datetime.timedelta(days=30)


@dataclass(frozen=True)
class TrustBundle:
    """What sentry reads (`directory`: ca.crt, issuer.crt, issuer.key) and what every
    daprd and placement trust (`ca_pem`)."""

    directory: Path

    @property
    def ca_file(self) -> Path:
        return self.directory / "ca.crt"

    @property
    def issuer_cert_file(self) -> Path:
        return self.directory / "issuer.crt"

    @property
    def issuer_key_file(self) -> Path:
        return self.directory / "issuer.key"

    @property
    def ca_pem(self) -> str:
        return self.ca_file.read_text()

    @classmethod
    def generate(cls, directory: Path, trust_domain: str = TRUST_DOMAIN) -> "TrustBundle":
        """A new root and issuer in `directory` (replacing any earlier ones)."""
        directory.mkdir(parents=True, exist_ok=True)
        now = datetime.datetime.now(datetime.UTC)
        root_key = ec.generate_private_key(ec.SECP256R1())
        root_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, trust_domain)])
        root = _ca_certificate(root_name, root_name, root_key.public_key(), root_key, now)
        issuer_key = ec.generate_private_key(ec.SECP256R1())
        sentry_id = f"spiffe://{trust_domain}/ns/{CONTROL_PLANE_NAMESPACE}/dapr-sentry"
        issuer_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, sentry_id)])
        issuer = _ca_certificate(issuer_name, root_name, issuer_key.public_key(), root_key, now)
        bundle = cls(directory)
        _write(bundle.ca_file, root.public_bytes(serialization.Encoding.PEM))
        _write(bundle.issuer_cert_file, issuer.public_bytes(serialization.Encoding.PEM))
        _write(bundle.issuer_key_file, _pem_key(issuer_key))
        return bundle


def _ca_certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    signing_key: ec.EllipticCurvePrivateKey,
    now: datetime.datetime,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))  # small clock skew
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(signing_key, hashes.SHA256())
    )


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes) -> None:
    path.unlink(missing_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(data)
