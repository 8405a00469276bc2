"""A case whose applicant holds a 外国人永久居留身份证 (2017 and 2023 numbers) or a 港澳台居民居住证
goes through a real hub (issue 17, left from s23): the window accepts it, sync pushes it (the hub
checks the payload's schema), `GET /api/v1/cases/{number}` gives the number back as sent with the
document it names, and `yichuang case show` (a real process) names the document too."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.services.cases import CaseService
from app.services.documents import case_document
from app.services.intake import ApplicantInput, IntakeService
from app.services.sync.cycle import run_cycle
from printing.profiles import PROFILES
from printing.render import render_text
from tests.hubs import OFFICE, WSID, make_workstation, ycli
from tests.sync.helpers import get

pytestmark = pytest.mark.slow  # a real hub process

APPLICANTS = [
    ("USA110080010201", "约翰", "foreign_permanent", "外国人永久居留身份证"),  # 2017: 3 letters, 12 digits
    ("910840199001010017", "玛丽", "foreign_permanent", "外国人永久居留身份证"),  # 2023: 9 first
    ("810000199001010019", "陈大文", "hkmotw_residence", "港澳台居民居住证"),
    ("320724198503170045", "王五", "resident", ""),
]


def test_foreign_and_hkmotw_applicants_round_trip_through_a_real_hub(tmp_path: Path, sqlite_hub):
    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice", name="市场监管局")
    ws = make_workstation(tmp_path / "ws", hub.url, token)
    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    numbers = {}
    for id_number, name, _doc_type, _label in APPLICANTS:
        draft = svc.new_draft("bundle", code)
        draft.marks = [replace(m, status="received") for m in draft.marks]
        draft.applicant = ApplicantInput("person", id_number, name)
        numbers[id_number] = svc.accept(draft).number
    for id_number, _name, _doc_type, label in APPLICANTS:  # the receipt names the document
        case = CaseService(ws).get(numbers[id_number])
        paper = render_text(case_document(ws, case, "receipt", []), PROFILES["generic-80"])
        assert ("证件类型" in paper and label in paper) if label else "证件类型" not in paper
    rep = run_cycle(ws)
    assert rep.ok and rep.left == 0, rep
    ws.close()
    for id_number, name, doc_type, label in APPLICANTS:
        doc = get(hub.url, bo, f"/api/v1/cases/{numbers[id_number]}").json()
        assert doc["applicant"]["id_number"] == id_number and doc["applicant"]["name"] == name
        assert doc["applicant"]["kind"] == "person" and doc["applicant"]["id_type"] == doc_type
        shown = ycli("case", "show", numbers[id_number], "--data-dir", str(tmp_path / "ws")).stdout
        assert (f"（{label}）" in shown) if label else ("（外国人" not in shown and "（港澳台" not in shown)
