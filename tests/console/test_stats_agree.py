"""The window's statistics and the console's say the same of the same cases (issue 18: the window
counted a re-accept after 补正 as a second 受理 — 新案 7 · 受理 7 with 6 accepted cases — and its
近30天收件 counted decisions, while the console said 收件 7, 受理 6). One data set: a real
workstation decides cases as at the window (accepted, a 一次性告知 resumed and accepted, a
refusal, a 补正 from the back office accepted again), syncs them to a real hub process; the
window's view and the hub's county figures are compared number by number, and both with the
domain's definition applied to the hub's events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain import stats as rules
from app.services.cases import CaseService
from app.services.intake import DecisionInput, IntakeService
from app.services.stats import supervisor_view
from app.services.sync.cycle import run_cycle
from sync.hub import console_decisions as cd
from sync.hub import console_queries as cq
from sync.hub.schema import event_t
from sync.hub.stats_store import county_stats
from tests.hubs import OFFICE, WSID, make_workstation
from tests.services.test_intake import applicant, person_id

pytestmark = pytest.mark.slow  # a hub process

M = "320724-SCJG-0004"  # 企业注销登记, 市场监管局


def test_the_window_and_the_console_count_the_same_cases_the_same_way(tmp_path: Path, sqlite_hub):
    hub = sqlite_hub
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID))
    svc = IntakeService(ws)

    def draft(i: int, number: str | None = None, missing: bool = False):
        d = svc.resume(number) if number else svc.new_draft("matter", M)
        req = next(m.item.key for m in d.marks if m.item.required)
        d.marks = [
            replace(m, status="missing" if missing and m.item.key == req else "received") for m in d.marks
        ]
        if not number:
            d.applicant = applicant(id_number=person_id(f"3207241990030710{i}"), name=f"申请人{i}")
        return d

    accepted = [svc.decide(DecisionInput(draft(i), "accept")).number for i in range(4)]
    resumed = svc.decide(DecisionInput(draft(5, missing=True), "notify", "缺材料")).number
    svc.decide(DecisionInput(draft(5, resumed), "accept"))
    svc.decide(DecisionInput(draft(6), "refuse", "不属于本机关职权范围"))
    assert run_cycle(ws).ok
    # the back office asks for a 补正 of an accepted case; the applicant brings it; accepted again
    st = hub.store()
    try:
        sheet = cq.case_sheet(st, accepted[0])
        key = sheet.checklist[0]["key"]
        form = cd.DecisionForm("correction", sheet.version, "", ((key, "复印件模糊"),))
        cd.decide(st, user_name="王审批", departments=sheet.departments, number=accepted[0], form=form)
    finally:
        st.close()
    assert run_cycle(ws).ok
    assert CaseService(ws).get(accepted[0]).state == "correction"
    svc.decide(DecisionInput(draft(0, accepted[0]), "accept"))
    assert run_cycle(ws).ok

    today = ws.today()
    window = supervisor_view(ws, start=today, end=today).periods["range"]
    st = hub.store()
    try:
        county = county_stats(st, today, today, date.today())
        with st.ro() as c:
            rows = c.execute(select(event_t.c.case_number, event_t.c.kind).order_by(event_t.c.seq)).all()
    finally:
        st.close()
    ws.close()
    kinds: dict[str, list[str]] = {}
    for number, kind in rows:
        kinds.setdefault(number, []).append(kind)
    expected = rules.shared_figures(kinds.values())
    assert (expected.intake, expected.accepted) == (6, 5)  # six cases, five of them accepted
    # the same figures, number by number
    assert (window.totals.cases, county.total.intake) == (expected.intake, expected.intake)
    assert (window.totals.accepted, county.total.accepted) == (expected.accepted, expected.accepted)
    [matter] = [r for r in window.by["matter"] if r.key == f"matter:{M}"]
    assert (matter.counts.cases, matter.counts.accepted) == (
        county.by_matter[("matter", M)].intake,
        county.by_matter[("matter", M)].accepted,
    )
    # the window's daily 收件 counts cases, as the console's 每日收件 does
    assert dict(window.daily)[today] == county.by_day[today.isoformat()] == expected.intake
