"""Deciding an intake: validate, number, persist the case with its event and its document.

Every decision is one transaction: the case row, its event, the applicant's details and the
print job commit together or not at all; the job is sent to the printer only after commit.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy import select

from app.domain import lifecycle
from app.domain.checklist import ChecklistItem, merge_checklist
from app.domain.identifiers import check_credit_code, check_resident_id
from app.domain.intake import Mark, assess, blank_marks, item_to_dict
from app.domain.numbering import make_case_number
from app.domain.text import FieldError, check_phone, clean_text
from app.domain.workdays import add_working_days
from app.messages import t
from app.services.workstation import Workstation
from app.store.models import Applicant, Case, CaseEvent, ChecklistSnapshot, NumberCounter

ApplicantKind = Literal["person", "enterprise"]
TOLERANCE_WORKING_DAYS = 5  # 容缺 materials are promised within this many working days


class ValidationFailed(ValueError):
    """Bad input; `errors` maps a field name to the message shown at that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class ApplicantInput:
    kind: ApplicantKind = "person"
    id_number: str = ""
    name: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class CleanApplicant:
    kind: ApplicantKind
    id_number: str
    name: str
    phone: str
    address: str
    warnings: tuple[str, ...] = ()


@dataclass
class Draft:
    """An intake in progress at the window."""

    subject_kind: Literal["matter", "bundle"]
    subject_code: str
    marks: list[Mark]
    applicant: ApplicantInput = field(default_factory=ApplicantInput)
    case_number: str | None = None  # set when resuming a case awaiting correction


@dataclass(frozen=True)
class Decision:
    case: Case
    job_id: str | None  # the document queued for printing


def validate_applicant(a: ApplicantInput, today: date | None = None) -> CleanApplicant:
    """Every field is checked; all errors are reported together, keyed by field."""
    errors: dict[str, str] = {}
    warnings: list[str] = []
    id_label = t("intake.id_person") if a.kind == "person" else t("intake.id_enterprise")
    raw_id = (a.id_number or "").strip()
    id_value = raw_id
    if not raw_id:
        errors["id_number"] = t("field.required", field=id_label)
    else:
        check = check_resident_id(raw_id, today) if a.kind == "person" else check_credit_code(raw_id)
        if check.ok:
            id_value = check.value
            warnings.extend(check.warnings)
        else:
            errors["id_number"] = check.error
    name_label = t("intake.name_person") if a.kind == "person" else t("intake.name_enterprise")
    values: dict[str, str] = {}
    for fname, label, required, max_len in (
        ("name", name_label, True, 100),
        ("phone", t("intake.phone"), False, 30),
        ("address", t("intake.address"), False, 200),
    ):
        try:
            values[fname] = clean_text(getattr(a, fname) or "", label, required=required, max_len=max_len)
        except FieldError as exc:
            errors[fname] = exc.message
    if "phone" in values and values["phone"]:
        try:
            values["phone"] = check_phone(values["phone"])
        except FieldError as exc:
            errors["phone"] = exc.message
    if errors:
        raise ValidationFailed(errors)
    return CleanApplicant(
        a.kind, id_value, values["name"], values["phone"], values["address"], tuple(warnings)
    )


