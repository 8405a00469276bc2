"""Tables of the local store (SQLModel over SQLite).

`Case` keeps a snapshot of everything its documents need (applicant, subject, checklist,
catalogue version), so a case reads the same after the catalogue changes. `CaseEvent` is
append-only: the audit trail now and what sync sends later.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Applicant(SQLModel, table=True):
    __tablename__ = "applicant"
    __table_args__ = (UniqueConstraint("kind", "id_number", name="uq_applicant_kind_idnum"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # "person" | "enterprise"
    id_number: str = Field(index=True)
    name: str = Field(index=True)
    phone: str = ""
    address: str = ""
    created_at: datetime
    updated_at: datetime


class ChecklistSnapshot(SQLModel, table=True):
    """The merged checklist of a matter or bundle under one catalogue version.

    Deterministic for (version, kind, code), so cases share one row and keep only their marks.
    """

    __tablename__ = "checklist_snapshot"
    __table_args__ = (
        UniqueConstraint("catalogue_version", "subject_kind", "subject_code", name="uq_checklist_subject"),
    )

    id: int | None = Field(default=None, primary_key=True)
    catalogue_version: str
    subject_kind: str
    subject_code: str
    items_json: str


class Case(SQLModel, table=True):
    __tablename__ = "case_record"
    __table_args__ = (
        Index("ix_case_created_on_number", "created_on", "number"),
        Index("ix_case_state_updated", "state", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)  # stable id across platforms
    number: str = Field(unique=True)
    office_code: str
    workstation_id: str
    subject_kind: str  # "matter" | "bundle"
    subject_code: str
    subject_name: str
    catalogue_version: str
    applicant_id: int | None = Field(default=None, foreign_key="applicant.id")
    applicant_kind: str
    applicant_name: str = Field(index=True)
    applicant_id_number: str = Field(index=True)
    applicant_phone: str = ""
    applicant_address: str = ""
    state: str
    created_at: datetime
    created_on: date
    updated_at: datetime
    accepted_on: date | None = None
    due_date: date | None = None
    due_provisional: bool = False
    promised_days: int = 0
    legal_days: int = 0
    tolerated_until: date | None = None
    checklist_id: int | None = Field(default=None, foreign_key="checklist_snapshot.id")
    marks_json: str = "[]"  # what the clerk marked per item, compact (app.domain.intake)
    pauses_json: str = "[]"  # [[start, end], ...] days waiting for 补正 (do not count)
    reason: str = ""  # refusal reason / notice remarks
    clerk: str = ""
    window: str = ""
    revision: int = 1  # bumped on every change


class CaseEvent(SQLModel, table=True):
    __tablename__ = "case_event"
    # each case's history in local order without the table's rows (audit verify's record
    # check, migration 0013)
    # and the acceptances by time, for the 受理 count's repeats (the supervisor's view, 0014_first)
    __table_args__ = (
        Index("ix_case_event_history", "case_id", "id", "kind", "event_id"),
        Index("ix_case_event_accepted_at", "at", "case_id", sqlite_where=text("kind = 'case.accepted'")),
    )

    id: int | None = Field(default=None, primary_key=True)  # local append order
    event_id: str = Field(unique=True)
    case_id: int = Field(foreign_key="case_record.id", index=True)
    case_number: str
    kind: str
    payload_json: str = "{}"
    actor: str
    office_code: str
    workstation_id: str
    at: datetime  # wall clock, UTC: for people, never for ordering
    synced_at: datetime | None = None
    # --- audit chain (issue 8 §2, migration 0006): set only by app.store.audit, NOT NULL in the
    # table, so an event written past it is refused rather than left out of the chain
    chain_n: int | None = Field(default=None, unique=True, index=True)  # 1, 2, 3 … in append order
    chain_prev: str | None = None  # the hash of event n-1 ("" for the first)
    chain_hash: str | None = None  # "sm3:<hex>" or "sha256:<hex>" (app.domain.audit_chain)


class NumberCounter(SQLModel, table=True):
    """Last case sequence issued per workstation and day (written with the case)."""

    __tablename__ = "number_counter"

    office_code: str = Field(primary_key=True)
    workstation_id: str = Field(primary_key=True)
    day: date = Field(primary_key=True)
    last_seq: int = 0


class PrintJob(SQLModel, table=True):
    """A document waiting for, or sent to, a printer. Stored before it is sent."""

    __tablename__ = "print_job"
    __table_args__ = (Index("ix_print_job_state", "state", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(unique=True)
    case_id: int | None = Field(default=None, foreign_key="case_record.id", index=True)
    doc_kind: str
    printer_url: str
    profile: str
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    text: str = ""
    state: str = "queued"  # queued | sending | printed | sent | unconfirmed | cancelled | failed (see app.services.printing)
    attempts: int = 0
    last_error: str = ""
    reprint: bool = False
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime | None = None


class Scan(SQLModel, table=True):
    """A file the scanner inbox took or refused (app.services.scans; migration 0003).

    Taken: its content is in the attachment store (``sha256``) and the file moved to the
    archive; ``unassigned`` until the clerk gives it to a material of a case, then
    ``assigned`` (the case's ``attachment.added`` event is written in the same transaction).
    Refused: the file is left where it was and ``reason`` (a message key) says why.
    """

    __tablename__ = "scan"
    __table_args__ = (Index("ix_scan_state", "state", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    size: int
    sha256: str = Field(default="", index=True)
    kind: str = ""  # pdf | jpeg | png | tiff ("" when refused before its type was known)
    pages: int | None = None
    state: str  # unassigned | assigned | refused
    reason: str = ""  # refused: why (empty, too_big, type, truncated_pdf …; message scan.refused_<reason>)
    reason_fields: str = "{}"  # its fields, JSON
    source_path: str  # where it was found (a refused file stays there)
    source_mtime_ns: int = 0
    archive_path: str = ""
    case_number: str = ""
    material_key: str = ""
    material_name: str = ""
    found_at: datetime
    assigned_at: datetime | None = None


class CourierTrip(SQLModel, table=True):
    """One courier run (the courier screen from open to its handover slip, or one CLI run)."""

    __tablename__ = "courier_trip"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    operator: str
    office_code: str
    workstation_id: str
    source: str = "screen"  # "screen" | "cli"
    started_at: datetime
    closed_at: datetime | None = None


class CourierWaybill(SQLModel, table=True):
    """A waybill's link to its case and its last courier step (one row per waybill)."""

    __tablename__ = "courier_waybill"

    waybill: str = Field(primary_key=True)
    case_id: int = Field(foreign_key="case_record.id", index=True)
    case_number: str
    carrier: str = "S10"
    last_step: str  # "assigned" | pickup | transit | delivered | failed
    updated_at: datetime


class CourierScan(SQLModel, table=True):
    """A recorded scan: written with its case event in one transaction; once per trip and step."""

    __tablename__ = "courier_scan"
    __table_args__ = (UniqueConstraint("trip_id", "waybill", "step", name="uq_courier_scan_trip"),)

    id: int | None = Field(default=None, primary_key=True)
    trip_id: int = Field(foreign_key="courier_trip.id", index=True)
    waybill: str = Field(index=True)
    case_number: str
    step: str
    at: datetime
    operator: str
    event_id: str
    recipient: str = ""
    recipient_is_applicant: bool | None = None
    reason: str = ""
