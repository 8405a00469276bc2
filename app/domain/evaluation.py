"""好差评: the five levels, their standard reasons, and the follow-up (差评整改) rules.

Plain rules shared by the window, the counter terminal, the CLI and the hub (which checks the
payloads it is sent with :func:`payload_problem`). No I/O here.

* A rating is given after a stage of a case: its acceptance (受理) or its handover (出件).
  One rating per case and stage; an applicant may decline (recorded as such), and a declined
  slot may still be rated later. A given rating is never changed.
* 不满意 and 非常不满意 open a follow-up that a supervisor must close with a note within
  ``followup_days`` working days (the due date is that working day after the rating's day,
  app.domain.workdays); an open follow-up after its due date is overdue.
* 好评率 (satisfaction rate) is the share of 非常满意, 满意 and 基本满意 among the ratings
  given (declines are not ratings).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from app.domain import lifecycle
from app.domain.workdays import WorkCalendar, add_working_days, working_days_between
from app.messages import t

# The levels, best first: the rating screen shows them in this order under the keys 1-5.
VERY_SATISFIED: Final = "very_satisfied"  # 非常满意
SATISFIED: Final = "satisfied"  # 满意
BASICALLY_SATISFIED: Final = "basically_satisfied"  # 基本满意
DISSATISFIED: Final = "dissatisfied"  # 不满意
VERY_DISSATISFIED: Final = "very_dissatisfied"  # 非常不满意
LEVELS: Final = (VERY_SATISFIED, SATISFIED, BASICALLY_SATISFIED, DISSATISFIED, VERY_DISSATISFIED)
GOOD: Final = frozenset({VERY_SATISFIED, SATISFIED, BASICALLY_SATISFIED})  # 好评
FOLLOW_UP: Final = frozenset({DISSATISFIED, VERY_DISSATISFIED})  # 差评: opens a 差评整改
SCORE: Final[Mapping[str, int]] = {level: 5 - i for i, level in enumerate(LEVELS)}

LEVEL_KEYS: Final[Mapping[str, str]] = {
    VERY_SATISFIED: "evaluation.level_very_satisfied",
    SATISFIED: "evaluation.level_satisfied",
    BASICALLY_SATISFIED: "evaluation.level_basically_satisfied",
    DISSATISFIED: "evaluation.level_dissatisfied",
    VERY_DISSATISFIED: "evaluation.level_very_dissatisfied",
}

# Standard reasons: a short list per level (positive ones for good ratings, the usual
# complaints for bad ones), chosen with number keys; free text may be added to any level.
REASON_KEYS: Final[Mapping[str, str]] = {
    "friendly": "evaluation.reason_friendly",
    "efficient": "evaluation.reason_efficient",
    "clear": "evaluation.reason_clear",
    "one_trip": "evaluation.reason_one_trip",
    "short_wait": "evaluation.reason_short_wait",
    "wait_long": "evaluation.reason_wait_long",
    "unclear": "evaluation.reason_unclear",
    "attitude": "evaluation.reason_attitude",
    "slow": "evaluation.reason_slow",
    "many_trips": "evaluation.reason_many_trips",
    "too_many_materials": "evaluation.reason_too_many_materials",
}
_GOOD_REASONS = ("friendly", "efficient", "clear", "one_trip", "short_wait")
_BAD_REASONS = ("attitude", "slow", "unclear", "many_trips", "too_many_materials", "wait_long")
REASONS: Final[Mapping[str, tuple[str, ...]]] = {
    VERY_SATISFIED: _GOOD_REASONS,
    SATISFIED: _GOOD_REASONS,
    BASICALLY_SATISFIED: ("wait_long", "unclear", "slow", "many_trips"),
    DISSATISFIED: _BAD_REASONS,
    VERY_DISSATISFIED: _BAD_REASONS,
}
MAX_COMMENT = 200
MAX_NOTE = 1000

# The stages a rating follows: the case event that ended the applicant's visit.
ACCEPTANCE: Final = "accepted"  # 受理
HANDOVER: Final = "delivered"  # 出件
STAGES: Final = (ACCEPTANCE, HANDOVER)
STAGE_KEYS: Final[Mapping[str, str]] = {
    ACCEPTANCE: "evaluation.stage_accepted",
    HANDOVER: "evaluation.stage_delivered",
}
STAGE_EVENT: Final[Mapping[str, str]] = {
    ACCEPTANCE: lifecycle.EVENT_ACCEPTED,
    HANDOVER: lifecycle.EVENT_DELIVERED,
}

# Why there is no rating: the applicant said no, or left the counter terminal unanswered.
DECLINED: Final = "declined"
NO_ANSWER: Final = "no_answer"
DECLINE_HOW: Final = (DECLINED, NO_ANSWER)
SOURCES: Final = ("window", "counter")

DEFAULT_FOLLOWUP_DAYS: Final = 5


def level_label(level: str) -> str:
    key = LEVEL_KEYS.get(level)
    return t(key) if key else level


def reason_label(code: str) -> str:
    key = REASON_KEYS.get(code)
    return t(key) if key else code


def stage_label(stage: str) -> str:
    key = STAGE_KEYS.get(stage)
    return t(key) if key else stage


def level_for_key(key: str) -> str | None:
    """The level chosen with key '1'..'5' (1 = 非常满意), or None."""
    if len(key) == 1 and "1" <= key <= str(len(LEVELS)):
        return LEVELS[int(key) - 1]
    return None


def opens_followup(level: str) -> bool:
    return level in FOLLOW_UP


def is_good(level: str) -> bool:
    return level in GOOD


class RatingError(ValueError):
    """A rating that cannot be recorded; the message is for the user."""


@dataclass(frozen=True)
class Rating:
    level: str
    reasons: tuple[str, ...] = ()
    comment: str = ""


def check_rating(level: str, reasons: Iterable[str] = (), comment: str = "") -> Rating:
    """The rating, cleaned, or RatingError: a known level, reasons of that level, a short text."""
    from app.domain.text import FieldError, clean_text

    if level not in LEVELS:
        raise RatingError(t("evaluation.bad_level", level=level))
    chosen: list[str] = []
    for code in reasons:
        if code not in REASONS[level]:
            raise RatingError(t("evaluation.bad_reason", reason=code, level=level_label(level)))
        if code not in chosen:
            chosen.append(code)
    try:
        text = clean_text(comment or "", t("evaluation.comment"), required=False, max_len=MAX_COMMENT)
    except FieldError as exc:
        raise RatingError(exc.message) from None
    return Rating(level, tuple(chosen), text)


def check_note(note: str) -> str:
    """A follow-up's closing note: required, plain text (RatingError otherwise)."""
    from app.domain.text import FieldError, clean_text

    try:
        return clean_text(note or "", t("followup.note"), required=True, max_len=MAX_NOTE, multiline=True)
    except FieldError as exc:
        raise RatingError(exc.message) from None


