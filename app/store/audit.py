"""The one way events enter ``case_event``: each is linked to the workstation's hash chain
(app.domain.audit_chain) in the transaction that inserts it.

Store.write() begins with BEGIN IMMEDIATE, so reading the chain's tip and inserting the next
event happen under SQLite's write lock: the window and a CLI process writing at once wait
for each other and never fork the chain (``chain_n`` is unique besides). The chain columns
are NOT NULL in the table: an event inserted any other way is refused by SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from app.domain import audit_chain as ac
from app.store.models import CaseEvent

ALG_KEY = "audit_hash"  # Session.info key: the algorithm new links use (config audit.hash)


def _tip(s) -> ac.Tip:
    row = s.execute(text("SELECT chain_n, chain_hash FROM case_event ORDER BY chain_n DESC LIMIT 1")).first()
    return ac.Tip(int(row[0]), str(row[1])) if row is not None else ac.Tip()


def stored_at(at: datetime) -> datetime:
    """The instant as stored and hashed: UTC, whole milliseconds (what the wire carries, so
    the hub hashes the same value). A naive value is UTC already (as the store keeps it)."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def _normalise(payload_json: str, at: datetime) -> tuple[str, datetime]:
    return ac.payload_text(json.loads(payload_json or "{}")), stored_at(at)


def _linker(s):
    alg = s.info.get(ALG_KEY) or ac.DEFAULT_ALGORITHM
    tip = _tip(s)

    def link(get) -> tuple[int, str, str]:  # noqa: ANN001
        def make(n: int) -> bytes:
            return ac.canonical(
                n,
                get("event_id"),
                get("case_number"),
                get("kind"),
                get("actor"),
                get("office_code"),
                get("workstation_id"),
                ac.iso_at(get("at")),
                get("payload_json"),
            )

        return tip.append(alg, make)

    return link


def insert_rows(s, rows: list[dict[str, Any]]) -> None:
    """Insert case_event rows (dicts of its columns), chained in list order."""
    if not rows:
        return
    link = _linker(s)
    for r in rows:
        r["payload_json"], r["at"] = _normalise(r.get("payload_json", "{}"), r["at"])
        r["chain_n"], r["chain_prev"], r["chain_hash"] = link(r.__getitem__)
    s.execute(CaseEvent.__table__.insert(), rows)


def add(s, *events: CaseEvent) -> None:
    """Add CaseEvent objects to the session, chained in order, and flush them."""
    s.flush()  # events added earlier in this transaction are part of the tip
    link = _linker(s)
    for ev in events:
        ev.payload_json, ev.at = _normalise(ev.payload_json, ev.at)
        ev.chain_n, ev.chain_prev, ev.chain_hash = link(lambda k, ev=ev: getattr(ev, k))
        s.add(ev)
    s.flush()


# --- reading the chain back ----------------------------------------------------------------------------
# Rows laid out as app.domain.audit_chain.Link, ready to check: ``at`` as iso_at() gives it for
# the forms SQLAlchemy stores ("YYYY-MM-DD HH:MM:SS.ffffff", or without the fraction), NULL
# for any other form (fixed in Python, rare); SQLite does this faster than Python would.
_VERIFY_SQL = """
SELECT e.id, coalesce(e.chain_n, 0), coalesce(e.chain_prev, ''), coalesce(e.chain_hash, ''),
       e.event_id, e.case_number, e.kind, e.actor, e.office_code, e.workstation_id,
       CASE WHEN typeof(e.at) = 'text' AND substr(e.at, 11, 1) = ' ' AND length(e.at) = 26
                 THEN substr(e.at, 1, 10) || 'T' || substr(e.at, 12, 12) || '+00:00'
            WHEN typeof(e.at) = 'text' AND substr(e.at, 11, 1) = ' ' AND length(e.at) = 19
                 THEN substr(e.at, 1, 10) || 'T' || substr(e.at, 12, 8) || '.000+00:00'
       END,
       e.payload_json, c.number IS e.case_number
FROM case_event e LEFT JOIN case_record c ON c.id = e.case_id
"""


def _iso_stored(at: Any) -> str:
    """ac.iso_at() of the text SQLAlchemy stored ("YYYY-MM-DD HH:MM:SS.ffffff", UTC)."""
    if isinstance(at, str) and len(at) == 26 and at[10] == " ":
        return at[:10] + "T" + at[11:23] + "+00:00"  # the common case, without parsing
    if isinstance(at, str):
        try:
            return ac.iso_at(datetime.fromisoformat(at))
        except ValueError:
            return at  # hashed as found: a mangled value cannot match
    return "" if at is None else str(at)


def chain_parts(store, parts: int, at_least: int = 0) -> list[tuple[int, int, int, str]]:
    """The events cut into ``parts`` runs of local ids for checking apart: (first id, last id,
    position of the first, stored hash of the event before it); [] for fewer than ``at_least``."""
    raw = store.read_engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN")
        total, top = cur.execute("SELECT count(*), max(id) FROM case_event").fetchone()
        if not total or total < at_least:
            return []
        size = -(-total // parts)
        out = []
        for k in range(0, total, size):
            first = cur.execute("SELECT id FROM case_event ORDER BY id LIMIT 1 OFFSET ?", (k,)).fetchone()[0]
            before = cur.execute(
                "SELECT chain_hash FROM case_event WHERE id < ? ORDER BY id DESC LIMIT 1", (first,)
            ).fetchone()
            out.append([first, top, k + 1, (before[0] or "") if before else ac.GENESIS])
        for a, b in zip(out, out[1:], strict=False):
            a[1] = b[0] - 1
        cur.execute("COMMIT")
        return [tuple(p) for p in out]  # type: ignore[misc]
    finally:
        raw.close()


def stored_links(
    store, batch: int = 20_000, first: int | None = None, last: int | None = None
) -> Iterator[tuple]:
    """Stored events in local append order (all, or local ids first..last), as verification
    reads them (one read transaction)."""
    raw = store.read_engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN")
        if first is None:
            cur.execute(_VERIFY_SQL + "ORDER BY e.id")
        else:
            cur.execute(_VERIFY_SQL + "WHERE e.id BETWEEN ? AND ? ORDER BY e.id", (first, last))
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                break
            if any(r[10] is None for r in rows):
                rows = [_fix_at(raw, r) if r[10] is None else r for r in rows]
            yield from rows
        cur.execute("COMMIT")
    finally:
        raw.close()


def _fix_at(raw, r: tuple) -> tuple:
    at = raw.execute("SELECT at FROM case_event WHERE id = ?", (r[0],)).fetchone()[0]
    return (*r[:10], _iso_stored(at), *r[11:])


def backfill(alg: str, rows: Iterable[tuple], tip: ac.Tip) -> Iterator[dict]:
    """Chain values for existing events (migration 0006), in local order, after ``tip`` (moved
    on): rows are (id, event_id, case_number, kind, actor, office_code, workstation_id, at,
    payload_json)."""
    for r in rows:
        p_text = ac.payload_text(json.loads(r[8] or "{}"))
        at = _iso_stored(r[7])
        n, prev, h = tip.append(
            alg, lambda n, r=r, at=at, p_text=p_text: ac.canonical(n, *r[1:7], at, p_text)
        )
        yield {"id": r[0], "n": n, "prev": prev, "h": h, "p": p_text}
