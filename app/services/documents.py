"""The documents of a case (receipt, 补正 notice, refusal, 领取凭证): rendered from the case and
its events, and stored as print jobs in the caller's transaction or as a 补打 copy. Sending them
is the spool's (app.services.printing)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.domain import lifecycle
from app.domain.identifiers import id_type_note
from app.domain.intake import item_from_dict, marks_from_compact
from app.messages import t
from app.services.cases import CaseService
from app.services.workstation import Workstation
from app.store.models import Case, CaseEvent, ChecklistSnapshot, PrintJob

REPRINTABLE = ("receipt", "notice", "refusal", "pickup", "handover")
_DECISION_EVENT = {"receipt": "case.accepted", "notice": "case.notified", "refusal": "case.refused"}


class DocumentUnavailable(LookupError):
    """The case has no such document (a refusal of an accepted case …); message for the user."""


def office_info(ws: Workstation):
    from printing.documents import OfficeInfo

    c = ws.config
    return OfficeInfo(
        name=str(c.get("office.name")),
        hotline=str(c.get("office.hotline")),
        address=str(c.get("office.address")),
        query_url=str(c.get("office.query_url")),
    )


def case_document(
    ws: Workstation, case: Case, kind: str, marks: list, *, reprinted_at: datetime | None = None
):
    """The printable document of `case` (pure data; printing/ lays it out)."""
    from printing.documents import Document, MaterialLine

    lines = []
    for m in (mark.to_dict() for mark in marks):
        status = m["status"]
        if kind == "receipt" and status in ("received", "tolerated"):
            note = ""
            if status == "tolerated" and case.tolerated_until:
                note = f"容缺，{case.tolerated_until:%Y-%m-%d}前补交"
            lines.append(
                MaterialLine(
                    m["name"],
                    m.get("got_form") or m["form"],
                    int(m.get("got_copies") or m["copies"]),
                    "received" if status == "received" else "tolerated",
                    note,
                )
            )
        elif kind == "notice" and (status == "defective" or (m["required"] and status == "missing")):
            note = m.get("note") or ("材料不符合要求" if status == "defective" else "未提交")
            lines.append(MaterialLine(m["name"], m["form"], int(m["copies"]), "missing", note))
    return Document(
        kind=kind,
        case_number=case.number,
        office=office_info(ws),
        issued_at=ws.now(),
        applicant_name=case.applicant_name,
        applicant_id=case.applicant_id_number,
        applicant_kind=case.applicant_kind,
        applicant_id_type=id_type_note(case.applicant_kind, case.applicant_id_number),
        subject=case.subject_name,
        subject_code=case.subject_code,
        materials=tuple(lines),
        accepted_on=case.accepted_on,
        due_date=case.due_date,
        due_provisional=case.due_provisional,
        tolerated_until=case.tolerated_until,
        window=case.window,
        clerk=case.clerk,
        reason=case.reason,
        reprinted_at=reprinted_at,
    )


def printer_profile(ws: Workstation):
    from printing.profiles import get_profile

    return get_profile(str(ws.config.get("printer.profile")))


def new_job(
    ws: Workstation, case: Case, doc, *, reprint: bool, printer_url: str | None, hold: timedelta | None = None
) -> PrintJob:
    from printing.render import render, render_text

    profile = printer_profile(ws)
    now = ws.utcnow()
    return PrintJob(
        job_id=str(uuid.uuid4()),
        case_id=case.id,
        doc_kind=doc.kind,
        printer_url=printer_url or ws.config.printer_url,
        profile=profile.name,
        data=render(doc, profile, ws.qr_signer),
        text=render_text(doc, profile, ws.qr_signer),
        state="queued",
        reprint=reprint,
        created_at=now,
        updated_at=now,
        next_attempt_at=now + hold if hold else now,
    )


def queue_case_document(
    ws: Workstation,
    session,
    case: Case,
    kind: str,
    *,
    marks: list | None = None,
    reprint: bool = False,
    printer_url: str | None = None,
    clerk: str | None = None,
) -> PrintJob:
    """Render and store a job for `case` in the caller's transaction (a decision's); `clerk`:
    who decided it when not the case's clerk (the back office's 补正)."""
    if marks is None:
        marks = CaseService(ws).marks(case)
    doc = case_document(ws, case, kind, marks, reprinted_at=ws.now() if reprint else None)
    if clerk is not None:
        doc = replace(doc, clerk=clerk)
    job = new_job(ws, case, doc, reprint=reprint, printer_url=printer_url)
    session.add(job)
    session.flush()
    return job


# --- reprints ---------------------------------------------------------------------------------
def local_time(dt: datetime) -> datetime:
    """A stored UTC instant as the clerk's naive local time."""
    return as_utc(dt).astimezone().replace(tzinfo=None)


