"""Tables of the supervisor's view (migration 0009): counters kept by triggers.

The trigger ``stats_count_event`` on ``case_event`` adds each intake event to the intake
counters, and the ``stats_open_*`` triggers on ``case_record`` keep the open cases per promised
date (migrations/versions/0009_stats.py), each in the writing transaction, so they always agree
with the events and cases; app.services.stats reads them. Nothing in Python writes them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from app.store.models import Case


class StatsIntake(SQLModel, table=True):
    """Per local day, subject, window and clerk: cases opened and the window's decisions."""

    __tablename__ = "stats_intake"
    __table_args__ = {"sqlite_with_rowid": False}

    day: date = Field(primary_key=True)
    subject_kind: str = Field(primary_key=True)
    subject_code: str = Field(primary_key=True)
    window: str = Field(primary_key=True)
    actor: str = Field(primary_key=True)  # the clerk who decided (the event's actor)
    cases: int = 0  # case.created
    accepted: int = 0  # 受理
    notified: int = 0  # 一次性告知
    refused: int = 0  # 不予受理
    tolerated: int = 0  # acceptances with 容缺 materials
    first_visit: int = 0  # acceptances at the applicant's first visit (一次办结)


class StatsRefusal(SQLModel, table=True):
    """Refusals (不予受理) per local day and reason, as typed."""

    __tablename__ = "stats_refusal"
    __table_args__ = {"sqlite_with_rowid": False}

    day: date = Field(primary_key=True)
    reason: str = Field(primary_key=True)
    n: int = 0


class StatsOpenDue(SQLModel, table=True):
    """Cases whose promised clock runs (受理, 审批中), per promised date (triggers on case_record)."""

    __tablename__ = "stats_open_due"
    __table_args__ = {"sqlite_with_rowid": False}

    due_date: date = Field(primary_key=True)
    n: int = 0


OPEN_STATES = ("accepted", "in_review")  # the promised clock runs (补正 pauses it)


def _open_due_index() -> Index:
    table = Case.__table__
    for ix in table.indexes:
        if ix.name == "ix_case_open_due":
            return ix
    return Index(
        "ix_case_open_due", table.c.due_date, sqlite_where=text("state IN ('accepted', 'in_review')")
    )


OPEN_DUE_INDEX = _open_due_index()