# --- follow-ups ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Due:
    date: date
    provisional: bool  # counted past the calendar's announced years (推定)


def followup_due(rated_on: date, days: int, cal: WorkCalendar) -> Due:
    """The day a follow-up must be closed by: the ``days``-th working day after the rating."""
    d = add_working_days(rated_on, max(int(days), 1), cal)
    return Due(d.date, d.provisional)


def is_overdue(due: date, today: date, closed: bool) -> bool:
    return not closed and today > due


def working_days_left(due: date, today: date, cal: WorkCalendar) -> int:
    """Working days from today to the due date (0 on the day, negative once overdue)."""
    return working_days_between(today, due, cal)


# --- counts -----------------------------------------------------------------------------------
def satisfaction_rate(counts: Mapping[str, int]) -> float | None:
    """好评率: good ratings over all ratings given (None when there is none)."""
    rated = sum(counts.get(level, 0) for level in LEVELS)
    if not rated:
        return None
    return sum(counts.get(level, 0) for level in GOOD) / rated


# --- payloads (the hub checks what it is sent) ------------------------------------------------------
# complexity: one check per payload field, in the order a reader expects
def payload_problem(kind: str, p: Mapping[str, Any]) -> str:  # noqa: C901
    """Why an evaluation event's payload is not acceptable ("" when it is)."""
    stage = p.get("stage")
    if kind in (lifecycle.EVENT_EVALUATION_RATED, lifecycle.EVENT_EVALUATION_DECLINED):
        if stage not in STAGES:
            return f"{kind} needs stage {' or '.join(STAGES)}"
    if kind == lifecycle.EVENT_EVALUATION_RATED:
        if p.get("level") not in LEVELS:
            return f"{kind} needs a level of {', '.join(LEVELS)}"
        reasons = p.get("reasons", [])
        if not isinstance(reasons, list) or any(r not in REASONS[p["level"]] for r in reasons):
            return f"{kind}: reasons must be among those of level {p['level']}"
        if not isinstance(p.get("comment", ""), str) or len(p.get("comment", "")) > MAX_COMMENT:
            return f"{kind}: comment must be text of at most {MAX_COMMENT} characters"
    elif kind == lifecycle.EVENT_EVALUATION_DECLINED:
        if p.get("how") not in DECLINE_HOW:
            return f"{kind} needs how {' or '.join(DECLINE_HOW)}"
    elif kind == lifecycle.EVENT_FOLLOWUP_OPENED:
        if not isinstance(p.get("followup"), str) or not p["followup"]:
            return f"{kind} needs the follow-up's id"
        if p.get("level") not in FOLLOW_UP:
            return f"{kind} is opened only by {' or '.join(sorted(FOLLOW_UP))}"
        try:
            date.fromisoformat(str(p.get("due")))
        except ValueError:
            return f"{kind} needs a due date (YYYY-MM-DD)"
    elif kind == lifecycle.EVENT_FOLLOWUP_CLOSED:
        if not isinstance(p.get("followup"), str) or not p["followup"]:
            return f"{kind} needs the follow-up's id"
        note = p.get("note")
        if not isinstance(note, str) or not note.strip() or len(note) > MAX_NOTE:
            return f"{kind} needs a note of 1..{MAX_NOTE} characters"
    return ""


def event_summary(kind: str, p: Mapping[str, Any]) -> str:
    """One line about an evaluation event, for timelines (plain text: it quotes the applicant)."""
    if kind == lifecycle.EVENT_EVALUATION_RATED:
        reasons = "、".join(reason_label(str(c)) for c in p.get("reasons") or [])
        text = " ".join(
            x for x in (level_label(str(p.get("level", ""))), reasons, str(p.get("comment") or "")) if x
        )
        return f"{stage_label(str(p.get('stage', '')))}：{text}"
    if kind == lifecycle.EVENT_EVALUATION_DECLINED:
        key = "evaluation.no_answer" if p.get("how") == NO_ANSWER else "evaluation.declined"
        return f"{stage_label(str(p.get('stage', '')))}：{t(key)}"
    if kind == lifecycle.EVENT_FOLLOWUP_OPENED:
        return t("followup.due_on", due=str(p.get("due", "")))
    if kind == lifecycle.EVENT_FOLLOWUP_CLOSED:
        return str(p.get("note", ""))
    return ""
