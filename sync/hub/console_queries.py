"""The back office console's side of the hub store: department queues, the case page, decisions.

The queue is a table of its own (``hub_queue``, one row per case and department it concerns),
kept by the hub's reactions (sync.hub.reactions, sync.hub.queue) in the transaction that changes
the case, so a page of a department's queue is one indexed range scan however many cases the
hub holds. Decisions go through the back office's one path (sync.hub.events, ``POST
/api/v1/cases/{number}/events``), with the deciding user's name and the case version the user
saw; whether one may be made is decided once, by sync.hub.decisions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    and_,
    func,
    select,
    text,
    tuple_,
    union_all,
)

from app.domain import case_state as cs
from app.domain import lifecycle
from sync.hub.departments import department_code
from sync.hub.queue import (  # noqa: F401  (the console's names for the queue's stages)
    CORRECTION,
    DONE,
    NEW,
    RETURNED,
    REVIEW,
    STAGES,
    WAITING,
    WINDOW,
    departments_of,
    stage_of,
)
from sync.hub.schema import NAME1, NAME2, TAIL6, case_t, conflict_t, event_t, queue_count_t, queue_t
from sync.hub.store import HubStore

WARN_DAYS = 2  # 超期预警: this many working days left or fewer
COUNT_CAP = 1000  # a search's matches are counted up to this ("1000+")
OVERDUE_CAP = 10_000  # the queue's overdue total is counted up to this ("10000 件以上")


# The console's decisions: name -> event kind (the buttons are labelled with the state's name).
DECISIONS: dict[str, str] = {
    "in_review": cs.IN_REVIEW,
    "correction": cs.CORRECTION_REQUESTED,
    "complete": cs.COMPLETED,
    "deny": cs.DENIED,
}
MAX_TEXT = 500


# --- the queue page ----------------------------------------------------------------------------------
ALL = "all"  # the 状态 filter's choice of every stage ("" is the three waiting stages)


@dataclass(frozen=True)
class QueueFilter:
    department: str  # "": every department of ``departments`` (the user's)
    office: str = ""
    subject: str = ""
    stage: str = ""  # "" = the three waiting stages, ALL = every stage, else one of STAGES
    query: str = ""
    page: int = 1
    per_page: int = 50
    departments: tuple[str, ...] = ()  # the user's departments, when ``department`` is ""
    # keyset paging (the next/previous links): the page after the row ``after`` or before the
    # row ``before`` ("received_on|number"), read from the index at that key at any depth;
    # without them ``page`` is counted from the start
    after: str = ""
    before: str = ""

    @property
    def scope(self) -> tuple[str, ...]:
        return (self.department,) if self.department else tuple(self.departments)

    @staticmethod
    def cursor(item: QueueItem) -> str:
        return f"{item.received_on}|{item.number}"

    def key_of(self, item: QueueItem) -> str:
        """The next/previous links' key of a row: a search's is the case's created_seq (its
        matches are listed newest first), a listing's its received_on|number."""
        return str(item.seq) if self.query.strip() else self.cursor(item)


def _key(cursor: str) -> tuple[str, str] | None:
    received_on, sep, number = cursor.partition("|")
    return (received_on, number) if sep and number else None


@dataclass
class QueueItem:
    number: str
    office: str
    stage: str
    state: str | None
    subject_code: str
    subject_name: str
    applicant_name: str
    applicant_id_number: str  # the full number: the page masks it (a person's; a credit code stays whole)
    received_on: str
    due_date: str
    due_provisional: bool
    days_left: int | None = None
    urgency: str = ""  # "" | "warn" (超期预警) | "overdue"
    applicant_kind: str = "person"  # person | enterprise: how the page masks the number
    seq: int = 0  # hub_case.created_seq: a search's order (newest first) and its keyset


@dataclass
class QueuePage:
    items: list[QueueItem]
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)  # per waiting stage, unfiltered
    # a search read its newest COUNT_CAP + 1 matching cases for its totals and more match: the
    # total (those of them in the filter's departments) is a lower bound, shown "at least"
    capped: bool = False
    by_department: dict[str, int] = field(default_factory=dict)  # waiting cases per department
    overdue: int = 0  # waiting cases of the filter past their promised date (up to OVERDUE_CAP + 1)
    more: bool = False  # a search: there are older matches after this page (its next link)

    @property
    def overdue_capped(self) -> bool:
        return self.overdue > OVERDUE_CAP

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page), self.page + (1 if self.more else 0))


