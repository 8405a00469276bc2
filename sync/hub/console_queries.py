"""The back office console's side of the hub store: department queues, the case page, decisions.

The queue is a table of its own (``hub_queue``, one row per case and department it concerns),
kept by :meth:`HubStore._save_case` in the transaction that changes the case, so a page of a
department's queue is one indexed range scan however many cases the hub holds. Decisions go
through :meth:`HubStore.backoffice_event`, the path of ``POST /api/v1/cases/{number}/events``,
with the deciding user's name and the case version the user saw (refused when it moved).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Connection

from app.domain import case_state as cs
from app.domain import lifecycle
from sync.hub.console_store import department_code
from sync.hub.store import HubStore, Principal, Refusal, case_t, conflict_t, event_t

# Where a case stands for the back office (one word per queue tab).
NEW, REVIEW, RETURNED = "new", "review", "returned"  # waiting for the department
CORRECTION = "correction"  # 补正 asked after acceptance: waiting for the applicant
WINDOW = "window"  # still at the window (一次性告知 before acceptance): not the department's yet
DONE = "done"  # decided (办结, 不予许可), handed out, refused or withdrawn
STAGES = (NEW, REVIEW, RETURNED, CORRECTION, DONE)
WAITING = (NEW, REVIEW, RETURNED)
WARN_DAYS = 2  # 超期预警: this many working days left or fewer
COUNT_CAP = 1000  # a search's matches are counted up to this ("1000+")

# Its own metadata: the table is made by migration h0007 only (the hub's legacy create_all
# must not make it first).
console_md = MetaData()
queue_t = Table(
    "hub_queue",
    console_md,
    Column("number", String(40), primary_key=True),
    Column("department", String(100), primary_key=True),
    Column("office", String(12), nullable=False),
    Column("stage", String(12), nullable=False),
    Column("waiting", Boolean, nullable=False),
    Column("subject_code", String(64), nullable=False),
    Column("received_on", String(10), nullable=False),  # the (latest) acceptance at the window
    Column("due_date", String(10), nullable=False),
    Column("due_provisional", Boolean, nullable=False),
    Column("first_seq", Integer, nullable=False),
    Index("ix_hub_queue_waiting", "department", "waiting", "received_on", "number"),
    Index("ix_hub_queue_stage", "department", "stage", "received_on", "number"),
    Index("ix_hub_queue_all", "department", "received_on", "number"),
    Index("ix_hub_queue_office", "department", "office", "stage", "received_on", "number"),
    Index("ix_hub_queue_subject", "department", "subject_code", "stage", "received_on", "number"),
)

# The console's decisions: name -> event kind (the buttons are labelled with the state's name).
DECISIONS: dict[str, str] = {
    "in_review": cs.IN_REVIEW,
    "correction": cs.CORRECTION_REQUESTED,
    "complete": cs.COMPLETED,
    "deny": cs.DENIED,
}
MAX_TEXT = 500


# --- keeping the queue ---------------------------------------------------------------------------
def departments_of(store: HubStore, version: str, kind: str, code: str) -> tuple[str, ...]:
    """The department codes that decide a subject: a bundle's are those of all its matters."""
    cat = store.catalogue_obj(version or None)
    try:
        matters = cat.bundle_matters(code) if kind == "bundle" else (cat.matter(code),)
    except KeyError:
        return ()
    return tuple(dict.fromkeys(department_code(m.code) for m in matters))


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