class IntakeService:
    def __init__(self, ws: Workstation) -> None:
        self.ws = ws

    # --- what the window shows -------------------------------------------------------------
    def checklist_for(self, kind: str, code: str) -> tuple[ChecklistItem, ...]:
        cat = self.ws.catalogue
        matters = cat.bundle_matters(code) if kind == "bundle" else (cat.matter(code),)
        return merge_checklist(matters)

    def new_draft(self, kind: Literal["matter", "bundle"], code: str) -> Draft:
        return Draft(kind, code, blank_marks(self.checklist_for(kind, code)))

    def time_limits(self, kind: str, code: str) -> tuple[int, int]:
        """(promised, legal) working days; a bundle takes its slowest matter (parallel approval)."""
        cat = self.ws.catalogue
        matters = cat.bundle_matters(code) if kind == "bundle" else (cat.matter(code),)
        return max(m.promised_days for m in matters), max(m.legal_days for m in matters)

    def subject_name(self, kind: str, code: str) -> str:
        cat = self.ws.catalogue
        return cat.bundle(code).name if kind == "bundle" else cat.matter(code).name

    def find_applicant(self, kind: str, id_number: str) -> Applicant | None:
        """A returning applicant's earlier details, offered to the clerk."""
        check = check_resident_id(id_number) if kind == "person" else check_credit_code(id_number)
        if not check.ok:
            return None
        with self.ws.store.read() as s:
            return (
                s.exec(select(Applicant).where(Applicant.kind == kind, Applicant.id_number == check.value))
                .scalars()
                .first()
            )

    def resume(self, number: str) -> Draft:
        """Load a case awaiting correction so the window can decide on it again."""
        from app.services.cases import CaseService

        case = CaseService(self.ws).get(number)
        if case is None:
            raise LookupError(t("case.not_found", number=number))
        if not lifecycle.is_open_for_intake(case.state):
            raise ValueError(t("case.not_resumable", number=case.number))
        marks = CaseService(self.ws).marks(case)
        applicant = ApplicantInput(
            case.applicant_kind,
            case.applicant_id_number,
            case.applicant_name,
            case.applicant_phone,
            case.applicant_address,
        )
        return Draft(case.subject_kind, case.subject_code, marks, applicant, case.number)  # type: ignore[arg-type]

    # --- decisions ---------------------------------------------------------------------------
    def accept(self, draft: Draft) -> Decision:
        found = assess(draft.marks)
        if not found.can_accept:
            raise ValidationFailed(
                {"checklist": t("decide.cannot_accept", count=len(found.missing_required))}
            )
        return self._decide(draft, "accept", reason="")

    def notify(self, draft: Draft, remarks: str = "") -> Decision:
        found = assess(draft.marks)
        if not found.to_notify:
            raise ValidationFailed({"checklist": t("decide.nothing_missing")})
        return self._decide(draft, "notify", reason=self._clean_reason(remarks, required=False))

    def refuse(self, draft: Draft, reason: str) -> Decision:
        return self._decide(draft, "refuse", reason=self._clean_reason(reason, required=True))

    @staticmethod
    def _clean_reason(text: str, *, required: bool) -> str:
        try:
            return clean_text(
                text,
                t("refuse.reason_field") if required else t("notify.remarks"),
                required=required,
                max_len=500,
            )
        except FieldError as exc:
            raise ValidationFailed({"reason": exc.message}) from None

    def _decide(self, draft: Draft, decision: str, *, reason: str) -> Decision:
        ws = self.ws
        if not draft.subject_code:
            raise ValidationFailed({"subject": t("decide.need_subject")})
        now = ws.now()
        today = now.date()
        applicant = validate_applicant(draft.applicant, today)
        promised, legal = self.time_limits(draft.subject_kind, draft.subject_code)
        found = assess(draft.marks)
        compact = [m.to_compact() for m in draft.marks]
        utc = ws.utcnow()
        job_id: str | None = None
        with ws.store.write() as s:
            stored_applicant = self._upsert_applicant(s, applicant, utc)
            if draft.case_number:
                case = s.exec(select(Case).where(Case.number == draft.case_number)).scalars().one()
                state = lifecycle.next_state(case.state, decision)
                case.revision += 1
            else:
                state = lifecycle.next_state(None, decision)
                case = Case(
                    uid=str(uuid.uuid4()),
                    number=self._next_number(s, today),
                    office_code=ws.office_code,
                    workstation_id=ws.workstation_id,
                    subject_kind=draft.subject_kind,
                    subject_code=draft.subject_code,
                    subject_name=self.subject_name(draft.subject_kind, draft.subject_code),
                    catalogue_version=ws.catalogue.version,
                    applicant_kind=applicant.kind,
                    applicant_name=applicant.name,
                    applicant_id_number=applicant.id_number,
                    state=state,
                    created_at=utc,
                    created_on=today,
                    updated_at=utc,
                    promised_days=promised,
                    legal_days=legal,
                    clerk=ws.clerk,
                    window=ws.window,
                )
            case.applicant_id = stored_applicant.id
            case.applicant_kind = applicant.kind
            case.applicant_name = applicant.name
            case.applicant_id_number = applicant.id_number
            case.applicant_phone = applicant.phone
            case.applicant_address = applicant.address
            case.state = state
            case.updated_at = utc
            case.checklist_id = snapshot_id(
                s, case.catalogue_version, case.subject_kind, case.subject_code, [m.item for m in draft.marks]
            )
            case.marks_json = json.dumps(compact, ensure_ascii=False)
            case.reason = reason
            if decision == "accept":
                due = add_working_days(today, promised, ws.calendar)
                case.accepted_on, case.due_date, case.due_provisional = today, due.date, due.provisional
                if found.tolerated:
                    # Tolerated materials are due before the result, never after it.
                    tol = add_working_days(today, TOLERANCE_WORKING_DAYS, ws.calendar).date
                    case.tolerated_until = min(tol, due.date) if due.date > today else tol
            s.add(case)
            s.flush()
            if case.revision == 1:
                self._event(
                    s,
                    case,
                    lifecycle.EVENT_CREATED,
                    {
                        "uid": case.uid,
                        "subject_kind": case.subject_kind,
                        "subject_code": case.subject_code,
                        "subject_name": case.subject_name,
                        "catalogue_version": case.catalogue_version,
                        "promised_days": promised,
                        "legal_days": legal,
                    },
                    utc,
                )
            payload: dict = {
                "state": state,
                "applicant": {
                    "kind": applicant.kind,
                    "id_number": applicant.id_number,
                    "name": applicant.name,
                    "phone": applicant.phone,
                    "address": applicant.address,
                },
                "marks": compact,
                "reason": reason,
                "revision": case.revision,
            }
            if decision == "accept":
                payload.update(
                    accepted_on=str(case.accepted_on),
                    due_date=str(case.due_date),
                    due_provisional=case.due_provisional,
                    tolerated_until=str(case.tolerated_until) if case.tolerated_until else None,
                )
            self._event(s, case, lifecycle.EVENT_FOR[decision], payload, utc)
            from app.services.printing import queue_case_document

            doc = {"accept": "receipt", "notify": "notice", "refuse": "refusal"}[decision]
            job_id = queue_case_document(ws, s, case, doc, marks=draft.marks).job_id
        return Decision(case=case, job_id=job_id)

    def _upsert_applicant(self, s, a: CleanApplicant, at: datetime) -> Applicant:
        row = (
            s.exec(select(Applicant).where(Applicant.kind == a.kind, Applicant.id_number == a.id_number))
            .scalars()
            .first()
        )
        if row is None:
            row = Applicant(
                kind=a.kind,
                id_number=a.id_number,
                name=a.name,
                phone=a.phone,
                address=a.address,
                created_at=at,
                updated_at=at,
            )
        else:
            row.name, row.phone, row.address, row.updated_at = a.name, a.phone, a.address, at
        s.add(row)
        s.flush()
        return row

    def _next_number(self, s, day: date) -> str:
        """The next sequence of this workstation and day, written in the case's transaction."""
        ws = self.ws
        key = (ws.office_code, ws.workstation_id, day)
        counter = s.get(NumberCounter, key)
        if counter is None:
            counter = NumberCounter(office_code=key[0], workstation_id=key[1], day=day, last_seq=0)
        counter.last_seq += 1
        s.add(counter)
        return str(make_case_number(ws.office_code, ws.workstation_id, day, counter.last_seq))

    def _event(self, s, case: Case, kind: str, payload: dict, at: datetime) -> None:
        s.add(
            CaseEvent(
                event_id=str(uuid.uuid4()),
                case_id=case.id,
                case_number=case.number,
                kind=kind,
                payload_json=json.dumps(payload, ensure_ascii=False, default=str),
                actor=self.ws.clerk,
                office_code=self.ws.office_code,
                workstation_id=self.ws.workstation_id,
                at=at,
            )
        )


def snapshot_id(s, version: str, kind: str, code: str, items: Sequence[ChecklistItem]) -> int:
    """The id of the stored checklist for (version, kind, code), stored on first use."""
    row = (
        s.exec(
            select(ChecklistSnapshot).where(
                ChecklistSnapshot.catalogue_version == version,
                ChecklistSnapshot.subject_kind == kind,
                ChecklistSnapshot.subject_code == code,
            )
        )
        .scalars()
        .first()
    )
    if row is None:
        row = ChecklistSnapshot(
            catalogue_version=version,
            subject_kind=kind,
            subject_code=code,
            items_json=json.dumps([item_to_dict(i) for i in items], ensure_ascii=False),
        )
        s.add(row)
        s.flush()
    return row.id  # type: ignore[return-value]


def marks_summary(marks: Sequence[Mark]) -> dict[str, int]:
    found = assess(marks)
    return {
        "received": len(found.received),
        "tolerated": len(found.tolerated),
        "missing": len(found.missing_required),
    }
