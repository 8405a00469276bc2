"""ID and phone numbers masked wherever they leave the store: the CLI (text and JSON, event
payloads included), paper (ESC/POS decoded, the QR decoded with zxing-cpp), one rule for all."""

from __future__ import annotations

import json
from dataclasses import replace

import zxingcpp

from app.domain.masking import mask_applicant_id, mask_id, mask_phone, mask_record
from app.services.handover import hand_over
from app.services.printing import PrintSpool
from printing.documents import DOC_KINDS
from printing.preview import decode_text, preview_png
from printing.profiles import get_profile
from printing.render import render
from printing.samples import sample_document
from printing.signing import Signer
from tests.printing.paper import read_paper
from tests.privacy.common import MASKED_ID, MASKED_PHONE, NAME, PERSON_ID, PHONE, accept_case, run
from tests.services.test_handover import APPLICANT_ID, decided_case


def test_mask_record_masks_every_number_however_deep() -> None:
    payload = {
        "applicant": {"kind": "person", "id_number": PERSON_ID, "phone": PHONE, "name": NAME},
        "collector": {"role": "agent", "name": "王五", "id_number": APPLICANT_ID},
        "list": [{"applicant_id_number": PERSON_ID, "applicant_phone": PHONE}],
        "ent": {"kind": "enterprise", "id_number": "91320724MA1MXXXX01"},
    }
    out = json.dumps(mask_record(payload), ensure_ascii=False)
    for raw in (PERSON_ID, PHONE, APPLICANT_ID):
        assert raw not in out
    assert MASKED_ID in out and MASKED_PHONE in out and mask_id(APPLICANT_ID) in out
    assert "91320724MA1MXXXX01" in out  # a credit code is public registry data
    assert NAME in out  # names stay: the clerk calls the applicant by name
    assert payload["applicant"]["id_number"] == PERSON_ID  # a copy: the original is untouched


def test_case_list_and_show_mask_ids_and_phones(ws) -> None:
    number = accept_case(ws).case.number
    data = ws.config.data_dir
    ws.close()
    for args in (
        ("case", "list", "--json"),
        ("case", "list", "--find", PERSON_ID, "--json"),  # found by the full number, shown masked
        ("case", "show", number),
        ("case", "show", number, "--json"),
    ):
        r = run(data, *args)
        assert r.returncode == 0, r.stderr
        assert PERSON_ID not in r.stdout and PHONE not in r.stdout, args
        assert number in r.stdout
    shown = json.loads(run(data, "case", "show", number, "--json").stdout)
    assert shown["applicant"]["id_number"] == MASKED_ID
    assert shown["applicant"]["phone"] == MASKED_PHONE
    accepted = next(e for e in shown["events"] if e["kind"] == "case.accepted")
    assert accepted["payload"]["applicant"]["id_number"] == MASKED_ID  # the event's copy too
    text = run(data, "case", "show", number).stdout
    assert MASKED_ID in text and MASKED_PHONE in text


def test_every_printed_document_masks_ids_and_carries_none_in_its_qr() -> None:
    signer = Signer.from_seed(bytes(range(32)))
    for kind in DOC_KINDS:
        doc = sample_document(kind)
        for profile in (get_profile("generic-58"), get_profile("generic-80")):
            data = render(doc, profile, signer)
            text = decode_text(data, profile).replace("\n", "")
            for raw, masked in (
                (doc.applicant_id, mask_applicant_id(doc.applicant_id, doc.applicant_kind)),
                (doc.collector_id, mask_id(doc.collector_id)),
            ):
                if raw and not (raw is doc.applicant_id and doc.applicant_kind == "enterprise"):
                    assert raw.encode() not in data and raw not in text, (kind, raw)
                    assert masked in text, (kind, masked)
            img = preview_png(data, profile)
            for qr in zxingcpp.read_barcodes(img.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode):
                assert doc.case_number in qr.text
                for raw in (doc.applicant_id, doc.collector_id, doc.applicant_name):
                    assert not raw or raw not in qr.text, (kind, qr.text)


def test_receipt_and_pickup_voucher_on_paper_are_masked(ws) -> None:
    accept_case(ws)
    number = decided_case(ws)
    hand_over(ws, number, APPLICANT_ID)
    PrintSpool(ws).send_due()
    papers = sorted(ws.config.prints_dir.glob("*"))
    assert len(papers) == 3  # two receipts and the 领取凭证
    for path in papers:
        paper = read_paper(path.read_bytes())
        for raw in (PERSON_ID, PHONE, APPLICANT_ID):
            assert raw not in paper.text and raw.encode() not in path.read_bytes()
    texts = "".join(read_paper(p.read_bytes()).text for p in papers)
    assert MASKED_ID in texts.replace("\n", "")
    assert mask_id(APPLICANT_ID) in texts.replace("\n", "")


def test_sample_documents_use_the_shared_rule() -> None:
    doc = replace(sample_document("receipt"), applicant_id=PERSON_ID)
    text = decode_text(render(doc, get_profile("generic-80"), None), get_profile("generic-80"))
    assert MASKED_ID in text and mask_phone(PHONE) == MASKED_PHONE
