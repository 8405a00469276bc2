"""好差评: record ratings and declines, open and close 差评整改 follow-ups, pair with the counter.

Every rating (or decline) writes its row, its ``evaluation.*`` case event and, for 不满意 or
worse, the follow-up and its ``followup.opened`` event in one transaction; closing a follow-up
writes its note and ``followup.closed``. Sync carries the events to the hub like any other.

The counter terminal (`yichuang evaluate`) is a second process on the same data dir: the window
asks by adding a row to ``evaluation_request``; the terminal, which keeps a heartbeat in
``evaluation_terminal``, polls for the oldest waiting request, shows it to the applicant and
records the answer through the same functions. SQLite's locking (BEGIN IMMEDIATE, busy
timeout) is the only coordination needed between the two.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from app.domain import evaluation as rules
from app.domain import lifecycle
from app.messages import t
from app.services.courier import canonical_case
from app.services.sync.outbox import refresh_case
from app.services.sync.window_events import new_event
from app.services.workstation import Workstation
from app.store import audit
from app.store.evaluation_models import (
    EvaluationFollowup,
    EvaluationRating,
    EvaluationRequest,
    EvaluationTerminal,
)
from app.store.models import Case, CaseEvent

COUNTER = "counter"
HEARTBEAT_EVERY = 2.0  # seconds between the counter terminal's heartbeats
HEARTBEAT_FRESH = 10.0  # a heartbeat older than this: no counter terminal is listening


class EvaluationRefused(ValueError):
    """A rating, decline or closing that cannot be recorded; the message is for the user."""


@dataclass(frozen=True)
class Recorded:
    rating: EvaluationRating
    followup: EvaluationFollowup | None = None


# --- what is rated ---------------------------------------------------------------------------------
def _case(s, number: str) -> Case:
    case = s.execute(select(Case).where(Case.number == canonical_case(number))).scalars().first()
    if case is None:
        raise EvaluationRefused(t("case.not_found", number=number))
    return case


def _has_event(s, case: Case, kind: str) -> bool:
    q = select(CaseEvent.id).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind).limit(1)
    return s.execute(q).first() is not None


def stage_of(ws: Workstation, number: str) -> str:
    """The stage a rating of this case would follow now: its handover once it was handed out,
    else its acceptance; EvaluationRefused when it was neither (a notice, a refusal)."""
    with ws.store.read() as s:
        case = _case(s, number)
        if _has_event(s, case, lifecycle.EVENT_DELIVERED):
            return rules.HANDOVER
        if _has_event(s, case, lifecycle.EVENT_ACCEPTED):
            return rules.ACCEPTANCE
    raise EvaluationRefused(t("evaluation.not_rateable", number=case.number))


def last_case(ws: Workstation) -> tuple[str, str] | None:
    """(number, stage) of the last case this window accepted or handed out, or None."""
    kinds = {lifecycle.EVENT_ACCEPTED: rules.ACCEPTANCE, lifecycle.EVENT_DELIVERED: rules.HANDOVER}
    with ws.store.read() as s:
        row = s.execute(
            select(CaseEvent.case_number, CaseEvent.kind)
            .where(CaseEvent.kind.in_(tuple(kinds)), CaseEvent.workstation_id == ws.workstation_id)
            .order_by(CaseEvent.id.desc())
            .limit(1)
        ).first()
    return (row[0], kinds[row[1]]) if row is not None else None


def rating_of(ws: Workstation, number: str, stage: str) -> EvaluationRating | None:
    with ws.store.read() as s:
        return (
            s.execute(
                select(EvaluationRating).where(
                    EvaluationRating.case_number == number, EvaluationRating.stage == stage
                )
            )
            .scalars()
            .first()
        )


# --- recording -------------------------------------------------------------------------------------
def _slot(s, case: Case, stage: str) -> EvaluationRating | None:
    """The case's rating row for `stage`: None (free), a decline (may still be rated), or
    EvaluationRefused when it was rated already (a rating is never changed)."""
    if stage not in rules.STAGES:
        raise EvaluationRefused(t("evaluation.bad_stage", stage=stage))
    if not _has_event(s, case, rules.STAGE_EVENT[stage]):
        raise EvaluationRefused(t("evaluation.not_rateable", number=case.number))
    row = (
        s.execute(
            select(EvaluationRating).where(
                EvaluationRating.case_number == case.number, EvaluationRating.stage == stage
            )
        )
        .scalars()
        .first()
    )
    if row is not None and row.level:
        raise EvaluationRefused(
            t("evaluation.already", number=case.number, level=rules.level_label(row.level))
        )
    return row


def _answer_request(s, request_id: int | None, state: str, level: str, utc: datetime) -> None:
    if request_id is None:
        return
    req = s.get(EvaluationRequest, request_id)
    if req is not None:
        req.state, req.level, req.answered_at = state, level, utc
        s.add(req)


def rate(
    ws: Workstation,
    number: str,
    stage: str,
    level: str,
    reasons=(),
    comment: str = "",
    *,
    source: str = "window",
    request_id: int | None = None,
    clerk: str | None = None,
) -> Recorded:
    """Record the applicant's rating (and the follow-up a bad one opens) in one transaction."""
    try:
        rating = rules.check_rating(level, reasons, comment)
    except rules.RatingError as exc:
        raise EvaluationRefused(str(exc)) from None
    days = int(ws.config.get("evaluation.followup_days") or rules.DEFAULT_FOLLOWUP_DAYS)
    utc, today = ws.utcnow(), ws.today()
    with ws.store.write() as s:
        case = _case(s, number)
        row = _slot(s, case, stage)
        payload = {
            "stage": stage,
            "level": rating.level,
            "reasons": list(rating.reasons),
            "comment": rating.comment,
            "source": source,
            "clerk": clerk if clerk is not None else ws.clerk,
            "window": ws.window,
        }
        ev = new_event(ws, case, lifecycle.EVENT_EVALUATION_RATED, payload, utc, actor=payload["clerk"])
        audit.add(s, ev)
        if row is None:
            row = EvaluationRating(
                case_id=case.id,  # type: ignore[arg-type]
                case_number=case.number,
                stage=stage,
                rated_at=utc,
                rated_on=today,
                event_id=ev.event_id,
            )
        row.level, row.declined = rating.level, ""
        row.reasons_json = json.dumps(list(rating.reasons))
        row.comment, row.source = rating.comment, source
        row.clerk, row.window = payload["clerk"], ws.window
        row.rated_at, row.rated_on, row.event_id = utc, today, ev.event_id
        s.add(row)
        s.flush()
        followup = None
        if rules.opens_followup(rating.level):
            due = rules.followup_due(today, days, ws.calendar)
            uid = str(uuid.uuid4())
            opened = new_event(
                ws,
                case,
                lifecycle.EVENT_FOLLOWUP_OPENED,
                {
                    "followup": uid,
                    "rating": ev.event_id,
                    "level": rating.level,
                    "due": due.date.isoformat(),
                    "days": days,
                    "provisional": due.provisional,
                },
                utc,
                actor=payload["clerk"],
            )
            audit.add(s, opened)
            followup = EvaluationFollowup(
                uid=uid,
                rating_id=row.id,  # type: ignore[arg-type]
                case_id=case.id,  # type: ignore[arg-type]
                case_number=case.number,
                level=rating.level,
                clerk=row.clerk,
                opened_on=today,
                due_on=due.date,
                due_provisional=due.provisional,
                open_event_id=opened.event_id,
            )
            s.add(followup)
        _answer_request(s, request_id, "rated", rating.level, utc)
        s.flush()
        refresh_case(s, case, utc)
        return Recorded(row, followup)