# The tail of a case number as read off a receipt: "0001-Q", "261121-0001-K", "01-261121-0001".
_NUMBER_PART = re.compile(r"[0-9A-Z]+(-[0-9A-Z]+)+|[0-9]{4,}")
# a part that ends in the one-character check segment is the number's end ("0001-Q", ...)
_NUMBER_TAIL = re.compile(r"(?:[0-9A-Z-]*-)?[0-9]{4}-[0-9A-Z]")


def _search(query: str):
    """The condition a search box's text means: a case number (its start or any part of it),
    an ID number, a name. A number's start of 9 digits or more names its office: the condition
    says so (an office's cases are one shard's). Each kind is read newest first from its index
    on hub_case (h0014): (ID, created_seq), (the number's last 6 characters, created_seq) for a
    number's end, (a name's first 1 or 2 characters, created_seq)."""
    q = query.strip()
    up = q.upper()
    is_id = len(up) in (15, 18) and up[:-1].isalnum() and sum(ch.isdigit() for ch in up) >= 8
    # a number's start is its office's 9 digits ("261121-0001-K" starts with a day: a part)
    if re.match(r"[0-9]{9}(-|$)", up) or (not is_id and up.isdigit() and len(up) >= 9):
        cond = and_(case_t.c.number >= up, case_t.c.number < up + "~")
        return and_(case_t.c.office == up[:9], cond) if up[:9].isdigit() and len(up) >= 9 else cond
    if is_id:
        return case_t.c.applicant_id_number == up
    if _NUMBER_TAIL.fullmatch(up):
        if len(up) == 6:
            return TAIL6 == up
        # the longer end checked on the row (a LIKE would draw the trigram index in beside)
        return and_(
            TAIL6 == up[-6:], func.substr(case_t.c.number, func.length(case_t.c.number) - len(up) + 1) == up
        )
    if _NUMBER_PART.fullmatch(up):
        # a part of the number (only [0-9A-Z-], no LIKE wildcard): on PostgreSQL the number's
        # trigram index (h0013) finds it; elsewhere it is read within the queue's departments
        return case_t.c.number.like(f"%{up}%")
    # a name's start: its first one or two characters equal on their index, which lists them
    # newest first; a longer start is also a range on the name's own index (the planner takes
    # whichever reads less)
    if len(q) == 1:
        return NAME1 == q
    if len(q) == 2:
        return NAME2 == q
    return and_(NAME2 == q[:2], case_t.c.applicant_name >= q, case_t.c.applicant_name < q + "\uffff")


def _stage_conds(flt: QueueFilter) -> list:
    if flt.stage in STAGES:
        return [queue_t.c.stage == flt.stage]
    if flt.stage == ALL:
        return []
    # with an office or matter filter their indexes (…, stage, received_on) serve it
    return [queue_t.c.stage.in_(WAITING) if (flt.office or flt.subject) else queue_t.c.waiting.is_(True)]


def _stages_of(flt: QueueFilter) -> tuple[str, ...] | None:
    """The stages the filter lists (None: every stage)."""
    if flt.stage in STAGES:
        return (flt.stage,)
    return None if flt.stage == ALL else WAITING


def _counted(c, departments: tuple[str, ...], scope: tuple[str, ...], stages):
    """From ``hub_queue_count`` (a few rows per department and stage, whatever the number of
    cases): the queue rows per department of ``departments``, and per stage the cases of the
    ``scope``, a case of several of its departments once (counted at the first of them)."""
    qc = queue_count_t
    q = select(qc.c.department, qc.c.departments, qc.c.stage, func.sum(qc.c.n)).where(
        qc.c.department.in_(departments or ("",))
    )
    if stages is not None:
        q = q.where(qc.c.stage.in_(stages))
    by_department: dict[str, int] = {}
    per_stage: dict[str, int] = {}
    inside = set(scope)
    for dept, depts, stage, n in c.execute(q.group_by(qc.c.department, qc.c.departments, qc.c.stage)).all():
        by_department[dept] = by_department.get(dept, 0) + int(n)
        if dept in inside and dept == min(set(depts.split(",")) & inside, default=dept):
            per_stage[stage] = per_stage.get(stage, 0) + int(n)
    return by_department, per_stage


