"""Courier mode: trips, recorded scans and the 交接单 (handover slip).

Each good scan writes its scan row, the waybill's link and step, and the case's event
(``courier.<step>``, carried to the hub by sync) in one transaction; a refused scan writes
nothing. A waybill is recorded once per trip and step (also enforced by a unique index, so
two racing writers cannot both record it).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.domain import courier as rules
from app.domain import lifecycle
from app.domain.text import FieldError, clean_text
from app.messages import t
from app.services.documents import office_info, printer_profile
from app.services.workstation import Workstation
from app.store import audit
from app.store.models import Case, CaseEvent, CourierScan, CourierTrip, CourierWaybill

# Outcome codes: recorded and echo are fine (an echo is the scanner's double send: a notice);
# every other code is a refusal that saved nothing.
RECORDED = "recorded"
ECHO = "echo"
CASE_SET = "case_set"  # the courier screen: a scanned case number chooses the case for pickups
REFUSALS = ("invalid", "repeat", "need_case", "unknown_case", "unknown_waybill", "step_order", "other_case")


class Refused(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Outcome:
    code: str
    message: str
    waybill: str = ""
    case_number: str = ""
    step: str = ""

    @property
    def ok(self) -> bool:
        return self.code not in REFUSALS


@dataclass(frozen=True)
class ScanInput:
    raw: str
    step: str
    case: str | None = None  # a case number: required at pickup unless assigned before
    recipient: str = ""  # delivered
    recipient_is_applicant: bool | None = None  # delivered
    reason: str = ""  # failed: one of app.domain.courier.FAIL_REASONS


def rules_from_config(ws: Workstation) -> rules.Rules:
    c = ws.config
    return rules.make_rules(
        str(c.get("courier.patterns") or ""),
        str(c.get("courier.prefix") or ""),
        str(c.get("courier.suffix") or ""),
    )


@dataclass
class Trip:
    """A trip being recorded: its row id, its uid, and its repeat filter (the scanner's echo)."""

    id: int
    uid: str
    label: str
    echo: rules.RepeatFilter = field(default_factory=rules.RepeatFilter)


def canonical_case(text: str) -> str:
    from app.domain.numbering import parse_case_number

    try:
        return str(parse_case_number(text))
    except ValueError:
        return text.strip().upper()


def is_case_number(text: str) -> bool:
    from app.domain.numbering import parse_case_number

    try:
        parse_case_number(text.strip())
    except ValueError:
        return False
    return True


class CourierService:
    def __init__(self, ws: Workstation, *, clock=time.monotonic) -> None:
        self.ws = ws
        self.rules = rules_from_config(ws)
        self._clock = clock

    # --- trips ------------------------------------------------------------------------------
    def open_trip(self, source: str = "screen") -> Trip:
        ws = self.ws
        row = CourierTrip(
            uid=str(uuid.uuid4()),
            operator=ws.clerk,
            office_code=ws.office_code,
            workstation_id=ws.workstation_id,
            source=source,
            started_at=ws.utcnow(),
        )
        with ws.store.write() as s:
            s.add(row)
            s.flush()
        return Trip(row.id, row.uid, self.trip_label(row))  # type: ignore[arg-type]

    def trip_label(self, row: CourierTrip) -> str:
        local = row.started_at.astimezone() if row.started_at.tzinfo else row.started_at
        return f"{row.office_code}-{row.workstation_id}-{local:%y%m%d}-T{row.id:04d}"

    def close_trip(self, trip: Trip) -> None:
        with self.ws.store.write() as s:
            row = s.get(CourierTrip, trip.id)
            if row is not None and row.closed_at is None:
                row.closed_at = self.ws.utcnow()
                s.add(row)

    def trip_scans(self, trip: Trip) -> list[CourierScan]:
        with self.ws.store.read() as s:
            q = select(CourierScan).where(CourierScan.trip_id == trip.id).order_by(CourierScan.id)
            return list(s.execute(q).scalars())

    # --- scans ------------------------------------------------------------------------------
    def record(self, trip: Trip, inp: ScanInput, *, seen_at: float | None = None) -> Outcome:
        """Validate and record one scan; a refusal is an Outcome with its message, nothing saved.

        ``seen_at`` (time.monotonic() when the scan arrived) times the repeat window; the
        service's clock when not given.
        """
        step = inp.step
        if step not in rules.STEPS:
            raise ValueError(f"unknown step {step!r}")
        check = rules.check_scan(inp.raw, self.rules)
        if not check.ok:
            return Outcome("invalid", t("courier.invalid", value=check.value, error=check.error), check.value)
        key, now = f"{step}:{check.value}", seen_at if seen_at is not None else self._clock()
        if trip.echo.is_repeat(key, now):
            trip.echo.note(key, now)
            return Outcome(ECHO, t("courier.echo", waybill=check.value), check.value, step=step)
        try:
            case_number = self._write(trip, check, inp)
        except Refused as r:  # not noted: the courier may fix the case and scan again at once
            return Outcome(r.code, r.message, check.value, step=step)
        trip.echo.note(key, now)
        return Outcome(
            RECORDED,
            t("courier.recorded", waybill=check.value, case=case_number, step=rules.step_label(step)),
            check.value,
            case_number,
            step,
        )

    def _details(self, inp: ScanInput) -> dict:
        out: dict = {}
        if inp.step == rules.DELIVERED:
            if not (inp.recipient or "").strip():  # the screen and the command line alike
                raise Refused("invalid", t("courier.need_recipient"))
            try:
                out["recipient"] = clean_text(
                    inp.recipient or "", t("courier.recipient"), required=False, max_len=100
                )
            except FieldError as exc:
                raise Refused("invalid", exc.message) from None
            out["recipient_is_applicant"] = inp.recipient_is_applicant
        if inp.step == rules.FAILED:
            if inp.reason not in rules.FAIL_REASONS:
                raise Refused("invalid", t("courier.need_reason"))
            out["reason"] = inp.reason
        return out

    def _write(self, trip: Trip, check: rules.ScanCheck, inp: ScanInput) -> str:
        ws = self.ws
        step, waybill = inp.step, check.value
        details = self._details(inp)
        wanted = canonical_case(inp.case) if inp.case and inp.case.strip() else None
        utc = ws.utcnow()
        try:
            with ws.store.write() as s:
                case = self._check(s, trip, step, waybill, wanted)
                ev = CaseEvent(
                    event_id=str(uuid.uuid4()),
                    case_id=case.id,  # type: ignore[arg-type]
                    case_number=case.number,
                    kind=rules.EVENT_FOR_STEP[step],
                    payload_json=json.dumps(
                        {"waybill": waybill, "carrier": check.carrier, "trip": trip.uid, **details},
                        ensure_ascii=False,
                    ),
                    actor=ws.clerk,
                    office_code=ws.office_code,
                    workstation_id=ws.workstation_id,
                    at=utc,
                )
                audit.add(s, ev)
                s.add(
                    CourierScan(
                        trip_id=trip.id,
                        waybill=waybill,
                        case_number=case.number,
                        step=step,
                        at=utc,
                        operator=ws.clerk,
                        event_id=ev.event_id,
                        recipient=details.get("recipient", ""),
                        recipient_is_applicant=details.get("recipient_is_applicant"),
                        reason=details.get("reason", ""),
                    )
                )
                row = s.get(CourierWaybill, waybill)
                if row is None:
                    row = CourierWaybill(
                        waybill=waybill,
                        case_id=case.id,  # type: ignore[arg-type]
                        case_number=case.number,
                        carrier=check.carrier,
                        last_step=step,
                        updated_at=utc,
                    )
                else:
                    row.last_step, row.updated_at = step, utc
                s.add(row)
                # A courier event changes no state and takes part in no conflict (both need a
                # state change), so the case row stays as it is: no fold over its events here.
                return case.number
        except IntegrityError:  # another writer recorded the same waybill in this trip first
            raise Refused("repeat", t("courier.repeat", waybill=waybill)) from None

    def _check(self, s, trip: Trip, step: str, waybill: str, wanted: str | None) -> Case:
        """The case the scan goes to, or Refused saying why it cannot be recorded."""
        dup = s.execute(
            select(CourierScan.id).where(
                CourierScan.trip_id == trip.id, CourierScan.waybill == waybill, CourierScan.step == step
            )
        ).first()
        if dup is not None:
            raise Refused("repeat", t("courier.repeat", waybill=waybill))
        row = s.get(CourierWaybill, waybill)
        last = row.last_step if row is not None else None
        if step != rules.PICKUP and (row is None or last == "assigned"):
            raise Refused("unknown_waybill", t("courier.unknown_waybill", waybill=waybill))
        if not rules.check_step(step, last):
            raise Refused(
                "step_order",
                t("courier.step_order", waybill=waybill, last=rules.step_label(last)),
            )
        number = wanted or (row.case_number if row is not None else None)
        if number is None:
            raise Refused("need_case", t("courier.need_case", waybill=waybill))
        if row is not None and wanted and row.case_number != wanted:
            raise Refused("other_case", t("courier.other_case", waybill=waybill, case=row.case_number))
        case = s.execute(select(Case).where(Case.number == number)).scalars().first()
        if case is None:
            raise Refused("unknown_case", t("courier.unknown_case", case=number))
        return case

    def assign(self, number: str, raw_waybill: str) -> Outcome:
        """At the window: link a waybill to a case before pickup (a result to send by EMS)."""
        ws = self.ws
        check = rules.check_scan(raw_waybill, self.rules)
        if not check.ok:
            return Outcome("invalid", t("courier.invalid", value=check.value, error=check.error), check.value)
        wanted = canonical_case(number)
        utc = ws.utcnow()
        with ws.store.write() as s:
            case = s.execute(select(Case).where(Case.number == wanted)).scalars().first()
            if case is None:
                return Outcome("unknown_case", t("courier.unknown_case", case=wanted), check.value)
            row = s.get(CourierWaybill, check.value)
            if row is not None:
                return Outcome(
                    "other_case", t("courier.other_case", waybill=check.value, case=row.case_number)
                )
            s.add(
                CourierWaybill(
                    waybill=check.value,
                    case_id=case.id,  # type: ignore[arg-type]
                    case_number=case.number,
                    carrier=check.carrier,
                    last_step="assigned",
                    updated_at=utc,
                )
            )
            audit.add(
                s,
                CaseEvent(
                    event_id=str(uuid.uuid4()),
                    case_id=case.id,  # type: ignore[arg-type]
                    case_number=case.number,
                    kind=lifecycle.EVENT_COURIER_ASSIGNED,
                    payload_json=json.dumps({"waybill": check.value, "carrier": check.carrier}),
                    actor=ws.clerk,
                    office_code=ws.office_code,
                    workstation_id=ws.workstation_id,
                    at=utc,
                ),
            )
        return Outcome(
            RECORDED, t("courier.assigned", waybill=check.value, case=case.number), check.value, case.number
        )

    # --- listing and the slip -------------------------------------------------------------------
    def scans(self, limit: int = 1000, page: int = 1) -> list[dict]:
        """Page `page` of the scans, newest page first (each page oldest first)."""
        with self.ws.store.read() as s:
            q = (
                select(CourierScan)
                .order_by(CourierScan.id.desc())
                .limit(limit)
                .offset(limit * (max(page, 1) - 1))
            )
            rows = list(s.execute(q).scalars())
        return [scan_to_dict(r) for r in reversed(rows)]

    def scan_count(self) -> int:
        with self.ws.store.read() as s:
            return s.execute(select(func.count()).select_from(CourierScan)).scalar_one()

    def print_slip(self, trip: Trip, *, printer_url: str | None = None):
        """Queue the trip's 交接单 on the receipt printer (stored first, sent by the spool)."""
        from app.store.models import PrintJob
        from printing.documents import Document
        from printing.render import render, render_text

        ws = self.ws
        items = tuple((r.waybill, r.case_number, r.step) for r in self.trip_scans(trip))
        doc = Document(
            kind="trip",
            case_number=trip.label,
            office=office_info(ws),
            issued_at=ws.now(),
            trip_items=items,
            window=ws.window,
            clerk=ws.clerk,
        )
        profile = printer_profile(ws)
        now = ws.utcnow()
        job = PrintJob(
            job_id=str(uuid.uuid4()),
            case_id=None,
            doc_kind="trip",
            printer_url=printer_url or ws.config.printer_url,
            profile=profile.name,
            data=render(doc, profile, ws.qr_signer),
            text=render_text(doc, profile, ws.qr_signer),
            state="queued",
            created_at=now,
            updated_at=now,
            next_attempt_at=now,
        )
        with ws.store.write() as s:
            s.add(job)
            row = s.get(CourierTrip, trip.id)
            if row is not None and row.closed_at is None:
                row.closed_at = now
                s.add(row)
        return job


def scan_to_dict(r: CourierScan) -> dict:
    at: datetime = r.at
    return {
        "waybill": r.waybill,
        "case": r.case_number,
        "step": r.step,
        "at": at.isoformat(),
        "operator": r.operator,
        "recipient": r.recipient,
        "recipient_is_applicant": r.recipient_is_applicant,
        "reason": r.reason,
        "event_id": r.event_id,
    }
