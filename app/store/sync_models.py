"""Workstation tables of sync (same SQLModel metadata as app.store.models; migration 0002).

* ``sync_state``   — key/value: the pull cursor (written in the same transaction as the events
  it covers), last success, last error, clock offset to the hub.
* ``sync_event``   — what sync knows about one case event: its Lamport clock ``lc``, who wrote
  it (``origin``), the hub's sequence, and its outbox status when it is not simply pending:
  ``acked`` (the hub has it), ``pulled`` (it came from the hub), ``refused`` (the hub said no:
  ``code``/``reason``; it blocks the later events of its case), ``set_aside`` (the clerk chose
  not to send it; it no longer blocks). A local event without a row is pending.
* ``sync_conflict`` — conflicts found by app.domain.case_state on the window's cases, shown.
* ``sync_attachment`` — scans: content address, local path, how far the upload got.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class SyncState(SQLModel, table=True):
    __tablename__ = "sync_state"

    key: str = Field(primary_key=True)
    value: str = ""


class SyncEvent(SQLModel, table=True):
    __tablename__ = "sync_event"
    __table_args__ = (Index("ix_sync_event_status", "status", "case_number"),)

    event_id: str = Field(primary_key=True)
    case_number: str
    lc: int | None = None
    origin: str = ""
    hub_seq: int | None = None
    status: str  # acked | pulled | refused | set_aside
    code: str = ""
    reason: str = ""
    updated_at: datetime


class SyncConflict(SQLModel, table=True):
    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_case", "case_number"),)

    id: int | None = Field(default=None, primary_key=True)
    case_number: str
    event_id: str
    rule: str  # superseded | concurrent | applicant_details
    kind: str
    origin: str
    state_then: str = ""
    prevailing: str = ""
    detail: str = ""
    found_at: datetime
    seen: bool = False


class SyncAttachment(SQLModel, table=True):
    __tablename__ = "sync_attachment"

    sha256: str = Field(primary_key=True)
    case_number: str = Field(index=True)
    name: str = ""
    size: int
    path: str
    uploaded: int = 0  # bytes the hub acknowledged
    state: str = "pending"  # pending | done
    created_at: datetime


def _unsynced_index() -> Index:
    """Partial index on case_event (owned by app.store.models): the outbox scan stays cheap."""
    from app.store.models import CaseEvent

    table = CaseEvent.__table__
    for ix in table.indexes:
        if ix.name == "ix_case_event_unsynced":
            return ix
    return Index("ix_case_event_unsynced", table.c.id, sqlite_where=table.c.synced_at.is_(None))


UNSYNCED_INDEX = _unsynced_index()