def _per_department(
    conds: list, scope: tuple[str, ...], source, order, limit: int, *, keys_only=False, more=()
):
    """The first ``limit`` queue rows of each department of ``scope`` by ``order`` (each from its
    department's index), as one UNION ALL: what several departments' first rows are made of
    without reading their whole queues (a case's first row is among its department's first).
    ``keys_only``: the number and department (an index-only scan where the index has them)."""
    parts = []
    for d in scope:
        cols = [queue_t.c.number, queue_t.c.department]
        if not keys_only:
            cols.append(queue_t.c.received_on)
        cols.extend(more)
        first = (
            select(*cols)
            .select_from(source)
            .where(queue_t.c.department == d, *conds)
            .order_by(*order)
            .limit(limit)
            .subquery()
        )
        parts.append(select(*first.c))
    return union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()


def _distinct_count(sub) -> Any:
    return select(func.count()).select_from(select(sub.c.number).distinct().subquery())


def _listed(c, flt: QueueFilter, scope, conds, other, counts, sizes, today: date, page: int, per_page: int):
    """A listing's (not a search's) total, overdue total and its page's keys (a query).
    ``sizes``: the departments' waiting cases (which to count first)."""
    one = len(scope) == 1
    stages = _stages_of(flt)
    at = tuple_(queue_t.c.received_on, queue_t.c.number)
    after, before = _key(flt.after), _key(flt.before)
    if after:  # the next page: the rows after the key, each department's from its index there
        base = _per_department([*conds, at > after], scope, queue_t, _ORDER, per_page)
        skip = 0
    elif before:  # the previous page: the rows before the key, read backwards
        base = _per_department([*conds, at < before], scope, queue_t, _BACKWARDS, per_page)
        skip = None
    else:
        base = _per_department(conds, scope, queue_t, _ORDER, page * per_page)
        skip = (page - 1) * per_page
    if flt.subject or flt.office:
        # one office's or one matter's rows, counted on their index (an office's share)
        counted = select(queue_t.c.number).where(
            queue_t.c.department == scope[0] if one else queue_t.c.department.in_(scope), *conds
        )
        if not one:
            counted = counted.distinct()
        total = c.execute(select(func.count()).select_from(counted.subquery())).scalar() or 0
    else:
        per = counts if stages == WAITING else _counted(c, scope, scope, stages)[1]
        total = sum(per.values()) if stages is None else sum(per.get(s, 0) for s in stages)
    # the overdue total above the table: the filter's waiting cases whose promise is past
    # (a working-day count is negative exactly when the promised date is before today);
    # each department's from its (department, [office,] stage, due_date, number) index
    late_stages = WAITING if stages is None else tuple(s for s in stages if s in WAITING)
    late_conds = [
        queue_t.c.stage.in_(late_stages or ("",)),
        *other,
        queue_t.c.due_date != "",
        queue_t.c.due_date < today.isoformat(),
    ]
    # without an office or matter filter, first each department's count up to the cap (its
    # index alone), the largest queues first: one at the cap is the answer ("more than
    # OVERDUE_CAP"), mostly the first at a province's size, with no distinct over several
    # departments' rows. An office's or a matter's share is counted at once (one statement).
    most = 0
    for d in sorted(scope, key=lambda d: (-sizes.get(d, 0), d)) if one or not other else ():
        n = (
            c.execute(
                select(func.count()).select_from(
                    select(queue_t.c.number)
                    .where(queue_t.c.department == d, *late_conds)
                    .limit(OVERDUE_CAP + 1)
                    .subquery()
                )
            ).scalar()
            or 0
        )
        most = max(most, n)
        if most > OVERDUE_CAP:
            break
    if one or most > OVERDUE_CAP:
        overdue = most
    else:
        late = _per_department(late_conds, scope, queue_t, (), OVERDUE_CAP + 1, keys_only=True)
        overdue = c.execute(_distinct_count(late)).scalar() or 0
    # the page's keys, merged from each department's first rows; a case of several
    # departments is listed once (at the first of them)
    keys = select(base.c.number, func.min(base.c.department).label("department"), base.c.received_on)
    keys = keys.group_by(base.c.number, base.c.received_on)
    if skip is None:  # backwards: the last per_page before the key
        keys = keys.order_by(base.c.received_on.desc(), base.c.number.desc()).limit(per_page)
    else:
        keys = keys.order_by(base.c.received_on, base.c.number).offset(skip).limit(per_page)
    return total, overdue, keys


