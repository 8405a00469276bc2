from __future__ import annotations

from dataclasses import replace

import pytest

from printing.documents import DOC_KINDS, Document, MaterialLine
from printing.escpos_parse import parse
from printing.layout import Line
from printing.preview import decode_text
from printing.profiles import PROFILES, get_profile
from printing.render import raster_line, render, render_text
from printing.samples import SAMPLE_CASE, kcg_receipt, sample_document
from printing.signing import Claim, Signer, receipt_payload
from printing.templates import default_templates, load_templates
from printing.text import str_width

SIGNER = Signer.from_seed(bytes(range(32)))
P58, P80 = get_profile("generic-58"), get_profile("generic-80")
ALLOWED_OPS = {
    "init",
    "kanji_on",
    "kanji_off",
    "line_spacing",
    "align",
    "size",
    "bold",
    "text",
    "lf",
    "feed",
    "cut",
    "qr_model",
    "qr_size",
    "qr_ec",
    "qr_store",
    "qr_print",
    "barcode_height",
    "barcode_width",
    "hri_pos",
    "barcode",
    "raster",
}


def check_stream(data: bytes, profile) -> list:
    """Structural rules every job obeys; returns the ops."""
    ops = parse(data, profile.encoding)
    names = [o.name for o in ops]
    assert set(names) <= ALLOWED_OPS, [o for o in ops if o.name not in ALLOWED_OPS]
    assert names[:3] == ["init", "kanji_on", "line_spacing"]
    assert names.count("init") == 1 and names.count("kanji_on") == 1
    kanji_off = names.index("kanji_off")
    assert names.count("kanji_off") == 1
    for i, o in enumerate(ops):
        if o.name == "text":
            assert 1 < i < kanji_off  # text only inside Chinese mode
            o.data.decode(profile.encoding)  # valid in the profile's encoding
            # never a GB18030 four-byte form
            k = 0
            while k < len(o.data):
                if o.data[k] >= 0x81:
                    assert not 0x30 <= o.data[k + 1] <= 0x39
                    k += 2
                else:
                    k += 1
    if profile.cutter:
        assert names.count("cut") == 1 and names[-1] == "cut" and ops[-1].args == (66, 0)
        assert names[-3:-1] == ["kanji_off", "feed"]
    else:
        assert "cut" not in names
    return ops


@pytest.mark.parametrize("profile", [P58, P80], ids=lambda p: p.name)
@pytest.mark.parametrize("kind", DOC_KINDS)
def test_every_kind_renders_and_decodes(kind: str, profile) -> None:
    doc = sample_document(kind)
    data = render(doc, profile, SIGNER)
    ops = check_stream(data, profile)
    text = decode_text(data, profile)
    tpl = default_templates()[kind]
    assert tpl.title in text
    assert doc.office.name in text
    assert doc.case_number in text
    assert "[切纸]" in text.splitlines()[-1]
    for line in text.splitlines():
        if not line.startswith("["):
            assert str_width(line) <= profile.columns, line
    if doc.applicant_id and doc.applicant_kind == "person":
        assert doc.applicant_id.encode() not in data
        assert doc.applicant_id[:6] + "*" * 8 + doc.applicant_id[-4:] in text
    stored = [o.data for o in ops if o.name == "qr_store"]
    if "qr" in tpl.sections:
        code = doc.case_number or "TEST-0000"
        on_paper = doc.accepted_on if kind == "receipt" else doc.issued_at.date()
        claim = Claim.of(
            code,
            kind,
            doc.subject_code,
            doc.applicant_id[:6] + "*" * 8 + doc.applicant_id[-4:] if doc.applicant_id else "",
            doc.applicant_name,
            on_paper,
            doc.due_date if kind == "receipt" else None,
        )
        payload = receipt_payload(claim, doc.office.query_url, SIGNER)  # what the paper promises
        assert stored == [payload.encode()]
        assert [o.name for o in ops].count("qr_print") == 1
    else:
        assert stored == []
    if "barcode" in tpl.sections:
        assert f"[条码] {doc.case_number}" in text


def test_receipt_content_58() -> None:
    doc = kcg_receipt()
    text = decode_text(render(doc, P58, SIGNER), P58)
    assert "申请人：买买提·艾力" in text  # GB18030 has the middle dot: printed as text
    assert "证件号码：320724********123X" in text
    assert "已收材料（24项）：" in text and "容缺材料（2项）：" in text
    assert "承诺补交日期：2026年12月05日" in text
    assert "受理日期：2026年11月21日" in text
    assert "（推定）" in text
    assert "窗口：3号综合窗口  经办人：李娜" in text
    lines = text.splitlines()
    # original/copy and counts right-aligned on the paper's last column
    for label in ("原件 1份", "复印件 3份"):
        hits = [ln for ln in lines if ln.endswith(label)]
        assert hits and all(str_width(ln) == 32 for ln in hits)


