"""Finding and reading cases: the case list, the case detail, `yichuang case list|show`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from app.domain import lifecycle
from app.domain.identifiers import applicant_id_type
from app.domain.masking import mask_record
from app.domain.numbering import parse_case_number
from app.services.sync import window_events
from app.services.workstation import Workstation
from app.store.models import Case, CaseEvent, ChecklistSnapshot, PrintJob

LIST_LIMIT = 200

# what the reason of the case's last state change is, by the state it led to (a message key)
REASON_LABEL = {
    "refused": "case.reason",
    "denied": "case.reason_denied",
    "correction": "case.reason_correction",
}


def reason_label(state: str) -> str:
    """The label of a case's `reason` in its state's words (不予受理理由, 不予许可理由 …)."""
    from app.messages import t

    return t(REASON_LABEL.get(state, "case.remarks"))


def decision_remarks(events) -> str:
    """The back office's remark on its latest 办结 / 不予许可 (``remarks`` in the payload), or ""."""
    for e in reversed(list(events)):
        if e.kind in (lifecycle.EVENT_COMPLETED, lifecycle.EVENT_DENIED):
            try:
                remarks = json.loads(e.payload_json or "{}").get("remarks")
            except (ValueError, AttributeError):
                return ""
            return remarks.strip() if isinstance(remarks, str) else ""
    return ""


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    marks: list  # app.domain.intake.Mark
    events: list[CaseEvent]
    jobs: list[PrintJob]


def _normalise_number(text: str) -> str | None:
    try:
        return str(parse_case_number(text))
    except ValueError:
        return None


class CaseService:
    def __init__(self, ws: Workstation) -> None:
        self.ws = ws

    def get(self, number: str) -> Case | None:
        canonical = _normalise_number(number) or number.strip()
        with self.ws.store.read() as s:
            return s.exec(select(Case).where(Case.number == canonical)).scalars().first()

    def detail(self, number: str) -> CaseDetail | None:
        case = self.get(number)
        if case is None:
            return None
        with self.ws.store.read() as s:
            events = list(
                s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).scalars()
            )
            jobs = list(
                s.exec(select(PrintJob).where(PrintJob.case_id == case.id).order_by(PrintJob.id)).scalars()
            )
        return CaseDetail(case, self.marks(case), events, jobs)

    def marks(self, case: Case) -> list:
        """The case's checklist with what the clerk marked (app.domain.intake.Mark)."""
        from app.domain.intake import item_from_dict, marks_from_compact

        with self.ws.store.read() as s:
            snap = s.get(ChecklistSnapshot, case.checklist_id) if case.checklist_id else None
        items = [item_from_dict(d) for d in json.loads(snap.items_json)] if snap else []
        return marks_from_compact(items, json.loads(case.marks_json))

    def list(self, *, day: date | None = None, limit: int = LIST_LIMIT) -> list[Case]:
        """Cases of `day` (all days when None), newest day first (the (created_on, number) index)."""
        q = select(Case)
        if day is not None:
            q = q.where(Case.created_on == day)
        with self.ws.store.read() as s:
            return list(s.exec(q.order_by(Case.created_on.desc(), Case.number.desc()).limit(limit)).scalars())

    def find(self, text: str, *, day: date | None = None, limit: int = LIST_LIMIT) -> list[Case]:
        """By case number, by ID number / credit code, or by applicant name (prefix).

        Each way uses an index, so a lookup stays fast among millions of cases.
        """
        text = text.strip()
        if not text:
            return self.list(day=day, limit=limit)
        number = _normalise_number(text)
        conds = [Case.applicant_id_number == text.upper()]
        if number:
            conds.append(Case.number == number)
        # Prefix match as a range on the name index ('%' patterns cannot use it).
        conds.append((Case.applicant_name >= text) & (Case.applicant_name < text + "\U0010ffff"))
        upper = text.upper()
        if len(upper) >= 6 and upper.replace("-", "").isalnum():
            conds.append((Case.number >= upper) & (Case.number < upper + "\U0010ffff"))
        q = select(Case).where(or_(*conds))
        if day is not None:
            q = q.where(Case.created_on == day)
        with self.ws.store.read() as s:
            return list(s.exec(q.order_by(Case.id.desc()).limit(limit)).scalars())

    def of_applicant(self, id_number: str, *, limit: int = LIST_LIMIT) -> list[Case]:
        """The cases of the applicant with exactly this ID number (a card read), newest first
        (the applicant_id_number index)."""
        q = select(Case).where(Case.applicant_id_number == id_number.strip().upper())
        with self.ws.store.read() as s:
            return list(s.exec(q.order_by(Case.id.desc()).limit(limit)).scalars())


def case_to_dict(case: Case, marks: list | None = None, *, unmasked: bool = False) -> dict:
    """A case for JSON output; the applicant's ID and phone masked unless `unmasked`."""
    out = {
        "number": case.number,
        "uid": case.uid,
        "state": case.state,
        "subject": {"kind": case.subject_kind, "code": case.subject_code, "name": case.subject_name},
        "catalogue_version": case.catalogue_version,
        "applicant": {
            "kind": case.applicant_kind,
            "name": case.applicant_name,
            "id_number": case.applicant_id_number,
            "id_type": applicant_id_type(case.applicant_kind, case.applicant_id_number),
            "phone": case.applicant_phone,
            "address": case.applicant_address,
        },
        "office_code": case.office_code,
        "workstation_id": case.workstation_id,
        "created_at": case.created_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "due_provisional": case.due_provisional,
        "tolerated_until": case.tolerated_until.isoformat() if case.tolerated_until else None,
        "promised_days": case.promised_days,
        "legal_days": case.legal_days,
        "reason": case.reason,
        "clerk": case.clerk,
        "window": case.window,
    } | ({"materials": [m.to_dict() for m in marks]} if marks is not None else {})
    return out if unmasked else mask_record(out)


def detail_to_dict(d: CaseDetail, *, unmasked: bool = False) -> dict:
    """A case with its events and documents; every ID and phone number masked (in event
    payloads too: 受理 carries the applicant, 出件 the collector) unless `unmasked`."""
    out = case_to_dict(d.case, d.marks, unmasked=unmasked)
    out["events"] = [
        {
            "event_id": e.event_id,
            "kind": e.kind,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "workstation_id": e.workstation_id,
            "payload": json.loads(e.payload_json),
        }
        for e in d.events
    ]
    if not unmasked:
        out["events"] = mask_record(out["events"])
    out["documents"] = [
        {
            "job_id": j.job_id,
            "doc": j.doc_kind,
            "state": j.state,
            "printer": j.printer_url,
            "attempts": j.attempts,
            "last_error": j.last_error,
            "reprint": j.reprint,
            "created_at": j.created_at.isoformat(),
        }
        for j in d.jobs
    ]
    return out


def record_unmask(ws: Workstation, number: str, *, screen: str) -> None:
    """The audited record that a clerk saw a case's full ID and phone number on `screen`:
    a case.unmasked event in the case's append-only events (the acting clerk, the time, the
    workstation), synced like any other. It changes nothing else about the case."""
    window_events.record(
        ws, number, lifecycle.EVENT_UNMASKED, {"fields": ["id_number", "phone"], "screen": screen}
    )