@dataclass
class _Found:
    total: int  # the matches in scope among the newest COUNT_CAP + 1 matching cases
    capped: bool  # more cases match than were read for ``total`` (it is a lower bound)
    overdue: int
    page: list  # the numbers of the page's cases, newest first
    more: bool  # older matches follow the page


def _seq_key(cursor: str) -> int | None:
    return int(cursor) if cursor.isdigit() and len(cursor) <= 18 else None


def _of_scope(scope):
    """A queue row's department is one of ``scope``'s, as a condition on the rows of cases
    already known by number: for several departments checked on the case's few rows, not a
    key of the index (PostgreSQL before 17 descends the (number, department) index once per
    listed department: 7 descents a case for a user of 7 departments)."""
    if len(scope) == 1:
        return queue_t.c.department == scope[0]
    return func.coalesce(queue_t.c.department, "").in_(scope)  # NOT NULL: the same rows


PAGE_WINDOW = COUNT_CAP + 1  # a page past the totals' matches looks at most this many further


def _window(c, case_conds, scope, queue_conds, limit: int, *, older=None, newer=None):
    """Up to ``limit`` matching cases in scope from the key on (older than ``older``, newest
    first, or newer than ``newer``, oldest first), among the next PAGE_WINDOW matching cases at
    most (a case of the search's index, then its queue rows by their key): a search whose
    matches are mostly outside the filter is not read to its end. Also: whether that window
    was full (more matches lie beyond it)."""
    order = case_t.c.created_seq if newer is not None else case_t.c.created_seq.desc()
    cand = select(case_t.c.number, case_t.c.created_seq).where(*case_conds)
    if older is not None:
        cand = cand.where(case_t.c.created_seq < older)
    if newer is not None:
        cand = cand.where(case_t.c.created_seq > newer)
    win = cand.order_by(order).limit(PAGE_WINDOW).subquery()
    inside = (
        select(queue_t.c.number)
        .where(queue_t.c.number == win.c.number, _of_scope(scope), *queue_conds)
        .exists()
    )
    key = win.c.created_seq if newer is not None else win.c.created_seq.desc()
    got = c.execute(select(win.c.number, win.c.created_seq).where(inside).order_by(key).limit(limit)).all()
    full = False
    if len(got) < limit:  # short: was it the window's end or the matches'?
        full = c.execute(select(func.count()).select_from(win)).scalar() == PAGE_WINDOW
    return got, full