def test_rare_characters_go_raster_never_question_marks() -> None:
    xp = get_profile("xprinter-58")
    doc = replace(sample_document("receipt"), applicant_name="买买提·艾力")
    data = render(doc, xp, SIGNER)
    ops = check_stream(data, xp)
    text = decode_text(data, xp)
    assert "买买提" not in text  # GB2312 font lacks the middle dot: the line is an image
    assert "?" not in text
    expected = raster_line(Line("申请人：买买提·艾力"), xp)
    raster = [o for o in ops if o.name == "raster" and o.args[:2] == (384, expected.height)]
    from escpos.image import EscposImage

    assert EscposImage(expected).to_raster_format() in [o.data for o in raster]
    # 䶮 and 𠀾 are rastered even on a GB18030 printer
    for name in ("王䶮", "李𠀾"):
        d = render(replace(doc, applicant_name=name), P80, SIGNER)
        check_stream(d, P80)
        assert name not in decode_text(d, P80)
        assert name in render_text(replace(doc, applicant_name=name), P80, SIGNER)


def test_raster_qr_when_not_native() -> None:
    xp = get_profile("xprinter-58")
    ops = check_stream(render(sample_document("receipt"), xp, SIGNER), xp)
    names = [o.name for o in ops]
    assert "qr_store" not in names and "qr_print" not in names
    assert any(o.name == "raster" and o.args[1] > 200 for o in ops)  # the QR image


def test_encodings_follow_profile() -> None:
    doc = sample_document("notice")
    for name, prof in PROFILES.items():
        data = render(doc, prof, SIGNER)
        ops = check_stream(data, prof)
        joined = b"".join(o.data for o in ops if o.name == "text")
        assert "补正材料通知书".encode(prof.encoding) in joined, name


HOSTILE = "张\x1b@三\x1dV\x00\x1bd\x05\x1d(k\x03\x001P\x7f\x9b\x1c.\x10\x14\x01\x00\x05"


def test_hostile_text_never_becomes_a_command() -> None:
    doc = Document(
        kind="receipt",
        case_number="C-1\x1bi",
        office=replace(sample_document("receipt").office, name="中心" + HOSTILE),
        issued_at=sample_document("receipt").issued_at,
        applicant_name=HOSTILE,
        applicant_id="3207\x1b@2419900101123X",
        subject=HOSTILE,
        materials=(
            MaterialLine(HOSTILE, "copy", 1, "received"),
            MaterialLine("x", "original", 1, "tolerated", HOSTILE),
        ),
        window=HOSTILE,
        clerk=HOSTILE,
        reason=HOSTILE,
        extra={HOSTILE: HOSTILE},
    )
    for kind in ("receipt", "notice", "refusal", "pickup"):
        for prof in (P58, P80, get_profile("xprinter-58")):
            data = render(replace(doc, kind=kind), prof, SIGNER)
            ops = check_stream(data, prof)
            for o in ops:
                if o.name == "text":
                    assert not any(b < 0x20 or b == 0x7F for b in o.data)
            text = decode_text(data, prof)
            assert "张@三Vd" in text


def test_reprint_and_provisional_markers() -> None:
    doc = replace(
        sample_document("receipt"), reprinted_at=sample_document("pickup").reprinted_at, due_provisional=True
    )
    text = decode_text(render(doc, P80, SIGNER), P80)
    assert "【补打 2026-11-25 15:02】" in text
    assert "承诺办结日期：2026年12月03日（推定）" in text
    assert "补打" not in decode_text(render(sample_document("receipt"), P80, SIGNER), P80)


def test_office_templates_adapt_without_code(tmp_path) -> None:
    over = tmp_path / "office.toml"
    over.write_text(
        '[labels]\nwindow = "综合窗口"\n'
        '[receipt]\ntitle = "收件回执"\nsections = ["header", "case_number", "window_clerk", "notes"]\n'
        'notes = ["请凭本回执领取结果。"]\n',
        encoding="utf-8",
    )
    tpls = load_templates(over)
    data = render(sample_document("receipt"), P58, SIGNER, templates=tpls)
    text = decode_text(data, P58)
    assert "收件回执" in text and "请凭本回执领取结果。" in text
    assert "综合窗口：3号综合窗口" in text
    assert "[二维码]" not in text and "已收材料" not in text
    assert tpls["notice"].title == "补正材料通知书"  # untouched kinds keep the defaults
    with pytest.raises(ValueError):
        load_templates({"receipt": {"sections": ["header", "nonsense"]}})


def test_render_text_matches_the_paper() -> None:
    for kind in DOC_KINDS:
        doc = sample_document(kind)
        if kind in ("receipt", "test"):
            continue  # these carry rare characters printed as images
        paper = decode_text(render(doc, P80, SIGNER), P80).replace("[切纸]\n", "")
        assert render_text(doc, P80, SIGNER).rstrip() == paper.rstrip()


def test_unsigned_payload_and_no_query_url() -> None:
    doc = replace(sample_document("receipt"), office=replace(sample_document("receipt").office, query_url=""))
    ops = parse(render(doc, P58), P58.encoding)
    assert [o.data for o in ops if o.name == "qr_store"] == [f"yc:?n={SAMPLE_CASE}".encode()]


def test_test_page_names_profile_and_rare_line() -> None:
    doc = replace(sample_document("test"), case_number="")
    for prof in PROFILES.values():
        data = render(doc, prof)
        check_stream(data, prof)
        text = decode_text(data, prof)
        assert f"打印机型：{prof.name}" in text
        assert f"{prof.dots} 点 / {prof.columns} 列" in text
        assert "[条码] TEST-0000" in text
        assert "䶮 𠀾 買買提·艾力 ¥ ，。：" in render_text(doc, prof)
