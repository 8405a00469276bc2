from __future__ import annotations

import stat

import pytest

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


# --- version 2: the signature covers the paper's promise (issue 16 §3) ------------------------------
def _claim(**kw):
    from datetime import date

    from printing.signing import Claim

    args = {
        "case_number": CASE,
        "document": "receipt",
        "matter": "320724-SCJG-0001",
        "applicant_printed": "320724********123X",
        "applicant_name": "张 秀英",
        "day": date(2026, 11, 21),
        "due": date(2026, 12, 3),
    }
    args.update(kw)
    return Claim.of(**args)


def test_v2_payload_carries_and_signs_every_field_of_the_claim() -> None:
    from printing.signing import Claim, Sm2Signer, payload_claim, receipt_payload

    for s in (Signer.generate(), Sm2Signer.generate()):
        claim = _claim()
        payload = receipt_payload(claim, "https://q.example/c", s)
        assert payload.startswith(f"https://q.example/c?n={CASE}&v=2&t=r&")
        assert payload_claim(payload) == claim and verify_payload(payload, s.public_key_b64())
        assert "张" not in payload and "%E5%BC%A0" not in payload.upper()  # the name never, its digest only
        fields = parse_payload(payload)
        for key, other in (("t", "n"), ("m", "320724-SCJG-0002"), ("i", "320724********1234"),
                           ("h", "AAAAAAAA"), ("d", "20261122"), ("e", "20261204"), ("n", "320724100-01-261121-0002-H")):  # fmt: skip
            assert fields[key] != other
            altered = payload.replace(f"&{key}={fields[key]}", f"&{key}={other}").replace(
                f"?{key}={fields[key]}", f"?{key}={other}"
            )
            assert altered != payload and not verify_payload(altered, s.public_key_b64()), key
        # an unknown version, a control character, a bad date: refused, never half-read
        assert not verify_payload(payload.replace("&v=2&", "&v=3&"), s.public_key_b64())
        assert not verify_payload(payload.replace("&d=20261121", "&d=20261321"), s.public_key_b64())
        with pytest.raises(ValueError):
            Claim.from_fields(dict(fields, m="320724\nSCJG"))
    # the name digest: spaces and Unicode forms folded, the case number bound in
    assert _claim(applicant_name="张秀英 ").name == _claim(applicant_name=" 张秀英").name
    assert _claim(applicant_name="张  秀英").name == _claim(applicant_name="张 秀英").name
    assert _claim(applicant_name="Jose\u0301").name == _claim(applicant_name="Jos\u00e9").name
    assert _claim(applicant_name="张秀英").name != _claim(applicant_name="张秀荣").name
    assert _claim().name != _claim(case_number="320724100-01-261121-0002-H").name


def test_the_receipts_qr_stays_scannable_on_58_mm_paper() -> None:
    """Version 2 payloads are longer (about 230 characters with an office URL): a version 11
    QR code, 4 dots a module on 58 mm (0.5 mm), 6 on 80 mm; a 60-character office URL and
    SM2 keep 3 dots or more on 58 mm. Decoded from the rendered paper with zxing-cpp."""
    import zxingcpp

    from printing.preview import preview_png
    from printing.profiles import get_profile
    from printing.render import qr_matrix, qr_module_size, render
    from printing.samples import sample_document
    from printing.signing import Sm2Signer, receipt_payload

    p58, p80 = get_profile("generic-58"), get_profile("generic-80")
    sample = receipt_payload(_claim(), "https://q.example/c", Signer.generate())
    assert len(sample) < 240 and (len(qr_matrix(sample)) - 17) // 4 <= 11
    assert qr_module_size(sample, p58) >= 4 and qr_module_size(sample, p80) == 6
    long_url = "https://zwfw.lianyungang.gov.cn/guannan/query/receipt-check"
    assert len(long_url) >= 58
    worst = receipt_payload(_claim(matter="11320724MB1234567X400011700100"), long_url, Sm2Signer.generate())
    assert qr_module_size(worst, p58) >= 3
    from dataclasses import replace

    from printing.documents import OfficeInfo

    doc = sample_document("receipt")
    doc = replace(
        doc,
        office=OfficeInfo(doc.office.name, query_url=long_url),
        subject_code="11320724MB1234567X400011700100",
    )
    signer = Sm2Signer.generate()
    img = preview_png(render(doc, p58, signer), p58)
    [read] = zxingcpp.read_barcodes(img.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert read.text.startswith(long_url + "?n=") and verify_payload(read.text, signer.public_key_b64())
