"""The workstation's side of sync, on the local store: outbox, acknowledgements, pulled events.

No network here (sync/client.py talks to the hub). Every function is one transaction, so a
kill -9 at any moment leaves either the old or the new state: an event is marked sent only
with the hub's answer in hand, and pulled events commit together with the cursor.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update

from app.domain import audit_chain, case_record
from app.domain import case_state as cs
from app.domain.failures import refusal_text
from app.services.sync.state import get_state as get_state
from app.services.sync.state import read_state as read_state
from app.services.sync.state import set_state
from app.services.sync.state import write_state as write_state
from app.store import audit
from app.store.models import Case, CaseEvent
from app.store.sync_models import SyncConflict, SyncEvent
from sync import protocol

CURSOR = "cursor"
BLOCKING = ("refused",)
# A hub before issue 16 told a window about an applicant disagreement with a note of this author,
# holding another window's (even another office's) details of the applicant: never kept here.
HUB_CONFLICT_NOTE = "hub:conflict"


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(dt: datetime) -> str:
    return audit_chain.iso_at(dt)  # the chain hashes this very text


# --- Lamport clocks of local events ------------------------------------------------------------------
def _case_rows(s, case_ids: Iterable[int]) -> dict[int, list[tuple[CaseEvent, SyncEvent | None]]]:
    """All events of these cases, in local order, with their sync rows."""
    out: dict[int, list] = {}
    ids = list(case_ids)
    for i in range(0, len(ids), 500):
        q = (
            select(CaseEvent, SyncEvent)
            .join(SyncEvent, SyncEvent.event_id == CaseEvent.event_id, isouter=True)
            .where(CaseEvent.case_id.in_(ids[i : i + 500]))
            .order_by(CaseEvent.id)
        )
        for ev, se in s.execute(q).all():
            out.setdefault(ev.case_id, []).append((ev, se))
    return out


def _clocks(
    rows: list[tuple[CaseEvent, SyncEvent | None]],
) -> list[tuple[CaseEvent, SyncEvent | None, int, str]]:
    """(event, sync row, lc, origin) in local order, set-aside events left out.

    A local event's lc is 1 + the highest lc before it in local order: everything the window
    had seen when it was written has a lower local id (pulled events are appended on arrival).
    """
    out = []
    top = 0
    for ev, se in rows:
        if se is not None and se.status == "set_aside":
            continue
        lc = se.lc if se is not None and se.lc else top + 1
        origin = se.origin if se is not None and se.origin else f"{ev.office_code}/{ev.workstation_id}"
        top = max(top, lc)
        out.append((ev, se, lc, origin))
    return out


def case_events(s, case_id: int) -> list[cs.Event]:
    rows = _case_rows(s, [case_id]).get(case_id, [])
    return [
        cs.Event(ev.event_id, ev.kind, lc, origin, json.loads(ev.payload_json or "{}"))
        for ev, _se, lc, origin in _clocks(rows)
    ]


def wire(ev: CaseEvent, lc: int) -> dict[str, Any]:
    """The event as it travels, with its audit chain link (n, prev, hash: the hub checks them)."""
    return {
        "id": ev.event_id,
        "case": ev.case_number,
        "kind": ev.kind,
        "lc": lc,
        "p": json.loads(ev.payload_json or "{}"),
        "actor": ev.actor,
        "office": ev.office_code,
        "ws": ev.workstation_id,
        "at": _iso(ev.at),
        "n": ev.chain_n,
        "prev": ev.chain_prev,
        "hash": ev.chain_hash,
    }


# --- the outbox -------------------------------------------------------------------------------------
def _blocked_cases(s) -> set[str]:
    return set(s.execute(select(SyncEvent.case_number).where(SyncEvent.status.in_(BLOCKING))).scalars())


def _pending_query(after_id: int, limit: int):
    return (
        select(CaseEvent)
        .join(SyncEvent, SyncEvent.event_id == CaseEvent.event_id, isouter=True)
        .where(CaseEvent.synced_at.is_(None), SyncEvent.event_id.is_(None), CaseEvent.id > after_id)
        .order_by(CaseEvent.id)
        .limit(limit)
    )


def next_batch(
    store,
    max_events: int = 1000,
    max_bytes: int = protocol.TARGET_BATCH_BYTES * 8,
    skip_cases: set[str] | frozenset[str] = frozenset(),
) -> list[dict]:
    """The next events to send, oldest first, leaving out cases blocked by a refused event.

    ``max_bytes`` bounds the uncompressed JSON so a compressed batch stays near the target.
    ``skip_cases``: cases with events in a batch still in flight; their later events wait for
    its answer, so no case is ever split across two batches the hub might see at once. So
    that few have to wait, a batch does not end in the middle of a run of one case's events.
    """
    out: list[dict] = []
    size = 0
    with store.read() as s:
        blocked = _blocked_cases(s) | set(skip_cases)
        after = 0
        while True:
            evs = list(s.execute(_pending_query(after, max(max_events, 50))).scalars())
            if not evs:
                break
            after = evs[-1].id
            evs = [e for e in evs if e.case_number not in blocked]
            rows = _case_rows(s, {e.case_id for e in evs})
            lcs = {ev.event_id: lc for r in rows.values() for ev, _se, lc, _o in _clocks(r)}
            for e in evs:
                w = wire(e, lcs[e.event_id])
                n = len(protocol.dumps(w))
                full = size + n > max_bytes or len(out) >= max_events
                same_case = w["case"] == out[-1]["case"] if out else False
                if (
                    out
                    and full
                    and (not same_case or len(out) >= protocol.MAX_EVENTS or size + n > 2 * max_bytes)
                ):
                    return compact_links(out)
                out.append(w)
                size += n
    return compact_links(out)


def compact_links(batch: list[dict]) -> list[dict]:
    """The chain links of a batch, as few bytes as the hub needs (a hash is 32 bytes nothing
    compresses, on a 64 kbit/s link): within a run of consecutive numbers only the first event
    carries ``prev`` and only the last the full ``hash``; the others carry a ``tag``, the
    hash's first 8 hex digits. The hub recomputes every hash from the content: the tag names
    the event that changed, the full hash at the run's end covers the whole run at full
    strength (docs/audit-chain.md)."""
    for i, w in enumerate(batch):
        n = w.get("n")
        if not n:
            continue
        if i > 0 and batch[i - 1].get("n") == n - 1:
            w.pop("prev", None)
        if i + 1 < len(batch) and batch[i + 1].get("n") == n + 1:
            h = w.pop("hash")
            w["tag"] = h[: h.index(":") + 9]
    return batch


def pending_count(store) -> int:
    with store.read() as s:
        return int(
            s.execute(
                select(func.count()).select_from(_pending_query(0, 10**12).order_by(None).subquery())
            ).scalar()
            or 0
        )


def mark_sent(store, batch: list[dict], result: dict) -> None:
    """Record the hub's answer to a batch: refused events with their reason, the rest acked."""
    refused = {r["id"]: r for r in result.get("refused", []) if isinstance(r, dict) and "id" in r}
    # "blocked" means: refused only because an earlier event of its case was. It stays pending
    # (blocked here too) and flows once that event is fixed or set aside.
    held = {i for i, r in refused.items() if r.get("code") == "blocked"}
    now = _now()
    with store.write() as s:
        acked = [w["id"] for w in batch if w["id"] not in refused]
        batch = [w for w in batch if w["id"] not in held]
        for i in range(0, len(acked), 500):
            s.execute(
                update(CaseEvent)
                .where(CaseEvent.event_id.in_(acked[i : i + 500]), CaseEvent.synced_at.is_(None))
                .values(synced_at=now)
            )
        existing = set()
        ids = [w["id"] for w in batch]
        for i in range(0, len(ids), 500):
            existing.update(
                s.execute(
                    select(SyncEvent.event_id).where(SyncEvent.event_id.in_(ids[i : i + 500]))
                ).scalars()
            )
        rows = []
        for w in batch:
            if w["id"] in existing:
                continue
            r = refused.get(w["id"])
            rows.append(
                {
                    "event_id": w["id"],
                    "case_number": w["case"],
                    "lc": w["lc"],
                    "origin": "",
                    "hub_seq": None,
                    "status": "refused" if r else "acked",
                    "code": str(r.get("code", ""))[:40] if r else "",
                    "reason": str(r.get("reason", ""))[:500] if r else "",
                    "updated_at": now,
                }
            )
        if rows:
            s.execute(SyncEvent.__table__.insert(), rows)


