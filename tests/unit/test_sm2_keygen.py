"""An SM2 key whose scalar starts with a zero byte (gmalg then gives 31 bytes, about 1 in 256)
is still a key: generating one never fails (a flaky failure of the receipts tests)."""

from __future__ import annotations

import base64

import gmalg

from printing.signing import Sm2Signer, verify_payload


def test_a_scalar_with_a_leading_zero_byte_makes_a_key(monkeypatch):
    real = gmalg.SM2.generate_keypair
    while True:  # a real key pair whose scalar gmalg gives as 31 bytes
        secret, public = real(gmalg.SM2())
        if len(secret) == 31:
            break
    monkeypatch.setattr(gmalg.SM2, "generate_keypair", lambda self: (secret, public))
    signer = Sm2Signer.generate()
    assert signer.public_raw() == public
    payload = signer.payload("320724100-01-261120-0001-X")
    assert verify_payload(payload, base64.b64encode(public).decode("ascii"))
