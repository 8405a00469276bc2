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
from app.store.cipher import DatabaseError
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
def _iso_sql(col: str) -> str:
    return f"""CASE WHEN typeof({col}) = 'text' AND substr({col}, 11, 1) = ' ' AND length({col}) = 26
                 THEN substr({col}, 1, 10) || 'T' || substr({col}, 12, 12) || '+00:00'
            WHEN typeof({col}) = 'text' AND substr({col}, 11, 1) = ' ' AND length({col}) = 19
                 THEN substr({col}, 1, 10) || 'T' || substr({col}, 12, 8) || '.000+00:00'
       END"""


_VERIFY_SQL = f"""
SELECT e.id, coalesce(e.chain_n, 0), coalesce(e.chain_prev, ''), coalesce(e.chain_hash, ''),
       e.event_id, e.case_number, e.kind, e.actor, e.office_code, e.workstation_id,
       {_iso_sql("e.at")},
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


# --- reading each case's record with its events (audit verify's record check) --------------------------
# The record's columns the check compares (app.domain.case_record.FIELDS), then the events of
# each case in local order with their sync rows, payloads as stored (canonical JSON text) and
# only of the kinds the derivation reads (a note's or a courier step's text is not fetched).
# SQLite gives the times as the chain carries them and the materials as minified JSON: the
# check looks for the record's values in the payloads as text (app.domain.case_record.quick).
_RECORD_COLUMNS = (
    "state",
    "reason",
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_address",
    "uid",
    "subject_kind",
    "subject_code",
    "subject_name",
    "catalogue_version",
    "promised_days",
    "legal_days",
    "office_code",
    "workstation_id",
    "clerk",
    "created_at",
    "created_on",
    "accepted_on",
    "due_date",
    "due_provisional",
    "tolerated_until",
    "marks",
)
_RECORD_EXPR = {
    "created_at": f"coalesce({_iso_sql('created_at')}, created_at)",
    "marks": "CASE WHEN json_valid(marks_json) THEN json(marks_json) ELSE marks_json END",
}
_RECORDS_SQL = (
    "SELECT id, number, "
    + ", ".join(_RECORD_EXPR.get(c, c) for c in _RECORD_COLUMNS)
    + " FROM case_record WHERE id BETWEEN ? AND ? ORDER BY id"
)


def _sql_list(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values))


def _record_events_sql() -> str:
    from app.domain.case_record import PAYLOAD_KINDS

    return f"""
SELECT e.case_id, e.event_id, e.kind, s.lc, coalesce(s.origin, ''), coalesce(s.status, ''),
       CASE WHEN e.kind IN ({_sql_list(PAYLOAD_KINDS)}) THEN e.payload_json END,
       e.actor, e.office_code, e.workstation_id,
       CASE WHEN e.kind = 'case.created' THEN coalesce({_iso_sql("e.at")}, '') END, e.id
