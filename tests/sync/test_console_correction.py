"""A 补正 the back office decides in the console reaches the window: a real hub process, a real
workstation store and sync cycle, and the 补正材料通知书 printed to a real TCP listener."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.cases import CaseService
from app.services.printing import PrintSpool
from app.services.sync.cycle import run_cycle
from sync.hub import console_decisions as cd
from sync.hub import console_queries as cq
from tests.hubs import OFFICE, WSID, make_workstation
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper

pytestmark = pytest.mark.slow  # a real hub process


def test_backoffice_correction_prints_the_notice_at_the_window(tmp_path: Path, sqlite_hub):
    hub = sqlite_hub
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=12, seed=5)
    assert run_cycle(ws).ok
    number = sorted(c.number for c in CaseService(ws).list() if c.state == "accepted")[0]
    store = hub.store()
    try:
        sheet = cq.case_sheet(store, number)
        (m1, m2) = sheet.checklist[:2]
        form = cd.DecisionForm(
            "correction",
            sheet.version,
            "材料请当面补交",
            ((m1["key"], "复印件模糊"), (m2["key"], "缺少签章")),
        )
        cd.decide(store, user_name="王审批", departments=sheet.departments, number=number, form=form)
    finally:
        store.close()
    with PrinterListener("accept") as printer:
        ws.config.set("printer.url", printer.url)
        ws.config.save()
        assert run_cycle(ws).ok
        case = CaseService(ws).get(number)
        assert case.state == "correction"  # 待补正 at the window
        _results, left = PrintSpool(ws).drain()
        assert left == 0
        (job,) = printer.wait_jobs(1)
        paper = read_paper(job)
    assert "补正材料通知书" in paper.text and number in paper.text
    for name, note in ((m1["name"], "复印件模糊"), (m2["name"], "缺少签章")):
        assert name[:6] in paper.text and note in paper.text
    assert "材料请当面补交" in paper.text
    # the clerk sees the two materials as not acceptable when the applicant comes back
    marks = {m.item.key: m for m in CaseService(ws).marks(case)}
    assert marks[m1["key"]].status == "defective" and marks[m1["key"]].note == "复印件模糊"
    assert marks[m2["key"]].status == "defective"
    # the event carries the decider's name; the notice job is the case's, kept with it
    detail = CaseService(ws).detail(number)
    (ev,) = [e for e in detail.events if e.kind == "case.correction_requested"]
    assert ev.actor == "王审批"
    assert [j.doc_kind for j in detail.jobs][-1] == "notice"
    ws.close()
