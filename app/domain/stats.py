"""The supervisor's figures: what is counted, how rates are formed, which cases are at risk.

Pure rules (no I/O). The counting itself happens where each event is written (the trigger of
migration 0009 keeps the counters ``stats_intake``/``stats_refusal``); app.services.stats reads
them and forms the figures with these rules. Definitions (also in the README):

* **intake** of a period: the window's decisions made on its days — 受理 (accepted), 一次性告知
  (notified) and 不予受理 (refused) — and the cases opened (a case opens with its first decision;
  a case resumed after a notice is the same case, decided again);
* **一次办结率** (first-visit acceptance rate): acceptances at the applicant's first visit ÷
  acceptances. An acceptance is *not* at the first visit when the applicant was sent away
  before it: the case had a 一次性告知 or a 补正 request earlier, or another case of the same
  applicant (kind + ID number) for the same matter or bundle got a 一次性告知 within
  ``RETURN_DAYS`` calendar days before and was never accepted (the clerk opened a new case
  instead of resuming the old one);
* **容缺 share**: acceptances with at least one tolerated (容缺) material ÷ acceptances;
* **notices per case**: 一次性告知 notices issued ÷ cases opened in the period;
* **超期预警**: cases whose promised clock runs (受理, 审批中; 补正 pauses it) with their working
  days left until the promised date: negative is overdue, 0 is due today, up to
  ``SOON_WORKING_DAYS`` is due soon.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from app.domain.workdays import WorkCalendar, add_working_days, working_days_between
from app.messages import t

RETURN_DAYS = 90  # the same number is frozen in migrations/versions/0009_stats.py

# --- the figures the window and the county console share (issue 18) ----------------------------
# One definition, used by the window's statistics (app.services.stats, over the counters of
# migration 0009) and by the hub's county figures (sync.hub.stats_store):
# * 收件 (intake): cases, counted once, on the day the case was opened (its first decision at the
#   window; the date in its number);
# * 受理 (accepted): cases accepted, counted once: a case accepted again after a 补正 (or resumed
#   after a 一次性告知 and then accepted) is one 受理, on the day of its first acceptance.
OPENED = "case.created"
ACCEPTED = "case.accepted"


def counts_as_acceptance(earlier_kinds: Iterable[str]) -> bool:
    """Whether an acceptance counts as 受理: only the case's first (``earlier_kinds``: the kinds
    of the case's events before it)."""
    return ACCEPTED not in earlier_kinds


@dataclass
class SharedFigures:
    intake: int = 0
    accepted: int = 0


def shared_figures(cases: Iterable[Sequence[str]]) -> SharedFigures:
    """The figures of a set of cases, each given by its events' kinds in order: the definition
    both views are checked against."""
    out = SharedFigures()
    for kinds in cases:
        opened = OPENED in kinds
        out.intake += opened
        out.accepted += opened and any(
            k == ACCEPTED and counts_as_acceptance(kinds[:i]) for i, k in enumerate(kinds)
        )
    return out


SOON_WORKING_DAYS = 3
DAILY_DAYS = 30  # the sparkline's span


@dataclass
class Tally:
    """Counters that add up field by field: a period's, an office's, a matter's (the window's
    Counts and the hub's county figures, sync.hub.stats_store.CountyCounts)."""

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Counts(Tally):
    cases: int = 0
    accepted: int = 0
    notified: int = 0
    refused: int = 0
    tolerated: int = 0
    first_visit: int = 0

    @property
    def decisions(self) -> int:
        return self.accepted + self.notified + self.refused

    @property
    def first_visit_rate(self) -> float | None:
        return ratio(self.first_visit, self.accepted)

    @property
    def tolerated_share(self) -> float | None:
        return ratio(self.tolerated, self.accepted)

    @property
    def notices_per_case(self) -> float | None:
        return ratio(self.notified, self.cases)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"decisions": self.decisions}


def ratio(part: int, whole: int) -> float | None:
    """part / whole, rounded to 4 places; None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def month_start(day: date) -> date:
    return day.replace(day=1)


LEVELS = ("overdue", "today", "soon")


class PeriodError(ValueError):
    """A bad --from/--to (the message says what)."""


def parse_period(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """--from/--to as typed (YYYY-MM-DD): a missing end is today, a missing start the first of
    the end's month. Raises PeriodError for a bad date or an end before the start."""

    def one(text: str) -> date:
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise PeriodError(t("stats.bad_date", value=text)) from None

    last = one(end) if end else today
    first = one(start) if start else month_start(last)
    if last < first:
        raise PeriodError(t("stats.bad_period", start=first.isoformat(), end=last.isoformat()))
    return first, last


def departments_of(catalogue: Any, kind: str, code: str) -> tuple[str, ...]:
    """The departments a matter or bundle involves (a bundle: each of its matters'); () when the
    active catalogue no longer has it."""
    try:
        if kind == "bundle":
            return tuple(dict.fromkeys(m.department for m in catalogue.bundle_matters(code)))
        return (catalogue.matter(code).department,)
    except KeyError:
        return ()


def subject_name(catalogue: Any, kind: str, code: str) -> str | None:
    try:
        name: str = catalogue.bundle(code).name if kind == "bundle" else catalogue.matter(code).name
        return name
    except KeyError:
        return None


def soon_horizon(today: date, cal: WorkCalendar) -> date:
    """The last day that is still "due soon": SOON_WORKING_DAYS working days after today."""
    return add_working_days(today, SOON_WORKING_DAYS, cal).date


def days_left(today: date, due: date, cal: WorkCalendar) -> int:
    """Working days from today to the promised date: 0 due today, negative overdue."""
    return working_days_between(today, due, cal)


def deadline_level(left: int) -> str | None:
    """overdue | today | soon, or None when the date is further off."""
    if left < 0:
        return "overdue"
    if left == 0:
        return "today"
    if left <= SOON_WORKING_DAYS:
        return "soon"
    return None
