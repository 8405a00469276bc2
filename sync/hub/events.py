"""Events: a window's (or a county hub's) push, a back-office decision, and the pull.

A push applies each event exactly once, in one transaction, checking who may write what; the
case rows and the reactions follow in that transaction (sync.hub.cases, sync.hub.reactions).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, bindparam, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

from app.domain import case_state as cs
from app.domain import payloads
from sync import protocol
from sync.hub import audit_store, decisions, news, reactions
from sync.hub.cases import CONFLICT_NOTE_AUTHOR, Cases, wire_row
from sync.hub.db import HubDB, in_values, utcnow
from sync.hub.documents import Documents, level_of
from sync.hub.history import case_histories
from sync.hub.principal import Principal, Refusal
from sync.hub.schema import applicant_t, case_t, event_t


@dataclass
class PushResult:
    applied: int = 0
    duplicate: int = 0
    refused: list[dict] = field(default_factory=list)
    last_seq: int = 0

    def to_json(self) -> dict:
        return {
            "v": protocol.VERSION,
            "ok": self.applied,
            "dup": self.duplicate,
            "refused": self.refused,
            "seq": self.last_seq,
            "now": utcnow(),
        }


def same_content(e: protocol.WireEvent, other: Any) -> bool:
    """Whether a known event id carries the same event (lc is ordering, not content)."""
    if isinstance(other, protocol.WireEvent):
        return (e.case, e.kind, e.p, e.office, e.ws) == (
            other.case,
            other.kind,
            other.p,
            other.office,
            other.ws,
        )
    return (e.case, e.kind, e.office, e.ws) == (
        other.case_number,
        other.kind,
        other.office,
        other.ws,
    ) and e.p == json.loads(other.payload)


@functools.lru_cache(maxsize=8192)
def _parse_number(number: str):  # noqa: ANN202 (app.domain.numbering.CaseNumber)
    """parse_case_number, remembered: a batch names each of its cases several times (a
    ValueError is not remembered)."""
    from app.domain.numbering import parse_case_number

    return parse_case_number(number)


def case_workstation(number: str) -> str:
    """``office/ws`` of the workstation that numbered a case (the number's own fields)."""
    try:
        num = _parse_number(number)
    except ValueError:
        return f"case:{number}"
    return f"{num.office}/{num.workstation}"


def _workstations(events: list[protocol.WireEvent]) -> set[str]:
    """The workstations a batch writes for: each case's numbering window and each author."""
    return {case_workstation(e.case) for e in events} | {f"{e.office}/{e.ws}" for e in events}


def _new_case_row(e: protocol.WireEvent, num, level: str, uid: str) -> dict:
    kind, code = str(e.p.get("subject_kind", "")), str(e.p.get("subject_code", ""))
    return {
        "number": e.case,
        "uid": uid,
        "office": num.office,
        "ws": num.workstation,
        "subject_kind": kind,
        "subject_code": code,
        "subject_name": str(e.p.get("subject_name", ""))[:200],
        "catalogue_version": str(e.p.get("catalogue_version", ""))[:64],
        "level": level,
        "applicant_kind": "",
        "applicant_name": "",
        "applicant_id_number": "",
        "state": None,
        "lc": 0,
        "reason": "",
        "n_events": 0,
        "n_conflicts": 0,
    }


def _cases_by_number(c: Connection, numbers: list[str]) -> dict[str, Any]:
    """The rows of the cases numbered ``numbers`` (those the hub holds), 500 a query, each
    query within the offices the numbers name (a number names its case's office)."""
    offices: dict[str, list[str]] = {}
    for n in numbers:
        try:
            offices.setdefault(_parse_number(n).office, []).append(n)
        except ValueError:
            continue  # never a case here (a case is made only under a number that parses)
    out: dict[str, Any] = {}
    pg = c.dialect.name == "postgresql"
    for office, nums in offices.items():
        for i in range(0, len(nums), 500):
            part = nums[i : i + 500]
            if pg:  # by key, through a join (see keyed_rows)
                k = keyed_rows("number", part)
                q = select(case_t).join(k, case_t.c.number == k.c.number).where(case_t.c.office == office)
            else:
                q = select(case_t).where(case_t.c.office == office, case_t.c.number.in_(part))
            out.update((r.number, r) for r in c.execute(q))
    return out


def keyed_rows(*cols_and_values):  # noqa: ANN201 (a table-valued unnest)
    """``unnest(:a, :b, ...) AS k(a, b, ...)``: a batch's keys as rows to join on (PostgreSQL).

    ``number IN (...)`` on hub_case is answered through the console's trigram index on the
    number (every number's trigrams are shared by its office's cases: a batch's lookup read the
    whole index, seconds at a few thousand cases), and ``(a, b, c) IN (...)`` becomes a chain of
    ORs filtered over an office's every row; a join on the keys reads each row by its btree.
    Arguments: name, values, name, values, ..."""
    names = cols_and_values[0::2]
    arrays = [
        bindparam(f"k_{n}", list(v), type_=ARRAY(String))
        for n, v in zip(names, cols_and_values[1::2], strict=True)
    ]
    return func.unnest(*arrays).table_valued(*names).render_derived(name="k")


def _applicant_key(e: protocol.WireEvent, case: dict) -> tuple[str, str, str] | None:
    """(office, kind, id_number) of the applicant ``e`` records on ``case``, if it records one."""
    a = e.p.get("applicant") if e.kind in payloads.APPLICANT_KINDS else None
    if not isinstance(a, dict) or not a.get("id_number"):
        return None
    return case["office"], str(a.get("kind", ""))[:12], str(a.get("id_number", ""))[:20]


def _applicant_locks(events: list[protocol.WireEvent]) -> set[str]:
    """Lock keys of the office records of the applicants a batch names (its cases' offices)."""
    out = set()
    for e in events:
        try:
            office = _parse_number(e.case).office
        except ValueError:
            continue
        key = _applicant_key(e, {"office": office})
        if key is not None:
            out.add("applicant:" + "/".join(key))
    return out


class _Applicants:
    """The office records of the applicants one push names: read in one query, kept here as
    the batch changes them, written once (one insert, one update for all) before it commits."""

    def __init__(self, c: Connection, events: list[tuple[protocol.WireEvent, dict]], insert_many) -> None:  # noqa: ANN001
        self.c, self.insert_many = c, insert_many
        self.rows: dict[tuple[str, str, str], dict] = {}
        self.fresh: set[tuple[str, str, str]] = set()
        self.dirty: set[tuple[str, str, str]] = set()
        keys = sorted({k for e, case in events if (k := _applicant_key(e, case)) is not None})
        cols = (applicant_t.c.office, applicant_t.c.kind, applicant_t.c.id_number)
        pg = c.dialect.name == "postgresql"
        for i in range(0, len(keys), 300):
            part = keys[i : i + 300]
            if pg:  # by key, through a join (keyed_rows)
                k = keyed_rows(
                    *(
                        x
                        for j, n in enumerate(("office", "kind", "id_number"))
                        for x in (n, [p[j] for p in part])
                    )
                )
                q = select(applicant_t).join(
                    k,
                    (applicant_t.c.office == k.c.office)
                    & (applicant_t.c.kind == k.c.kind)
                    & (applicant_t.c.id_number == k.c.id_number),
                )
            else:
                q = select(applicant_t).where(tuple_(*cols).in_(part))
            for r in c.execute(q):
                self.rows[(r.office, r.kind, r.id_number)] = dict(r._mapping)

    def put(self, key: tuple[str, str, str], values: dict, fresh: bool = False) -> None:
        self.rows[key] = {**self.rows.get(key, {}), **values}
        (self.fresh if fresh else self.dirty).add(key)

    def flush(self, base: int) -> None:
        """Write the batch's records; their ``seq`` was relative to the batch: ``base`` + it."""
        for k in self.fresh | self.dirty:
            self.rows[k]["seq"] += base
        new = [{"office": k[0], "kind": k[1], "id_number": k[2], **self.rows[k]} for k in sorted(self.fresh)]
        if new:
            self.insert_many(self.c, applicant_t, [{c.name: r[c.name] for c in applicant_t.c} for r in new])
        changed = [
            {"k_office": k[0], "k_kind": k[1], "k_id": k[2], **self.rows[k]}
            for k in sorted(self.dirty - self.fresh)
        ]
        if changed:
            fields = (*payloads.APPLICANT_FIELDS, "author", "case_number", "seq")
            self.c.execute(
                update(applicant_t)
                .where(
                    applicant_t.c.office == bindparam("k_office"),
                    applicant_t.c.kind == bindparam("k_kind"),
                    applicant_t.c.id_number == bindparam("k_id"),
                )
                .values({f: bindparam(f) for f in fields}),
                [{k: r[k] for k in ("k_office", "k_kind", "k_id", *fields)} for r in changed],
            )


class Events:
    def __init__(self, db: HubDB, docs: Documents, cases: Cases) -> None:
        self.db, self.docs, self.cases = db, docs, cases

    # --- push -------------------------------------------------------------------------------
    # noqa reason: one transaction walks each event through the checks in order; splitting it
    # would pass the transaction's state (seq, case_info, history) through several helpers
    def push(  # noqa: C901
        self, who: Principal, events: list[protocol.WireEvent], via: str | None = None
    ) -> PushResult:
        """Apply a batch exactly once per event, in one transaction. Refusals are per event.

        What only the batch's workstations write (their cases, their chains) is read and checked
        under their locks, before the ``seq`` numbers are taken (SQLite: the counter serialises
        every writer until it commits; PostgreSQL: the numbers are held apart until this
        transaction ends, sync.hub.seq_hold), then the numbered writes, each one statement for
        the whole batch."""
        res = PushResult()
        via = via or who.identity
        with self.db.tx() as c:
            # the same batch may arrive through two hub processes at once (a retry through
            # another one behind the proxy): the workstations it writes for are locked first,
            # so the second one sees the first's events as known (duplicates), never a conflict
            # (and the office records of the applicants it names: windows of one office share them)
            self.db.lock_keys(c, _workstations(events) | _applicant_locks(events))
            known: dict[str, Any] = {}
            ids = [e.id for e in events]
            for i in range(0, len(ids), 500):
                for r in c.execute(
                    select(
                        event_t.c.event_id,
                        event_t.c.case_number,
                        event_t.c.kind,
                        event_t.c.payload,
                        event_t.c.office,
                        event_t.c.ws,
                        event_t.c.owner_office,
                    ).where(in_values(c, event_t.c.event_id, ids[i : i + 500]))
                ):
                    known[r.event_id] = r
            by_case: dict[str, list[protocol.WireEvent]] = {}
            seen: dict[str, protocol.WireEvent] = {}
            for e in events:
                if e.id in known or e.id in seen:
                    other = known.get(e.id) or seen[e.id]
                    if same_content(e, other):
                        res.duplicate += 1
                    else:  # one id, two contents: never dropped silently
                        res.refused.append(self._duplicate_id(c, who, e, other, via))
                    continue
                seen[e.id] = e
                by_case.setdefault(e.case, []).append(e)
            if who.role == "workstation":  # (a hub forwards events its county has checked)
                mine = [e for e in events if who.may_author(e.office, e.ws)]
                audit_store.check_push(c, mine, utcnow(), self.db.insert_many)
            if not by_case:
                res.last_seq = int(self.db.meta("seq", c) or 0)
                return res
            # the batch's cases and their histories, each one query (under the locks of the
            # workstations that number them: nobody else writes them meanwhile)
            cases = _cases_by_number(c, list(by_case))
            histories = case_histories(c, {n: cases[n].office for n in by_case if n in cases})
            # every event checked, in its case's order, before anything is numbered
            todo: list[tuple[str, Any, dict, list[tuple[protocol.WireEvent, str]]]] = []
            for number, evs in by_case.items():
                evs.sort(key=lambda e: (e.lc, cs.RANK.get(e.kind, 9), e.id))
                blocked: protocol.WireEvent | None = None
                case = cases.get(number)
                case_info: dict | None = dict(case._mapping) if case is not None else None
                kept: list[tuple[protocol.WireEvent, str]] = []
                for e in evs:
                    try:
                        if blocked is not None:
                            raise Refusal("blocked", f"depends on refused event {blocked.id}")
                        case_info = self._check(c, who, e, case_info)
                    except Refusal as r:
                        blocked = blocked or e
                        res.refused.append({"id": e.id, "case": e.case, "code": r.code, "reason": r.reason})
                        continue
                    kept.append((e, f"{e.office}/{e.ws}" if who.role in ("workstation", "hub") else via))
                if kept:
                    assert case_info is not None  # set by _check before any event is kept
                    todo.append((number, case, case_info, kept))
            n_kept = sum(len(kept) for *_x, kept in todo)
            if not n_kept:
                res.last_seq = int(self.db.meta("seq", c) or 0)
                return res
            # every row made with a number relative to the batch (0..n_kept-1), before the seq
            # counter is taken: the applicants' records are locked with the workstations
            applicants = _Applicants(
                c, [(e, info) for _n, _c, info, kept in todo for e, _a in kept], self.db.insert_many
            )
            rows: list[dict] = []
            saves: list[tuple[bool, dict, list[cs.Event], int, cs.CaseView, frozenset[str]]] = []
            now = utcnow()
            rel = 0
            for number, case, case_info, kept in todo:
                new_events: list[cs.Event] = []
                for e, author in kept:
                    rows.append(
                        {
                            "seq": rel,
                            "event_id": e.id,
                            "case_number": number,
                            "kind": e.kind,
                            "lc": e.lc,
                            "payload": e.p_text or json.dumps(e.p, ensure_ascii=False),
                            "actor": e.actor,
                            "office": e.office,
                            "ws": e.ws,
                            "at": e.at,
                            "author": author,
                            "via": via,
                            "owner_office": case_info["office"],
                            "owner_ws": case_info["ws"],
                            "received_at": now,
                        }
                    )
                    new_events.append(cs.Event(e.id, e.kind, e.lc, author, e.p))
                    if self._applicant(c, applicants, e, author, case_info, rel):
                        case_info["n_conflicts"] = int(case_info.get("n_conflicts") or 0) + 1  # recount
                    rel += 1
                history = histories.get(number, []) + new_events
                kinds = frozenset(e.kind for e in new_events)
                saves.append((case is None, case_info, history, rel - 1, cs.derive(history), kinds))
                res.applied += len(new_events)
            # a new case without conflicts writes nothing until its row: its row and its queue
            # rows are made here, numbered relative to the batch like the events
            new_cases: list[dict] = []
            pending = reactions.Pending()  # the new cases' rows of the console's queue
            later = []
            for save in saves:
                is_new, info, history, last, view, kinds = save
                if is_new and not view.conflicts and not info.get("n_conflicts"):
                    self.cases.save_case(c, True, info, history, last, new_cases, pending, kinds, view=view)
                else:
                    later.append(save)
            # told at the commit, whenever it is said in the transaction: said before the counter
            news.mark(c, {(r["owner_office"], r["owner_ws"]) for r in rows})
            base = self.db.next_seqs(c, n_kept)  # held until the commit (SQLite: every writer waits)
            for row in rows:
                row["seq"] += base
            for row in new_cases:
                row["created_seq"] += base
                row["updated_seq"] += base
            for row in pending.queue_rows:
                row["first_seq"] += base  # (the case's created_seq)
            self.cases.save_cases(
                c,
                [
                    (is_new, info, history, base + last, view, kinds)
                    for is_new, info, history, last, view, kinds in later
                ],
                new_cases,
                pending,
            )
            applicants.flush(base)
            self.db.insert_many(c, case_t, new_cases)
            pending.flush(c, self.db.insert_many)
            self.db.insert_many(c, event_t, rows)
            res.last_seq = base + n_kept - 1
        return res

    def _check(self, c: Connection, who: Principal, e: protocol.WireEvent, case: dict | None) -> dict:
        """The case's row (new for case.created) if `who` may write `e`, else Refusal."""
        try:
            num = _parse_number(e.case)
        except ValueError as exc:
            raise Refusal("bad_case_number", f"{e.case}: {exc}") from None
        if str(num) != e.case:
            raise Refusal("bad_case_number", f"{e.case}: not in canonical form {num}")
        for office in (num.office, e.office):  # name the office that is not the token's
            if not who.may_write_office(office):
                raise Refusal(
                    "forbidden_office", f"a token of office {who.office} may not write for office {office}"
                )
        if not who.may_author(e.office, e.ws):
            raise Refusal(
                "not_your_workstation",
                f"the event claims workstation {e.office}/{e.ws} but the token is {who.office}/{who.ws}",
            )
        if e.kind not in cs.KNOWN_KINDS:
            raise Refusal("unknown_kind", f"unknown event kind {e.kind}")
        if who.role == "workstation" and e.kind not in cs.WINDOW_KINDS:
            raise Refusal("kind_not_allowed", f"a workstation may not send {e.kind}")
        problem = payloads.payload_problem(e.kind, e.p)  # one schema per kind (app.domain.payloads)
        if problem:
            raise Refusal("bad_payload", problem)
        if e.kind == cs.CREATED:
            return self._created(c, who, e, num, case)
        if case is None:
            raise Refusal(
                "unknown_case", f"case {e.case} is not known here (its case.created has not arrived)"
            )
        if e.case_uid and e.case_uid != case["uid"]:
            self.cases.uid_conflict(c, e, case["uid"], e.case_uid)
            raise Refusal("number_conflict", f"case {e.case} here has uid {case['uid']}, not {e.case_uid}")
        return case

    def _created(self, c: Connection, who: Principal, e: protocol.WireEvent, num, case: dict | None) -> dict:
        """_check of a case.created: the case's row, new unless it is already here."""
        if who.role == "workstation" and num.workstation != who.ws:
            raise Refusal(
                "not_your_workstation",
                f"case {e.case} is numbered by workstation {num.office}/{num.workstation}, "
                f"not by this token's {who.office}/{who.ws}",
            )
        uid = e.p.get("uid")
        if not isinstance(uid, str) or not uid:
            raise Refusal("bad_payload", "case.created needs uid")
        if case is not None:
            if case["uid"] != uid:
                self.cases.uid_conflict(c, e, case["uid"], uid)
                raise Refusal(
                    "number_conflict", f"case {e.case} already exists with another uid ({case['uid']})"
                )
            return case
        version = str(e.p.get("catalogue_version", ""))
        # a window's case names a version this hub published (a county hub forwarding its
        # own versions is judged by the current catalogue); nothing else is parsed or kept
        if who.role == "workstation" and not self.docs.catalogue_published(version):
            raise Refusal(
                "unknown_catalogue",
                f"catalogue version {version!r} is not published at this hub: the hub's admin "
                "publishes it (hub publish-catalogue), then the window sends the case again",
            )
        kind, code = str(e.p.get("subject_kind", "")), str(e.p.get("subject_code", ""))
        return _new_case_row(e, num, level_of(self.docs.catalogue_obj(version), kind, code), uid)

    def _duplicate_id(
        self, c: Connection, who: Principal, e: protocol.WireEvent, other: Any, via: str
    ) -> dict:
        """An event id already used for other content: recorded as a conflict and refused. When
        the id is used on a case of an office the sender may not read, the refusal names nothing
        of that case and nothing is recorded on it."""
        if isinstance(other, protocol.WireEvent):  # earlier in the same batch: the sender's own
            before = {"case": other.case, "kind": other.kind, "office": other.office, "ws": other.ws}
        else:
            if not who.may_read_office(other.owner_office):
                return {
                    "id": e.id,
                    "case": e.case,
                    "code": "duplicate_id",
                    "reason": f"event id {e.id} is already used for another event; send it with a new id",
                }
            before = {"case": other.case_number, "kind": other.kind, "office": other.office, "ws": other.ws}
        after = {"case": e.case, "kind": e.kind, "office": e.office, "ws": e.ws}
        self.cases.record_conflict(
            c, before["case"], e.id, "duplicate_id", e.kind, via, {"held": before, "sent": after}
        )
        return {
            "id": e.id,
            "case": e.case,
            "code": "duplicate_id",
            "reason": f"event id {e.id} is already used for another event ({before['kind']} on {before['case']})",
        }

    def _applicant(
        self, c: Connection, applicants: _Applicants, e: protocol.WireEvent, author: str, case: dict, seq: int
    ) -> bool:
        """Keep the office's record of an applicant from an event whose kind records one (the
        intake decisions: app.domain.payloads.APPLICANT_KINDS), for the office of the case it is
        on (the sender's, checked by _check) and no other. A window that records other details
        than another window of the office did makes a conflict on its own case, for the back
        office (the console's case page); no window is told (issue 16 §1). True if recorded.
        ``applicants``: the batch's records, read once and written once (_Applicants)."""
        key = _applicant_key(e, case)
        if key is None:
            return False
        a = e.p["applicant"]
        office, kind, idn = key
        number = case["number"]
        new = {field: str(a.get(field, ""))[:n] for field, n in payloads.APPLICANT_FIELDS.items()}
        row = applicants.rows.get(key)
        if row is None:
            applicants.put(key, {**new, "author": author, "case_number": number, "seq": seq}, fresh=True)
            return False
        old = {field: row[field] for field in payloads.APPLICANT_FIELDS}
        recorded = False
        if old != new and row["author"] != author:
            self.cases.record_conflict(
                c,
                number,
                e.id,
                "applicant_details",
                e.kind,
                author,
                {
                    "conflict": "applicant_details",
                    "applicant": {"kind": kind, "id_number": idn},
                    "before": old,
                    "after": new,
                    "before_case": row["case_number"],
                    "before_author": row["author"],
                    "after_case": number,
                    "after_author": author,
                    "rule": "the office's later record becomes its record; each case keeps its own details",
                },
            )
            recorded = True
        applicants.put(key, {**new, "author": author, "case_number": number, "seq": seq})
        return recorded

    # --- a back-office decision ------------------------------------------------------------------
    def backoffice_event(
        self,
        who: Principal,
        number: str,
        kind: str,
        payload: dict,
        actor: str,
        event_id: str | None = None,
        *,
        expect_version: int | None = None,
    ) -> tuple[dict | None, dict]:
        """A back-office decision on a case; it flows down to the window on its next pull.

        ``expect_version``: the case's version (``updated_seq``) the decider saw; if the case
        changed since, the decision is refused (``changed``), never applied over the change
        (sync.hub.decisions decides)."""
        import uuid

        decisions.check_kind(kind)
        problem = payloads.payload_problem(kind, payload)
        if problem:
            raise Refusal("bad_payload", problem)
        decisions.check_reason(kind, payload)
        eid = event_id or str(uuid.uuid4())
        with self.db.tx() as c:
            self.db.lock_keys(c, [case_workstation(number)])  # against a push of its window
            dup = c.execute(select(event_t.c.seq).where(event_t.c.event_id == eid)).first()
            case = c.execute(  # a case number's first 9 digits are its office
                select(case_t).where(case_t.c.office == number[:9], case_t.c.number == number)
            ).first()
            if case is None:
                raise Refusal("unknown_case", f"case {number} is not known here")
            if not who.may_read_office(case.office):
                raise Refusal("forbidden_office", f"this token may not act on cases of office {case.office}")
            if dup is None:
                history = self.cases.case_events(c, number)
                view = cs.derive(history)
                decisions.check_decision(
                    number, view.state, kind, seen=expect_version, version=case.updated_seq
                )
                seq = self.db.next_seqs(c, 1)
                author = who.identity
                c.execute(
                    insert(event_t).values(
                        seq=seq,
                        event_id=eid,
                        case_number=number,
                        kind=kind,
                        lc=view.lc + 1,
                        payload=json.dumps(payload, ensure_ascii=False),
                        actor=actor[:100],
                        office=who.office or "",
                        ws="",
                        at=utcnow(),
                        author=author,
                        via=author,
                        owner_office=case.office,
                        owner_ws=case.ws,
                        received_at=utcnow(),
                    )
                )
                news.mark(c, {(case.office, case.ws)})
                self.cases.save_case(
                    c,
                    False,
                    dict(case._mapping),
                    history + [cs.Event(eid, kind, view.lc + 1, author, payload)],
                    seq,
                    new_kinds=frozenset({kind}),
                )
        return self.cases.case_detail(number), {"event_id": eid}

    # --- pull ------------------------------------------------------------------------------------
    def pull(self, who: Principal, after: int, limit: int) -> tuple[list[dict], bool, int]:
        """(events, more, cursor). The top seq is read first, so the cursor never skips a commit."""
        with self.db.ro() as c:
            return self.pull_in(c, who, after, limit, self.db.top(c))

    def pull_in(
        self, c: Connection, who: Principal, after: int, limit: int, top: int
    ) -> tuple[list[dict], bool, int]:
        """The same, in the caller's read, with the top seq it read first."""
        limit = max(1, min(limit, protocol.MAX_PULL))
        if after >= top:  # nothing can be newer than the top: no query (an idle window's pull)
            return [], False, max(after, top)
        # each event carries its case's uid: a number alone is not a case's identity
        q = (
            select(event_t, case_t.c.uid.label("case_uid"))
            .join(case_t, case_t.c.number == event_t.c.case_number, isouter=True)
            .where(
                event_t.c.seq > after,
                event_t.c.seq <= top,
                event_t.c.author != CONFLICT_NOTE_AUTHOR,  # an older hub's notes: never served
            )
        )
        if who.role == "workstation":
            q = q.where(
                event_t.c.owner_office == who.office,
                event_t.c.owner_ws == who.ws,
                event_t.c.author != who.identity,
            )
        elif who.role == "hub":
            q = q.where(event_t.c.owner_office.like(who.office + "%"), event_t.c.via != who.identity)
        rows = c.execute(q.order_by(event_t.c.seq).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = rows[-1].seq if more else max(after, top)
        return [wire_row(r) for r in rows], more, cursor
