"""§5 County statistics, from cases real workstations synced to a real hub, checked against what
the hub's JSON API says about the same cases (computed here independently), in a real browser."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import httpx

from app.services.sync.cycle import run_cycle
from tests.browsers import login, shot
from tests.conftest import Clock
from tests.hubs import make_workstation
from tests.sync.helpers import case_events, number, push

NEW_OFFICE, OLD_OFFICE = "320724100", "320724101"


def api(hub, token: str, path: str, **params):
    r = httpx.get(hub.url + path, params=params, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    r.raise_for_status()
    return r.json()


def decide(hub, token: str, case: str, kind: str, **payload) -> None:
    r = httpx.post(
        f"{hub.url}/api/v1/cases/{case}/events",
        json={"kind": kind, "payload": payload},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert r.status_code == 201, r.text


def day_of(case_number: str) -> date:
    d = case_number.split("-")[2]
    return date(2000 + int(d[:2]), int(d[2:4]), int(d[4:6]))


def test_county_statistics_match_the_cases_at_the_hub(console_hub, page, tmp_path):
    console_hub.add_user("统计员")
    bo = console_hub.token("backoffice", name="县审批局")
    # an office whose cases are six weeks old (their promises long past), and one of this week
    old = make_workstation(
        tmp_path / "old",
        console_hub.url,
        console_hub.token("workstation", OLD_OFFICE, "01"),
        cases=8,
        office=OLD_OFFICE,
        clock=Clock(datetime.now() - timedelta(days=42)),
    )
    assert run_cycle(old).ok
    token_new = console_hub.token("workstation", NEW_OFFICE, "02")
    new = make_workstation(
        tmp_path / "new", console_hub.url, token_new, cases=12, office=NEW_OFFICE, wsid="02"
    )
    assert run_cycle(new).ok
    # a case that went through 一次性告知 before it was accepted (not completed at once)
    roundabout = number(901, NEW_OFFICE, "02", date.today())
    evs = case_events(roundabout, office=NEW_OFFICE, ws="02", decision="case.notified")
    evs[1]["p"]["state"] = "correction"
    again = dict(evs[1], id=str(uuid.uuid4()), kind="case.accepted", lc=3)
    again["p"] = dict(evs[1]["p"], state="accepted", due_date=(date.today() + timedelta(days=20)).isoformat())
    assert push(console_hub.url, token_new, evs + [again]).json()["ok"] == 3
    # the back office decides some of this week's cases
    listing = api(console_hub, bo, "/api/v1/cases", per_page=500)["items"]
    fresh = sorted(c["number"] for c in listing if c["office"] == NEW_OFFICE and c["state"] == "accepted")
    assert len(fresh) >= 4, fresh
    decide(console_hub, bo, fresh[0], "case.completed", result="准予许可")
    decide(console_hub, bo, fresh[1], "case.in_review")
    decide(console_hub, bo, fresh[1], "case.completed", result="准予许可")
    decide(console_hub, bo, fresh[2], "case.in_review")
    decide(console_hub, bo, roundabout, "case.completed", result="准予许可")

    # what the statistics should say, from the hub's own answers
    today = date.today()
    details = {
        c["number"]: api(console_hub, bo, f"/api/v1/cases/{c['number']}")
        for c in api(console_hub, bo, "/api/v1/cases", per_page=500)["items"]
    }

    def kinds(n):
        return {e["kind"] for e in details[n]["events"]}

    def expected(start: date):
        inside = [n for n in details if start <= day_of(n) <= today]
        done = [n for n in inside if "case.completed" in kinds(n)]
        at_once = [n for n in done if not kinds(n) & {"case.notified", "case.correction_requested"}]
        return {
            "intake": len(inside),
            "accepted": sum("case.accepted" in kinds(n) for n in inside),
            "completed": len(done),
            "one_time": len(at_once),
            "by_office": {o: sum(n.startswith(o) for n in inside) for o in (NEW_OFFICE, OLD_OFFICE)},
        }

    overdue = set()
    for n, d in details.items():
        if d["state"] in ("accepted", "in_review"):
            dues = [
                e["p"]["due_date"]
                for e in d["events"]
                if e["kind"] == "case.accepted" and e["p"].get("due_date")
            ]
            if dues and date.fromisoformat(max(dues)) < today:
                overdue.add(n)
    assert overdue, "six-week-old accepted cases are past their promise"

    login(page, console_hub, "统计员")
    page.click("header >> text=统计")
    page.wait_for_url("**/console/stats")
    want = expected(today - timedelta(days=29))  # the default period: the last 30 days
    assert want["by_office"][OLD_OFFICE] == 0 and want["completed"] == 3 and want["one_time"] == 2
    assert page.locator("#kpi-intake").inner_text() == str(want["intake"])
    assert page.locator("#kpi-accepted").inner_text() == str(want["accepted"])
    assert page.locator("#kpi-completed").inner_text() == "3"
    assert page.locator("#kpi-rate").inner_text() == "66.7%"
    assert page.locator("#kpi-overdue").inner_text() == str(len(overdue))
    assert {
        r.get_attribute("data-case") for r in page.locator("#table-overdue tr[data-case]").all()
    } == overdue

    # a longer period, chosen with the keyboard: the old office appears
    start = today - timedelta(days=60)
    page.fill("#from", start.isoformat())
    page.press("#from", "Enter")
    page.wait_for_url("**/console/stats?**")
    want = expected(start)
    assert want["by_office"][OLD_OFFICE] == 8
    for office, n in want["by_office"].items():
        row = page.locator(f"#table-office tr[data-key='{office}']")
        assert row.locator(".intake").inner_text() == str(n)
        bar = page.locator(f"#chart-office g.bar[data-label='{office}']")
        assert bar.get_attribute("data-value") == str(n)  # the chart draws the same figures
    assert page.locator("#kpi-intake").inner_text() == str(want["intake"])
    # per department: the departments of the subjects' matters; a bundle counts for each
    dept_rows = page.locator("#table-department tbody tr").all()
    assert dept_rows and sum(int(r.locator(".intake").inner_text()) for r in dept_rows) >= want["intake"]
    cg = page.locator("#table-department tr[data-key='320724-CG']")  # 城管局: the roundabout case's matter
    assert int(cg.locator(".completed").inner_text()) >= 1
    assert page.locator("#chart-day svg g.col").count() == 61
    shot(page, "stats")


def test_a_bad_period_is_refused_with_a_message(console_hub, page):
    console_hub.add_user("统计员")
    login(page, console_hub, "统计员")
    page.goto(console_hub.console("/stats?from=2026-13-01"))
    assert page.locator("#form-error").inner_text() == "日期格式应为 年-月-日"
    page.goto(console_hub.console("/stats?from=2026-11-20&to=2026-11-01"))
    assert page.locator("#form-error").inner_text() == "开始日期晚于结束日期"
    page.goto(console_hub.console("/stats?to=9999-12-31"))  # was a 500 (a date overflow)
    assert page.locator("#form-error").inner_text() == "统计期间不能晚于今天，已改为截至今天"
    page.goto(console_hub.console("/stats?from=0001-01-01&to=9999-12-31"))
    assert page.locator("#form-error").inner_text() == "统计范围最长 1098 天，已截短"
    page.goto(console_hub.console("/stats?from=9999-12-31&to=9999-12-31"))
    assert page.locator("#form-error").inner_text() == "开始日期晚于结束日期"