FROM case_event e LEFT JOIN sync_event s ON s.event_id = e.event_id
WHERE e.case_id BETWEEN ? AND ? ORDER BY e.case_id, e.id
"""


def record_parts(store, parts: int) -> list[tuple[int, int]]:
    """The cases cut into ``parts`` runs of local ids, about as many cases each: (first, last)."""
    raw = store.read_engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN")
        total, top = cur.execute("SELECT count(*), max(id) FROM case_record").fetchone()
        firsts = []
        if total:
            size = -(-total // max(1, parts))
            firsts = [
                cur.execute("SELECT id FROM case_record ORDER BY id LIMIT 1 OFFSET ?", (k,)).fetchone()[0]
                for k in range(0, total, size)
            ]
        cur.execute("COMMIT")
        return [(a, b - 1) for a, b in zip(firsts, firsts[1:], strict=False)] + (
            [(firsts[-1], top)] if firsts else []
        )
    finally:
        raw.close()


def newest_cases(store, n: int) -> tuple[int, int, int, int]:
    """(first id, last id) of the newest ``n`` cases, with how many cases and events there are."""
    raw = store.read_engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN")
        total, top = cur.execute("SELECT count(*), coalesce(max(id), -1) FROM case_record").fetchone()
        row = cur.execute(
            "SELECT id FROM case_record ORDER BY id DESC LIMIT 1 OFFSET ?", (max(0, n - 1),)
        ).fetchone()
        events = cur.execute("SELECT coalesce(max(id), 0) FROM case_event").fetchone()[0]
        cur.execute("COMMIT")
        first = row[0] if row is not None and total > n else 0
        return first, top, total, events
    finally:
        raw.close()


# The quick check (app.domain.case_record.shape says which events hold what): the record's
# values written as the window's payload writer wrote them (canonical JSON: sorted keys,
# compact, UTF-8 as is; SQLite's json_object and json_quote write strings alike) must be the
# payloads' own text. The decision's payload is rebuilt from its first member to its materials
# (and its reason, when that decision set it) and must start so; its last members (the state it
# wrote, the 容缺 deadline) must end it. Starting at "{" and ending at its "}", these are the
# payload's own top-level members, nothing nested. Each check sets its bit when it fails; the
# cases with any bit set go to the full derivation (a key order other than the writer's in the
# materials — a note, a form — only to a comparison of the parsed materials).
QUICK_CREATED, QUICK_STATE, QUICK_DAY, QUICK_HEAD, QUICK_MARKS, QUICK_REASON, QUICK_TAIL, QUICK_DATES = (
    1 << i for i in range(8)
)
_APPLICANT = (
    "json_object('address', c.applicant_address, 'id_number', c.applicant_id_number,"
    " 'kind', c.applicant_kind, 'name', c.applicant_name, 'phone', c.applicant_phone)"
)
_HEAD = (  # the decision's payload up to its materials
    "CASE WHEN q.accepted THEN '{\"accepted_on\":' || json_quote(c.accepted_on) || ',\"applicant\":' || "
    + _APPLICANT
    + " || ',\"due_date\":' || json_quote(c.due_date) || ',\"due_provisional\":' ||"
    " CASE c.due_provisional WHEN 1 THEN 'true' WHEN 0 THEN 'false' END"
    " ELSE '{\"applicant\":' || " + _APPLICANT + " END || ',\"marks\":'"
)
_MARKS = "(" + _HEAD + ") || json(c.marks_json) || ',\"reason\":'"
_TAIL = (  # its last members
    "',\"state\":' || json_quote(q.decided) || CASE WHEN q.accepted"
    " THEN ',\"tolerated_until\":' || json_quote(c.tolerated_until) ELSE '' END || '}'"
)
_QUICK_CHECKS = (
    (
        QUICK_CREATED,
        "ce.payload_json IS json_object('catalogue_version', c.catalogue_version, 'legal_days', c.legal_days,"
        " 'promised_days', c.promised_days, 'subject_code', c.subject_code, 'subject_kind', c.subject_kind,"
        " 'subject_name', c.subject_name, 'uid', c.uid)"
        " AND ce.office_code IS c.office_code AND ce.workstation_id IS c.workstation_id AND ce.actor IS c.clerk"
        # the same millisecond, as both are stored ("YYYY-MM-DD HH:MM:SS.ffffff"; other forms: the full check)
        " AND length(ce.at) = 26 AND length(c.created_at) = 26 AND substr(ce.at, 1, 23) = substr(c.created_at, 1, 23)",
    ),
    (QUICK_STATE, "c.state IS q.state"),
    (  # the day in the case number (…-YYMMDD-SEQ-C)
        QUICK_DAY,
        "c.created_on IS '20' || substr(c.number, length(c.number) - 12, 2) || '-'"
        " || substr(c.number, length(c.number) - 10, 2) || '-' || substr(c.number, length(c.number) - 8, 2)",
    ),
    (QUICK_TAIL, f"substr(d.payload_json, -length({_TAIL})) IS {_TAIL}"),
    (
        QUICK_DATES,  # in the head and tail (an accepted case), or none at all
        "q.accepted OR (c.accepted_on IS NULL AND c.due_date IS NULL AND c.tolerated_until IS NULL"
        " AND c.due_provisional IS 0)",
    ),
)
# head, materials and reason in one look where all is well (the usual case): the cheaper
# looks only to say which of them failed
_QUICK_DECISION = f"""CASE
  WHEN q.reason = q.decision AND json_valid(c.marks_json)
       AND instr(d.payload_json, {_MARKS} || json_quote(c.reason) || ',"revision":') = 1 THEN 0
  WHEN q.reason != q.decision AND json_valid(c.marks_json) AND instr(d.payload_json, {_MARKS}) = 1
       AND coalesce(CASE WHEN json_valid(r.payload_json) AND json_type(r.payload_json, '$.reason') = 'text'
                    THEN json_extract(r.payload_json, '$.reason') END, '') IS c.reason THEN 0
  WHEN json_valid(c.marks_json) AND instr(d.payload_json, {_MARKS}) = 1 THEN {QUICK_REASON}
  WHEN instr(d.payload_json, {_HEAD}) = 1 THEN {QUICK_MARKS | QUICK_REASON}
  ELSE {QUICK_HEAD | QUICK_MARKS | QUICK_REASON} END"""
_QUICK_SQL = (
    "SELECT case_id, mask FROM (SELECT q.case_id AS case_id, ("
    + _QUICK_DECISION
    + ") | "
    + " | ".join(f"(CASE WHEN {cond} THEN 0 ELSE {bit} END)" for bit, cond in _QUICK_CHECKS)
    + """ AS mask
