"""The console's queue (``hub_queue``): one row per case and department it concerns, so a page
of a department's queue is one indexed range scan however many cases the hub holds. Kept by
the hub's reactions (sync.hub.reactions) in the transaction that changes the case."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from app.domain import case_state as cs
from app.domain import lifecycle
from sync.hub.departments import subject_departments
from sync.hub.history import case_events
from sync.hub.schema import case_t, queue_t

# Where a case stands for the back office (one word per queue tab).
NEW, REVIEW, RETURNED = "new", "review", "returned"  # waiting for the department
CORRECTION = "correction"  # 补正 asked after acceptance: waiting for the applicant
WINDOW = "window"  # still at the window (一次性告知 before acceptance): not the department's yet
DONE = "done"  # decided (办结, 不予许可), handed out, refused or withdrawn
STAGES = (NEW, REVIEW, RETURNED, CORRECTION, DONE)
WAITING = (NEW, REVIEW, RETURNED)


def departments_of(docs, version: str, kind: str, code: str) -> tuple[str, ...]:
    """The department codes that decide a subject: a bundle's are those of all its matters.
    ``docs``: what has ``catalogue_obj`` (sync.hub.documents.Documents, or the HubStore)."""
    return subject_departments(docs.catalogue_obj(version or None), kind, code)


def stage_of(view: cs.CaseView, events: Sequence[cs.Event]) -> str:
    """The back office's stage of a case, from its folded state and history."""
    applied = set(view.applied)
    kinds = [e.kind for e in sorted(events, key=cs.order_key) if e.event_id in applied]
    state = view.state
    if state == lifecycle.ACCEPTED:
        return RETURNED if cs.CORRECTION_REQUESTED in kinds else NEW
    if state == lifecycle.IN_REVIEW:
        return REVIEW
    if state == lifecycle.CORRECTION:
        return CORRECTION if cs.ACCEPTED in kinds else WINDOW
    return DONE


def queue_rows(docs, info: dict, events: Sequence[cs.Event], view: cs.CaseView) -> list[dict]:
    """The case's rows of ``hub_queue`` (one per department); none before it was ever accepted."""
    applied = set(view.applied)
    accepted = [
        e for e in sorted(events, key=cs.order_key) if e.kind == cs.ACCEPTED and e.event_id in applied
    ]
    if not accepted:
        return []
    p = accepted[-1].payload
    depts = departments_of(
        docs, str(info.get("catalogue_version") or ""), str(info["subject_kind"]), str(info["subject_code"])
    )
    stage = stage_of(view, events)
    return [
        {
            "number": info["number"],
            "department": d[:100],
            "office": info["office"],
            "stage": stage,
            "waiting": stage in WAITING,
            "subject_code": str(info["subject_code"])[:64],
            "received_on": str(p.get("accepted_on") or "")[:10],
            "due_date": str(p.get("due_date") or "")[:10],
            "due_provisional": bool(p.get("due_provisional")),
            "first_seq": int(info.get("created_seq") or 0),
        }
        for d in depts
    ]


def write_queue(c: Connection, numbers: Iterable[str], rows: list[dict], *, fresh: bool = False) -> None:
    """Replace the queue rows of ``numbers`` by ``rows`` (``fresh``: the cases are new, no delete)."""
    if not fresh:
        nums = list(numbers)
        for i in range(0, len(nums), 500):
            c.execute(delete(queue_t).where(queue_t.c.number.in_(nums[i : i + 500])))
    if rows:
        c.execute(insert(queue_t), rows)


def rebuild_queue(c: Connection, docs) -> int:
    """Every case's queue rows from its events (a hub upgraded to the console); returns rows."""
    c.execute(delete(queue_t))
    n = 0
    last = ""
    while True:
        cases = c.execute(
            select(case_t).where(case_t.c.number > last).order_by(case_t.c.number).limit(500)
        ).all()
        if not cases:
            return n
        rows: list[dict] = []
        for case in cases:
            evs = case_events(c, case.number)
            rows.extend(queue_rows(docs, dict(case._mapping), evs, cs.derive(evs)))
        write_queue(c, (), rows, fresh=True)
        n += len(rows)
        last = cases[-1].number
