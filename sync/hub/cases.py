"""Cases: each case's row (its folded state), its conflicts, and what reads them.

``save_case`` (and ``save_cases``, a push's cases a statement per table) is the one place a case
changes after new events; it runs the hub's reactions (sync.hub.reactions) in the same
transaction.
"""

from __future__ import annotations

import json

from sqlalchemy import Integer, bindparam, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection

from app.domain import case_state as cs
from app.domain import payloads
from app.domain.identifiers import applicant_id_type
from sync import protocol
from sync.hub import reactions
from sync.hub.db import HubDB
from sync.hub.history import case_events
from sync.hub.principal import Principal
from sync.hub.schema import case_t, conflict_t, event_t

# The author of the case.note events a hub before issue 16 wrote to tell both windows of an
# applicant disagreement (they held the other office's details): never served to anyone now.
CONFLICT_NOTE_AUTHOR = "hub:conflict"


def wire_row(r) -> dict:
    return {
        "id": r.event_id,
        "case": r.case_number,
        "kind": r.kind,
        "lc": r.lc,
        "p": json.loads(r.payload),
        "actor": r.actor,
        "office": r.office,
        "ws": r.ws,
        "at": r.at,
        "seq": r.seq,
        "by": r.author,
        **({"case_uid": r.case_uid} if getattr(r, "case_uid", None) else {}),
    }


def case_row(r) -> dict:
    return {
        "number": r.number,
        "uid": r.uid,
        "office": r.office,
        "workstation": r.ws,
        "state": r.state,
        "subject": {"kind": r.subject_kind, "code": r.subject_code, "name": r.subject_name},
        "catalogue_version": r.catalogue_version,
        "level": r.level,
        "applicant": {
            "kind": r.applicant_kind,
            "name": r.applicant_name,
            "id_number": r.applicant_id_number,
            # the document the number names (app.domain.identifiers): no column can disagree with it
            "id_type": applicant_id_type(r.applicant_kind or "person", r.applicant_id_number or ""),
        },
        "lc": r.lc,
        "reason": r.reason,
        "events": r.n_events,
        "conflicts": r.n_conflicts,
        "updated_seq": r.updated_seq,
    }


def _folded(info: dict, events: list[cs.Event], seq: int, view: cs.CaseView) -> dict:
    """A case's row after ``events`` (its whole history, folded into ``view``), but its
    conflicts' count."""
    vals = dict(info)
    vals.update(
        state=view.state,
        lc=view.lc,
        reason=view.reason[:2000],
        n_events=len({e.event_id for e in events}),
        updated_seq=seq,
    )
    for e in events:
        applies = e.event_id in view.applied and e.kind in payloads.APPLICANT_KINDS
        a = e.payload.get("applicant") if applies else None
        if isinstance(a, dict):
            vals.update(
                applicant_kind=str(a.get("kind", ""))[:12],
                applicant_name=str(a.get("name", ""))[:200],
                applicant_id_number=str(a.get("id_number", ""))[:20],
            )
    return vals


# what new events change in a case's row (the rest is fixed when the case is made)
_CHANGING = (
    "state",
    "lc",
    "reason",
    "n_events",
    "n_conflicts",
    "updated_seq",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
)


def _update_cases(c: Connection, rows: list[dict]) -> None:
    """Each row's changing columns, in one statement (PostgreSQL: ``UPDATE ... FROM unnest``;
    SQLite: the driver's executemany of one prepared statement), each case within its office."""
    if c.dialect.name != "postgresql":
        c.execute(
            update(case_t)
            .where(case_t.c.office == bindparam("k_office"), case_t.c.number == bindparam("k_number"))
            .values({col: bindparam(col) for col in _CHANGING}),
            [
                {"k_office": r["office"], "k_number": r["number"], **{col: r[col] for col in _CHANGING}}
                for r in rows
            ],
        )
        return
    cols = ("office", "number", *_CHANGING)
    types = {col: ("BIGINT" if isinstance(case_t.c[col].type, Integer) else "TEXT") for col in cols}
    c.execute(
        text(
            "UPDATE hub_case SET "
            + ", ".join(f"{col} = v.{col}" for col in _CHANGING)
            + " FROM unnest("
            + ", ".join(f"CAST(:{col} AS {types[col]}[])" for col in cols)
            + ") AS v("
            + ", ".join(cols)
            + ") WHERE hub_case.office = v.office AND hub_case.number = v.number"
        ),
        {col: [r[col] for r in rows] for col in cols},
    )


