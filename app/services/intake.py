"""Deciding an intake: validate, number, persist the case with its event and its document.

Every decision is one transaction: the case row, its event, the applicant's details and the
print job commit together or not at all; the job is sent to the printer only after commit.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy import select, update

from app.domain import lifecycle
from app.domain.checklist import ChecklistItem, merge_checklist
from app.domain.identifiers import check_credit_code, check_person_id
from app.domain.intake import Mark, assess, blank_marks, item_to_dict
from app.domain.numbering import make_case_number
from app.domain.text import FieldError, check_phone, clean_text
from app.domain.workdays import add_working_days
from app.messages import t
from app.services import reactions
from app.services.cases import CaseService
from app.services.documents import queue_case_document
from app.services.workstation import Workstation
from app.store import audit
from app.store.models import Applicant, Case, ChecklistSnapshot, NumberCounter

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


DecisionKind = Literal["accept", "notify", "refuse"]


@dataclass(frozen=True)
class DecisionInput:
    """A decision as the clerk makes it: the draft, 受理/一次性告知/不予受理, the typed text."""

    draft: Draft
    decision: DecisionKind
    text: str = ""  # notice remarks (notify) or the reason (refuse), as typed
    at: datetime | None = None  # local wall-clock time of the decision; None = now
    scan_holds: dict[int, str] = field(default_factory=dict)  # scan id -> material, filed after commit


@dataclass(frozen=True)
class PreparedDecision:
    """A decision that passed the window's checks, ready to be written."""

    draft: Draft
    decision: DecisionKind
    reason: str
    applicant: CleanApplicant
    tolerated: bool
    promised: int
    legal: int
    at: datetime  # local, naive (as the clerk sees it)

    @property
    def utc(self) -> datetime:
        return self.at.astimezone(UTC)


