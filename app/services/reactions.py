"""What follows each kind of case event at this window: the reactions table (issue 19 §1), in
one place, run by the service that writes the event (model: ODK Central's lib/worker/jobs.js).

Two columns. IN_TRANSACTION: what must commit together with the event or not at all; the
writer runs it inside the event's transaction (a 补正 the back office asked for marks the
case's materials as not acceptable and queues the 补正材料通知书: the sync client applies the
pulled event and calls these). AFTER_COMMIT: what must not hold the event back; the writer
runs it once the event is committed (the print spool sends the document just queued, a sync
carries the event up, the scans the intake held join the case, the applicant is asked for a
rating). A failure there never undoes the event.

The window lends its hands for the after-commit side (Window: the UI's app.ui.reactions, or
nobody, as at the CLI, where the spool and the sync run on their own); what to do is decided
here, the window only shows it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select

from app.domain import case_record, lifecycle
from app.domain import case_state as cs
from app.domain.intake import item_from_dict, marks_from_compact
from app.services import scans
from app.services.documents import queue_case_document
from app.services.workstation import Workstation
from app.store.models import Case, CaseEvent, ChecklistSnapshot

_log = logging.getLogger("yichuang.reactions")


class Window(Protocol):
    """What the window does for an after-commit reaction; called from the writer's thread."""

    def kick_spool(self) -> None: ...

    def kick_sync(self) -> None: ...

    def ask_rating(self, number: str, stage: str) -> None: ...

    def scans_filed(self, number: str, errors: list[str]) -> None: ...


# --- after commit ----------------------------------------------------------------------------
PRINT = "print"  # the spool sends the document the decision queued
SYNC = "sync"  # a sync carries the new event to the hub
HELD_SCANS = "held_scans"  # the scans the intake held until it had a case number
RATING = "rating"  # the applicant is asked for a 好差评

AFTER_COMMIT: dict[str, tuple[str, ...]] = {
    lifecycle.EVENT_ACCEPTED: (PRINT, SYNC, HELD_SCANS, RATING),  # 受理: the receipt, then 好差评
    lifecycle.EVENT_NOTIFIED: (PRINT, SYNC, HELD_SCANS),  # 一次性告知: the 补正 notice
    lifecycle.EVENT_REFUSED: (PRINT, SYNC, HELD_SCANS),  # 不予受理: the refusal notice
    lifecycle.EVENT_DELIVERED: (PRINT, SYNC, RATING),  # 出件: the 领取凭证, then 好差评
}

# the rating's stage for each kind that asks for one (app.domain.evaluation)
RATING_STAGE = {lifecycle.EVENT_ACCEPTED: "accepted", lifecycle.EVENT_DELIVERED: "delivered"}


@dataclass(frozen=True)
class CaseChanged:
    """An event of case `number` was committed at this window."""

    number: str
    kind: str  # an event kind (app.domain.lifecycle.EVENT_*)
    scan_holds: dict[int, str] = field(default_factory=dict)  # scan id -> material, held by the intake


def after_commit(ws: Workstation, window: Window | None, change: CaseChanged) -> list[str]:
    """Run what follows `change`, in the table's order; returns the steps run. Without a
    window only what needs none runs (the held scans). The event is committed: a step that
    fails is logged and the others still run (the spool's timer and the next sync catch up)."""
    done = []
    for step in AFTER_COMMIT.get(change.kind, ()):
        if window is None and step != HELD_SCANS:
            continue
        try:
            if _run_step(ws, window, change, step):
                done.append(step)
        except Exception:  # noqa: BLE001  (never undoes, nor hides, the committed event)
            _log.exception("reaction %s to %s of %s failed", step, change.kind, change.number)
    return done


def _run_step(ws: Workstation, window: Window | None, change: CaseChanged, step: str) -> bool:
    if step == HELD_SCANS:
        if not change.scan_holds:
            return False
        errors = file_held_scans(ws, change.scan_holds, change.number)
        if window is not None:
            window.scans_filed(change.number, errors)
        return True
    assert window is not None
    if step == PRINT:
        window.kick_spool()
    elif step == SYNC:
        window.kick_sync()
    elif step == RATING:
        window.ask_rating(change.number, RATING_STAGE[change.kind])
    return True


def file_held_scans(ws: Workstation, holds: dict[int, str], number: str) -> list[str]:
    """The decision gave the intake its case number: give it the scans it held. Returns what
    went wrong, one line per scan not filed (it stays in the inbox)."""
    errors = []
    for scan_id, key in holds.items():
        try:
            scans.assign(ws, scan_id, number, key)
        except (scans.AssignError, OSError) as exc:
            errors.append(str(exc))
    return errors


# --- inside the event's transaction ----------------------------------------------------------
InTransaction = Callable[[Workstation, object, Case, dict], None]


def correction_requested(ws: Workstation, s, case: Case, payload: dict) -> None:
    """The back office's 补正: its materials become 不符合要求 with what is wrong (so the clerk
    sees them when the applicant comes back), and the 补正材料通知书 is queued for printing."""
    # the rule `audit verify` checks the record by (app.domain.case_record)
    compact = case_record.apply_correction(json.loads(case.marks_json or "[]"), payload)
    case.marks_json = json.dumps(compact, ensure_ascii=False)
    s.add(case)
    s.flush()
    snap = s.get(ChecklistSnapshot, case.checklist_id) if case.checklist_id else None
    items = [item_from_dict(d) for d in json.loads(snap.items_json)] if snap else []
    # the notice's 经办人 is the back-office user who asked for the 补正, not the window's clerk
    asked_by = (
        s.execute(
            select(CaseEvent.actor)
            .where(CaseEvent.case_id == case.id, CaseEvent.kind == cs.CORRECTION_REQUESTED)
            .order_by(CaseEvent.id.desc())
            .limit(1)
        ).scalar()
        or case.clerk
    )
    queue_case_document(ws, s, case, "notice", marks=marks_from_compact(items, compact), clerk=asked_by)


IN_TRANSACTION: dict[str, tuple[InTransaction, ...]] = {
    cs.CORRECTION_REQUESTED: (correction_requested,),
}


def pulled(ws: Workstation) -> Callable[[object, Case, cs.CaseView, list[tuple[str, dict]]], None]:
    """The in-transaction reactions to events pulled from the hub, for outbox.apply_pulled:
    called once per case touched, in the pull's transaction, with the case's new view and the
    pulled events that applied (kind, payload), in order. An event's reactions run when the
    case stands where that event put it (the last applied event is of its kind); of several
    such events, the latest."""

    def react(s, case: Case, view: cs.CaseView, events: list[tuple[str, dict]]) -> None:
        reactions = IN_TRANSACTION.get(view.last_kind or "", ())
        payloads = [p for kind, p in events if kind == view.last_kind]
        if not reactions or not payloads:
            return
        for reaction in reactions:
            reaction(ws, s, case, payloads[-1])

    return react
