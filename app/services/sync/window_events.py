"""Window events that sync introduced (出件, 撤回, scans, notes): appended to the case's
append-only events in the same transaction as the case's derived state."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from app.domain import case_state as cs
from app.domain import payloads
from app.messages import t
from app.services.sync import outbox
from app.services.workstation import Workstation
from app.store import audit
from app.store.models import Case, CaseEvent


class NotAllowed(ValueError):
    pass


def record(ws: Workstation, number: str, kind: str, payload: dict | None = None, also=None) -> CaseEvent:
    """Append a window event (case.delivered, case.withdrawn, case.note …) and update the case.

    ``also(session)`` adds what belongs with the event (a scan's upload slot) in the same
    transaction: a refused event saves nothing at all.
    """
    if kind not in cs.WINDOW_KINDS or kind == cs.CREATED:
        raise NotAllowed(t("sync.not_allowed_kind", kind=t("event." + kind)))
    _check_payload(kind, payload or {})
    utc = ws.utcnow()
    with ws.store.write() as s:
        case = s.execute(select(Case).where(Case.number == number)).scalars().first()
        if case is None:
            raise NotAllowed(t("sync.no_such_case", number=number))
        view = cs.derive(outbox.case_events(s, case.id))
        if not cs.fits(view.state if view.state is not None else case.state, kind):
            raise NotAllowed(t("sync.not_fitting", kind=t("event." + kind), state=t("state." + case.state)))
        ev = new_event(ws, case, kind, payload, utc)
        audit.add(s, ev)
        if also is not None:
            also(s)
        s.flush()
        outbox.refresh_case(s, case, utc)
        return ev


def _check_payload(kind: str, payload: dict) -> None:
    """Refuse, before anything is saved, what the hub's schema for ``kind`` would refuse: once
    saved, such an event would block its case's later events until set aside by hand."""
    for value in payload.values():
        if isinstance(value, str) and len(value) > payloads.MAX_TEXT:
            raise NotAllowed(
                t("sync.text_too_long", kind=t("event." + kind), length=len(value), limit=payloads.MAX_TEXT)
            )
    problem = payloads.payload_problem(kind, payload)
    if problem:
        raise NotAllowed(t("sync.payload_refused", kind=t("event." + kind), problem=problem))


def new_event(
    ws: Workstation, case: Case, kind: str, payload: dict | None, utc, actor: str | None = None
) -> CaseEvent:
    """A window event of `case` written by this window's acting person (the one writer of
    window events: record() here, and the 好差评 events that go with a rating)."""
    return CaseEvent(
        event_id=str(uuid.uuid4()),
        case_id=case.id,
        case_number=case.number,
        kind=kind,
        payload_json=json.dumps(payload or {}, ensure_ascii=False),
        actor=actor or ws.clerk,  # the counter terminal writes for the operator who asked
        office_code=ws.office_code,
        workstation_id=ws.workstation_id,
        at=utc,
    )
