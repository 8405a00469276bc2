"""County statistics for the console (§5), read from the hub's cases and events.

Definitions (also on the page and in the README):
* 收件 (intake): cases whose number's date (the day the window took them in) is in the period.
* 受理: of those, cases with a ``case.accepted`` event, once each (a re-accept after 补正 is the
  same case); 办结: with a ``case.completed`` event. 收件 and 受理 are app.domain.stats's shared
  figures, the window's statistics count them the same way (tests/console/test_stats_agree.py).
* 一次办结: a 办结 case that never went through 一次性告知 or 补正 (no ``case.notified`` and no
  ``case.correction_requested`` event). 一次办结率 = 一次办结 / 办结.
* 超期 (overdue): a case still 已受理 or 审批中 whose promised date (``due_date`` of its
  acceptance) is before today.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, exists, func, select

from app.domain import lifecycle
from app.domain import stats as figures
from app.domain.stats import Tally
from app.domain.workdays import working_days_between
from sync.hub.departments import departments, subject_departments
from sync.hub.schema import case_t, event_t
from sync.hub.store import HubStore

OPEN_STATES = (lifecycle.ACCEPTED, lifecycle.IN_REVIEW)
OVERDUE_PER_PAGE = 20  # the page lists the overdue, longest first, a page at a time; the total is counted


@dataclass
class CountyCounts(Tally):
    intake: int = 0
    accepted: int = 0
    completed: int = 0
    one_time: int = 0

    @property
    def one_time_rate(self) -> float | None:
        return self.one_time / self.completed if self.completed else None


@dataclass
class CountyStats:
    start: date
    end: date
    total: CountyCounts = field(default_factory=CountyCounts)
    by_office: dict[str, CountyCounts] = field(default_factory=dict)
    by_matter: dict[tuple[str, str], CountyCounts] = field(default_factory=dict)  # (kind, code) -> tally
    matter_names: dict[tuple[str, str], str] = field(default_factory=dict)
    by_department: dict[str, CountyCounts] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)
    by_day: dict[str, int] = field(default_factory=dict)  # "YYYY-MM-DD" -> intake
    overdue: list[dict] = field(default_factory=list)  # one page of the overdue, longest first
    overdue_total: int = 0
    overdue_page: int = 1
    overdue_per_page: int = OVERDUE_PER_PAGE

    @property
    def overdue_pages(self) -> int:
        return max(1, -(-self.overdue_total // self.overdue_per_page))


def _calendar(hub: HubStore):
    from app.domain.workdays import WorkCalendar, load_calendar

    cur = hub.current_document("calendar")
    return WorkCalendar.from_dict(cur[1]) if cur else load_calendar(None)


def _day_key(d: date) -> str:
    return d.strftime("%y%m%d")  # the date part of a case number


def county_stats(
    hub: HubStore,
    start: date,
    end: date,
    today: date,
    office: str = "",
    *,
    overdue_page: int = 1,
    overdue_per_page: int = OVERDUE_PER_PAGE,
) -> CountyStats:
    """The figures of the period; ``overdue`` is page ``overdue_page`` of the overdue cases
    (a page past the last shows the last)."""
    out = CountyStats(start, end, overdue_per_page=max(1, overdue_per_page))
    day = func.substr(case_t.c.number, 14, 6)  # OFFICE(9)-WS(2)-YYMMDD: characters 14..19
    conds = [day >= _day_key(start), day <= _day_key(end)]
    if office:
        conds.append(case_t.c.office == office)

    def has(*kinds: str):
        return exists().where(event_t.c.case_number == case_t.c.number, event_t.c.kind.in_(kinds))

    one = 1
    completed = has(lifecycle.EVENT_COMPLETED)
    q = (
        select(
            case_t.c.office,
            case_t.c.subject_kind,
            case_t.c.subject_code,
            func.max(case_t.c.subject_name),
            func.count(),
            func.sum(case((has(figures.ACCEPTED), one), else_=0)),  # cases, not acceptances
            func.sum(case((completed, one), else_=0)),
            func.sum(
                case(
                    (
                        and_(completed, ~has(lifecycle.EVENT_NOTIFIED, lifecycle.EVENT_CORRECTION_REQUESTED)),
                        one,
                    ),
                    else_=0,
                )
            ),
        )
        .where(*conds)
        .group_by(case_t.c.office, case_t.c.subject_kind, case_t.c.subject_code)
    )
    catalogue = hub.catalogue_obj()
    out.department_names = departments(catalogue)
    with hub.ro() as c:
        rows = c.execute(q).all()
        per_day = c.execute(select(day, func.count()).where(*conds).group_by(day)).all()
        overdue_rows = c.execute(
            select(
                case_t.c.number,
                case_t.c.office,
                case_t.c.subject_name,
                case_t.c.state,
                event_t.c.payload,
            )
            .join(
                event_t,
                and_(event_t.c.case_number == case_t.c.number, event_t.c.kind == lifecycle.EVENT_ACCEPTED),
            )
            .where(case_t.c.state.in_(OPEN_STATES), *([case_t.c.office == office] if office else []))
        ).all()
    depts_of: dict[tuple[str, str], tuple[str, ...]] = {}
    for office_code, kind, code, name, n, accepted, done, one_time in rows:
        tally = CountyCounts(int(n), int(accepted or 0), int(done or 0), int(one_time or 0))
        out.total.add(tally)
        out.by_office.setdefault(office_code, CountyCounts()).add(tally)
        out.by_matter.setdefault((kind, code), CountyCounts()).add(tally)
        out.matter_names[(kind, code)] = name or code
        if (kind, code) not in depts_of:
            depts_of[(kind, code)] = subject_departments(catalogue, kind, code) or ("",)
        for dept in depts_of[(kind, code)]:
            out.by_department.setdefault(dept, CountyCounts()).add(tally)
    for yymmdd, n in per_day:
        out.by_day[f"20{yymmdd[:2]}-{yymmdd[2:4]}-{yymmdd[4:6]}"] = int(n)
    due_by_case: dict[str, tuple[date, str, str, str]] = {}
    for number, office_code, name, state, payload in overdue_rows:
        try:
            due = date.fromisoformat(str(json.loads(payload).get("due_date", "")))
        except (ValueError, TypeError, AttributeError):
            continue
        # accepted again after a correction: the latest promise counts
        if number not in due_by_case or due > due_by_case[number][0]:
            due_by_case[number] = (due, office_code, name, state)
    cal = _calendar(hub)
    late = [(due, number) for number, (due, *_rest) in due_by_case.items() if due < today]
    out.overdue_total = len(late)
    out.overdue_page = max(1, min(overdue_page, out.overdue_pages))
    first = (out.overdue_page - 1) * out.overdue_per_page
    days_over: dict[date, int] = {}  # per promised date: a county has few, and thousands of cases
    for due, number in heapq.nsmallest(first + out.overdue_per_page, late)[first:]:
        if due not in days_over:
            days_over[due] = working_days_between(due, today, cal)
        _due, office_code, name, state = due_by_case[number]
        out.overdue.append(
            {
                "number": number,
                "office": office_code,
                "subject_name": name,
                "state": state,
                "due_date": due,
                "days": days_over[due],  # working days past the promise
            }
        )
    return out
