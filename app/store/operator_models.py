"""Operator accounts of the window (issue 8 §1; migration 0005).

* ``operator``        — one account: login name (also the actor written on every event and the
  clerk named on receipts), role, key string (app.domain.accounts; migration 0010) or, for an
  account made before keys, its argon2id hash, disabled flag, and this window's lockout
  counters (never synced: a lock is local to the keyboard it happened at). ``hub_rev`` is the
  hub's revision of the account last pulled (None: not yet known to the hub).
* ``operator_change`` — the outbox of account changes made at this window (add, passwd,
  disable), each signed by the operator who made it (``signed``: the change as sent), pushed to
  the hub once each by id; ``pending`` until the hub answered, then ``sent`` or ``refused``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class Operator(SQLModel, table=True):
    __tablename__ = "operator"

    name: str = Field(primary_key=True)
    role: str
    password_hash: str = ""  # argon2id PHC string of an account made before keys, else ""
    public_key: str = ""  # the key string (app.domain.accounts); "" = none yet
    disabled: bool = False
    office: str = ""  # "" = any office (an account made at the hub for the whole county)
    failures: int = 0
    locked_until: datetime | None = None
    created_at: datetime
    updated_at: datetime
    hub_rev: int | None = None


class OperatorChange(SQLModel, table=True):
    __tablename__ = "operator_change"

    id: str = Field(primary_key=True)  # uuid: the hub applies each change once
    name: str = Field(index=True)
    op: str  # add | passwd | disable
    role: str = ""
    password_hash: str = ""
    office: str = ""
    actor: str = ""  # who made the change (the logged-in admin, or "cli")
    at: datetime
    status: str = "pending"  # pending | sent | refused
    reason: str = ""
    signed: str = ""  # the change as signed and sent (JSON, signature included); "" = unsigned
