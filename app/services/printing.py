"""The print spool: documents of cases are stored as jobs, then sent, retried, resent.

A job is rendered and written to the store inside the transaction of the decision that
produced it, so a case and its receipt are never separated; sending happens after commit
and failures only change the job's state.

Job states: ``queued`` (waiting; ``next_attempt_at`` says when it is due), ``sending`` (a
spool pass claimed it; ``next_attempt_at`` is then the end of the claim's lease),
``printed`` (the printer answered its status query after the job: 已打印), ``sent`` (every
byte handed to a printer that cannot answer: 已发送), ``unconfirmed`` (every byte written,
but the printer did not confirm: 待确认, the clerk decides), ``cancelled`` (by the clerk;
resendable) and ``failed`` (kept for rows written by older versions; treated like
``queued`` by resend).  Nothing is ever deleted.  A job that was fully written is never
sent again automatically: only the clerk's resend (F5) or ``print drain`` of a job put
back in the queue does that.

Claims make sending exclusive across threads and processes (the window's 3 s timer, the
kick after a decision, ``yichuang case print`` from a shell): a pass takes a job by
switching it to ``sending`` inside a ``BEGIN IMMEDIATE`` transaction and bumping
``attempts``, which doubles as a fencing token; only the holder of that attempt may record
the outcome.  A claim whose process died (kill -9, power cut) expires after ``LEASE`` and
the job is sent again: delivery is at least once (a second paper copy is acceptable, a
lost receipt is not).
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.messages import t
from app.services import sealed_files
from app.services.documents import REPRINTABLE as REPRINTABLE
from app.services.documents import DocumentUnavailable as DocumentUnavailable
from app.services.documents import as_utc, office_info, printer_profile
from app.services.documents import available_documents as available_documents
from app.services.documents import case_document as case_document
from app.services.documents import document_text as document_text
from app.services.documents import queue_case_document as queue_case_document
from app.services.documents import reprint as reprint
from app.services.documents import reprint_document as reprint_document
from app.services.documents import write_preview as write_preview
from app.services.workstation import Workstation
from app.store.models import Case, PrintJob

MAX_BACKOFF = timedelta(minutes=5)  # retry delays grow 2 s, 4 s, 8 s … up to this
BASE_BACKOFF = timedelta(seconds=2)
STALL_TIMEOUT = 10.0  # seconds without progress before a send is stalled (printer.stall_timeout)
ANSWER_TIMEOUT = 5.0  # seconds to wait for the printer's status answer (printer.answer_timeout)
SEND_TIMEOUT = STALL_TIMEOUT  # the name older callers use
LEASE = timedelta(seconds=30)  # a claim not renewed for this long is taken over (the sender died)
CLI_HOLD = timedelta(seconds=60)  # a job queued by the CLI is the CLI's to send first

ACTIVE_STATES = ("queued", "sending")
DONE_STATES = ("printed", "sent", "unconfirmed")  # every byte left; never resent automatically
ATTENTION_STATES = ACTIVE_STATES + ("failed", "unconfirmed")  # the queue screen's "unfinished"
RESENDABLE_STATES = ("queued", "failed", "cancelled", "sent", "unconfirmed")
CANCELLABLE_STATES = ("queued", "failed")


# --- the spool -------------------------------------------------------------------------------
@dataclass(frozen=True)
class SendResult:
    job_id: str
    ok: bool  # every byte left for the printer (printed, sent or unconfirmed)
    error: str = ""
    state: str = ""  # the job's state afterwards
    attempted: bool = True  # False: not ours to send (not due, printed, or another pass has it)

    @property
    def printed(self) -> bool:
        return self.state == "printed"


@dataclass(frozen=True)
class QueueSummary:
    waiting: int = 0  # queued or being sent
    failing: int = 0  # of those, how many failed at least once and still wait
    last_error: str = ""  # the most recent failure among them
    cancelled: int = 0
    unconfirmed: int = 0  # fully sent, the printer did not confirm: the clerk decides


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Capped exponential backoff with jitter: half the step fixed, half random."""
    step = min(MAX_BACKOFF.total_seconds(), BASE_BACKOFF.total_seconds() * 2 ** max(0, attempts - 1))
    return timedelta(seconds=step / 2 + (rng or random).uniform(0, step / 2))


def _seconds(ws: Workstation, key: str, default: float) -> float:
    try:
        value = float(ws.config.get(key))
    except Exception:  # an older config.toml without the key, or junk in it
        return default
    return value if value > 0 else default