def _decision_events(ws: Workstation, case: Case) -> dict[str, CaseEvent]:
    with ws.store.read() as s:
        events = list(
            s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).scalars()
        )
    return {e.kind: e for e in events}  # the latest of each kind wins


def available_documents(ws: Workstation, case: Case) -> list[str]:
    """The document kinds `case` has, in the order they were issued."""
    events = _decision_events(ws, case)
    issued = sorted((events[ev].id, kind) for kind, ev in _DECISION_EVENT.items() if ev in events)
    kinds = [kind for _, kind in issued]
    if case.state == "delivered":
        kinds.append("pickup")
    return kinds


def _unavailable(case: Case, kind: str) -> DocumentUnavailable:
    if kind not in REPRINTABLE:
        return DocumentUnavailable(t("print.unknown_doc", doc=kind, known="|".join(REPRINTABLE)))
    return DocumentUnavailable(t(f"print.no_{kind}", number=case.number))


def reprint_document(ws: Workstation, case: Case, kind: str):
    """The document `kind` of `case` as it was issued, marked 补打 with the time now.

    Content comes from the decision's event (marks, applicant, reason as they were), so a
    notice reprinted after the case was accepted still lists what was missing then; the
    paper keeps the original 打印时间 and adds 【补打 YYYY-MM-DD HH:MM】.
    """
    if kind in ("handover",) or kind not in REPRINTABLE:
        raise _unavailable(case, kind)
    now = ws.now()
    if kind == "pickup":  # 领取凭证: from the handover event (who collected, when)
        return reprint_pickup(ws, case, now)
    event = _decision_events(ws, case).get(_DECISION_EVENT[kind])
    if event is None:
        raise _unavailable(case, kind)
    payload = json.loads(event.payload_json)
    with ws.store.read() as s:
        snap = s.get(ChecklistSnapshot, case.checklist_id) if case.checklist_id else None
    items = [item_from_dict(d) for d in json.loads(snap.items_json)] if snap else []
    marks = marks_from_compact(items, payload.get("marks", []))
    a = payload.get("applicant") or {}
    doc = case_document(ws, case, kind, marks, reprinted_at=now)
    return replace(
        doc,
        issued_at=local_time(event.at),
        reason=str(payload.get("reason", case.reason) or ""),
        applicant_name=a.get("name", doc.applicant_name),
        applicant_kind=a.get("kind", doc.applicant_kind),
        applicant_id=a.get("id_number", doc.applicant_id),
        applicant_id_type=id_type_note(
            a.get("kind", doc.applicant_kind), a.get("id_number", doc.applicant_id) or ""
        ),
    )


def reprint(
    ws: Workstation, number: str, kind: str, *, printer_url: str | None = None, hold: timedelta | None = None
) -> PrintJob:
    """Queue a 补打 copy of document `kind` of case `number`; raises DocumentUnavailable."""
    case = CaseService(ws).get(number)
    if case is None:
        raise DocumentUnavailable(t("case.not_found", number=number))
    doc = reprint_document(ws, case, kind)
    job = new_job(ws, case, doc, reprint=True, printer_url=printer_url, hold=hold)
    with ws.store.write() as s:
        s.add(job)
    return job