def decline(
    ws: Workstation,
    number: str,
    stage: str,
    how: str = rules.DECLINED,
    *,
    source: str = "window",
    request_id: int | None = None,
    clerk: str | None = None,
) -> EvaluationRating:
    """The applicant declined to rate (or left the counter unanswered): recorded as such."""
    if how not in rules.DECLINE_HOW:
        raise ValueError(f"unknown decline {how!r}")
    utc, today = ws.utcnow(), ws.today()
    with ws.store.write() as s:
        case = _case(s, number)
        row = _slot(s, case, stage)
        if row is not None:  # declined before: once is enough
            _answer_request(s, request_id, how, "", utc)
            return row
        who = clerk if clerk is not None else ws.clerk
        payload = {"stage": stage, "how": how, "source": source, "clerk": who, "window": ws.window}
        ev = new_event(ws, case, lifecycle.EVENT_EVALUATION_DECLINED, payload, utc, actor=who)
        audit.add(s, ev)
        row = EvaluationRating(
            case_id=case.id,  # type: ignore[arg-type]
            case_number=case.number,
            stage=stage,
            declined=how,
            source=source,
            clerk=who,
            window=ws.window,
            rated_at=utc,
            rated_on=today,
            event_id=ev.event_id,
        )
        s.add(row)
        _answer_request(s, request_id, how, "", utc)
        s.flush()
        refresh_case(s, case, utc)
        return row


