"""The supervisor's view: today's and a period's intake, rates, refusals, 超期预警, evaluation.

A plain service over the store: the counters that the trigger of migration 0009 keeps (a few
thousand rows a month whatever the number of cases) and the partial index of open cases by
promised date. The rules — what counts, how rates are formed — are app.domain.stats. The
window (Ctrl+R), `yichuang stats` and the tests call :func:`supervisor_view`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import text

from app.domain import stats as rules
from app.domain.stats import Counts
from app.messages import t
from app.services import evaluation as ev
from app.services.workstation import Workstation

WARNINGS_SHOWN = 20  # of each kind (overdue, due soon)
DIMENSIONS = ("matter", "department", "window", "clerk")

ACCEPTED_KIND = rules.ACCEPTED
assert ACCEPTED_KIND.replace(".", "").isalpha()  # written into SQL as a literal (_period)
_COUNTS = "sum(cases), sum(accepted), sum(notified), sum(refused), sum(tolerated), sum(first_visit)"


@dataclass
class Row:
    """One bar of a breakdown: a matter, department, window or clerk, with its counts."""

    key: str
    label: str
    counts: Counts = field(default_factory=Counts)

    def to_dict(self) -> dict:
        return {"key": self.key, "label": self.label, **self.counts.to_dict()}


@dataclass
class PeriodView:
    start: date
    end: date
    totals: Counts
    by: dict[str, list[Row]]  # DIMENSIONS -> rows, most decisions first
    refusals: list[tuple[str, int]]  # (reason, count), most first
    daily: list[tuple[date, int]]  # cases opened (收件) per day, every day of the period

    def to_dict(self) -> dict:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "totals": self.totals.to_dict(),
            "first_visit_rate": self.totals.first_visit_rate,
            "tolerated_share": self.totals.tolerated_share,
            "notices_per_case": self.totals.notices_per_case,
            **{f"by_{dim}": [r.to_dict() for r in rows] for dim, rows in self.by.items()},
            "refusals": [{"reason": r, "count": n} for r, n in self.refusals],
            "daily": [{"day": d.isoformat(), "cases": n} for d, n in self.daily],
        }


@dataclass(frozen=True)
class DeadlineCase:
    number: str
    subject: str
    state: str
    due_date: date
    provisional: bool
    days_left: int
    level: str  # overdue | today | soon

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "subject": self.subject,
            "state": self.state,
            "due_date": self.due_date.isoformat(),
            "due_provisional": self.provisional,
            "working_days_left": self.days_left,
            "level": self.level,
        }


@dataclass
class Deadlines:
    overdue: int
    due_today: int
    due_soon: int
    open_cases: int
    cases: list[DeadlineCase]  # the longest overdue, then the nearest due

    def to_dict(self) -> dict:
        return {
            "overdue": self.overdue,
            "due_today": self.due_today,
            "due_soon": self.due_soon,
            "open_cases": self.open_cases,
            "soon_working_days": rules.SOON_WORKING_DAYS,
            "cases": [w.to_dict() for w in self.cases],
        }


@dataclass
class SupervisorView:
    today: date
    periods: dict[str, PeriodView]  # "today", "month" (or "range" for --from/--to)
    trend: list[tuple[date, int]]  # cases opened (收件) per day, the last DAILY_DAYS days
    deadlines: Deadlines
    evaluation: dict | None  # app.services.evaluation.summary(...), None when not available

    def to_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "periods": {name: p.to_dict() for name, p in self.periods.items()},
            "trend": [{"day": d.isoformat(), "cases": n} for d, n in self.trend],
            "deadlines": self.deadlines.to_dict(),
            "evaluation": self.evaluation,
        }


def supervisor_view(
    ws: Workstation,
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
    warnings: int = WARNINGS_SHOWN,
) -> SupervisorView:
    """Everything the supervisor's screen shows. Without ``start``/``end``: today and this
    month (to today); with them: that period (inclusive) as ``range``."""
    today = today or ws.today()
    if start is not None or end is not None:
        first, last = start or rules.month_start(end or today), end or today
        spans = {"range": (first, last)}
    else:
        spans = {"today": (today, today), "month": (rules.month_start(today), today)}
    trend_from = today - timedelta(days=rules.DAILY_DAYS - 1)
    evaluation_span = spans.get("month") or spans["range"]
    with ws.store.read() as s:
        periods = {name: _period(s, ws, a, b) for name, (a, b) in spans.items()}
        trend = _daily(s, trend_from, today)
        deadlines = _deadlines(s, ws, today, warnings)
    return SupervisorView(today, periods, trend, deadlines, evaluation(ws, *evaluation_span))


def repeats_sql(keys: str) -> str:
    """The acceptances from `start` to `end` (local days) of cases accepted before, counted per
    `keys`: what the 受理 figure takes off (a case counts once).

    They come from their partial index (migration 0014_first), not a scan of every event: the
    kind is written out (SQLite matches an index's WHERE against the query's text, not against a
    parameter's value) and `at` (UTC) is bounded a day wider than the local days on either side."""
    return (
        f"SELECT {keys}, count(*), sum(c.tolerated_until IS NOT NULL) FROM case_event e"
        " JOIN case_record c ON c.id = e.case_id"
        f" WHERE e.kind = '{ACCEPTED_KIND}' AND e.at >= :lo AND e.at < :hi"
        " AND date(e.at, 'localtime') BETWEEN :a AND :b AND EXISTS ("
        "SELECT 1 FROM case_event p WHERE p.case_id = e.case_id AND p.kind = :acc AND p.id < e.id)"
        f" GROUP BY {keys}"
    )


def repeats_params(start: date, end: date) -> dict:
    return {
        "a": start,
        "b": end,
        "lo": (start - timedelta(days=1)).isoformat(),
        "hi": (end + timedelta(days=2)).isoformat(),
        "acc": rules.ACCEPTED,
    }


def _period(s, ws: Workstation, start: date, end: date) -> PeriodView:
    cat = ws.catalogue
    span = {"a": start, "b": end}

    def grouped(cols: str) -> list[tuple]:
        q = f"SELECT {cols}, {_COUNTS} FROM stats_intake WHERE day BETWEEN :a AND :b GROUP BY {cols}"
        return [tuple(r) for r in s.execute(text(q), span)]

    def counts(n) -> Counts:
        return Counts(*(int(x or 0) for x in n))

    by: dict[str, dict[str, Row]] = {dim: {} for dim in DIMENSIONS}

    def bump(dim: str, key: str, label: str, c: Counts) -> None:
        row = by[dim].get(key)
        if row is None:
            row = by[dim][key] = Row(key, label)
        row.counts.add(c)

    # 受理 counts cases (app.domain.stats): the counters count every acceptance, so a case accepted
    # again after a 补正 is taken off once per repeat, under the same keys as the counter
    repeats: dict[str, dict[tuple, tuple[int, int]]] = {}

    def repeated(cols: str) -> dict[tuple, tuple[int, int]]:
        if cols not in repeats:
            keys = ", ".join(f"c.{c.strip()}" if c.strip() != "actor" else "e.actor" for c in cols.split(","))
            rows = s.execute(text(repeats_sql(keys)), repeats_params(start, end))
            repeats[cols] = {tuple(r[:-2]): (int(r[-2]), int(r[-1] or 0)) for r in rows}
        return repeats[cols]

    def once(cols: str, key: tuple, n) -> Counts:
        c = counts(n)
        again, tolerated = repeated(cols).get(key, (0, 0))
        c.accepted -= again
        c.tolerated -= tolerated
        return c

    totals = Counts()
    unknown = t("stats.unknown_department")
    for kind, code, *n in grouped("subject_kind, subject_code"):
        c = once("subject_kind, subject_code", (kind, code), n)
        totals.add(c)
        bump("matter", f"{kind}:{code}", rules.subject_name(cat, kind, code) or code, c)
        for dept in rules.departments_of(cat, kind, code) or (unknown,):
            bump("department", dept, dept, c)
    for window, *n in grouped("window"):
        bump("window", window, window, once("window", (window,), n))
    for actor, *n in grouped("actor"):
        bump("clerk", actor, actor, once("actor", (actor,), n))
    refusals = [
        (str(reason), int(n))
        for reason, n in s.execute(
            text(
                "SELECT reason, sum(n) FROM stats_refusal WHERE day BETWEEN :a AND :b"
                " GROUP BY reason ORDER BY sum(n) DESC, reason"
            ),
            span,
        )
    ]
    ordered = {
        dim: sorted(rows.values(), key=lambda r: (-r.counts.decisions, r.label)) for dim, rows in by.items()
    }
    return PeriodView(start, end, totals, ordered, refusals, _daily(s, start, end))


def _daily(s, start: date, end: date) -> list[tuple[date, int]]:
    got = {
        date.fromisoformat(str(day)): int(n or 0)
        for day, n in s.execute(
            text(
                "SELECT day, sum(cases) FROM stats_intake"  # 收件: cases opened, as the console counts
                " WHERE day BETWEEN :a AND :b GROUP BY day"
            ),
            {"a": start, "b": end},
        )
    }
    return [
        (start + timedelta(days=i), got.get(start + timedelta(days=i), 0))
        for i in range((end - start).days + 1)
    ]


# Open cases are counted from stats_open_due (kept by triggers); the list reads the partial index
# ix_case_open_due in due-date order (named: without statistics the planner would take the state index).
_OPEN = "state IN ('accepted', 'in_review') AND due_date IS NOT NULL"
_LIST = f"SELECT number, subject_name, state, due_date, due_provisional FROM case_record INDEXED BY ix_case_open_due WHERE {_OPEN}"


def _deadlines(s, ws: Workstation, today: date, limit: int) -> Deadlines:
    cal = ws.calendar
    horizon = rules.soon_horizon(today, cal)

    def count(cond: str) -> int:
        q = f"SELECT coalesce(sum(n), 0) FROM stats_open_due WHERE {cond}"
        return int(s.execute(text(q), {"d": today, "h": horizon}).scalar())

    overdue = count("due_date < :d")
    due_today = count("due_date = :d")
    soon = count("due_date > :d AND due_date <= :h")
    total = count("1")
    rows = list(
        s.execute(text(f"{_LIST} AND due_date < :d ORDER BY due_date LIMIT :n"), {"d": today, "n": limit})
    ) + list(
        s.execute(
            text(f"{_LIST} AND due_date >= :d AND due_date <= :h ORDER BY due_date LIMIT :n"),
            {"d": today, "h": horizon, "n": limit},
        )
    )
    left_of: dict[date, int] = {}  # many cases share a promised date
    cases = []
    for number, subject, state, due, provisional in rows:
        due = due if isinstance(due, date) else date.fromisoformat(str(due))
        if due not in left_of:
            left_of[due] = rules.days_left(today, due, cal)
        left = left_of[due]
        cases.append(
            DeadlineCase(
                number, subject, state, due, bool(provisional), left, rules.deadline_level(left) or "soon"
            )
        )
    return Deadlines(overdue, due_today, soon, total, cases)


def evaluation(ws: Workstation, start: date, end: date) -> dict | None:
    """好差评 results and open follow-ups of the period, from the evaluation service (issue 8
    §4)."""
    return ev.summary(ws.store, start, end, today=ws.today())  # overdue by the window's clock


def evaluation_lines(summary: dict) -> list[tuple[str, str]]:
    """app.services.evaluation.summary() as (label, value) lines in the catalogue's words:
    ratings per level, 好评率 and declines, the 差评整改 follow-ups."""
    from app.domain import evaluation as rules

    levels = summary.get("levels") or {}
    per_level = "  ".join(f"{rules.level_label(k)} {levels.get(k, 0)}" for k in rules.LEVELS)
    rate = summary.get("satisfaction_rate")
    return [
        (t("stats.eval_total"), f"{summary.get('rated', 0)}  {per_level}"),
        (t("stats.eval_rate"), f"{rate:.1%}" if isinstance(rate, float) else "—"),
        (t("stats.eval_declined"), str(summary.get("declined", 0))),
        (
            t("stats.eval_followups"),
            t(
                "stats.eval_followup_counts",
                opened=summary.get("followups_opened", 0),
                open=summary.get("followups_open", 0),
                overdue=summary.get("followups_overdue", 0),
                closed=summary.get("followups_closed", 0),
            ),
        ),
    ]
