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


def case_histories(c: Connection, offices: dict[str, str]) -> dict[str, list[cs.Event]]:
    """case_events of several cases ({number: its office}), 500 a query per office."""
    out: dict[str, list[cs.Event]] = {n: [] for n in offices}
    by_office: dict[str, list[str]] = {}
    for number, office in offices.items():
        by_office.setdefault(office, []).append(number)
    for office, numbers in by_office.items():
        for i in range(0, len(numbers), 500):
            rows = c.execute(
                select(
                    event_t.c.case_number,
                    event_t.c.event_id,
                    event_t.c.kind,
                    event_t.c.lc,
                    event_t.c.author,
                    event_t.c.payload,
                ).where(event_t.c.owner_office == office, event_t.c.case_number.in_(numbers[i : i + 500]))
            )
            for r in rows:
                out[r.case_number].append(cs.Event(r.event_id, r.kind, r.lc, r.author, json.loads(r.payload)))
    return out