class Cases:
    def __init__(self, db: HubDB, docs: object) -> None:
        self.db = db
        self.docs = docs  # the catalogues the reactions read (sync.hub.documents.Documents)

    # --- writing (inside the caller's transaction) -------------------------------------------
    def case_events(self, c: Connection, number: str) -> list[cs.Event]:
        return case_events(c, number)

    def save_case(
        self,
        c: Connection,
        is_new: bool,
        info: dict,
        events: list[cs.Event],
        seq: int,
        sink: list[dict] | None = None,
        pending: reactions.Pending | None = None,
        new_kinds: frozenset[str] | None = None,
        *,
        view: cs.CaseView | None = None,
    ) -> None:
        """The case's row after ``events`` (its whole history), its conflicts, and the
        reactions of ``new_kinds`` (the kinds just recorded; all of the history's if None).
        A new case's row goes to ``sink`` when given (the caller inserts them at once)."""
        view = view if view is not None else cs.derive(events)  # (the caller may fold it first)
        vals = _folded(info, events, seq, view)
        if not is_new:
            c.execute(
                delete(conflict_t).where(
                    conflict_t.c.case_number == info["number"],
                    conflict_t.c.rule.in_(("superseded", "concurrent")),
                )
            )
        if view.conflicts:
            c.execute(
                insert(conflict_t),
                [_conflict_row(info["number"], k, seq) for k in view.conflicts],
            )
        vals["n_conflicts"] = (
            c.execute(
                select(func.count()).select_from(conflict_t).where(conflict_t.c.case_number == info["number"])
            ).scalar()
            if (view.conflicts or not is_new or info.get("n_conflicts"))
            else 0
        )
        if is_new:
            vals["created_seq"] = seq
        kinds = new_kinds if new_kinds is not None else frozenset(e.kind for e in events)
        reactions.react(c, self.docs, reactions.CaseChange(vals, events, view, kinds, is_new), pending)
        if is_new:
            if sink is not None:
                sink.append(vals)
            else:
                c.execute(insert(case_t).values(**vals))
        else:
            vals.pop("number")
            c.execute(
                update(case_t)
                .where(case_t.c.office == info["office"], case_t.c.number == info["number"])
                .values(**vals)
            )

    def save_cases(
        self,
        c: Connection,
        saves: list[tuple[bool, dict, list[cs.Event], int, cs.CaseView, frozenset[str]]],
        sink: list[dict],
        pending: reactions.Pending,
    ) -> None:
        """save_case of each of a push's cases ``(is_new, info, history, seq, view, new_kinds)``:
        the new ones' rows to ``sink``; for those the hub held, each table written once for the
        batch (their conflicts deleted, inserted and counted, their rows updated), their queue
        rows through ``pending``, instead of about 5 statements a case."""
        old = []
        for is_new, info, events, seq, view, kinds in saves:
            if is_new:
                self.save_case(c, True, info, events, seq, sink, pending, kinds, view=view)
            else:
                old.append((info, events, seq, view, kinds))
        if not old:
            return
        numbers = [info["number"] for info, *_x in old]
        for i in range(0, len(numbers), 500):
            c.execute(
                delete(conflict_t).where(
                    conflict_t.c.case_number.in_(numbers[i : i + 500]),
                    conflict_t.c.rule.in_(("superseded", "concurrent")),
                )
            )
        found = [
            _conflict_row(info["number"], k, seq) for info, _e, seq, view, _k in old for k in view.conflicts
        ]
        if found:
            c.execute(insert(conflict_t), found)
        n_conflicts: dict[str, int] = {}
        for i in range(0, len(numbers), 500):
            n_conflicts.update(
                c.execute(
                    select(conflict_t.c.case_number, func.count())
                    .where(conflict_t.c.case_number.in_(numbers[i : i + 500]))
                    .group_by(conflict_t.c.case_number)
                ).all()
            )
        rows = []
        for info, events, seq, view, kinds in old:
            vals = _folded(info, events, seq, view)
            vals["n_conflicts"] = n_conflicts.get(info["number"], 0)
            reactions.react(c, self.docs, reactions.CaseChange(vals, events, view, kinds, False), pending)
            rows.append(vals)
        _update_cases(c, rows)

    def record_conflict(
        self, c: Connection, number: str, event_id: str, rule: str, kind: str, origin: str, detail: dict
    ) -> None:
        exists = c.execute(
            select(conflict_t.c.id).where(
                conflict_t.c.case_number == number,
                conflict_t.c.event_id == event_id,
                conflict_t.c.rule == rule,
            )
        ).first()
        if exists is not None:
            return
        c.execute(
            insert(conflict_t).values(
                case_number=number,
                event_id=event_id,
                rule=rule,
                kind=kind,
                origin=origin[:120],
                detail=json.dumps(detail, ensure_ascii=False),
                seq=int(self.db.meta("seq", c) or 0),
            )
        )
        c.execute(
            update(case_t)
            .where(case_t.c.office == number[:9], case_t.c.number == number)  # its office: 9 digits
            .values(
                n_conflicts=select(func.count())
                .select_from(conflict_t)
                .where(conflict_t.c.case_number == number)
                .scalar_subquery()
            )
        )

    def uid_conflict(self, c: Connection, e: protocol.WireEvent, held: str, sent: str) -> None:
        """Two cases under one number are never merged: the hub records it for the back office."""
        self.record_conflict(
            c,
            e.case,
            e.id,
            "uid_mismatch",
            e.kind,
            f"{e.office}/{e.ws}",
            {"case_uid_here": held, "case_uid_sent": sent},
        )

    # --- reading -------------------------------------------------------------------------------
    def case_detail(self, number: str, *, backoffice: bool = True) -> dict | None:
        """A case with its events and conflicts. Without ``backoffice`` (a window's or a hub's
        token) what is kept for the back office is left out: applicant disagreements, and the
        notes an older hub wrote about them (they may hold another office's details)."""
        with self.db.ro() as c:
            # a case number's first 9 digits are its office: the lookups say so (a shard's rows)
            office = number[:9]
            case = c.execute(
                select(case_t).where(case_t.c.office == office, case_t.c.number == number)
            ).first()
            if case is None:
                return None
            q = select(event_t).where(event_t.c.owner_office == office, event_t.c.case_number == number)
            k = select(conflict_t).where(conflict_t.c.case_number == number)
            if not backoffice:
                q = q.where(event_t.c.author != CONFLICT_NOTE_AUTHOR)
                k = k.where(conflict_t.c.rule != "applicant_details")
            evs = c.execute(q.order_by(event_t.c.seq)).all()
            conf = c.execute(k.order_by(conflict_t.c.id)).all()
        out = case_row(case)
        out["events"] = [wire_row(r) for r in evs]
        out["conflicts"] = [
            {
                "rule": k.rule,
                "event_id": k.event_id,
                "kind": k.kind,
                "origin": k.origin,
                "detail": json.loads(k.detail),
            }
            for k in conf
        ]
        return out

    def list_cases(
        self, who: Principal, *, office: str | None, state: str | None, page: int, per_page: int
    ) -> dict:
        per_page = max(1, min(per_page, 500))
        page = max(1, page)
        conds = []
        if who.role in ("workstation", "hub"):
            conds.append(
                case_t.c.office.like(who.office + "%") if who.role == "hub" else case_t.c.office == who.office
            )
        elif who.office:
            conds.append(case_t.c.office.like(who.office + "%"))
        if office:
            conds.append(case_t.c.office == office)
        if state:
            conds.append(case_t.c.state == state)
        with self.db.ro() as c:
            total = c.execute(select(func.count()).select_from(case_t).where(*conds)).scalar()
            rows = c.execute(
                select(case_t)
                .where(*conds)
                .order_by(case_t.c.number)
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).all()
        return {"total": total, "page": page, "per_page": per_page, "items": [case_row(r) for r in rows]}

    def last_numbers(self, office: str, ws: str) -> dict[str, int]:
        """{YYMMDD: highest sequence} of the case numbers the hub holds for one workstation
        (a restored window takes its counters from here, so no number is issued twice)."""
        prefix = f"{office}-{ws}-"
        out: dict[str, int] = {}
        with self.db.ro() as c:
            rows = c.execute(
                select(case_t.c.number).where(
                    case_t.c.office == office, case_t.c.number >= prefix, case_t.c.number < prefix + "~"
                )
            ).scalars()
            for number in rows:
                day, seq = number[len(prefix) : len(prefix) + 6], number[len(prefix) + 7 : len(prefix) + 11]
                if day.isdigit() and seq.isdigit():
                    out[day] = max(out.get(day, 0), int(seq))
        return out

    def counts(self) -> dict[str, int]:
        with self.db.ro() as c:
            return {
                "cases": c.execute(select(func.count()).select_from(case_t)).scalar_one(),
                "events": c.execute(select(func.count()).select_from(event_t)).scalar_one(),
                "seq": int(self.db.meta("seq", c) or 0),
            }


def _conflict_row(number: str, k, seq: int) -> dict:  # noqa: ANN001 (a case_state conflict)
    """A hub_conflict row: a conflict the case's fold found, as of the event numbered ``seq``."""
    return {
        "case_number": number,
        "event_id": k.event_id,
        "rule": k.rule,
        "kind": k.kind,
        "origin": k.origin,
        "detail": json.dumps(k.to_dict(), ensure_ascii=False),
        "seq": seq,
    }
