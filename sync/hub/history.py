"""A case's events as the domain folds them (app.domain.case_state), read in a transaction."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain import case_state as cs
from sync.hub.schema import event_t


def case_events(c: Connection, number: str) -> list[cs.Event]:
    rows = c.execute(
        select(event_t.c.event_id, event_t.c.kind, event_t.c.lc, event_t.c.author, event_t.c.payload).where(
            event_t.c.owner_office == number[:9],  # a case number's first 9 digits are its office
            event_t.c.case_number == number,
        )
    ).all()
    return [cs.Event(r.event_id, r.kind, r.lc, r.author, json.loads(r.payload)) for r in rows]
