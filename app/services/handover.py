"""统一窗口出件: hand a finished case's result to its collector at the window.

The back office's 办结 (completed) and 不予许可 (denied) cases wait in the ready-for-pickup
list. The clerk finds one (by number, name, ID number, or by scanning the receipt), checks
the collector — the applicant by ID number, or an agent with the applicant's written
authorisation — and records the handover: the ``case.delivered`` event (method=window, the
collector's details) and the 领取凭证 print job are written in one transaction, through the
window's use case (app.services.sync.actions.deliver). The UI and the CLI both call here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC
from pathlib import Path

from sqlalchemy import select

from app.domain import lifecycle
from app.domain.identifiers import check_person_id
from app.domain.receipt_scan import ReceiptScan, recognise
from app.domain.text import FieldError, clean_text
from app.messages import t
from app.services import reactions
from app.services.cases import CaseService
from app.services.documents import new_job, pickup_document
from app.services.sync import actions
from app.services.workstation import Workstation
from app.store.models import Case, CaseEvent, PrintJob

READY_STATES = lifecycle.READY_FOR_PICKUP
TRUSTED_DIR = ("keys", "trusted")  # <data dir>/keys/trusted/*.pub: other windows' public keys
MAX_NAME = 50
MAX_AUTHORISATION = 500


class HandoverRefused(ValueError):
    """The handover cannot be recorded; ``field`` names the input to correct ("" = the case)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Collector:
    role: str  # "applicant" | "agent"
    name: str
    id_number: str
    authorisation: str = ""

    def to_payload(self) -> dict:
        out = {"role": self.role, "name": self.name, "id_number": self.id_number}
        if self.role == "agent":
            out["authorisation"] = self.authorisation
        return out


@dataclass(frozen=True)
class Handover:
    event: CaseEvent
    job: PrintJob
    collector: Collector


# --- finding ---------------------------------------------------------------------------------
def ready(ws: Workstation, text: str = "", limit: int = 500) -> list[Case]:
    """Cases ready for pickup (办结, 不予许可), oldest decision first; ``text`` narrows by
    number, applicant name or ID number as the case list finds."""
    if text.strip():
        found = CaseService(ws).find(text, limit=limit)
        return sorted((c for c in found if c.state in READY_STATES), key=lambda c: c.updated_at)
    with ws.store.read() as s:
        return list(
            s.execute(
                select(Case).where(Case.state.in_(READY_STATES)).order_by(Case.updated_at).limit(limit)
            ).scalars()
        )


