"""TrustBundle.generate: a root and an issuer that sentry can sign with, lifetimes chosen
here, files readable by their owner only, and a new pair on every call."""

import datetime
import stat
from pathlib import Path

from cryptography import x509

from devstack.trust_bundle import CA_LIFETIME, TrustBundle


def _certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_the_issuer_is_a_ca_signed_by_the_root(tmp_path: Path) -> None:
    bundle = TrustBundle.generate(tmp_path / "trust")
    root, issuer = _certificate(bundle.ca_file), _certificate(bundle.issuer_cert_file)
    issuer.verify_directly_issued_by(root)
    for certificate in (root, issuer):
        assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
        assert lifetime - CA_LIFETIME <= datetime.timedelta(minutes=5)
    assert "dapr-sentry" in issuer.subject.rfc4514_string()


def test_files_are_owner_only_and_each_start_makes_a_new_root(tmp_path: Path) -> None:
    first = TrustBundle.generate(tmp_path).ca_pem
    bundle = TrustBundle.generate(tmp_path)
    assert bundle.ca_pem != first
    for path in (bundle.ca_file, bundle.issuer_cert_file, bundle.issuer_key_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
