"""TLS verification is on: a hub with a certificate nobody vouches for is not talked to."""

from __future__ import annotations

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.services.sync.cycle import run_cycle
from tests.hubs import OFFICE, WSID, HubProcess, make_workstation

pytestmark = pytest.mark.slow


def self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "county hub")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return tmp_path / "cert.pem", tmp_path / "key.pem"


def test_unknown_certificate_is_refused_and_a_configured_ca_is_trusted(tmp_path, monkeypatch):
    cert, key = self_signed(tmp_path)
    hub = HubProcess(tmp_path / "hub", extra=("--tls-cert", str(cert), "--tls-key", str(key))).start()
    try:
        ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=2)
        assert hub.url.startswith("https://")
        rep = run_cycle(ws)
        # the clerk reads it in Chinese; the library's own words stay in the detail for admins
        assert rep.error is not None and "证书" in str(rep.error)
        assert "CERTIFICATE_VERIFY_FAILED" in getattr(rep.error, "detail", "")
        assert rep.left == 4
        monkeypatch.setenv("YICHUANG_HUB_CA", str(cert))
        rep = run_cycle(ws)
        assert rep.ok and rep.left == 0
    finally:
        hub.stop()