def set_aside(store, event_id: str) -> bool:
    """The clerk chooses not to send a refused event: it stops blocking its case. The case's
    fold leaves a set-aside event out, so its state is derived again in the same transaction
    (the case list and screens show the case as it is without that event)."""
    with store.write() as s:
        row = s.get(SyncEvent, event_id)
        if row is None or row.status != "refused":
            return False
        row.status, row.updated_at = "set_aside", _now()
        s.add(row)
        _refresh_case_of(s, event_id, row.updated_at)
        return True


def retry(store, event_id: str) -> bool:
    """Send a refused event again (after the cause was fixed at the hub); a set-aside event
    counts in its case's state again."""
    with store.write() as s:
        row = s.get(SyncEvent, event_id)
        if row is None or row.status not in ("refused", "set_aside"):
            return False
        was_set_aside = row.status == "set_aside"
        s.delete(row)
        s.flush()
        if was_set_aside:
            _refresh_case_of(s, event_id, _now())
        return True


def _refresh_case_of(s, event_id: str, now: datetime) -> None:
    case = s.execute(
        select(Case).join(CaseEvent, CaseEvent.case_id == Case.id).where(CaseEvent.event_id == event_id)
    ).scalar_one_or_none()
    if case is not None:
        refresh_case(s, case, now)


