"""Cases to rate, made by the intake service as at the window."""

from __future__ import annotations

from dataclasses import replace

from app.services.intake import ApplicantInput, IntakeService
from tests.services.test_handover import APPLICANT_ID


def accepted_case(ws, name: str = "张秀英") -> str:
    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    draft = svc.new_draft("bundle", code)
    draft.marks = [replace(m, status="received") for m in draft.marks]
    draft.applicant = ApplicantInput("person", APPLICANT_ID, name)
    return svc.accept(draft).case.number