class PrintSpool:
    def __init__(
        self,
        ws: Workstation,
        *,
        lease: timedelta = LEASE,
        stall_timeout: float | None = None,
        answer_timeout: float | None = None,
    ) -> None:
        self.ws = ws
        self.stall_timeout = stall_timeout or _seconds(ws, "printer.stall_timeout", STALL_TIMEOUT)
        self.answer_timeout = answer_timeout or _seconds(ws, "printer.answer_timeout", ANSWER_TIMEOUT)
        # A sender may go a whole stall timeout without progress and then wait for the
        # answer: its claim must outlive that, and is renewed whenever bytes move.
        self.lease = lease + timedelta(seconds=self.stall_timeout + self.answer_timeout)

    # --- reading ------------------------------------------------------------------------
    def pending(self) -> list[PrintJob]:
        """Jobs not yet printed (queued or being sent), oldest first."""
        with self.ws.store.read() as s:
            return list(
                s.exec(
                    select(PrintJob).where(PrintJob.state.in_(ACTIVE_STATES)).order_by(PrintJob.id)
                ).scalars()
            )

    def get(self, job_id: str) -> PrintJob | None:
        with self.ws.store.read() as s:
            return s.exec(select(PrintJob).where(PrintJob.job_id == job_id)).scalars().first()

    def jobs(self, *, active_only: bool = False, limit: int = 200) -> list[tuple[PrintJob, str]]:
        """Jobs with their case number, newest first (what the print-queue screen lists).

        ``active_only``: what still needs someone: waiting, failing, or unconfirmed.
        """
        q = select(PrintJob, Case.number).join(Case, Case.id == PrintJob.case_id, isouter=True)
        if active_only:
            q = q.where(PrintJob.state.in_(ATTENTION_STATES))
        with self.ws.store.read() as s:
            return [(j, n or "") for j, n in s.exec(q.order_by(PrintJob.id.desc()).limit(limit)).all()]

    def summary(self) -> QueueSummary:
        with self.ws.store.read() as s:
            counts = dict(s.exec(select(PrintJob.state, func.count()).group_by(PrintJob.state)).all())
            failing = s.exec(
                select(func.count())
                .select_from(PrintJob)
                .where(PrintJob.state.in_(ACTIVE_STATES + ("failed",)), PrintJob.last_error != "")
            ).scalar_one()
            last = (
                s.exec(
                    select(PrintJob.last_error)
                    .where(PrintJob.state.in_(ACTIVE_STATES + ("failed",)), PrintJob.last_error != "")
                    .order_by(PrintJob.updated_at.desc())
                    .limit(1)
                )
                .scalars()
                .first()
            )
        waiting = sum(counts.get(k, 0) for k in ACTIVE_STATES + ("failed",))
        return QueueSummary(
            waiting, failing, last or "", counts.get("cancelled", 0), counts.get("unconfirmed", 0)
        )

    # --- claiming and sending -------------------------------------------------------------
    def _claim(self, job_id: str, *, force: bool) -> tuple[PrintJob | None, str]:
        """Take the job for sending; (job, "") or (None, its state) when it is not ours."""
        now = self.ws.utcnow()
        with self.ws.store.write() as s:  # BEGIN IMMEDIATE: one claimer at a time
            row = s.exec(select(PrintJob).where(PrintJob.job_id == job_id)).scalars().first()
            if row is None:
                raise LookupError(t("queue.no_job", job=job_id))
            due = row.next_attempt_at is None or as_utc(row.next_attempt_at) <= now
            if row.state == "queued" and (force or due):
                pass
            elif row.state == "sending" and due:  # the claim's lease ran out: its sender died
                row.last_error = t("print.interrupted")
            else:
                return None, row.state
            row.state = "sending"
            row.attempts += 1
            row.updated_at = now
            row.next_attempt_at = now + self.lease
            s.add(row)
            s.flush()
            s.expunge(row)
            return row, ""

    def _renew(self, job: PrintJob) -> None:
        """Extend our claim while the printer keeps taking bytes (a slow link is not a death)."""
        with self.ws.store.write() as s:
            row = s.exec(select(PrintJob).where(PrintJob.job_id == job.job_id)).scalars().one()
            if row.state == "sending" and row.attempts == job.attempts:
                row.next_attempt_at = self.ws.utcnow() + self.lease
                s.add(row)

    def _finish(self, job: PrintJob, error: str, state: str = "") -> str:
        """Record the outcome of our attempt unless another pass took the job over.

        ``error`` set and ``state`` empty: back to the queue with a backoff.  Otherwise
        ``state`` is the outcome (printed, sent, unconfirmed) and ``error`` a note on it.
        """
        with self.ws.store.write() as s:
            row = s.exec(select(PrintJob).where(PrintJob.job_id == job.job_id)).scalars().one()
            if row.state != "sending" or row.attempts != job.attempts:
                return row.state  # our lease ran out and someone else owns it now
            row.updated_at = self.ws.utcnow()
            if error and not state:
                row.state, row.last_error = "queued", error
                row.next_attempt_at = row.updated_at + retry_delay(row.attempts)
            else:
                row.state, row.last_error, row.next_attempt_at = state or "printed", error, None
            s.add(row)
            return row.state

    def _deliver(self, job: PrintJob) -> tuple[str, str]:
        """Send the job's bytes; (state, note) for a delivery, ("", error) for a failure."""
        from app.printers import PrinterError, open_printer
        from printing.profiles import get_profile

        renewed = [time.monotonic()]

        def progress(_done: int) -> None:
            if time.monotonic() - renewed[0] >= self.lease.total_seconds() / 4:
                renewed[0] = time.monotonic()
                self._renew(job)

        try:
            confirm = get_profile(job.profile).confirm
        except KeyError:
            confirm = "none"
        data = job.data
        if sealed_files.prints_are_sealed(self.ws, job.printer_url):
            # the data dir's paper tray on an encrypted store: no names in clear on disk
            data = sealed_files.seal_with_store_key(self.ws.db_key, data, "print")
        try:
            delivery = open_printer(job.printer_url).send(
                data,
                job.job_id,
                timeout=self.stall_timeout,
                confirm=confirm,
                answer_timeout=self.answer_timeout,
                progress=progress,
            )
        except PrinterError as exc:
            if exc.kind == "not_printer":  # before the job: nothing of it went out
                return "", t("print.not_printer", url=job.printer_url)
            if exc.written is not None and exc.total and exc.written >= exc.total:
                # the printer has every byte; sending it all again is the clerk's call
                return "unconfirmed", f"{exc}（{t('print.fully_written')}）"
            if exc.partial:
                return (
                    "",
                    f"{exc}（{t('print.partly_written', written=exc.written or '?', total=exc.total or len(job.data))}）",
                )
            return "", str(exc)
        except Exception as exc:  # a transport we did not classify: still never lose the job
            return "", f"{type(exc).__name__}: {exc}"
        if delivery.outcome == "printed":
            return "printed", ""
        if delivery.outcome == "sent":
            return "sent", ""
        return "unconfirmed", t(f"print.unconfirmed_{delivery.reason}", seconds=f"{self.answer_timeout:g}")

    def send(self, job_id: str, *, force: bool = True) -> SendResult:
        """Send one job now (force: even before its retry time); never raises for the printer."""
        job, state = self._claim(job_id, force=force)
        if job is None:
            current = self.get(job_id)
            error = current.last_error if current else ""
            if state == "sending":
                error = t("print.sending_elsewhere")
            return SendResult(job_id, state in DONE_STATES, error, state, attempted=False)
        outcome, error = self._deliver(job)
        state = self._finish(job, error, outcome)
        return SendResult(job_id, state in DONE_STATES, error, state)

    def wait(self, job_id: str, timeout: float | None = None) -> SendResult:
        """Wait for another process's attempt on `job_id` to end (the CLI uses it).

        The attempt lasts as long as the printer makes progress: wait while its claim is
        alive (renewed on progress), and at most `timeout` seconds when given.
        """
        end = time.monotonic() + timeout if timeout else None
        while True:
            job = self.get(job_id)
            alive = (
                job is not None
                and job.state == "sending"
                and job.next_attempt_at is not None
                and as_utc(job.next_attempt_at) > self.ws.utcnow()
            )
            if not alive or (end is not None and time.monotonic() > end):
                state = job.state if job else ""
                return SendResult(job_id, state in DONE_STATES, job.last_error if job else "", state)
            time.sleep(0.1)

    def send_due(self, *, force: bool = False) -> list[SendResult]:
        """One spool pass: send every job whose time has come (all of them with force).

        After a printer failed, the pass skips that printer's other jobs (no stacking of
        timeouts); after a printer took a job, its other waiting jobs go at once (it is
        back), so jobs queued during an outage print as soon as it ends.
        """
        now = self.ws.utcnow()
        with self.ws.store.read() as s:
            rows = s.exec(
                select(PrintJob.job_id, PrintJob.printer_url, PrintJob.state, PrintJob.next_attempt_at)
                .where(PrintJob.state.in_(ACTIVE_STATES))
                .order_by(PrintJob.id)
            ).all()
        results: list[SendResult] = []
        ok_urls: set[str] = set()
        bad_urls: set[str] = set()
        done: set[str] = set()

        def due(state: str, at: datetime | None) -> bool:
            return at is None or as_utc(at) <= now or (force and state == "queued")

        for job_id, url, state, at in rows:
            if url in bad_urls or not due(state, at):
                continue
            r = self.send(job_id, force=force)
            if not r.attempted:
                continue  # another pass has it, or it is done
            results.append(r)
            done.add(job_id)
            (ok_urls if r.ok else bad_urls).add(url)
        for job_id, url, state, _at in rows:
            if url in ok_urls and url not in bad_urls and job_id not in done and state == "queued":
                r = self.send(job_id, force=True)
                if r.attempted:
                    results.append(r)
                    if not r.ok:
                        bad_urls.add(url)
        return results

    def drain(self) -> tuple[list[SendResult], int]:
        """``yichuang print drain``: send every waiting job once, whatever its retry time.

        Returns the attempts and how many jobs still wait afterwards (queued, or being
        sent by another process).  A printer that fails keeps its other jobs for the next
        run (one stall per printer, not one per job).  Jobs already written in full
        (sent, unconfirmed) are not touched: resending those is the clerk's decision.
        """
        results = self.send_due(force=True)
        return results, len(self.pending())

    # --- the clerk's actions ----------------------------------------------------------------
    def cancel(self, job_id: str) -> bool:
        """Cancel a job that is waiting; False when it is being sent or already done."""
        with self.ws.store.write() as s:
            row = s.exec(select(PrintJob).where(PrintJob.job_id == job_id)).scalars().first()
            if row is None or row.state not in CANCELLABLE_STATES:
                return False
            row.state, row.updated_at, row.next_attempt_at = "cancelled", self.ws.utcnow(), None
            s.add(row)
            return True

    def confirm(self, job_id: str) -> bool:
        """The clerk saw the paper of a sent or unconfirmed job: mark it printed."""
        with self.ws.store.write() as s:
            row = s.exec(select(PrintJob).where(PrintJob.job_id == job_id)).scalars().first()
            if row is None or row.state not in ("sent", "unconfirmed"):
                return False
            row.state, row.last_error, row.updated_at = "printed", "", self.ws.utcnow()
            s.add(row)
            return True

    def requeue(self, job_id: str, *, printer_url: str | None = None) -> PrintJob:
        """Make a job due now (optionally to another printer): the clerk's decision.

        Waiting, failed, cancelled jobs, and jobs written in full that the printer did
        not confirm (sent, unconfirmed) may be sent again: the same job row, no new copy
        in the store.  A job the printer confirmed (printed) is not: another copy is a
        reprint (补打).
        """
        with self.ws.store.write() as s:
            row = s.exec(select(PrintJob).where(PrintJob.job_id == job_id)).scalars().first()
            if row is None:
                raise LookupError(t("queue.no_job", job=job_id))
            if row.state == "printed":
                raise ValueError(t("queue.already_sent"))
            if row.state == "sending":
                raise ValueError(t("print.sending_elsewhere"))
            now = self.ws.utcnow()
            row.state, row.updated_at, row.next_attempt_at = "queued", now, now
            if printer_url:
                row.printer_url = printer_url
            s.add(row)
            s.flush()
            s.expunge(row)
            return row

    def resend(self, job_id: str, *, printer_url: str | None = None) -> SendResult:
        """The clerk's "resend now": requeue, then send in this thread."""
        self.requeue(job_id, printer_url=printer_url)
        return self.send(job_id, force=True)