def refused_events(store) -> list[dict]:
    with store.read() as s:
        rows = s.execute(
            select(SyncEvent, CaseEvent)
            .join(CaseEvent, CaseEvent.event_id == SyncEvent.event_id)
            .where(SyncEvent.status.in_(("refused", "set_aside")))
            .order_by(CaseEvent.id)
        ).all()
    return [
        {
            "event_id": se.event_id,
            "case_number": se.case_number,
            "kind": ev.kind,
            "status": se.status,
            "code": se.code,
            "reason": refusal_text(se.code, se.reason),  # in the user's words
            "hub_reason": se.reason,  # the hub's own, for admins
            "at": ev.at,
        }
        for se, ev in rows
    ]


def waiting(store, limit: int = 200) -> list[dict]:
    """Events not yet at the hub (pending or blocked), oldest first."""
    with store.read() as s:
        blocked = _blocked_cases(s)
        evs = list(s.execute(_pending_query(0, limit)).scalars())
    return [
        {
            "event_id": e.event_id,
            "case_number": e.case_number,
            "kind": e.kind,
            "at": e.at,
            "blocked": e.case_number in blocked,
        }
        for e in evs
    ]


# --- applying what the hub sends down ------------------------------------------------------------
@dataclass
class Applied:
    events: int = 0
    cases: int = 0
    orphans: int = 0


# the window's reactions to pulled events, run in the pull's transaction (app.services.reactions):
# (session, case, its view after the pull, the pulled events that applied: (kind, payload))
PulledReaction = Callable[[Any, Case, cs.CaseView, list[tuple[str, dict]]], None]


def apply_pulled(
    store,
    events: list[dict],
    cursor: int,
    *,
    clock_now: datetime | None = None,
    react: PulledReaction | None = None,
) -> Applied:
    """Apply pulled events and store the cursor, in one transaction; already known ids are skipped.

    An event applies only to the local case with its number and, when the hub names it
    (``case_uid``), its uid; otherwise it is recorded as a conflict (``unknown_case``,
    ``uid_mismatch``) and not applied.

    ``react`` (the window's reactions table, app.services.reactions.pulled) runs for every case
    touched, in this same transaction: a 补正 the back office asked for marks its materials
    and queues the 补正材料通知书, or nothing is applied.
    """
    if isinstance(cursor, bool) or not isinstance(cursor, int) or not 0 <= cursor <= protocol.MAX_SEQ:
        raise protocol.ProtocolError(f"the hub's cursor {cursor!r} is not a sequence number")
    res = Applied()
    now = clock_now or _now()
    with store.write() as s:
        ids = [e["id"] for e in events]
        known: set[str] = set()
        for i in range(0, len(ids), 500):
            known.update(
                s.execute(
                    select(CaseEvent.event_id).where(CaseEvent.event_id.in_(ids[i : i + 500]))
                ).scalars()
            )
        touched: dict[int, Case] = {}
        pulled: dict[int, list[tuple[str, str, dict]]] = {}
        for raw in events:
            e = protocol.parse_event(raw)  # a malformed page rolls back whole, cursor unmoved
            if e.id in known or raw.get("by") == HUB_CONFLICT_NOTE:
                continue
            known.add(e.id)
            case = s.execute(select(Case).where(Case.number == e.case)).scalars().first()
            # a number alone is not a case's identity: two machines set up as one workstation
            # hold different cases under one number; an event for the other one is never applied
            mismatch = case is not None and bool(e.case_uid) and e.case_uid != case.uid
            if case is None or mismatch:  # kept visible to the clerk, never applied silently
                res.orphans += 1
                s.add(
                    SyncConflict(
                        case_number=e.case,
                        event_id=e.id,
                        rule="uid_mismatch" if mismatch else "unknown_case",
                        kind=e.kind,
                        origin=str(raw.get("by") or ""),
                        detail=protocol.dumps(raw).decode("utf-8"),
                        found_at=now,
                    )
                )
                continue
            try:
                at = datetime.fromisoformat(e.at)
            except ValueError:
                at = now
            audit.add(
                s,
                CaseEvent(
                    event_id=e.id,
                    case_id=case.id,
                    case_number=e.case,
                    kind=e.kind,
                    payload_json=json.dumps(e.p, ensure_ascii=False),
                    actor=e.actor or str(raw.get("by", "")),
                    office_code=e.office,
                    workstation_id=e.ws,
                    at=at,
                    synced_at=now,
                ),
            )
            s.add(
                SyncEvent(
                    event_id=e.id,
                    case_number=e.case,
                    lc=e.lc,
                    origin=str(raw.get("by") or ""),
                    hub_seq=raw.get("seq") if isinstance(raw.get("seq"), int) else None,
                    status="pulled",
                    updated_at=now,
                )
            )
            pulled.setdefault(case.id, []).append((e.id, e.kind, e.p))
            touched[case.id] = case
            res.events += 1
        s.flush()
        for case in touched.values():
            view = refresh_case(s, case, now)
            if react is not None:
                applied = [(kind, p) for eid, kind, p in pulled.get(case.id, ()) if eid in view.applied]
                react(s, case, view, applied)
        res.cases = len(touched)
        set_state(s, CURSOR, str(cursor))
    return res


