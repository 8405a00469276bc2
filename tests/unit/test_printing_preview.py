from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops

from printing.documents import DOC_KINDS
from printing.fonts import FONT_PATH, covers
from printing.preview import CUT_MARK, MARGIN, decode_text, preview_png
from printing.profiles import get_profile
from printing.render import render
from printing.samples import sample_document
from printing.signing import Signer, parse_payload, verify_payload

SIGNER = Signer.from_seed(bytes(range(32)))
SNAPSHOTS = Path(__file__).resolve().parents[1] / "printing" / "snapshots"
P58, P80 = get_profile("generic-58"), get_profile("generic-80")


def read_codes(img: Image.Image, fmt) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(img.convert("L"), formats=fmt)]


@pytest.mark.parametrize("name", ["generic-58", "xprinter-58", "generic-80", "epson-tm-t88"])
def test_qr_from_preview_decodes_and_verifies(name: str) -> None:
    prof = get_profile(name)
    doc = sample_document("receipt")
    img = preview_png(render(doc, prof, SIGNER), prof)
    assert img.width == prof.dots
    texts = read_codes(img, zxingcpp.BarcodeFormat.QRCode)
    assert len(texts) == 1
    payload = texts[0]
    assert payload.startswith(doc.office.query_url + "?n=" + doc.case_number + "&")
    assert verify_payload(payload, SIGNER.public_key_b64())
    forged = payload.replace(doc.case_number, doc.case_number[:-1] + "X")
    assert parse_payload(forged)["n"] != doc.case_number
    assert not verify_payload(forged, SIGNER.public_key_b64())


@pytest.mark.parametrize("name", ["generic-58", "generic-80", "xprinter-58"])
def test_barcode_from_preview_decodes(name: str) -> None:
    prof = get_profile(name)
    doc = sample_document("receipt")
    img = preview_png(render(doc, prof, SIGNER), prof)
    # Scale up 2x like a camera would see it; module width on 58 mm paper is one dot.
    img = img.resize((img.width * 2, img.height * 2), Image.NEAREST)
    assert doc.case_number in read_codes(img, zxingcpp.BarcodeFormat.Code128)


def test_native_and_raster_paper_look_the_same() -> None:
    # generic-58 prints the name and QR natively, xprinter-58 as images: same paper.
    doc = replace(sample_document("receipt"), applicant_name="买买提·艾力")
    native = preview_png(render(doc, P58, SIGNER), P58)
    raster = preview_png(render(doc, get_profile("xprinter-58"), SIGNER), get_profile("xprinter-58"))
    assert "买买提" in decode_text(render(doc, P58, SIGNER), P58)
    assert native.height == raster.height + CUT_MARK
    top = native.crop((0, 0, native.width, raster.height - MARGIN))
    assert (
        ImageChops.difference(top, raster.crop((0, 0, raster.width, raster.height - MARGIN))).getbbox()
        is None
    )


def test_bundled_font_covers_rare_characters() -> None:
    assert FONT_PATH.exists() and FONT_PATH.stat().st_size < 8_000_000
    for ch in "䶮𠀾買买提·艾力¥，。：喆堃":
        assert covers(ch), ch


@pytest.mark.parametrize("profile", [P58, P80], ids=lambda p: p.name)
@pytest.mark.parametrize("kind", DOC_KINDS)
def test_preview_snapshot(kind: str, profile) -> None:
    img = preview_png(render(sample_document(kind), profile, SIGNER), profile)
    path = SNAPSHOTS / f"{kind}-{profile.name}.png"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        if os.environ.get("UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"missing snapshot {path}; run with UPDATE_SNAPSHOTS=1")
        path.parent.mkdir(parents=True, exist_ok=True)
        img.save(path, optimize=True)
    expected = Image.open(path).convert("L")
    assert expected.size == img.size
    diff = ImageChops.difference(expected, img.convert("L")).getbbox()
    assert diff is None, f"{path.name} differs in {diff} (UPDATE_SNAPSHOTS=1 to accept)"
