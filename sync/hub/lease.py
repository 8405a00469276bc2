"""Leases: a job that one hub process of several on one database may run at a time (the
forwarder to the province). A lease is a row (``hub_lease``) naming its holder and when it
expires by the database's clock (every process reads the same clock); the holder renews it
while it works, and another process takes it over once it has expired (its holder died or
lost the database)."""

from __future__ import annotations

import os

from sqlalchemy import select, text, update
from sqlalchemy.engine import Connection

from sync.hub.db import HubDB
from sync.hub.schema import lease_t

ENV_SECONDS = "YICHUANG_HUB_LEASE_SECONDS"  # tests shorten it; the default suits a province


def lease_seconds() -> float:
    try:
        return max(1.0, float(os.environ.get(ENV_SECONDS, "") or 15))
    except ValueError:
        return 15.0


def db_clock(db: HubDB, c: Connection) -> float:
    """The database's time in seconds since the epoch."""
    if db.sqlite:
        return float(c.execute(text("SELECT (julianday('now') - 2440587.5) * 86400.0")).scalar_one())
    return float(c.execute(text("SELECT extract(epoch from clock_timestamp())")).scalar_one())


def take(db: HubDB, name: str, holder: str, seconds: float | None = None) -> bool:
    """Take or renew the lease ``name`` for ``holder``; False while another holds it."""
    seconds = lease_seconds() if seconds is None else seconds
    with db.tx() as c:
        now = db_clock(db, c)
        db.insert_ignore(c, lease_t, {"name": name, "holder": "", "expires_at": 0.0})
        row = c.execute(select(lease_t).where(lease_t.c.name == name).with_for_update()).one()
        if row.holder != holder and row.expires_at > now:
            return False
        c.execute(
            update(lease_t).where(lease_t.c.name == name).values(holder=holder, expires_at=now + seconds)
        )
        return True


def release(db: HubDB, name: str, holder: str) -> None:
    """Give the lease up now (a clean stop): another process need not wait for it to expire."""
    with db.tx() as c:
        c.execute(
            update(lease_t)
            .where(lease_t.c.name == name, lease_t.c.holder == holder)
            .values(holder="", expires_at=0.0)
        )


def holder(db: HubDB, name: str) -> tuple[str, float] | None:
    with db.ro() as c:
        row = c.execute(select(lease_t.c.holder, lease_t.c.expires_at).where(lease_t.c.name == name)).first()
    return None if row is None else (row.holder, row.expires_at)
