"""The hub's database: engines, transactions, the ``seq`` counter, ``hub_meta`` and migrations.

Every event is numbered by the ``seq`` counter, and a reader's top (:meth:`HubDB.top`) is a
number at or below which nothing more will commit: a reader that has seen the events up to its
top has seen every one below it, which is what makes pull-by-cursor safe. SQLite: the writer's
transaction holds the counter to its commit (SQLite serialises writers anyway). PostgreSQL:
numbers are taken apart and held until their transaction ends (sync.hub.seq_hold), so writers
of different workstations write and commit side by side.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, delete, insert, select, text, update
from sqlalchemy.engine import Connection, Engine

from sync.hub.news import Notifier
from sync.hub.news import install as install_news
from sync.hub.read_cache import Freshness, ReadCache
from sync.hub.schema import LEGACY, TOKEN_COLUMNS_V2, attachment_t, attachment_v1_t, md, meta_t
from sync.hub.seq_hold import SAFE_TOP, SeqTaker
from sync.sqlite_pragmas import HUB_BUSY_TIMEOUT_MS, install

# worker threads of one hub process (blocking database work); each pull takes one trip
HUB_THREADS = 16
HUB_SCHEMA = 2  # 2: token life cycle (expiry, revocation, last use); attachments per office


def lock_id(key: str) -> int:
    """A signed 64-bit advisory lock id for ``key`` (the first 8 bytes of its sha256)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(b"yichuang-hub:" + key.encode()).digest()[:8], "big", signed=True)


