"""The 补正材料通知书 printed for the back office's 补正 names the back-office user who asked for
it as 经办人, not the window's clerk (issue 18)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy import select

from app.services import reactions
from app.services.intake import ApplicantInput, IntakeService
from app.services.sync import outbox
from app.store.models import PrintJob
from tests.services.test_handover import APPLICANT_ID


def test_backoffice_correction_notice_names_its_decider(ws):
    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    draft = svc.new_draft("bundle", code)
    draft.marks = [replace(m, status="received") for m in draft.marks]
    draft.applicant = ApplicantInput("person", APPLICANT_ID, "张秀英")
    number = svc.accept(draft).case.number
    first = draft.marks[0].item
    event = {
        "id": str(uuid.uuid4()),
        "case": number,
        "kind": "case.correction_requested",
        "lc": 3,
        "p": {"reason": "", "materials": [{"k": first.key, "name": first.name, "note": "复印件不清晰"}]},
        "actor": "张科长",
        "office": "",
        "ws": "",
        "at": "2026-11-20T02:00:00+00:00",
        "seq": 9,
        "by": "backoffice:市场监管局",
    }
    outbox.apply_pulled(ws.store, [event], 9, react=reactions.pulled(ws))  # as a sync cycle does
    with ws.store.read() as s:
        jobs = list(s.execute(select(PrintJob).where(PrintJob.doc_kind == "notice")).scalars())
    assert len(jobs) == 1
    text = jobs[0].text
    assert "复印件不清晰" in text
    assert "经办人：张科长" in text, text
    assert ws.clerk not in text.split("经办人：", 1)[1].split()[0]