FROM temp.record_quick q
JOIN case_record c ON c.id = q.case_id
JOIN case_event ce ON ce.id = q.created
JOIN case_event d ON d.id = q.decision
LEFT JOIN case_event r ON r.id = q.reason AND q.reason != q.decision) WHERE mask != 0"""
)
_HISTORY_SQL = """
SELECT e.case_id, e.id, e.kind, s.lc, s.status
FROM case_event e LEFT JOIN sync_event s ON s.event_id = e.event_id
WHERE e.case_id BETWEEN ? AND ? ORDER BY e.case_id, e.id
"""
_DECISION_SQL = """
SELECT c.marks_json, c.reason, d.payload_json, r.payload_json
FROM temp.record_quick q JOIN case_record c ON c.id = q.case_id
JOIN case_event d ON d.id = q.decision JOIN case_event r ON r.id = q.reason
WHERE q.case_id = ?
"""


def quick_records(store, first: int, last: int) -> tuple[int, list[int]]:
    """(how many cases there are among local ids first..last, the ids of those the quick check
    could not confirm): their records need the full derivation. One read transaction."""
    from app.domain.case_record import shape

    raw = store.read_engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.execute(  # a scratch table on this connection, in memory: ids and states, nothing personal
            "CREATE TEMP TABLE IF NOT EXISTS record_quick (case_id INTEGER PRIMARY KEY, state TEXT,"
            " created INTEGER, decision INTEGER, accepted INTEGER, decided TEXT, reason INTEGER)"
        )
        cur.execute("DELETE FROM temp.record_quick")
        cur.execute("BEGIN")
        ids = [
            r[0] for r in cur.execute("SELECT id FROM case_record WHERE id BETWEEN ? AND ?", (first, last))
        ]
        undecided: list[int] = []
        plain: list[tuple] = []
        evcur = raw.cursor()
        evcur.execute(_HISTORY_SQL, (first, last))
        evs = _batched(evcur)
        pending = next(evs, None)
        for case_id in ids:
            while pending is not None and pending[0] < case_id:
                pending = next(evs, None)
            rows = []
            while pending is not None and pending[0] == case_id:
                rows.append(pending)
                pending = next(evs, None)
            found = shape(tuple((r[2], r[3], r[4]) for r in rows)) if rows else None
            if found is None:
                undecided.append(case_id)
                continue
            state, created, decision, accepted, decided, reason = found
            plain.append(
                (case_id, state, rows[created][1], rows[decision][1], accepted, decided, rows[reason][1])
            )
        cur.executemany("INSERT INTO temp.record_quick VALUES (?, ?, ?, ?, ?, ?, ?)", plain)
        try:
            found = cur.execute(_QUICK_SQL).fetchall()
        except (
            DatabaseError
        ):  # a value SQLite's JSON will not take (a BLOB where text belongs): all the long way
            found = [(p[0], ~0) for p in plain]
        for case_id, mask in found:
            if mask & ~(QUICK_MARKS | QUICK_REASON) or not _same_decision(raw, case_id):
                undecided.append(case_id)
        cur.execute("COMMIT")
        return len(ids), sorted(undecided)
    finally:
        try:  # the connection goes back to the pool as it came: no scratch table, temp files as before
            if raw.in_transaction:
                raw.rollback()
            raw.execute("DROP TABLE IF EXISTS temp.record_quick")
            raw.execute("PRAGMA temp_store = DEFAULT")
        finally:
            raw.close()


def _same_decision(raw, case_id: int) -> bool:
    """The materials in another key order than the writer's (a note, a form): the decision's
    materials and (when it set it) reason against the record's, parsed. Its other members
    passed as text already."""
    marks, reason, payload, setter = raw.execute(_DECISION_SQL, (case_id,)).fetchone()
    try:
        p, r = json.loads(payload), json.loads(setter)
        given = r.get("reason") if isinstance(r, dict) else None
        # the reason of the change that set it (app.domain.case_record: a pulled one's or "")
        return p["marks"] == json.loads(marks) and (given if isinstance(given, str) else "") == reason
    except (TypeError, ValueError, KeyError, AttributeError):
        return False


def _batched(cur, size: int = 5000) -> Iterator[tuple]:
    while True:
        rows = cur.fetchmany(size)
        if not rows:
            return
        yield from rows


def stored_records(store, first: int | None = None, last: int | None = None) -> Iterator[tuple]:
    """(number, record, events) of every case (or of local ids first..last), in one read
    transaction: ``record`` maps the checked fields (app.domain.case_record.FIELDS) to the
    stored values (times as the chain carries them, the materials as minified JSON text),
    ``events`` are the case's app.domain.case_record.RecordEvent in local order."""
    from app.domain.case_record import RecordEvent

    names = _RECORD_COLUMNS
    raw = store.read_engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN")
        if first is None:
            first, last = cur.execute(
                "SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM case_record"
            ).fetchone()
        evcur = raw.cursor()
        evcur.execute(_record_events_sql(), (first, last))
        evs = _batched(evcur)
        pending = next(evs, None)
        cur.execute(_RECORDS_SQL, (first, last))
        for row in _batched(cur, 2000):
            case_id = row[0]
            while pending is not None and pending[0] < case_id:  # a case that is not there: the chain says so
                pending = next(evs, None)
            events = []
            while pending is not None and pending[0] == case_id:
                p = pending
                at = p[10]
                if at == "":  # a time in another form (rare): as the chain check reads it
                    at = _iso_stored(
                        raw.execute("SELECT at FROM case_event WHERE id = ?", (p[11],)).fetchone()[0]
                    )
                events.append(RecordEvent(p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], at or ""))
                pending = next(evs, None)
            record = dict(zip(names, row[2:], strict=True))
            at = record["created_at"]
            if isinstance(at, str) and (len(at) != 29 or at[10] != "T"):  # another form (rare)
                record["created_at"] = _iso_stored(at)
            yield row[1], record, events
        cur.execute("COMMIT")
    finally:
        raw.close()