# --- follow-ups (差评整改) ----------------------------------------------------------------------------
def close_followup(ws: Workstation, followup_id: int, note: str) -> EvaluationFollowup:
    """A supervisor closes a follow-up with what was done (a note is required)."""
    try:
        text = rules.check_note(note)
    except rules.RatingError as exc:
        raise EvaluationRefused(str(exc)) from None
    utc, today = ws.utcnow(), ws.today()
    with ws.store.write() as s:
        row = s.get(EvaluationFollowup, followup_id)
        if row is None:
            raise EvaluationRefused(t("followup.not_found", id=followup_id))
        if row.state == "closed":
            raise EvaluationRefused(t("followup.already_closed", id=followup_id))
        case = s.get(Case, row.case_id)
        overdue = rules.is_overdue(row.due_on, today, False)
        payload = {"followup": row.uid, "note": text, "by": ws.clerk, "overdue": overdue}
        ev = new_event(ws, case, lifecycle.EVENT_FOLLOWUP_CLOSED, payload, utc)
        audit.add(s, ev)
        row.state, row.closed_at, row.closed_by, row.note = "closed", utc, ws.clerk, text
        row.close_event_id = ev.event_id
        s.add(row)
        s.flush()
        refresh_case(s, case, utc)  # type: ignore[arg-type]
        return row


def followups(ws: Workstation, *, include_closed: bool = False, limit: int = 1000) -> list[dict]:
    """Follow-ups, the most urgent first, each with its working days left and overdue flag."""
    today = ws.today()
    with ws.store.read() as s:
        q = select(EvaluationFollowup, EvaluationRating).join(
            EvaluationRating, EvaluationRating.id == EvaluationFollowup.rating_id
        )
        if not include_closed:
            q = q.where(EvaluationFollowup.state == "open")
        q = q.order_by(EvaluationFollowup.state.desc(), EvaluationFollowup.due_on, EvaluationFollowup.id)
        rows = s.execute(q.limit(limit)).all()
    cal = ws.calendar
    out = []
    for f, r in rows:
        closed = f.state == "closed"
        out.append(
            {
                "id": f.id,
                "uid": f.uid,
                "case": f.case_number,
                "level": f.level,
                "reasons": json.loads(r.reasons_json or "[]"),
                "comment": r.comment,
                "clerk": f.clerk,
                "opened_on": f.opened_on.isoformat(),
                "due_on": f.due_on.isoformat(),
                "due_provisional": f.due_provisional,
                "days_left": None if closed else rules.working_days_left(f.due_on, today, cal),
                "overdue": rules.is_overdue(f.due_on, today, closed),
                "state": f.state,
                "closed_by": f.closed_by,
                "note": f.note,
                "closed_at": f.closed_at.isoformat() if f.closed_at else None,
            }
        )
    return out


def overdue_count(ws: Workstation) -> int:
    with ws.store.read() as s:
        return int(
            s.execute(
                select(func.count())
                .select_from(EvaluationFollowup)
                .where(EvaluationFollowup.state == "open", EvaluationFollowup.due_on < ws.today())
            ).scalar()
            or 0
        )


# --- the supervisor's figures ----------------------------------------------------------------------
def summary(store, start: date, end: date, *, today: date | None = None) -> dict:
    """Ratings given from `start` to `end` (local days, inclusive): counts per level, declines,
    好评率; and follow-ups: opened and closed in the period, open and overdue as of `today`
    (default: the system's date)."""
    today = today or date.today()
    in_period = EvaluationRating.rated_on.between(start, end)
    with store.read() as s:
        counts = dict.fromkeys(rules.LEVELS, 0)
        declined = 0
        for level, how, n in s.execute(
            select(EvaluationRating.level, EvaluationRating.declined, func.count())
            .where(in_period)
            .group_by(EvaluationRating.level, EvaluationRating.declined)
        ).all():
            if how:
                declined += n
            elif level in counts:
                counts[level] += n

        def count(*where) -> int:
            q = select(func.count()).select_from(EvaluationFollowup).where(*where)
            return int(s.execute(q).scalar() or 0)

        is_open = EvaluationFollowup.state == "open"
        figures = {
            "followups_opened": count(EvaluationFollowup.opened_on.between(start, end)),
            "followups_open": count(is_open),
            "followups_overdue": count(is_open, EvaluationFollowup.due_on < today),
        }
        closed_dates = s.execute(
            select(EvaluationFollowup.closed_at).where(EvaluationFollowup.state == "closed")
        ).scalars()
        figures["followups_closed"] = sum(
            1 for at in closed_dates if at is not None and start <= _local_day(at) <= end
        )
    rated = sum(counts.values())
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "levels": counts,
        "rated": rated,
        "declined": declined,
        "good": sum(counts[level] for level in rules.GOOD),
        "bad": sum(counts[level] for level in rules.FOLLOW_UP),
        "satisfaction_rate": rules.satisfaction_rate(counts),
        **figures,
    }