@dataclass(frozen=True)
class Decision:
    case: Case | None  # None only from a bulk write without documents (seeding)
    job_id: str | None  # the document queued for printing
    number: str = ""


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
        check = check_person_id(raw_id, today) if a.kind == "person" else check_credit_code(raw_id)
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
    def __init__(self, ws: Workstation, window: reactions.Window | None = None) -> None:
        self.ws = ws
        self.window = window  # who lends its hands to the reactions after commit (the UI)

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
        check = check_person_id(id_number) if kind == "person" else check_credit_code(id_number)
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
    def accept(self, draft: Draft, *, scan_holds: dict[int, str] | None = None) -> Decision:
        return self.decide(DecisionInput(draft, "accept", scan_holds=dict(scan_holds or {})))

    def notify(
        self, draft: Draft, remarks: str = "", *, scan_holds: dict[int, str] | None = None
    ) -> Decision:
        return self.decide(DecisionInput(draft, "notify", remarks, scan_holds=dict(scan_holds or {})))

    def refuse(self, draft: Draft, reason: str, *, scan_holds: dict[int, str] | None = None) -> Decision:
        return self.decide(DecisionInput(draft, "refuse", reason, scan_holds=dict(scan_holds or {})))

    def decide(self, inp: DecisionInput) -> Decision:
        """One decision at the window: validated, then written in one transaction."""
        [result] = self.decide_many([inp])
        return result

    def decide_many(self, inputs: Sequence[DecisionInput], *, print_documents: bool = True) -> list[Decision]:
        """Several decisions in one transaction (all or none): the window's rules for each.

        Every input is validated before anything is written; the first invalid one raises
        ValidationFailed and nothing is saved.
        """
        prepared = [self.prepare(i) for i in inputs]
        with self.ws.store.write() as s:
            out = self.write_decisions(s, prepared, print_documents=print_documents)
        # committed: what follows each decision (app.services.reactions), never undoing it
        for inp, done in zip(inputs, out, strict=True):
            change = reactions.CaseChanged(done.number, lifecycle.EVENT_FOR[inp.decision], inp.scan_holds)
            reactions.after_commit(self.ws, self.window, change)
        return out

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

    def prepare(self, inp: DecisionInput) -> PreparedDecision:
        """Check a decision as the window does; nothing is written here."""
        draft, decision = inp.draft, inp.decision
        found = assess(draft.marks)
        if decision == "accept":
            if not found.can_accept:
                raise ValidationFailed(
                    {"checklist": t("decide.cannot_accept", count=len(found.missing_required))}
                )
            reason = ""
        elif decision == "notify":
            if not found.to_notify:
                raise ValidationFailed({"checklist": t("decide.nothing_missing")})
            reason = self._clean_reason(inp.text, required=False)
        elif decision == "refuse":
            reason = self._clean_reason(inp.text, required=True)
        else:
            raise lifecycle.TransitionError(f"unknown decision {decision!r}")
        if not draft.subject_code:
            raise ValidationFailed({"subject": t("decide.need_subject")})
        at = inp.at if inp.at is not None else self.ws.now()
        applicant = validate_applicant(draft.applicant, at.date())
        promised, legal = self.time_limits(draft.subject_kind, draft.subject_code)
        return PreparedDecision(
            draft=draft,
            decision=decision,
            reason=reason,
            applicant=applicant,
            tolerated=bool(found.tolerated),
            promised=promised,
            legal=legal,
            at=at,
        )

    def write_decisions(
        self, s, decisions: Sequence[PreparedDecision], *, print_documents: bool = True
    ) -> list[Decision]:
        """Write prepared decisions in the caller's transaction: the one writer of decisions.

        For each: the applicant (new or updated), the case number from this workstation's
        counter for the decision's day, the case row, its events (``case.created`` for a new
        case, then the decision's event) and, when ``print_documents``, its document's job.
        The window writes one at a time, `demo seed` thousands: same rows, same payloads.
        """
        ws = self.ws
        if not decisions:
            return []
        # Read once: the config is looked up per key, and a bulk write has thousands of rows.
        who = {"actor": ws.clerk, "office_code": ws.office_code, "workstation_id": ws.workstation_id}
        window = ws.window
        compact = [[m.to_compact() for m in d.draft.marks] for d in decisions]
        applicant_ids = self._upsert_applicants(s, decisions)
        numbers = iter(self._next_numbers(s, [d.at.date() for d in decisions if not d.draft.case_number]))
        snapshots: dict[tuple[str, str, str], int] = {}
        resumed: dict[int, Case] = {}
        new_rows: list[dict] = []
        rows: list[dict] = []  # the case's columns after the decision, in input order
        for i, d in enumerate(decisions):
            draft, a = d.draft, d.applicant
            utc = d.utc
            today = d.at.date()
            if draft.case_number:
                case = s.exec(select(Case).where(Case.number == draft.case_number)).scalars().one()
                state = lifecycle.next_state(case.state, d.decision)
                resumed[i] = case
                row = {
                    "id": case.id,
                    "uid": case.uid,
                    "number": case.number,
                    "catalogue_version": case.catalogue_version,
                    "subject_kind": case.subject_kind,
                    "subject_code": case.subject_code,
                    "subject_name": case.subject_name,
                    "promised_days": case.promised_days,
                    "legal_days": case.legal_days,
                    "revision": case.revision + 1,
                    "accepted_on": case.accepted_on,
                    "due_date": case.due_date,
                    "due_provisional": case.due_provisional,
                    "tolerated_until": case.tolerated_until,
                }
            else:
                state = lifecycle.next_state(None, d.decision)
                row = {
                    "uid": str(uuid.uuid4()),
                    "number": next(numbers),
                    "office_code": who["office_code"],
                    "workstation_id": who["workstation_id"],
                    "subject_kind": draft.subject_kind,
                    "subject_code": draft.subject_code,
                    "subject_name": self.subject_name(draft.subject_kind, draft.subject_code),
                    "catalogue_version": ws.catalogue.version,
                    "created_at": utc,
                    "created_on": today,
                    "promised_days": d.promised,
                    "legal_days": d.legal,
                    "clerk": who["actor"],
                    "window": window,
                    "revision": 1,
                    "accepted_on": None,
                    "due_date": None,
                    "due_provisional": False,
                    "tolerated_until": None,
                    "pauses_json": "[]",
                }
                new_rows.append(row)
            key = (row["catalogue_version"], row["subject_kind"], row["subject_code"])
            if key not in snapshots:
                snapshots[key] = snapshot_id(s, *key, [m.item for m in draft.marks])
            row.update(
                applicant_id=applicant_ids[(a.kind, a.id_number)],
                applicant_kind=a.kind,
                applicant_name=a.name,
                applicant_id_number=a.id_number,
                applicant_phone=a.phone,
                applicant_address=a.address,
                state=state,
                updated_at=utc,
                checklist_id=snapshots[key],
                marks_json=json.dumps(compact[i], ensure_ascii=False),
                reason=d.reason,
            )
            if d.decision == "accept":
                due = add_working_days(today, d.promised, ws.calendar)
                row.update(accepted_on=today, due_date=due.date, due_provisional=due.provisional)
                if d.tolerated:
                    # Tolerated materials are due before the result, never after it.
                    tol = add_working_days(today, TOLERANCE_WORKING_DAYS, ws.calendar).date
                    row["tolerated_until"] = min(tol, due.date) if due.date > today else tol
            rows.append(row)
        if new_rows:
            # Plain executemany, then the ids by number: RETURNING over thousands of rows is
            # far slower in SQLAlchemy than one indexed look-up.
            s.execute(Case.__table__.insert(), new_rows)
            ids = _ids_by(s, Case.number, Case.id, [row["number"] for row in new_rows])
            for row in new_rows:
                row["id"] = ids[row["number"]]
        for i, case in resumed.items():
            for k, v in rows[i].items():
                setattr(case, k, v)
            s.add(case)
        if resumed:
            s.flush()
        events: list[dict] = []
        for d, row, marks in zip(decisions, rows, compact, strict=True):
            if row["revision"] == 1:
                events.append(
                    _event_row(
                        who,
                        row,
                        lifecycle.EVENT_CREATED,
                        {
                            "uid": row["uid"],
                            "subject_kind": row["subject_kind"],
                            "subject_code": row["subject_code"],
                            "subject_name": row["subject_name"],
                            "catalogue_version": row["catalogue_version"],
                            "promised_days": row["promised_days"],
                            "legal_days": row["legal_days"],
                        },
                        d.utc,
                    )
                )
            a = d.applicant
            payload: dict = {
                "state": row["state"],
                "applicant": {
                    "kind": a.kind,
                    "id_number": a.id_number,
                    "name": a.name,
                    "phone": a.phone,
                    "address": a.address,
                },
                "marks": marks,
                "reason": row["reason"],
                "revision": row["revision"],
            }
            if d.decision == "accept":
                payload.update(
                    accepted_on=str(row["accepted_on"]),
                    due_date=str(row["due_date"]),
                    due_provisional=row["due_provisional"],
                    tolerated_until=str(row["tolerated_until"]) if row["tolerated_until"] else None,
                )
            events.append(_event_row(who, row, lifecycle.EVENT_FOR[d.decision], payload, d.utc))
        audit.insert_rows(s, events)  # chained (app.store.audit), in this transaction
        if not print_documents:
            return [Decision(case=None, job_id=None, number=row["number"]) for row in rows]
        cases = self._load_cases(s, [row["id"] for row in rows])
        out = []
        for d, row in zip(decisions, rows, strict=True):
            case = cases[row["id"]]
            doc = {"accept": "receipt", "notify": "notice", "refuse": "refusal"}[d.decision]
            job_id = queue_case_document(ws, s, case, doc, marks=d.draft.marks).job_id
            out.append(Decision(case=case, job_id=job_id, number=case.number))
        return out

    @staticmethod
    def _load_cases(s, ids: list[int]) -> dict[int, Case]:
        out: dict[int, Case] = {}
        for i in range(0, len(ids), 500):
            q = select(Case).where(Case.id.in_(ids[i : i + 500])).execution_options(populate_existing=True)
            out.update((c.id, c) for c in s.exec(q).scalars())
        return out

    def _upsert_applicants(self, s, decisions: Sequence[PreparedDecision]) -> dict[tuple[str, str], int]:
        """Each applicant's row id: a returning applicant's details are replaced by the latest."""
        latest: dict[tuple[str, str], tuple[CleanApplicant, datetime, datetime]] = {}
        for d in decisions:
            key = (d.applicant.kind, d.applicant.id_number)
            first = latest[key][1] if key in latest else d.utc
            latest[key] = (d.applicant, first, d.utc)
        known: dict[tuple[str, str], int] = {}
        keys = list(latest)
        for i in range(0, len(keys), 400):
            part = keys[i : i + 400]
            q = select(Applicant.kind, Applicant.id_number, Applicant.id).where(
                Applicant.id_number.in_([k[1] for k in part])
            )
            for kind, idn, aid in s.execute(q):
                if (kind, idn) in latest:
                    known[(kind, idn)] = aid
        fresh = [k for k in keys if k not in known]
        if known:
            s.execute(
                update(Applicant),
                [
                    {
                        "id": known[k],
                        "name": a.name,
                        "phone": a.phone,
                        "address": a.address,
                        "updated_at": last,
                    }
                    for k in keys
                    if k in known
                    for a, _first, last in [latest[k]]
                ],
            )
        if fresh:
            rows = [
                {
                    "kind": a.kind,
                    "id_number": a.id_number,
                    "name": a.name,
                    "phone": a.phone,
                    "address": a.address,
                    "created_at": first,
                    "updated_at": last,
                }
                for k in fresh
                for a, first, last in [latest[k]]
            ]
            s.execute(Applicant.__table__.insert(), rows)
            ids = _ids_by(s, Applicant.id_number, Applicant.id, [k[1] for k in fresh], Applicant.kind)
            known.update((k, ids[(k[1], k[0])]) for k in fresh)
        return known

    def _next_numbers(self, s, days: Sequence[date]) -> list[str]:
        """The next case numbers of this workstation for these days, in order; the counters are
        written in the caller's transaction, so a number is never handed out twice."""
        ws = self.ws
        office, wsid = ws.office_code, ws.workstation_id
        wanted = sorted(set(days))
        last: dict[date, int] = {}
        for i in range(0, len(wanted), 400):
            q = select(NumberCounter.day, NumberCounter.last_seq).where(
                NumberCounter.office_code == office,
                NumberCounter.workstation_id == wsid,
                NumberCounter.day.in_(wanted[i : i + 400]),
            )
            last.update((day, seq) for day, seq in s.execute(q))
        stored = set(last)
        out = []
        for day in days:
            last[day] = last.get(day, 0) + 1
            out.append(str(make_case_number(office, wsid, day, last[day])))
        changed = [
            {"office_code": office, "workstation_id": wsid, "day": d, "last_seq": last[d]} for d in wanted
        ]
        if stored:
            s.execute(update(NumberCounter), [c for c in changed if c["day"] in stored])
        if len(stored) < len(changed):
            s.execute(NumberCounter.__table__.insert(), [c for c in changed if c["day"] not in stored])
        return out


def _event_row(who: dict, case: dict, kind: str, payload: dict, at: datetime) -> dict:
    """A case_event row: a new id, the case, the payload, who wrote it (actor, office, ws), when."""
    return {
        "event_id": str(uuid.uuid4()),
        "case_id": case["id"],
        "case_number": case["number"],
        "kind": kind,
        "payload_json": json.dumps(payload, ensure_ascii=False, default=str),
        **who,
        "at": at,
        "synced_at": None,
    }


def _ids_by(s, key, id_col, values: list, *extra) -> dict:
    """{key value (and extra columns, as a tuple): id} for rows whose ``key`` is in ``values``."""
    out: dict = {}
    for i in range(0, len(values), 500):
        for row in s.execute(select(key, *extra, id_col).where(key.in_(values[i : i + 500]))):
            out[tuple(row[:-1]) if extra else row[0]] = row[-1]
    return out


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