def _searched(
    c, scope, case_conds, queue_conds, per_page: int, page: int, after, before, today: str
) -> _Found:
    """A search's page and totals, newest match first (hub_case.created_seq descending: each
    kind of search has its index ending in created_seq, h0014), every read bounded by a LIMIT
    whatever the number of matches (two typed characters may match a province's thousands).

    The newest COUNT_CAP + 1 cases that match the search (any department) are read with their
    queue rows in scope: the totals are theirs (when that many match, the total is a lower
    bound, shown "at least": counting further would read a province's matches one by one), and
    a page among them (the first ones, or at the next/previous link's key, a created_seq) is cut
    from them. A page past them is read from the search's index at the key (``_window``)."""
    newest = (
        select(case_t.c.number, case_t.c.created_seq)
        .where(*case_conds)
        .order_by(case_t.c.created_seq.desc())
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    rows = c.execute(
        select(
            newest.c.number, newest.c.created_seq, queue_t.c.department, queue_t.c.stage, queue_t.c.due_date
        )
        .select_from(
            newest.outerjoin(
                queue_t,
                and_(queue_t.c.number == newest.c.number, _of_scope(scope), *queue_conds),
            )
        )
        .order_by(newest.c.created_seq.desc())
    ).all()
    read = {r.number for r in rows}
    capped = len(read) > COUNT_CAP
    last = min((r.created_seq for r in rows), default=0)  # the oldest of those read
    first: dict[str, Any] = {}  # a case of several of the departments once, at the first of them
    for r in rows:
        if r.department is not None and (r.number not in first or r.department < first[r.number].department):
            first[r.number] = r
    overdue = sum(1 for r in first.values() if r.stage in WAITING and "" < r.due_date < today)
    found = list(first.values())  # newest first
    if before is not None:
        if not capped or before >= last:  # the key is among those read
            shown = [r for r in found if r.created_seq > before][-per_page:]
        else:
            got, _full = _window(c, case_conds, scope, queue_conds, per_page, newer=before)
            shown = got[::-1]
        more = True
    else:
        if after is not None:
            ahead = [r for r in found if r.created_seq < after]
            start, skip = min(after, last) if capped else after, 0
        else:
            ahead, start, skip = found, last, (page - 1) * per_page
        want = skip + per_page + 1
        if capped and len(ahead) < want:  # the rest of the page lies past those read
            got, full = _window(c, case_conds, scope, queue_conds, want - len(ahead), older=start)
            ahead = ahead + got
        else:
            full = False
        shown = ahead[skip : skip + per_page]
        more = len(ahead) > skip + per_page or full
    return _Found(len(first), capped, overdue, [r.number for r in shown], more)


_ORDER = (queue_t.c.received_on, queue_t.c.number)
_BACKWARDS = (queue_t.c.received_on.desc(), queue_t.c.number.desc())


def queue_page(store: HubStore, flt: QueueFilter, *, today: date, calendar: Any) -> QueuePage:
    """One page of the queue of a department (or of all the user's), oldest first, with working
    days left at ``today``. A case that concerns several of the departments is listed once.

    At a province's size every part is bounded: the counts come from ``hub_queue_count``; the
    page's keys from the first rows of each department's index; a search reads its first
    COUNT_CAP + 1 matches and pages within them; the overdue total reads up to OVERDUE_CAP + 1
    rows of each department's (department, stage, due_date) index."""
    from app.domain.workdays import working_days_between

    per_page = max(1, min(flt.per_page, 200))
    page = max(1, flt.page)
    scope = flt.scope or ("",)
    other = []  # the filter's conditions but the stage's
    if flt.office:
        other.append(queue_t.c.office == flt.office)
    if flt.subject:
        other.append(queue_t.c.subject_code == flt.subject)
    searching = bool(flt.query.strip())
    conds = [*_stage_conds(flt), *other]
    with store.ro() as c:
        by_department, counts = _counted(c, flt.departments or scope, scope, WAITING)
        if searching:
            # read from hub_case by the search's index; the case's own office too (a shard's)
            case_conds = [_search(flt.query), *([case_t.c.office == flt.office] if flt.office else [])]
            found = _searched(
                c,
                scope,
                case_conds,
                conds,
                per_page,
                page,
                _seq_key(flt.after),
                _seq_key(flt.before),
                today.isoformat(),
            )
            total, overdue, more, capped = found.total, found.overdue, found.more, found.capped
            listed = queue_t.join(case_t, case_t.c.number == queue_t.c.number)
            which = [
                queue_t.c.number.in_(found.page or [""]),
                _of_scope(scope),
                *conds,
            ]
            order: tuple[Any, ...] = (case_t.c.created_seq.desc(), queue_t.c.department)
        else:
            total, overdue, keys_q = _listed(
                c, flt, scope, conds, other, counts, by_department, today, page, per_page
            )
            keys = keys_q.subquery()
            listed = keys.join(
                queue_t, (queue_t.c.number == keys.c.number) & (queue_t.c.department == keys.c.department)
            ).join(case_t, case_t.c.number == keys.c.number)
            which = []
            order = (queue_t.c.received_on, queue_t.c.number)
            more = capped = False
        rows = c.execute(
            select(
                queue_t,
                case_t.c.state,
                case_t.c.subject_name,
                case_t.c.applicant_name,
                case_t.c.applicant_id_number,
                case_t.c.applicant_kind,
                case_t.c.created_seq,
            )
            .select_from(listed)
            .where(*which)
            .order_by(*order)
        ).all()
    if searching:  # a case of several of the departments once, at the first of them
        rows = [r for i, r in enumerate(rows) if i == 0 or rows[i - 1].number != r.number]
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
            applicant_kind=r.applicant_kind or "person",
            seq=int(r.created_seq),
        )
        if r.due_date and r.stage in WAITING:
            try:
                it.days_left = working_days_between(today, date.fromisoformat(r.due_date), calendar)
            except ValueError:
                it.days_left = None
            if it.days_left is not None:
                it.urgency = "overdue" if it.days_left < 0 else ("warn" if it.days_left <= WARN_DAYS else "")
        items.append(it)
    return QueuePage(
        items,
        int(total),
        page,
        per_page,
        counts,
        capped,
        by_department,
        int(overdue),
        more,
    )