# --- previews --------------------------------------------------------------------------------
def job_preview(job: PrintJob):
    """PIL image of the paper, made from the very bytes stored for the printer."""
    from printing.preview import preview_png
    from printing.profiles import get_profile

    return preview_png(job.data, get_profile(job.profile))


def latest_job(ws: Workstation, case: Case, kind: str) -> PrintJob | None:
    with ws.store.read() as s:
        return (
            s.exec(
                select(PrintJob)
                .where(PrintJob.case_id == case.id, PrintJob.doc_kind == kind)
                .order_by(PrintJob.id.desc())
                .limit(1)
            )
            .scalars()
            .first()
        )


def document_text(ws: Workstation, case: Case, kind: str) -> str:
    """What the paper of document `kind` shows: the stored text of its latest job, or a
    fresh rendering as a reprint would print it; raises DocumentUnavailable."""
    job = latest_job(ws, case, kind)
    if job is not None:
        return job.text
    from printing.render import render_text

    return render_text(reprint_document(ws, case, kind), printer_profile(ws), ws.qr_signer)


def write_preview(ws: Workstation, number: str, kind: str, path: Path | str) -> PrintJob | None:
    """Write the PNG of document `kind` of case `number` to `path`.

    From the stored bytes of the latest job of that document (what was printed); when it
    was never printed, from a fresh rendering as a reprint would send it (returns None
    then).  Nothing is queued or printed.
    """
    case = CaseService(ws).get(number)
    if case is None:
        raise DocumentUnavailable(t("case.not_found", number=number))
    job = latest_job(ws, case, kind)
    if job is not None:
        image = job_preview(job)
    else:
        from printing.preview import preview_png
        from printing.render import render

        profile = printer_profile(ws)
        image = preview_png(render(reprint_document(ws, case, kind), profile, ws.qr_signer), profile)
    image.save(Path(path), format="PNG")
    return job


def as_utc(dt: datetime) -> datetime:
    """A stored instant as an aware UTC datetime (SQLite hands them back naive)."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


# --- the 领取凭证 -----------------------------------------------------------------------------
def pickup_document(ws: Workstation, case: Case, payload: dict, outcome: str, at: datetime, **kw):
    """The 领取凭证 of `case` handed out with event `payload` (its collector) at `at` (local)."""
    from app.services.cases import decision_remarks

    c = payload.get("collector") or {}
    doc = case_document(ws, case, "pickup", [], **kw)
    outcome = str(payload.get("outcome") or outcome)
    with ws.store.read() as s:
        events = list(
            s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).scalars()
        )
    # the decision's words: 不予许可's reason, and the back office's remark on either outcome
    said = [case.reason if outcome == lifecycle.DENIED else "", decision_remarks(events)]
    return replace(
        doc,
        issued_at=at,
        reason="；".join(x for x in said if x),
        outcome=outcome,
        collector_role=str(c.get("role", "")),
        collector_name=str(c.get("name", "")),
        collector_id=str(c.get("id_number", "")),
        authorisation=str(c.get("authorisation", "")),
    )


def reprint_pickup(ws: Workstation, case: Case, now: datetime):
    """The 领取凭证 as it was issued (from the delivery event), marked 补打 ``now``."""
    with ws.store.read() as s:
        event = (
            s.execute(
                select(CaseEvent)
                .where(CaseEvent.case_id == case.id, CaseEvent.kind == lifecycle.EVENT_DELIVERED)
                .order_by(CaseEvent.id.desc())
                .limit(1)
            )
            .scalars()
            .first()
        )
    if case.state != lifecycle.DELIVERED or event is None:
        raise DocumentUnavailable(t("print.no_pickup", number=case.number))
    payload = json.loads(event.payload_json or "{}")
    if payload.get("method", "window") != "window":  # sent by EMS: nobody collected it here
        raise DocumentUnavailable(t("print.no_pickup", number=case.number))
    at = local_time(event.at)
    return pickup_document(ws, case, payload, "", at, reprinted_at=now)


# --- recording -------------------------------------------------------------------------------