def in_values(c: Connection, col, values: list):  # noqa: ANN001, ANN201 (a column, a clause)
    """``col IN values``. PostgreSQL: ``col = ANY(:array)``, one parameter: an IN of hundreds
    of values is a statement text of its own for psycopg to parse (uncached: about 3 ms of the
    hub's CPU for 200 event ids) and as many parameters to send. Only for btree-indexed columns
    (a trigram index answers ``= ANY`` by reading itself whole: sync.hub.events.keyed_rows)."""
    if c.dialect.name != "postgresql":
        return col.in_(values)
    from sqlalchemy import any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY

    return col == any_(bindparam(None, list(values), type_=ARRAY(col.type)))


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class HubDB:
    """One database (SQLite by default, PostgreSQL by URL); writers serialised (see tx)."""

    def __init__(self, url: str, *, name: str = "county") -> None:
        self.url = url
        self.name = name
        self.sqlite = url.startswith("sqlite")
        # pools as big as the worker threads that use them, kept open: a thread never waits for
        # a connection, and none is opened and closed again per request (sync.hub.app caps the
        # threads at HUB_THREADS); a few more for the console's and the forwarder's own threads
        kw: dict[str, Any] = {"pool_size": HUB_THREADS + 4, "max_overflow": 8}
        if self.sqlite:
            kw["connect_args"] = {"timeout": HUB_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        else:
            # no JIT: it compiles (15-30 ms) any query the planner prices high, such as a loop of
            # 1,000 index probes that runs in a few ms; every hub query is short (issue 20 §4)
            kw.update(pool_pre_ping=True, connect_args={"options": "-c jit=off"})
        self.engine: Engine = create_engine(url, **kw)
        self.read_engine: Engine = create_engine(url, **kw) if self.sqlite else self.engine
        self.cache = ReadCache()  # what pulls read that rarely changes (sync.hub.read_cache)
        # what the last pull read of hub_meta, while nothing changed it (sync.hub.read_cache)
        self.fresh = Freshness(self.engine.url.database if self.sqlite else None)
        self.notifier = Notifier()  # waiting pulls, told of events as they commit (sync.hub.news)
        install_news(self.engine, self.notifier, self.fresh)
        self._write_lock = threading.Lock()
        self.seqs = None if self.sqlite else SeqTaker(url, HUB_THREADS)
        if self.sqlite:
            for eng, begin in ((self.engine, "BEGIN IMMEDIATE"), (self.read_engine, "BEGIN")):
                install(eng, begin, busy_timeout_ms=HUB_BUSY_TIMEOUT_MS)

    def close(self) -> None:
        self.fresh.close()
        if self.seqs is not None:
            self.seqs.close()
        self.engine.dispose()
        self.read_engine.dispose()

    @contextmanager
    def tx(self) -> Iterator[Connection]:
        """One write transaction. SQLite: serialised with every other writer of this process
        here (``BEGIN IMMEDIATE`` does it across processes; the lock saves the busy wait).
        PostgreSQL: the database serialises what must be (advisory locks per workstation,
        ``lock_keys``; seq numbers held apart, sync.hub.seq_hold), across every hub process
        alike, so none is taken here."""
        if not self.sqlite:
            with self.engine.begin() as c:
                yield c
            return
        with self._write_lock:
            with self.engine.begin() as c:
                yield c

    @contextmanager
    def ro(self) -> Iterator[Connection]:
        with self.read_engine.connect() as c:
            yield c

    def next_seqs(self, c: Connection, n: int) -> int:
        """Reserve n sequence numbers for ``c``'s transaction; returns the first. SQLite: locks
        the counter row until commit. PostgreSQL: held apart until the transaction ends
        (sync.hub.seq_hold); readers' tops stay below them meanwhile."""
        if self.seqs is not None:
            return self.seqs.take(c, n)
        row = c.execute(select(meta_t.c.value).where(meta_t.c.key == "seq").with_for_update()).one()
        first = int(row.value) + 1
        c.execute(update(meta_t).where(meta_t.c.key == "seq").values(value=str(first + n - 1)))
        return first

    def lock_keys(self, c: Connection, keys: Iterable[str]) -> None:
        """Serialise, across every process on this database, the transactions that name the
        same key (a workstation ``office/ws``, an upload ``upload:sha/office``), until ``c``
        commits. PostgreSQL: transaction advisory locks, taken in the order of their ids so two
        writers never deadlock. SQLite: nothing to do, ``BEGIN IMMEDIATE`` already serialises every
        writer of the file."""
        if self.sqlite:
            return
        ids = sorted({lock_id(key) for key in keys})
        if len(ids) == 1:
            c.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ids[0]})
        elif ids:  # one round trip for a batch's keys (a push names one per applicant): unnest
            # yields the array in its order, so the locks are taken in the sorted order still
            c.execute(
                text("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(CAST(:ks AS BIGINT[])) AS k"),
                {"ks": ids},
            )

    def insert_many(self, c: Connection, table, rows: list[dict]) -> None:  # noqa: ANN001
        """Insert ``rows`` (one push's events, links, cases) in one go, in ``c``'s transaction.
        PostgreSQL: ``COPY ... FROM STDIN`` (psycopg formats the rows in C; its executemany
        would send one INSERT per row, and a multi-row VALUES is a new statement text per
        size). SQLite: the driver's executemany (one prepared statement, in-process). A column
        that no row names is left to its default, as ``insert(table)`` does."""
        if not rows:
            return
        cols = [col for col in table.c if any(col.name in r for r in rows)]
        defaults = [
            col.default.arg if col.default is not None and col.default.is_scalar else None for col in cols
        ]
        names = [col.name for col in cols]
        driver: Any = c.connection.driver_connection  # the transaction's own connection
        if self.sqlite:  # straight to the driver: SQLAlchemy's per-row parameter work costs more
            marks = ", ".join("?" * len(names))
            driver.executemany(
                f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})",
                [tuple(r.get(n, d) for n, d in zip(names, defaults, strict=True)) for r in rows],
            )
            return
        cur = driver.cursor()
        try:
            with cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row([r.get(n, d) for n, d in zip(names, defaults, strict=True)])
        finally:
            cur.close()

    def insert_ignore(self, c: Connection, table, row: dict) -> None:
        """Insert ``row`` unless its key is already there (another process may insert the same
        row at the same moment: neither fails)."""
        if self.sqlite:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert  # type: ignore[assignment]
        c.execute(dialect_insert(table).values(**row).on_conflict_do_nothing())

    def meta(self, key: str, c: Connection | None = None) -> str | None:
        if c is not None:
            return c.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
        with self.ro() as c2:
            return c2.execute(select(meta_t.c.value).where(meta_t.c.key == key)).scalar()

    def set_meta(self, c: Connection, key: str, value: str) -> None:
        if c.execute(update(meta_t).where(meta_t.c.key == key).values(value=value)).rowcount == 0:
            c.execute(insert(meta_t).values(key=key, value=value))

    def top(self, c: Connection) -> int:
        """The reader's top: every event numbered at or below it that will ever commit is
        visible to ``c``'s next statement (read the events after it). SQLite: the counter
        (``ro`` is one snapshot, and writers hold the counter to their commit)."""
        if self.sqlite:
            return int(self.meta("seq", c) or 0)
        return int(c.execute(text(SAFE_TOP)).scalar() or 0)

    def meta_with_top(self, c: Connection, keys: Iterable[str]) -> dict[str, str]:
        """``hub_meta``'s ``keys`` in one query, with "seq": :meth:`top`, and "seq_taken": the
        counter (above the top while a writer's numbers are held: sync.hub.seq_hold)."""
        keys = [k for k in keys if k not in ("seq", "seq_taken")]
        if self.sqlite:
            rows = c.execute(select(meta_t.c.key, meta_t.c.value).where(meta_t.c.key.in_([*keys, "seq"])))
            out = {r.key: r.value for r in rows}
            out["seq_taken"] = out.get("seq") or "0"
            return out
        q = text(
            "SELECT key, value FROM hub_meta WHERE key = ANY(:keys)"
            f" UNION ALL SELECT 'seq', CAST(({SAFE_TOP}) AS TEXT)"
            " UNION ALL SELECT 'seq_taken', value FROM hub_meta WHERE key = 'seq'"
        )
        return {r[0]: r[1] for r in c.execute(q, {"keys": keys})}

    def last_seq(self) -> int:
        with self.ro() as c:
            return self.top(c)

    # --- migrations --------------------------------------------------------------------------
    def _migrate(self, c: Connection) -> None:
        """Bring the database to the head of sync/hub/migrations (Alembic), in this transaction.

        A database made before the hub had migrations (create_all and a schema number in
        hub_meta) is first brought to schema 2 as it always was, then stamped as the baseline.
        A database stamped with a revision this program does not know came from a newer
        yichuang: refused, nothing changed."""
        from alembic import command
        from alembic.migration import MigrationContext
        from alembic.script import ScriptDirectory
        from sqlalchemy import inspect

        from sync.hub.migrations.env_config import BASELINE, VERSION_TABLE, alembic_config

        cfg = alembic_config(c)
        tables = set(inspect(c).get_table_names())
        if VERSION_TABLE not in tables and "hub_meta" in tables:
            have = {r.key: r.value for r in c.execute(select(meta_t))}
            if "schema" in have and int(have["schema"]) > HUB_SCHEMA:
                raise RuntimeError(
                    f"hub database schema {have['schema']} is newer than this yichuang ({HUB_SCHEMA})"
                )
            md.create_all(c, tables=LEGACY)  # the tables schema 1 did not have yet
            if "schema" not in have:
                c.execute(
                    insert(meta_t),
                    [
                        {"key": "schema", "value": str(HUB_SCHEMA)},
                        {"key": "seq", "value": "0"},
                        {"key": "forward_cursor", "value": "0"},
                        {"key": "upstream_cursor", "value": "0"},
                    ],
                )
            elif int(have["schema"]) < 2:
                self._migrate_v2(c)
            command.stamp(cfg, BASELINE)
        elif VERSION_TABLE in tables:
            current = MigrationContext.configure(
                c, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
            try:
                known = current is None or ScriptDirectory.from_config(cfg).get_revision(current) is not None
            except Exception:  # noqa: BLE001  (alembic: "no such revision")
                known = False
            if not known:
                raise RuntimeError(
                    f"hub database revision {current} is newer than this yichuang; nothing was changed"
                )
        command.upgrade(cfg, "head")

    def _migrate_v2(self, c: Connection) -> None:
        """Schema 1 -> 2: token columns; attachment slots per office (partial uploads restart)."""
        from sqlalchemy import inspect

        have = {col["name"] for col in inspect(c).get_columns("hub_token")}
        for name in TOKEN_COLUMNS_V2:
            if name not in have:
                c.exec_driver_sql(f"ALTER TABLE hub_token ADD COLUMN {name} VARCHAR(40) NOT NULL DEFAULT ''")
        rows = c.execute(select(attachment_v1_t)).all()
        if rows:
            c.execute(
                insert(attachment_t),
                [
                    {
                        "sha256": r.sha256,
                        "office": r.case_number[:9],
                        "length": r.length,
                        "offset": r.offset if r.complete else 0,
                        "complete": r.complete,
                        "case_number": r.case_number,
                        "created_at": r.created_at,
                    }
                    for r in rows
                ],
            )
            c.execute(delete(attachment_v1_t))
        c.execute(update(meta_t).where(meta_t.c.key == "schema").values(value=str(HUB_SCHEMA)))
