"""The back office's remark on its 办结 / 不予许可 (`remarks` in the event's payload) is shown
wherever the decision is shown at the window (issue 18): the case detail, the progress query
(Ctrl+G), `yichuang case show` and the 领取凭证 printed at the handover."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import replace

from textual.widgets import DataTable, Input

from app.messages import t
from app.services.intake import ApplicantInput, IntakeService
from app.services.sync import outbox
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseDetailScreen
from app.ui.screens.timeline import TimelineScreen
from tests.hubs import ROOT
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper
from tests.services.test_handover import APPLICANT_ID
from tests.ui.hostile import shown
from tests.ui.test_intake_flow import SIZE, start, wait_for

REMARK = "许可证正本一份、副本一份，请于30日内领取"
DENIAL = "经营场所不符合食品安全要求"


def decided(ws, kind: str = "case.completed") -> str:
    """A case accepted here and decided by the back office with a remark (pulled as sync does)."""
    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    draft = svc.new_draft("bundle", code)
    draft.marks = [replace(m, status="received") for m in draft.marks]
    draft.applicant = ApplicantInput("person", APPLICANT_ID, "张秀英")
    number = svc.accept(draft).case.number
    payload = {"remarks": REMARK} | ({"reason": DENIAL} if kind == "case.denied" else {})
    event = {
        "id": str(uuid.uuid4()),
        "case": number,
        "kind": kind,
        "lc": 3,
        "p": payload,
        "actor": "张科长",
        "office": "",
        "ws": "",
        "at": "2026-11-20T02:00:00+00:00",
        "seq": 9,
        "by": "backoffice:市场监管局",
    }
    outbox.apply_pulled(ws.store, [event], 9)
    return number


async def test_case_detail_and_progress_show_the_remark(ws):
    number = decided(ws)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(CaseDetailScreen(number))
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail)
        lines = shown(app.screen.query_one("#case-detail")).split("\n")
        assert f"{t('case.decision_remarks')}：{REMARK}" in lines
        await pilot.press("escape", "ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, TimelineScreen))
        app.screen.query_one("#timeline-find", Input).value = number
        await pilot.press("enter")
        table = app.screen.query_one("#timeline-table", DataTable)  # (#timeline-cases: a card's holder's)
        await wait_for(pilot, lambda: table.row_count >= 3)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        done = next(r for r in rows if r[1] == t("event.case.completed"))
        assert REMARK in done[3], rows


def test_case_show_prints_the_remark(ws, data_dir):
    number = decided(ws, "case.denied")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("YICHUANG_DATA_DIR", None)
    r = subprocess.run(
        [sys.executable, "-m", "app", "case", "show", number, "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert f"{t('case.reason_denied')}：{DENIAL}" in r.stdout
    assert f"{t('case.decision_remarks')}：{REMARK}" in r.stdout


def test_pickup_receipt_prints_the_remark(ws):
    from app.services.handover import hand_over
    from app.services.printing import PrintSpool

    for kind in ("case.completed", "case.denied"):
        number = decided(ws, kind)
        with PrinterListener("accept") as printer:
            done = hand_over(ws, number, APPLICANT_ID, printer_url=printer.url)
            assert PrintSpool(ws).send(done.job.job_id).ok
            paper = read_paper(printer.wait_jobs(1)[0], ws.config.get("printer.profile"))
        flat = paper.text.replace("\n", "")
        assert "领取凭证" in paper.text
        assert REMARK in flat, paper.text
        if kind == "case.denied":
            assert DENIAL in flat, paper.text
