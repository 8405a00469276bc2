from __future__ import annotations

import stat

from printing.signing import Signer, parse_payload, qr_payload, verify_payload

CASE = "320724100-01-261121-0001-K"


def test_sign_verify_roundtrip(tmp_path) -> None:
    s = Signer.generate()
    key = tmp_path / "ws.key"
    s.save(key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    loaded = Signer.load(key)
    assert loaded.public_key_b64() == s.public_key_b64()
    payload = qr_payload(CASE, "https://q.example/c", loaded)
    fields = parse_payload(payload)
    assert fields["n"] == CASE and len(fields["s"]) == 86 and len(fields["k"]) == 8
    assert payload.startswith(f"https://q.example/c?n={CASE}&k=")
    assert len(payload) < 160
    assert verify_payload(payload, s.public_key_b64())


def test_tampering_fails() -> None:
    s = Signer.generate()
    other = Signer.generate()
    payload = s.payload(CASE, "https://q.example/c?src=receipt")
    assert "?src=receipt&n=" in payload
    assert verify_payload(payload, s.public_key_b64())
    assert not verify_payload(payload.replace("0001-K", "0002-K"), s.public_key_b64())
    assert not verify_payload(payload, other.public_key_b64())
    sig = parse_payload(payload)["s"]
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    assert not verify_payload(payload.replace(sig, flipped), s.public_key_b64())
    assert not verify_payload(qr_payload(CASE, "https://q.example/c"), s.public_key_b64())
    assert not verify_payload("garbage", s.public_key_b64())


def test_signature_is_deterministic_and_case_bound() -> None:
    s = Signer.from_seed(b"\x07" * 32)
    assert s.sign(CASE) == s.sign(CASE)
    assert s.sign(CASE) != s.sign(CASE + "1")
    assert verify_payload(qr_payload(CASE, "", s), s.public_key_b64())
    assert qr_payload(CASE, "", s).startswith("yc:?n=")


def test_load_or_create_keeps_one_key_under_concurrent_first_starts(tmp_path) -> None:
    import threading

    path = tmp_path / "keys" / "workstation.key"
    got: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        got.append(Signer.load_or_create(path).public_key_b64())

    threads = [threading.Thread(target=start) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(set(got)) == 1 and got[0] == Signer.load(path).public_key_b64()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["workstation.key"]  # no temporaries