def departments(store: HubStore) -> dict[str, str]:
    """{department code: name} of the current catalogue, in its order."""
    return {department_code(m.code): m.department for m in store.catalogue_obj().matters.values()}


# The offices of a department's queue, one index probe an office (a "loose index scan" on
# (department, office, ...)): not a distinct over the department's whole queue.
_OFFICES = text(
    "WITH RECURSIVE o(office) AS ("
    " SELECT min(office) FROM hub_queue WHERE department = :d"
    " UNION ALL"
    " SELECT (SELECT min(q.office) FROM hub_queue q WHERE q.department = :d AND q.office > o.office)"
    " FROM o WHERE o.office IS NOT NULL"
    ") SELECT office FROM o WHERE office IS NOT NULL"
)


def queue_offices(store: HubStore, department: str | Iterable[str]) -> list[str]:
    """The offices with cases for the department (or any of the departments)."""
    depts = [department] if isinstance(department, str) else list(department)
    found: set[str] = set()
    with store.ro() as c:
        for d in depts:
            found.update(c.execute(_OFFICES, {"d": d}).scalars())
    return sorted(found)


def case_departments(store: HubStore, number: str) -> set[str]:
    with store.ro() as c:
        return set(
            c.execute(
                select(queue_t.c.department).where(queue_t.c.office == number[:9], queue_t.c.number == number)
            ).scalars()
        )


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
    remarks: str = ""  # the back office's remark on its 办结 / 不予许可 (``remarks`` in the payload)


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
    from app.domain.case_record import apply_correction
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
    correction = None  # the back office's 补正 since that decision (the materials it names)
    for e in sorted(events, key=cs.order_key):
        if e.event_id in applied and e.kind in (cs.ACCEPTED, cs.NOTIFIED, cs.REFUSED):
            decision, correction = e, None
        elif e.event_id in applied and e.kind == cs.CORRECTION_REQUESTED:
            correction = e
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
        compact = compact_marks(p.get("marks"))
        if correction is not None:  # the window's own rule: what it names is 不符合要求, with the note
            compact = apply_correction(compact, correction.payload)
        marks = marks_from_compact(items, compact)
        checklist = [m.to_dict() for m in marks]
    seqs = {r.event_id: r.seq for r in evs}
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
    # a material with a scan reads 电子件, as at the window (app.ui.screens.scans), unless the
    # back office asked for it again after the scan came
    since = seqs.get(correction.event_id, 0) if correction else 0
    scanned = {s["material"] for s, r in zip(scans, _attachment_rows(evs), strict=True) if r.seq > since}
    for m in checklist:
        m["electronic"] = m["key"] in scanned
    names = {m["key"]: m.get("name") or m["key"] for m in checklist}
    for sc in scans:  # the caption names the material as the checklist does, not by its code
        sc["material_name"] = names.get(sc["material"], sc["material"])
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
    remarks = ""
    for e in sorted(events, key=cs.order_key):
        remarks = _text(e.payload.get("remarks")).strip() if _decided(e, applied) else remarks
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
        remarks=remarks,
    )


def _decided(e: cs.Event, applied: set[str]) -> bool:
    return e.event_id in applied and e.kind in (cs.COMPLETED, cs.DENIED)


def _attachment_rows(evs) -> list:
    return [r for r in evs if r.kind == cs.ATTACHMENT_ADDED]


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
