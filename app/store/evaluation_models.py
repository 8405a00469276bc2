"""Workstation tables of 好差评 (issue 8 §4; migration 0008), beside app.store.models.

* ``evaluation_rating``   — one row per case and stage (受理 / 出件): the level, reasons and
  text, or that the applicant declined. Written with its ``evaluation.*`` event in one
  transaction; the unique (case, stage) keeps two raters (window and counter) from both
  recording.
* ``evaluation_followup`` — the 差评整改 a bad rating opens: due date in working days, closed
  by a supervisor with a note (``followup.opened`` / ``followup.closed`` events).
* ``evaluation_request``  — the window asking the counter terminal (`yichuang evaluate`, a
  second process on the same data dir) for a rating: the pairing between the two.
* ``evaluation_terminal`` — the counter terminal's heartbeat: the window sends ratings there
  only while it is alive.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class EvaluationRating(SQLModel, table=True):
    __tablename__ = "evaluation_rating"
    __table_args__ = (
        UniqueConstraint("case_number", "stage", name="uq_evaluation_case_stage"),
        Index("ix_evaluation_rating_on", "rated_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_record.id")
    case_number: str
    stage: str  # accepted | delivered (app.domain.evaluation.STAGES)
    level: str = ""  # "" when declined
    declined: str = ""  # "" rated | declined | no_answer
    reasons_json: str = "[]"
    comment: str = ""
    source: str = "window"  # window | counter
    clerk: str = ""  # whose service was rated
    window: str = ""
    rated_at: datetime
    rated_on: date  # the local day (for counts per day and the follow-up's due date)
    event_id: str


class EvaluationFollowup(SQLModel, table=True):
    __tablename__ = "evaluation_followup"
    __table_args__ = (Index("ix_evaluation_followup_state", "state", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)  # what `followup close ID` names
    uid: str = Field(unique=True)  # across platforms (the events carry it)
    rating_id: int = Field(foreign_key="evaluation_rating.id")
    case_id: int = Field(foreign_key="case_record.id")
    case_number: str
    level: str
    clerk: str = ""
    opened_on: date
    due_on: date
    due_provisional: bool = False
    state: str = "open"  # open | closed
    closed_at: datetime | None = None
    closed_by: str = ""
    note: str = ""
    open_event_id: str
    close_event_id: str = ""


class EvaluationRequest(SQLModel, table=True):
    __tablename__ = "evaluation_request"
    __table_args__ = (Index("ix_evaluation_request_state", "state", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_number: str
    stage: str
    clerk: str = ""
    window: str = ""
    requested_at: datetime
    shown_at: datetime | None = None
    state: str = "waiting"  # waiting | showing | rated | declined | no_answer | expired | cancelled
    answered_at: datetime | None = None
    level: str = ""


class EvaluationTerminal(SQLModel, table=True):
    __tablename__ = "evaluation_terminal"

    name: str = Field(primary_key=True)  # "counter"
    pid: int = 0
    seen_at: datetime