def queue_rows(store: HubStore, info: dict, events: Sequence[cs.Event], view: cs.CaseView) -> list[dict]:
    """The case's rows of ``hub_queue`` (one per department); none before it was ever accepted."""
    applied = set(view.applied)
    accepted = [
        e for e in sorted(events, key=cs.order_key) if e.kind == cs.ACCEPTED and e.event_id in applied
    ]
    if not accepted:
        return []
    p = accepted[-1].payload
    depts = departments_of(
        store, str(info.get("catalogue_version") or ""), str(info["subject_kind"]), str(info["subject_code"])
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


def rebuild_queue(c: Connection, store: HubStore) -> int:
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
            evs = store._case_events(c, case.number)
            rows.extend(queue_rows(store, dict(case._mapping), evs, cs.derive(evs)))
        write_queue(c, (), rows, fresh=True)
        n += len(rows)
        last = cases[-1].number


# --- the queue page ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueueFilter:
    department: str
    office: str = ""
    subject: str = ""
    stage: str = ""  # "" = the three waiting stages
    query: str = ""
    page: int = 1
    per_page: int = 50


@dataclass
class QueueItem:
    number: str
    office: str
    stage: str
    state: str | None
    subject_code: str
    subject_name: str
    applicant_name: str
    applicant_id_number: str  # the full number: the page masks it
    received_on: str
    due_date: str
    due_provisional: bool
    days_left: int | None = None
    urgency: str = ""  # "" | "warn" (超期预警) | "overdue"


@dataclass
class QueuePage:
    items: list[QueueItem]
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)  # per stage, unfiltered
    capped: bool = False  # a search with more than COUNT_CAP matches (total is COUNT_CAP + 1)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _search(query: str):
    """The condition a search box's text means: a case number (or its start), an ID number, a name."""
    q = query.strip()
    up = q.upper()
    if len(up) >= 6 and up[:6].isdigit() and "-" in up:
        return and_(case_t.c.number >= up, case_t.c.number < up + "~")
    if len(up) in (15, 18) and up[:-1].isalnum() and sum(ch.isdigit() for ch in up) >= 8:
        return case_t.c.applicant_id_number == up
    if up.isdigit() and len(up) >= 9:
        return and_(case_t.c.number >= up, case_t.c.number < up + "~")
    # a range, not LIKE: the name's index serves it on SQLite and PostgreSQL alike
    return and_(case_t.c.applicant_name >= q, case_t.c.applicant_name < q + "\uffff")


def queue_page(store: HubStore, flt: QueueFilter, *, today: date, calendar: Any) -> QueuePage:
    """One page of a department's queue, oldest first, with working days left at ``today``."""
    from app.domain.workdays import working_days_between

    per_page = max(1, min(flt.per_page, 200))
    page = max(1, flt.page)
    conds = [queue_t.c.department == flt.department]
    if flt.stage in STAGES:
        conds.append(queue_t.c.stage == flt.stage)
    elif not flt.query:
        # with an office or matter filter their indexes (…, stage, received_on) serve it
        conds.append(
            queue_t.c.stage.in_(WAITING) if (flt.office or flt.subject) else queue_t.c.waiting.is_(True)
        )
    if flt.office:
        conds.append(queue_t.c.office == flt.office)
    if flt.subject:
        conds.append(queue_t.c.subject_code == flt.subject)
    joined = queue_t.join(case_t, case_t.c.number == queue_t.c.number)
    searching = bool(flt.query.strip())
    if searching:
        conds.append(_search(flt.query))
    with store.ro() as c:
        # the waiting stages' counts come from the stage index alone; with no other filter
        # they are the total too (one query less on the page everyone opens)
        counts = {
            k: int(v)
            for k, v in c.execute(
                select(queue_t.c.stage, func.count())
                .where(queue_t.c.department == flt.department, queue_t.c.stage.in_(WAITING))
                .group_by(queue_t.c.stage)
            ).all()
        }
        if not (searching or flt.office or flt.subject) and flt.stage in ("", *WAITING):
            total = counts.get(flt.stage, 0) if flt.stage else sum(counts.values())
        else:
            # a search is counted up to COUNT_CAP (two typed characters may match thousands)
            counted = select(queue_t.c.number).select_from(joined if searching else queue_t).where(*conds)
            if searching:
                counted = counted.limit(COUNT_CAP + 1)
            total = c.execute(select(func.count()).select_from(counted.subquery())).scalar() or 0
        # the page's keys first, from the queue's index alone; then only those rows are read
        keys = (
            select(queue_t.c.number, queue_t.c.department)
            .select_from(joined if searching else queue_t)
            .where(*conds)
            .order_by(queue_t.c.received_on, queue_t.c.number)
            .offset((page - 1) * per_page)
            .limit(per_page)
            .subquery()
        )
        rows = c.execute(
            select(
                queue_t,
                case_t.c.state,
                case_t.c.subject_name,
                case_t.c.applicant_name,
                case_t.c.applicant_id_number,
            )
            .select_from(
                keys.join(
                    queue_t,
                    (queue_t.c.number == keys.c.number) & (queue_t.c.department == keys.c.department),
                ).join(case_t, case_t.c.number == keys.c.number)
            )
            .order_by(queue_t.c.received_on, queue_t.c.number)
        ).all()
    items = []
    for r in rows:
        it = QueueItem(
            r.number,
            r.office,
            r.stage,
            r.state,
            r.subject_code,
            r.subject_name,
            r.applicant_name,
            r.applicant_id_number,
            r.received_on,
            r.due_date,
            r.due_provisional,
        )
        if r.due_date and r.stage in WAITING:
            try:
                it.days_left = working_days_between(today, date.fromisoformat(r.due_date), calendar)
            except ValueError:
                it.days_left = None
            if it.days_left is not None:
                it.urgency = "overdue" if it.days_left < 0 else ("warn" if it.days_left <= WARN_DAYS else "")
        items.append(it)
    return QueuePage(items, int(total), page, per_page, counts, searching and total > COUNT_CAP)