def trusted_keys(ws: Workstation) -> list[str]:
    """Public keys whose receipts this window accepts: its own, and those an admin placed in
    ``<data dir>/keys/trusted/*.pub`` (base64 raw Ed25519 keys or SM2 points, one a line;
    # comments). Its Ed25519 key stays trusted after a switch to SM2: older receipts still scan."""
    keys = [ws.signer.public_key_b64()]
    if ws.qr_signer is not ws.signer:
        keys.append(ws.qr_signer.public_key_b64())
    folder = Path(ws.config.data_dir).joinpath(*TRUSTED_DIR)
    if folder.is_dir():
        for path in sorted(folder.glob("*.pub")):
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            keys += [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return keys


def recognise_scan(ws: Workstation, text: str) -> ReceiptScan | None:
    """What a keyboard-wedge scanner typed, checked against this window's trusted keys and,
    for a version-2 receipt of a case this window holds, against what the case's record says
    was issued (a genuine signature over another applicant, matter, date or paper is refused)."""
    if "?" not in text:  # a bare case number (the barcode) needs no key: no files read per Enter
        return recognise(text)
    scan = recognise(text, trusted_keys(ws))
    if scan is None or scan.kind != "receipt" or scan.claim is None:
        return scan
    differs = _claim_differs(ws, scan)
    if differs:
        what = t("scan.field_sep").join(t(f"scan.field_{d}") for d in differs)
        return replace(scan, kind="forged", reason=t("scan.content_differs", number=scan.number, what=what))
    return scan


def _claim_differs(ws: Workstation, scan: ReceiptScan) -> list[str]:
    """claim_differs against this window's record of the case ([] when it holds no such case:
    opening it then says so)."""
    from app.domain.receipt_scan import claim_differs, issued_paper

    with ws.store.read() as s:
        case = s.execute(select(Case).where(Case.number == scan.number)).scalars().first()
        if case is None:
            return []
        events = list(
            s.execute(
                select(CaseEvent.kind, CaseEvent.at, CaseEvent.payload_json).where(
                    CaseEvent.case_id == case.id
                )
            ).all()
        )
        matter = case.subject_code
    papers = []
    for kind, at, payload_json in events:
        try:
            payload = json.loads(payload_json)
        except ValueError:
            payload = {}
        local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone().date()
        paper = issued_paper(kind, at, payload if isinstance(payload, dict) else {}, local_day=local)
        if paper is not None:
            papers.append(paper)
    assert scan.claim is not None
    return claim_differs(scan.claim, matter, papers)


# --- checking the collector ------------------------------------------------------------------
def check_collector(
    case: Case, collector_id: str, agent_name: str = "", authorisation: str = "", today=None
) -> Collector:
    """The collector of `case`'s result, or HandoverRefused naming the field to correct.

    Without an agent name the collector is the applicant: the ID number must be the
    applicant's. With one, it is an agent: a valid resident ID number of their own and the
    applicant's written authorisation are required (a company's result always goes to one).
    """
    try:
        name = clean_text(agent_name, t("pickup.agent_name"), required=False, max_len=MAX_NAME)
    except FieldError as exc:
        raise HandoverRefused(exc.message, "agent_name") from None
    given = "".join((collector_id or "").split()).upper()
    applicant_id = "".join((case.applicant_id_number or "").split()).upper()
    if not given:
        raise HandoverRefused(t("field.required", field=t("pickup.collector_id")), "collector_id")
    if not name:
        if case.applicant_kind == "enterprise":
            raise HandoverRefused(t("handover.enterprise_agent"), "agent_name")
        if given == applicant_id:
            return Collector("applicant", case.applicant_name, applicant_id)
        check = check_person_id(given, today)
        if not check.ok:
            raise HandoverRefused(check.error, "collector_id")
        raise HandoverRefused(t("handover.id_mismatch"), "collector_id")
    check = check_person_id(given, today)
    if not check.ok:
        raise HandoverRefused(check.error, "collector_id")
    if check.value == applicant_id:
        raise HandoverRefused(t("handover.agent_is_applicant"), "collector_id")
    try:
        text = clean_text(
            authorisation, t("pickup.authorisation"), required=True, max_len=MAX_AUTHORISATION, multiline=True
        )
    except FieldError as exc:
        raise HandoverRefused(exc.message, "authorisation") from None
    return Collector("agent", name, check.value, text)


def hand_over(
    ws: Workstation,
    number: str,
    collector_id: str,
    agent_name: str = "",
    authorisation: str = "",
    *,
    printer_url: str | None = None,
    window: reactions.Window | None = None,
) -> Handover:
    """Check the collector and record the handover with its 领取凭证 (one transaction).

    Raises HandoverRefused (bad collector, case not ready) or actions.NotAllowed; nothing
    is written then. After commit, what follows a 出件 (app.services.reactions: the spool sends
    the voucher, a sync, the collector's rating) with `window`'s hands.
    """
    case = CaseService(ws).get(number)
    if case is None:
        raise HandoverRefused(t("case.not_found", number=number))
    if case.state not in READY_STATES:
        raise HandoverRefused(t("handover.not_ready", number=case.number, state=t("state." + case.state)))
    collector = check_collector(case, collector_id, agent_name, authorisation, ws.today())
    jobs: list[PrintJob] = []

    def add_voucher(session, payload) -> None:
        # Rendered inside the transaction: the event and its paper are never separated.
        row = session.execute(select(Case).where(Case.id == case.id)).scalars().one()
        doc = pickup_document(ws, row, payload, row.state, ws.now())
        job = new_job(ws, row, doc, reprint=False, printer_url=printer_url)
        session.add(job)
        jobs.append(job)

    event = actions.deliver(
        ws, case.number, collector=collector.to_payload(), outcome=case.state, also=add_voucher
    )
    reactions.after_commit(ws, window, reactions.CaseChanged(case.number, lifecycle.EVENT_DELIVERED))
    return Handover(event, jobs[0], collector)