def check_printer_url(url: str) -> None:
    """Raise app.printers.PrinterError("config") for a URL no printer can have."""
    from app.printers import open_printer

    open_printer(url)


def warm_up(ws: Workstation) -> None:
    """Load what the first rendering needs (python-escpos, qrcode, the bundled font, the
    workstation key), about 0.3 s, so the clerk's first accept is as fast as the next."""
    from printing.documents import Document
    from printing.fonts import fonts
    from printing.render import render

    fonts()
    doc = Document(kind="test", case_number="", office=office_info(ws), issued_at=ws.now())
    render(doc, printer_profile(ws), ws.qr_signer)
    if sealed_files.prints_are_sealed(ws, ws.config.printer_url):
        sealed_files.seal_with_store_key(ws.db_key, b"", "print")  # a passphrase's scrypt, paid here


def print_test_page(ws: Workstation, url: str | None = None, *, timeout: float | None = None):
    """Send the profile's test page straight to `url` (or the configured printer).

    Not spooled: a test page answers "does this printer work now?"; PrinterError is raised.
    Returns (url, Delivery): whether the printer confirmed it (printed) or could not.
    """
    from app.printers import open_printer
    from printing.documents import Document
    from printing.render import render

    target = url or ws.config.printer_url
    profile = printer_profile(ws)
    doc = Document(kind="test", case_number="", office=office_info(ws), issued_at=ws.now())
    delivery = open_printer(target).send(
        render(doc, profile, ws.qr_signer),
        f"test-{uuid.uuid4()}",
        timeout=timeout or _seconds(ws, "printer.stall_timeout", STALL_TIMEOUT),
        confirm=profile.confirm,
        answer_timeout=_seconds(ws, "printer.answer_timeout", ANSWER_TIMEOUT),
    )
    return target, delivery
