"""The supervisor's figures against values counted by hand from a seeded set of cases.

Every case is decided through the intake service (as at the window), on chosen days, by
chosen clerks at chosen windows; the expected numbers below are worked out from that list,
not computed by the code under test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime

import pytest

from app.services.intake import DecisionInput, IntakeService
from app.services.stats import supervisor_view
from tests.services.test_intake import applicant, person_id

BUNDLE = "320724-YJS-001"  # 开餐馆: 7 matters of 7 departments, promised 5 working days
M = "320724-SCJG-0004"  # 企业注销登记, 市场监管局, promised 3
T = "320724-SCJG-0003"  # 企业变更登记, 市场监管局, promised 1, articles_amendment tolerable
R = "320724-SW-0003"  # 个人所得税纳税记录开具, 税务局
Z = "320724-WJ-0004"  # 生育登记服务, 卫健委, promised 0 (即办)
NOT_OURS = "不属于本机关职权范围"
NOT_COMPLETE = "申请材料不齐全且无法补正"


def pid(i: int) -> str:
    return person_id(f"3207241990030710{i}")


class Window:
    """Decide as a clerk at a window on a given day, through the intake service."""

    def __init__(self, ws, clock) -> None:
        self.ws, self.clock, self.svc = ws, clock, IntakeService(ws)

    def at(self, day: str, clerk: str, window: str = "W1", hour: int = 10) -> Window:
        self.clock.value = datetime.fromisoformat(day).replace(hour=hour)
        self.ws.config.set("workstation.clerk", clerk)
        self.ws.config.set("workstation.window", window)
        return self

    def draft(self, who: int, kind: str, code: str, status: dict | None = None, number: str | None = None):
        d = self.svc.resume(number) if number else self.svc.new_draft(kind, code)
        status = status or {}
        d.marks = [replace(m, status=status.get(m.item.key, "received")) for m in d.marks]
        if not number:
            d.applicant = applicant(id_number=pid(who), name=f"申请人{who}")
        return d

    def accept(self, who: int, kind: str, code: str, **kw) -> str:
        return self.svc.decide(DecisionInput(self.draft(who, kind, code, **kw), "accept")).number

    def notify(self, who: int, kind: str, code: str) -> str:
        draft = self.draft(who, kind, code)
        key = next(m.item.key for m in draft.marks if m.item.required)
        draft.marks = [replace(m, status="missing") if m.item.key == key else m for m in draft.marks]
        return self.svc.decide(DecisionInput(draft, "notify")).number

    def refuse(self, who: int, kind: str, code: str, reason: str) -> str:
        return self.svc.decide(DecisionInput(self.draft(who, kind, code), "refuse", reason)).number


@pytest.fixture
def seeded(ws, clock):
    """The cases of the module docstring's list (see each line); today is Friday 2026-11-20."""
    w = Window(ws, clock)
    n = {}
    n["a"] = w.at("2026-07-01", "甲").notify(8, "matter", M)  # July: a notice that stays open
    n["b"] = w.at("2026-10-30", "甲").accept(7, "matter", Z)  # October, 即办: due 10-30
    n[1] = w.at("2026-11-02", "甲").accept(1, "bundle", BUNDLE)  # first visit; due 11-09
    n[2] = w.at("2026-11-03", "甲").notify(2, "matter", M)
    n[3] = w.at("2026-11-05", "乙").accept(2, "matter", M, number=n[2])  # resumed: not first; due 11-10
    n[4] = w.at("2026-11-10", "乙").notify(3, "bundle", BUNDLE)  # stays in 补正
    n[5] = w.at("2026-11-12", "乙").accept(
        3, "bundle", BUNDLE
    )  # a new case after a notice: not first; due 11-19
    n[6] = w.at("2026-11-13", "乙").accept(1, "bundle", BUNDLE)  # P1 again, never notified: first; due 11-20
    n[7] = w.at("2026-11-16", "甲").accept(
        8, "matter", M
    )  # notice of 07-01 is > 90 days old: first; due 11-19
    n[8] = w.at("2026-11-20", "甲", hour=9).accept(4, "matter", T, status={"articles_amendment": "tolerated"})
    n[9] = w.at("2026-11-20", "甲", hour=9).refuse(5, "matter", R, NOT_OURS)
    n[10] = w.at("2026-11-20", "乙", "W2", hour=9).refuse(6, "matter", R, NOT_OURS)
    n[11] = w.at("2026-11-20", "甲", hour=9).refuse(9, "matter", R, NOT_COMPLETE)
    clock.value = datetime(2026, 11, 20, 11, 0)
    assert n[3] == n[2]  # the resumed case kept its number
    return n


def by(rows) -> dict:
    return {
        r.label: (r.counts.decisions, r.counts.accepted, r.counts.notified, r.counts.refused) for r in rows
    }


