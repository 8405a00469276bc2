"""The console's queue (``hub_queue``): one row per case and department it concerns, so a page
of a department's queue is one indexed range scan however many cases the hub holds. Kept by
the hub's reactions (sync.hub.reactions) in the transaction that changes the case."""

from __future__ import annotations

import itertools
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from app.domain import case_state as cs
from app.domain import lifecycle
from sync.hub.departments import subject_departments
from sync.hub.history import case_events
from sync.hub.schema import case_t, queue_count_t, queue_t

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


def write_queue(
    c: Connection,
    numbers: Iterable[str],
    rows: list[dict],
    *,
    fresh: bool = False,
    insert_many=None,  # noqa: ANN001 (HubDB.insert_many: one COPY for a push's new cases)
    counts: Counter | None = None,
) -> None:
    """Replace the queue rows of ``numbers`` by ``rows`` (``fresh``: the cases are new, no delete),
    and the counts of ``hub_queue_count`` with them (same transaction). ``counts``: add the
    change to it instead, for the caller to write with the transaction's other changes
    (:func:`add_counts`, once: one pass over the count rows in one order)."""
    delta: Counter = Counter()
    if not fresh:
        nums = list(numbers)
        for i in range(0, len(nums), 500):
            part = nums[i : i + 500]
            gone = c.execute(
                delete(queue_t)
                .where(queue_t.c.office.in_({n[:9] for n in part}), queue_t.c.number.in_(part))
                .returning(queue_t.c.number, queue_t.c.department, queue_t.c.office, queue_t.c.stage)
            ).all()
            delta.subtract(_count_keys([r._asdict() for r in gone]))
    if rows:
        if insert_many is not None:
            insert_many(c, queue_t, rows)
        else:
            c.execute(insert(queue_t), rows)
        delta.update(_count_keys(rows))
    if counts is not None:
        counts.update(delta)
    else:
        add_counts(c, delta)


def _count_keys(rows: Iterable[dict]) -> Counter:
    """(department, the case's departments, stage) of each row, counted."""
    depts: dict[str, set[str]] = {}
    for r in rows:
        depts.setdefault(r["number"], set()).add(r["department"])
    joined = {n: ",".join(sorted(d)) for n, d in depts.items()}
    return Counter((r["department"], joined[r["number"]], r["stage"]) for r in rows)


PARTS = "0123456789abcdefghijklmnopqrstuvwxyz"
_PART_KEY = "yc_count_part"
_parts = itertools.count(secrets.randbelow(len(PARTS)))  # this process's connections, in turn


def _part(c: Connection) -> str:
    """The part of the counts this connection adds to (given once per database connection, in
    turn from a random start): two transactions at once add to different rows (unless they
    are 36 connections apart, or of two processes that drew the same part), so pushes of one
    office's windows do not wait on each other's count rows until they commit. Readers sum the
    parts (sync.hub.console_queries)."""
    part = c.info.get(_PART_KEY)
    if part is None:
        part = c.info[_PART_KEY] = PARTS[next(_parts) % len(PARTS)]
    return part


def add_counts(c: Connection, delta: Counter) -> None:
    """Add ``delta`` to the counts, in one statement; a case whose stage did not change (most
    events) writes nothing. Keys are written in sorted order (two transactions that drew the
    same part take their row locks in the same order)."""
    changes = sorted((k, n) for k, n in delta.items() if n)
    if not changes:
        return
    part = _part(c)
    upsert = postgresql.insert if c.dialect.name == "postgresql" else sqlite.insert
    stmt = upsert(queue_count_t).values(
        [
            {"department": d, "departments": ds, "stage": stage, "part": part, "n": n}
            for (d, ds, stage), n in changes
        ]
    )
    c.execute(
        stmt.on_conflict_do_update(
            index_elements=["department", "departments", "stage", "part"],
            set_={"n": queue_count_t.c.n + stmt.excluded.n},
        )
    )


def rebuild_queue_counts(c: Connection) -> None:
    """``hub_queue_count`` from ``hub_queue`` (the migration that made it; a bulk load)."""
    c.execute(delete(queue_count_t))
    if c.dialect.name == "postgresql":
        sets = "string_agg(department, ',' ORDER BY department)"
        of = "hub_queue"
        part = "right(q.office, 1)"
    else:  # SQLite's group_concat keeps the order of an ordered subquery
        sets = "group_concat(department, ',')"
        of = "(SELECT number, department FROM hub_queue ORDER BY number, department)"
        part = "substr(q.office, -1)"
    c.execute(
        text(
            "INSERT INTO hub_queue_count (department, departments, stage, part, n) "
            f"SELECT q.department, s.departments, q.stage, {part}, count(*) FROM hub_queue q JOIN "
            f"(SELECT number, {sets} AS departments FROM {of} GROUP BY number) s ON s.number = q.number "
            f"GROUP BY q.department, s.departments, q.stage, {part}"
        )
    )


def rebuild_queue(c: Connection, docs) -> int:
    """Every case's queue rows from its events (a hub upgraded to the console); returns rows."""
    c.execute(delete(queue_t))
    c.execute(delete(queue_count_t))
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
