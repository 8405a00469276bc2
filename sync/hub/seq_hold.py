"""The ``seq`` counter on PostgreSQL, taken without holding it to the commit (issue 20).

A pull reads by cursor (``seq > after``), so a reader must never see seq N committed while a
lower seq may still commit: its cursor would pass it for ever. SQLite serialises every writer
anyway, so there the counter is a row updated in the writer's transaction (sync.hub.db). On
PostgreSQL that row lock, held from the update to the commit, made every push of every hub
process wait for the one before it to write its rows and flush its commit: about 55 ms a
200-event batch, one batch at a time whatever the cores.

Here a writer takes its numbers in a short transaction of its own, on a connection of its own,
and in the same statement records them as held (``hub_seq_hold``: the first number and the
writer's transaction id); its transaction deletes the record as it writes the rows, so both
become visible in one commit. A reader's top (:data:`SAFE_TOP`) is the counter, lowered below the
first number any writer still holds in the reader's own snapshot: whatever it sees at or below
that top is final. A record whose writer ended without committing (a rollback, a killed
process) is no hold (``pg_visible_in_snapshot`` of its transaction: ended) and is swept by the
next taker.

The taking transaction commits without waiting for its flush (``synchronous_commit off``): it
is flushed with the writer's own commit, which comes after it in the log; if the server stops
before, neither is kept, and no number is given twice.
"""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine

# the counter, less than any number a transaction still in flight holds, in one statement
# (one snapshot: its hub_meta row, its holds and pg_current_snapshot() agree)
SAFE_TOP = (
    "SELECT LEAST(CAST(m.value AS BIGINT), COALESCE(("
    "SELECT min(h.lo) - 1 FROM hub_seq_hold h "
    "WHERE NOT pg_visible_in_snapshot(CAST(CAST(h.xid AS TEXT) AS xid8), pg_current_snapshot())"
    "), CAST(m.value AS BIGINT))) FROM hub_meta m WHERE m.key = 'seq'"
)

_TAKE = text(
    "WITH gone AS ("  # holds of writers that ended without committing
    " DELETE FROM hub_seq_hold"
    " WHERE pg_visible_in_snapshot(CAST(CAST(xid AS TEXT) AS xid8), pg_current_snapshot())"
    "), top AS ("
    " UPDATE hub_meta SET value = CAST(CAST(value AS BIGINT) + :n AS VARCHAR)"
    " WHERE key = 'seq' RETURNING CAST(value AS BIGINT) AS v"
    ") INSERT INTO hub_seq_hold (lo, xid) SELECT v - :n + 1, :xid FROM top RETURNING lo"
)
_XID = text("SELECT CAST(CAST(pg_current_xact_id() AS TEXT) AS BIGINT)")
_RELEASE = text("DELETE FROM hub_seq_hold WHERE lo = :lo")


class SeqTaker:
    """Numbers for a PostgreSQL writer's transaction (see the module's text)."""

    def __init__(self, url, threads: int) -> None:  # noqa: ANN001 (a SQLAlchemy URL)
        # its own small pool: a writer holds its transaction's connection while it takes one
        # of these for a moment, so the two never wait for each other's pool. A take lasts a
        # round trip, and few writers take at once (4 pushes a process, sync.hub.app): a few
        # connections, not one per thread (each is a PostgreSQL backend of max_connections)
        self.engine: Engine = create_engine(
            url,
            pool_size=2,
            max_overflow=max(2, threads // 4),
            pool_pre_ping=True,
            isolation_level="AUTOCOMMIT",
            connect_args={"options": "-c jit=off -c synchronous_commit=off"},
        )

    def take(self, c: Connection, n: int) -> int:
        """Reserve ``n`` numbers for ``c``'s transaction; returns the first. The hold ends with
        that transaction (its commit, or its end without one)."""
        xid = int(c.execute(_XID).scalar_one())
        with self.engine.connect() as own:
            lo = int(own.execute(_TAKE, {"n": n, "xid": xid}).scalar_one())
        c.execute(_RELEASE, {"lo": lo})  # seen by others with the rows, at the commit
        return lo

    def close(self) -> None:
        self.engine.dispose()