def test_month_and_today_against_hand_counts(ws, seeded):
    view = supervisor_view(ws)
    month, today = view.periods["month"], view.periods["today"]
    assert (month.start, month.end) == (date(2026, 11, 1), date(2026, 11, 20))
    c = month.totals
    # cases 1,2,4,5,6,7,8,9,10,11 opened; 1,3,5,6,7,8 accepted; 2,4 notified; 9,10,11 refused
    assert (c.cases, c.accepted, c.notified, c.refused, c.tolerated, c.first_visit) == (10, 6, 2, 3, 1, 4)
    assert c.first_visit_rate == round(4 / 6, 4)  # 1, 6, 7, 8 at the first visit
    assert c.tolerated_share == round(1 / 6, 4)
    assert c.notices_per_case == 0.2
    d = today.totals
    assert (d.cases, d.accepted, d.notified, d.refused, d.tolerated, d.first_visit) == (4, 1, 0, 3, 1, 1)
    assert d.first_visit_rate == 1.0 and d.notices_per_case == 0.0

    assert by(month.by["clerk"]) == {"甲": (6, 3, 1, 2), "乙": (5, 3, 1, 1)}
    assert by(month.by["window"]) == {"W1": (10, 6, 2, 2), "W2": (1, 0, 0, 1)}
    assert by(month.by["matter"]) == {
        "开餐馆": (4, 3, 1, 0),
        "企业注销登记": (3, 2, 1, 0),
        "企业变更登记": (1, 1, 0, 0),
        "个人所得税纳税记录开具": (3, 0, 0, 3),
    }
    assert [r.label for r in month.by["matter"]] == [
        "开餐馆",
        "个人所得税纳税记录开具",
        "企业注销登记",
        "企业变更登记",
    ]
    depts = by(month.by["department"])
    # a bundle counts for each department it involves: 开餐馆 (4) + 注销 (3) + 变更 (1) at 市场监管局
    assert depts["市场监管局"] == (8, 6, 2, 0)
    assert depts["税务局"] == (7, 3, 1, 3)
    assert depts["行政审批局"] == depts["消防救援大队"] == (4, 3, 1, 0)
    assert "卫健委" not in depts  # October's case is not this month's
    assert month.refusals == [(NOT_OURS, 2), (NOT_COMPLETE, 1)]
    assert today.refusals == month.refusals
    daily = dict(month.daily)
    assert len(daily) == 20 and daily[date(2026, 11, 20)] == 4 and daily[date(2026, 11, 4)] == 0
    assert sum(daily.values()) == 10  # 收件 counts cases opened: 3 is case 2 resumed (issue 18)
    assert [n for _, n in view.trend][-1] == 4 and len(view.trend) == 30


def test_deadlines_with_working_days_left(ws, seeded):
    d = supervisor_view(ws).deadlines
    # open (accepted): b due 10-30, 1 due 11-09, 3 due 11-10, 5 and 7 due 11-19, 6 due 11-20, 8 due 11-23
    assert (d.overdue, d.due_today, d.due_soon, d.open_cases) == (5, 1, 1, 7)
    got = [(w.number, w.due_date.isoformat(), w.days_left, w.level) for w in d.cases]
    n = seeded
    assert got[:3] == [
        (n["b"], "2026-10-30", -15, "overdue"),
        (n[1], "2026-11-09", -9, "overdue"),
        (n[3], "2026-11-10", -8, "overdue"),
    ]
    assert sorted(got[3:5]) == sorted(
        [(n[5], "2026-11-19", -1, "overdue"), (n[7], "2026-11-19", -1, "overdue")]
    )
    assert got[5:] == [(n[6], "2026-11-20", 0, "today"), (n[8], "2026-11-23", 1, "soon")]


def test_a_period_of_the_cli_options(ws, seeded):
    view = supervisor_view(ws, start=date(2026, 7, 1), end=date(2026, 10, 31))
    assert list(view.periods) == ["range"]
    c = view.periods["range"].totals
    assert (c.cases, c.accepted, c.notified, c.first_visit) == (2, 1, 1, 1)


def test_cli_stats_json_and_bad_dates(ws, seeded, data_dir):
    ws.close()  # the CLI opens the store itself
    from tests.services.test_cli import run

    r = run(data_dir, "stats", "--json", "--from", "2026-11-01", "--to", "2026-11-20")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)["periods"]["range"]
    assert out["totals"]["accepted"] == 6 and out["first_visit_rate"] == round(4 / 6, 4)
    assert out["refusals"][0] == {"reason": NOT_OURS, "count": 2}
    r = run(data_dir, "stats", "--from", "2026-11-20", "--to", "2026-11-01")
    assert r.returncode == 1 and "早于" in r.stderr
    r = run(data_dir, "stats", "--from", "2026-13-01")
    assert r.returncode == 1 and "YYYY-MM-DD" in r.stderr


def test_counters_of_an_existing_store_are_built_by_the_migration(ws, seeded, data_dir):
    """An older store (no counters) migrated from 0008 to 0009 counts what it already holds, like the trigger."""
    import sqlite3

    ws.close()
    db = data_dir / "yichuang.db"
    con = sqlite3.connect(db)
    tables = ("stats_intake", "stats_refusal", "stats_open_due")
    before = {name: sorted(con.execute(f"SELECT * FROM {name}").fetchall()) for name in tables}
    for kind, name in con.execute("SELECT type, name FROM sqlite_master WHERE name LIKE 'stats%'").fetchall():
        if kind == "trigger":
            con.execute(f"DROP TRIGGER {name}")
    for name in tables:
        con.execute(f"DROP TABLE {name}")
    con.execute("DROP INDEX ix_case_open_due")
    con.execute("DELETE FROM alembic_version")
    con.execute("INSERT INTO alembic_version VALUES ('0008')")  # the revision before 0009
    con.execute("PRAGMA user_version = 8")
    con.commit()
    con.close()
    subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "stats"], check=True, capture_output=True
    )
    con = sqlite3.connect(db)
    assert {name: sorted(con.execute(f"SELECT * FROM {name}").fetchall()) for name in tables} == before
    assert len(before["stats_intake"]) > 5 and len(before["stats_open_due"]) == 6
