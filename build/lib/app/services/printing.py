"""The print spool: documents of cases are stored as jobs, then sent, retried, resent.

A job is rendered and written to the store inside the transaction of the decision that
produced it, so a case and its receipt are never separated; sending happens after commit
and failures only change the job's state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.services.workstation import Workstation
from app.store.models import Case, PrintJob

MAX_BACKOFF = timedelta(minutes=5)


def office_info(ws: Workstation):
    from printing.documents import OfficeInfo

    c = ws.config
    return OfficeInfo(name=str(c.get("office.name")), hotline=str(c.get("office.hotline")),
                      address=str(c.get("office.address")), query_url=str(c.get("office.query_url")))


def case_document(ws: Workstation, case: Case, kind: str, marks: list, *,
                  reprinted_at: datetime | None = None):
    """The printable document of `case` (pure data; printing/ lays it out)."""
    from printing.documents import Document, MaterialLine

    lines = []
    for m in (mark.to_dict() for mark in marks):
        status = m["status"]
        if kind == "receipt" and status in ("received", "tolerated"):
            note = ""
            if status == "tolerated" and case.tolerated_until:
                note = f"容缺，{case.tolerated_until:%Y-%m-%d}前补交"
            lines.append(MaterialLine(m["name"], m.get("got_form") or m["form"],
                                      int(m.get("got_copies") or m["copies"]),
                                      "received" if status == "received" else "tolerated", note))
        elif kind == "notice" and m["required"] and status in ("missing", "defective"):
            note = m.get("note") or ("材料不符合要求" if status == "defective" else "未提交")
            lines.append(MaterialLine(m["name"], m["form"], int(m["copies"]), "missing", note))
    return Document(
        kind=kind, case_number=case.number, office=office_info(ws),
        issued_at=ws.now(), applicant_name=case.applicant_name,
        applicant_id=case.applicant_id_number, applicant_kind=case.applicant_kind,
        subject=case.subject_name, subject_code=case.subject_code, materials=tuple(lines),
        accepted_on=case.accepted_on, due_date=case.due_date, due_provisional=case.due_provisional,
        tolerated_until=case.tolerated_until, window=case.window, clerk=case.clerk,
        reason=case.reason, reprinted_at=reprinted_at,
    )


def queue_case_document(ws: Workstation, session, case: Case, kind: str, *, marks: list | None = None,
                        reprint: bool = False, printer_url: str | None = None) -> PrintJob:
    """Render and store a job for `case` in the caller's transaction."""
    from printing.profiles import get_profile
    from printing.render import render, render_text

    profile = get_profile(str(ws.config.get("printer.profile")))
    if marks is None:
        from app.services.cases import CaseService

        marks = CaseService(ws).marks(case)
    doc = case_document(ws, case, kind, marks, reprinted_at=ws.now() if reprint else None)
    now = ws.utcnow()
    job = PrintJob(
        job_id=str(uuid.uuid4()), case_id=case.id, doc_kind=kind,
        printer_url=printer_url or ws.config.printer_url, profile=profile.name,
        data=render(doc, profile, ws.signer), text=render_text(doc, profile, ws.signer),
        state="queued", reprint=reprint, created_at=now, updated_at=now, next_attempt_at=now,
    )
    session.add(job)
    session.flush()
    return job


@dataclass(frozen=True)
class SendResult:
    job_id: str
    ok: bool
    error: str = ""


class PrintSpool:
    def __init__(self, ws: Workstation) -> None:
        self.ws = ws

    def pending(self) -> list[PrintJob]:
        with self.ws.store.read() as s:
            return list(s.exec(select(PrintJob).where(PrintJob.state == "queued")
                               .order_by(PrintJob.id)).scalars())

    def send_due(self, *, force: bool = False) -> list[SendResult]:
        """Send every queued job whose retry time has come (all of them with force)."""
        now = self.ws.utcnow()
        results = []
        for job in self.pending():
            if force or job.next_attempt_at is None or _aware(job.next_attempt_at) <= now:
                results.append(self.send(job.job_id))
        return results

    def send(self, job_id: str) -> SendResult:
        from printing.transport import PrinterError, open_printer

        with self.ws.store.read() as s:
            job = s.exec(select(PrintJob).where(PrintJob.job_id == job_id)).scalars().one()
        if job.state != "queued":
            return SendResult(job_id, job.state == "sent", job.last_error)
        try:
            open_printer(job.printer_url).send(job.data, job.job_id)
            error = ""
        except PrinterError as exc:
            error = str(exc)
        except OSError as exc:  # a transport we did not classify: still never lose the job
            error = str(exc)
        with self.ws.store.write() as s:
            row = s.exec(select(PrintJob).where(PrintJob.job_id == job_id)).scalars().one()
            row.attempts += 1
            row.updated_at = self.ws.utcnow()
            if error:
                row.last_error = error
                delay = min(MAX_BACKOFF, timedelta(seconds=2 ** min(row.attempts, 9)))
                row.next_attempt_at = row.updated_at + delay
            else:
                row.state, row.last_error = "sent", ""
            s.add(row)
        return SendResult(job_id, not error, error)

    def cancel(self, job_id: str) -> None:
        with self.ws.store.write() as s:
            row = s.exec(select(PrintJob).where(PrintJob.job_id == job_id)).scalars().one()
            if row.state == "queued":
                row.state, row.updated_at = "cancelled", self.ws.utcnow()
                s.add(row)


def _aware(dt: datetime) -> datetime:
    from datetime import timezone

    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def print_test_page(ws: Workstation, url: str | None = None) -> str:
    """Send the profile's test page straight to `url` (or the configured printer)."""
    from printing.documents import Document
    from printing.profiles import get_profile
    from printing.render import render
    from printing.transport import open_printer

    target = url or ws.config.printer_url
    profile = get_profile(str(ws.config.get("printer.profile")))
    doc = Document(kind="test", case_number="", office=office_info(ws), issued_at=ws.now())
    open_printer(target).send(render(doc, profile, None), f"test-{uuid.uuid4()}")
    return target