def departments(store: HubStore) -> dict[str, str]:
    """{department code: name} of the current catalogue, in its order."""
    return {department_code(m.code): m.department for m in store.catalogue_obj().matters.values()}


def queue_offices(store: HubStore, department: str) -> list[str]:
    with store.ro() as c:
        return list(
            c.execute(
                select(queue_t.c.office)
                .where(queue_t.c.department == department)
                .distinct()
                .order_by("office")
            ).scalars()
        )


def case_departments(store: HubStore, number: str) -> set[str]:
    with store.ro() as c:
        return set(c.execute(select(queue_t.c.department).where(queue_t.c.number == number)).scalars())


# --- the case page --------------------------------------------------------------------------------------
@dataclass
class CaseSheet:
    """Everything the case page shows, read in one go."""

    case: dict
    version: int  # hub_case.updated_seq: what a decision form carries back
    departments: list[str]
    stage: str
    checklist: list[dict]  # per material: name, form, copies, required, status, got_form, note, ...
    tolerated_until: str
    accepted_on: str
    due_date: str
    due_provisional: bool
    scans: list[dict]  # sha256, name, size, material, kind (pdf|image|other), at
    timeline: list[dict]  # kind, side (window|backoffice|courier|handover|hub), actor, by, at, payload
    conflicts: list[dict]
    decisions: list[str]  # decision names that fit the case's state now


def _side(kind: str, author: str) -> str:
    if kind in lifecycle.COURIER_KINDS:
        return "courier"
    if kind == cs.DELIVERED:
        return "handover"
    if author.startswith("backoffice:") or author == "upstream":
        return "backoffice"
    if author.startswith("hub:"):
        return "hub"
    return "window"


def _scan_kind(name: str, sniff: bytes) -> str:
    if sniff.startswith(b"%PDF"):
        return "pdf"
    if sniff.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return "image"
    return "other"


def fitting_decisions(state: str | None) -> list[str]:
    return [name for name, kind in DECISIONS.items() if kind != cs.NOTE and cs.fits(state, kind)]