def _local_day(at: datetime) -> date:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone().date()


# --- the counter terminal ----------------------------------------------------------------------------
def _now() -> datetime:
    """Asks and heartbeats coordinate two processes on one PC: the real clock, always."""
    return datetime.now(UTC)


def prompt_mode(ws: Workstation) -> str:
    return str(ws.config.get("evaluation.prompt") or "auto")


def heartbeat(ws: Workstation, pid: int) -> None:
    """The counter terminal is listening (written every HEARTBEAT_EVERY seconds)."""
    with ws.store.write() as s:
        row = s.get(EvaluationTerminal, COUNTER)
        if row is None:
            row = EvaluationTerminal(name=COUNTER, pid=pid, seen_at=_now())
        row.pid, row.seen_at = pid, _now()
        s.add(row)


def signed_off(ws: Workstation) -> None:
    """The counter terminal closed: the window rates on its own screen again at once."""
    with ws.store.write() as s:
        row = s.get(EvaluationTerminal, COUNTER)
        if row is not None:
            s.delete(row)


def counter_alive(ws: Workstation, now: datetime | None = None) -> bool:
    now = now or _now()
    with ws.store.read() as s:
        row = s.get(EvaluationTerminal, COUNTER)
    if row is None:
        return False
    seen = row.seen_at if row.seen_at.tzinfo else row.seen_at.replace(tzinfo=UTC)
    return abs((now - seen).total_seconds()) <= HEARTBEAT_FRESH


def route(ws: Workstation, *, automatic: bool) -> str:
    """Where a rating is asked: "window", "counter", or "" (not at all). `automatic`: after
    受理/出件 (evaluation.prompt decides); else the clerk asked (Ctrl+E), never refused."""
    mode = prompt_mode(ws)
    if automatic and mode == "off":
        return ""
    if mode == "window":
        return "window"
    if mode == "counter":
        return COUNTER
    return COUNTER if counter_alive(ws) else "window"


def ask_counter(ws: Workstation, number: str, stage: str) -> EvaluationRequest:
    """Ask the counter terminal to show this case's rating (an earlier waiting ask is dropped:
    the applicant in front of the counter is the latest one)."""
    utc = _now()
    with ws.store.write() as s:
        case = _case(s, number)
        _slot(s, case, stage)
        for old in s.execute(
            select(EvaluationRequest).where(EvaluationRequest.state.in_(("waiting", "showing")))
        ).scalars():
            old.state = "cancelled"
            s.add(old)
        req = EvaluationRequest(
            case_number=case.number, stage=stage, clerk=ws.clerk, window=ws.window, requested_at=utc
        )
        s.add(req)
        s.flush()
        return req


def pending_request(ws: Workstation, number: str) -> EvaluationRequest | None:
    """The counter's open ask for this case (waiting or on its screen), if any."""
    with ws.store.read() as s:
        return (
            s.execute(
                select(EvaluationRequest).where(
                    EvaluationRequest.case_number == number,
                    EvaluationRequest.state.in_(("waiting", "showing")),
                )
            )
            .scalars()
            .first()
        )


def cancel_requests(ws: Workstation, number: str | None = None) -> int:
    """Withdraw what the counter waits for (the clerk rates at the window instead)."""
    n = 0
    with ws.store.write() as s:
        q = select(EvaluationRequest).where(EvaluationRequest.state.in_(("waiting", "showing")))
        if number:
            q = q.where(EvaluationRequest.case_number == number)
        for req in s.execute(q).scalars():
            req.state = "cancelled"
            s.add(req)
            n += 1
    return n


def _timeout(ws: Workstation) -> timedelta:
    return timedelta(seconds=int(ws.config.get("evaluation.counter_timeout") or 120))


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def next_request(ws: Workstation) -> EvaluationRequest | None:
    """The counter terminal's next rating to show: the newest waiting ask, marked as showing.
    An ask nobody took up within the timeout expires (nobody was asked: nothing recorded)."""
    utc = _now()
    with ws.store.write() as s:
        waiting = list(
            s.execute(
                select(EvaluationRequest)
                .where(EvaluationRequest.state == "waiting")
                .order_by(EvaluationRequest.id.desc())
            ).scalars()
        )
        chosen = None
        for req in waiting:
            if chosen is None and utc - _aware(req.requested_at) <= _timeout(ws):
                chosen = req
                req.state, req.shown_at = "showing", utc
            else:
                req.state = "expired"
            s.add(req)
        return chosen


def request_state(ws: Workstation, request_id: int) -> EvaluationRequest | None:
    with ws.store.read() as s:
        return s.get(EvaluationRequest, request_id)


def timeout_seconds(ws: Workstation) -> int:
    return int(_timeout(ws).total_seconds())