def refresh_case(s, case: Case, now: datetime) -> cs.CaseView:
    """Derive the case's state from its events (the rule the hub uses) and record conflicts."""
    events = case_events(s, case.id)
    view = cs.derive(events)
    if view.state is not None and (view.state != case.state or view.reason != case.reason):
        case.state = view.state
        if view.last_kind in case_record.REASON_FROM_FOLD:
            case.reason = view.reason
        case.revision += 1
        case.updated_at = now
        s.add(case)
    old = {
        (c.event_id, c.rule): c
        for c in s.execute(
            select(SyncConflict).where(
                SyncConflict.case_number == case.number, SyncConflict.rule.in_(("superseded", "concurrent"))
            )
        ).scalars()
    }
    new = {(k.event_id, k.rule): k for k in view.conflicts}
    for key, row in old.items():
        if key not in new:
            s.delete(row)
    for key, k in new.items():
        if key not in old:
            s.add(
                SyncConflict(
                    case_number=case.number,
                    event_id=k.event_id,
                    rule=k.rule,
                    kind=k.kind,
                    origin=k.origin,
                    state_then=k.state_then or "",
                    prevailing=k.prevailing,
                    detail=json.dumps(k.to_dict(), ensure_ascii=False),
                    found_at=now,
                )
            )
    return view


def conflicts(store) -> list[SyncConflict]:
    with store.read() as s:
        return list(s.execute(select(SyncConflict).order_by(SyncConflict.id.desc())).scalars())


def event_notes(store, case_number: str) -> tuple[dict[str, str], set[str]]:
    """({event id: origin as the hub named it}, {ids of superseded events}) of one case."""
    with store.read() as s:
        origins = dict(
            s.execute(
                select(SyncEvent.event_id, SyncEvent.origin).where(
                    SyncEvent.case_number == case_number, SyncEvent.origin != ""
                )
            ).all()
        )
        superseded = set(
            s.execute(
                select(SyncConflict.event_id).where(
                    SyncConflict.case_number == case_number, SyncConflict.rule == "superseded"
                )
            ).scalars()
        )
    return origins, superseded


def set_aside_ids(store, case_number: str) -> set[str]:
    """Ids of the case's events the clerk set aside (never sent; left out of its state)."""
    with store.read() as s:
        return set(
            s.execute(
                select(SyncEvent.event_id).where(
                    SyncEvent.case_number == case_number, SyncEvent.status == "set_aside"
                )
            ).scalars()
        )


def ready_for_pickup(store, limit: int = 500) -> list[Case]:
    """Cases waiting to be handed out (出件: 办结 and 不予许可, as the handover panel lists them),
    oldest decision first."""
    from app.domain import lifecycle

    with store.read() as s:
        return list(
            s.execute(
                select(Case)
                .where(Case.state.in_(lifecycle.READY_FOR_PICKUP))
                .order_by(Case.updated_at)
                .limit(limit)
            ).scalars()
        )


def unsent_total(store) -> int:
    """Events not at the hub: pending plus refused (set-aside ones are the clerk's decision)."""
    with store.read() as s:
        refused = (
            s.execute(
                select(func.count()).select_from(SyncEvent).where(SyncEvent.status == "refused")
            ).scalar()
            or 0
        )
    return pending_count(store) + int(refused)