def case_sheet(store: HubStore, number: str, blob_dir=None) -> CaseSheet | None:
    """What the case page shows. Payloads are read as an older hub may have stored them
    (before app.domain.payloads checked them at the push): what is not well formed is left out."""
    from app.domain.checklist import merge_checklist
    from app.domain.intake import marks_from_compact
    from app.domain.payloads import compact_marks, is_sha256

    with store.ro() as c:
        case = c.execute(select(case_t).where(case_t.c.number == number)).first()
        if case is None:
            return None
        evs = c.execute(select(event_t).where(event_t.c.case_number == number).order_by(event_t.c.seq)).all()
        conf = c.execute(
            select(conflict_t).where(conflict_t.c.case_number == number).order_by(conflict_t.c.id)
        ).all()
    events = [cs.Event(r.event_id, r.kind, r.lc, r.author, json.loads(r.payload)) for r in evs]
    view = cs.derive(events)
    applied = set(view.applied)
    payloads = {r.event_id: json.loads(r.payload) for r in evs}
    # the checklist as the window recorded it at its latest intake decision
    decision = None
    for e in sorted(events, key=cs.order_key):
        if e.event_id in applied and e.kind in (cs.ACCEPTED, cs.NOTIFIED, cs.REFUSED):
            decision = e
    checklist: list[dict] = []
    p: dict = dict(decision.payload) if decision else {}
    if decision is not None:
        cat = store.catalogue_obj(case.catalogue_version or None)
        try:
            matters = (
                cat.bundle_matters(case.subject_code)
                if case.subject_kind == "bundle"
                else (cat.matter(case.subject_code),)
            )
            items = merge_checklist(matters)
        except KeyError:
            items = ()
        marks = marks_from_compact(items, compact_marks(p.get("marks")))
        checklist = [m.to_dict() for m in marks]
    scans: list[dict] = []
    for r in evs:
        if r.kind != cs.ATTACHMENT_ADDED:
            continue
        pl = payloads[r.event_id]
        sha = pl.get("sha256") if is_sha256(pl.get("sha256")) else ""  # "": no link, no file
        sniff = b""
        if blob_dir is not None and sha:
            try:
                with open(blob_dir / sha, "rb") as fh:
                    sniff = fh.read(8)
            except OSError:
                sniff = b""
        scans.append(
            {
                "sha256": sha,
                "name": str(pl.get("name") or ""),
                "size": pl.get("size"),
                "material": str(pl.get("material") or pl.get("material_key") or ""),
                "kind": _scan_kind(str(pl.get("name") or ""), sniff),
                "present": bool(sniff),
                "at": r.at,
            }
        )
    timeline = [
        {
            "kind": r.kind,
            "side": _side(r.kind, r.author),
            "actor": r.actor,
            "by": r.author,
            "at": r.at,
            "seq": r.seq,
            "payload": payloads[r.event_id],
            "reason": _text(payloads[r.event_id].get("reason")),
            "materials": _materials(payloads[r.event_id].get("materials")),
            "superseded": any(k.event_id == r.event_id and k.rule == "superseded" for k in view.conflicts),
        }
        for r in evs
    ]
    conflicts = [_conflict(k) for k in conf]
    return CaseSheet(
        case=dict(case._mapping),
        version=int(case.updated_seq),
        departments=list(departments_of(store, case.catalogue_version, case.subject_kind, case.subject_code)),
        stage=stage_of(view, events),
        checklist=checklist,
        tolerated_until=str(p.get("tolerated_until") or ""),
        accepted_on=str(p.get("accepted_on") or ""),
        due_date=str(p.get("due_date") or ""),
        due_provisional=bool(p.get("due_provisional")),
        scans=scans,
        timeline=timeline,
        conflicts=conflicts,
        decisions=fitting_decisions(case.state),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _materials(value: Any) -> list[dict]:
    """A 补正's materials as {name, note} texts (what an older hub stored may be anything)."""
    if not isinstance(value, list):
        return []
    return [
        {"name": _text(m.get("name")), "note": _text(m.get("note"))} for m in value if isinstance(m, dict)
    ]


APPLICANT_FIELDS = ("name", "phone", "address")


def _conflict(k) -> dict:
    """A conflict as the case page lists it. An applicant disagreement says which details differ
    from which earlier case (the back office's to resolve; no window is told of it)."""
    try:
        detail = json.loads(k.detail)
    except ValueError:
        detail = {}
    out = {"rule": k.rule, "kind": k.kind, "origin": k.origin, "detail": detail, "differences": []}
    if k.rule == "applicant_details" and isinstance(detail, dict):
        before, after = detail.get("before"), detail.get("after")
        if isinstance(before, dict) and isinstance(after, dict):
            out["differences"] = [
                {"field": f, "before": _text(before.get(f)), "after": _text(after.get(f))}
                for f in APPLICANT_FIELDS
                if before.get(f) != after.get(f)
            ]
        out["other_case"] = _text(detail.get("before_case"))
        out["other_author"] = _text(detail.get("before_author"))
    return out


def scan_of_case(store: HubStore, number: str, sha: str) -> dict | None:
    """The scan ``sha`` if the case's own events name it and the case's office uploaded it whole."""
    with store.ro() as c:
        case = c.execute(select(case_t.c.office).where(case_t.c.number == number)).first()
        if case is None:
            return None
        named = False
        for payload in c.execute(
            select(event_t.c.payload).where(
                event_t.c.case_number == number, event_t.c.kind == cs.ATTACHMENT_ADDED
            )
        ).scalars():
            if json.loads(payload).get("sha256") == sha:
                named = True
                break
    if not named:
        return None
    row = store.attachment(sha, case.office)
    return row if row is not None and row["complete"] else None


# --- decisions -------------------------------------------------------------------------------------------
class DecisionInvalid(ValueError):
    """Bad input; ``errors`` maps a form field to its message (nothing was written)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class DecisionRefused(Exception):
    """The decision no longer fits (the case changed, or its state forbids it); ``code`` says why."""

    def __init__(self, code: str, message: str, state: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.state = code, message, state


@dataclass(frozen=True)
class DecisionForm:
    decision: str
    version: int
    reason: str = ""  # 不予许可's reason; remarks otherwise
    materials: tuple[tuple[str, str], ...] = ()  # 补正: (material key, what is wrong)


def _clean(text: str, label: str, *, required: bool) -> str:
    from app.domain.text import FieldError, clean_text

    try:
        return clean_text(text or "", label, required=required, max_len=MAX_TEXT)
    except FieldError as exc:
        raise DecisionInvalid({"reason": exc.message}) from None


def build_payload(sheet: CaseSheet, form: DecisionForm) -> dict:
    """The event's payload, checked field by field (DecisionInvalid lists every bad field)."""
    from app.domain.text import FieldError, clean_text
    from app.messages import t

    if form.decision not in DECISIONS:
        raise DecisionInvalid({"decision": t("console.decision_unknown")})
    if form.decision == "deny":
        return {"reason": _clean(form.reason, t("console.deny_reason"), required=True)}
    if form.decision != "correction":
        remarks = _clean(form.reason, t("console.remarks"), required=False)
        return {"remarks": remarks} if remarks else {}
    errors: dict[str, str] = {}
    names = {m["key"]: m["name"] for m in sheet.checklist}
    chosen: list[dict] = []
    for key, note in form.materials:
        if key not in names:
            errors["materials"] = t("console.material_unknown")
            continue
        try:
            text = clean_text(
                note or "", t("console.material_note", name=names[key]), required=True, max_len=200
            )
        except FieldError as exc:
            errors[f"note_{key}"] = exc.message
            continue
        chosen.append({"k": key, "name": names[key], "note": text})
    if not form.materials:
        errors["materials"] = t("console.materials_required")
    try:
        remarks = clean_text(form.reason or "", t("console.remarks"), required=False, max_len=MAX_TEXT)
    except FieldError as exc:
        errors["reason"] = exc.message
        remarks = ""
    if errors:
        raise DecisionInvalid(errors)
    return {"reason": remarks, "materials": chosen}


def decide(
    store: HubStore,
    *,
    user_name: str,
    departments: Iterable[str],
    number: str,
    form: DecisionForm,
    office_scope: str = "",
) -> dict:
    """Record a decision by a console user, through the back office's one path; returns the case.

    Refused (DecisionRefused) when the user's departments do not decide this case, when the case
    changed since the user saw it (its version), or when the decision no longer fits its state."""
    from app.messages import t

    sheet = case_sheet(store, number)
    if sheet is None:
        raise DecisionRefused("unknown_case", t("console.case_not_found", number=number))
    if not set(departments) & set(sheet.departments):
        raise DecisionRefused("forbidden", t("console.not_your_case", number=number))
    payload = build_payload(sheet, form)
    who = Principal("backoffice", office_scope, "", user_name)
    try:
        detail, _ev = store.backoffice_event(
            who, number, DECISIONS[form.decision], payload, user_name, expect_version=form.version
        )
    except Refusal as r:
        current = case_sheet(store, number)
        state = current.case["state"] if current else None
        if r.code == "changed":
            raise DecisionRefused(
                "changed", t("console.case_changed", number=number, state=_state_name(state)), state
            ) from None
        if r.code == "invalid_transition":
            raise DecisionRefused(
                "invalid_transition",
                t("console.decision_no_longer_fits", state=_state_name(state)),
                state,
            ) from None
        raise DecisionRefused(r.code, r.reason, state) from None
    return detail


def _state_name(state: str | None) -> str:
    from app.messages import t

    return t(f"state.{state}") if state in lifecycle.STATES else "—"
