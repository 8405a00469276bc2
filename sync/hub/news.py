"""News for waiting pulls: which windows got events, told as soon as they are committed.

A pull that may wait (``wait=S``) and found nothing parks an asyncio future here under its
window's (office, ws); it holds no worker thread and no database connection while it waits.

Who tells: a write that inserts events calls :func:`mark` with their owners, in its
transaction. In this process the owners are handed to the :class:`Notifier` once the
connection goes back to the pool (after the commit: a waiter woken earlier could read before
the commit and miss the events); a rollback forgets them. On PostgreSQL the same transaction
also sends ``NOTIFY yc_news`` with the owners, which PostgreSQL delivers on commit to every hub
process listening on the database (:class:`PgListener`, one connection per process): a decision
written through one process wakes a pull held by another. A spurious wake costs one read; a
missed one at most the wait's bound (the pull answers empty and the window asks again).

What else wakes a held pull, because its answer would name it: a published catalogue or calendar
(every window: :data:`ALL`), an operator account changed (the windows of its office:
``(office, "*")``; an account for every office: ALL). A write that changes only what pulls
cache (a token, its keys) tells :func:`changed`: no pull wakes, but every process's snapshot of
``hub_meta`` (sync.hub.read_cache.Freshness) is dropped.

SQLite has no NOTIFY, and the `hub` CLI writes from a process of its own: :class:`SqliteWatcher`
looks at ``PRAGMA data_version`` every WATCH_EVERY seconds and, when another connection
committed, reads what moved in ``hub_meta`` (events' owners after the seq it last saw, the
documents' versions, accounts' offices) and wakes those pulls.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

CHANNEL = "yc_news"
_KEY = "yc_news"  # in a connection's info: owners of events written in its transaction
_PAYLOAD_MAX = 7000  # NOTIFY payloads are limited to 8000 bytes
ALL = ("*", "*")  # wakes every waiter (a listener that reconnected may have missed news)

_log = logging.getLogger("yichuang.hub.news")


WATCH_EVERY = 0.25  # seconds between SqliteWatcher's looks at data_version


def changed(c: Connection) -> None:
    """What pulls cache changed in ``c``'s transaction, and no pull needs waking: other hub
    processes on PostgreSQL drop their snapshot (this process's own is dropped at the commit)."""
    if c.dialect.name == "postgresql":
        c.execute(text("SELECT pg_notify(:ch, '')"), {"ch": CHANNEL})


def office_wide(office: str) -> tuple[str, str]:
    """The key that wakes every window of ``office`` ("" : every office)."""
    return (office, "*") if office else ALL


def mark(c: Connection, owners: Iterable[tuple[str, str]]) -> None:
    """Events owned by ``owners`` (office, ws) were written in ``c``'s transaction (or news
    for them: ``(office, "*")`` every window of an office, ALL every window)."""
    owners = {(str(o), str(w)) for o, w in owners}
    if not owners:
        return
    c.info.setdefault(_KEY, set()).update(owners)
    if c.dialect.name == "postgresql":
        payload = ";".join(sorted(f"{o}/{w}" for o, w in owners))
        if len(payload) > _PAYLOAD_MAX:
            payload = "*/*"
        c.execute(text("SELECT pg_notify(:ch, :payload)"), {"ch": CHANNEL, "payload": payload})


def parse(payload: str) -> set[tuple[str, str]]:
    out = set()
    for part in payload.split(";"):
        office, _, ws = part.partition("/")
        if office:
            out.add((office, ws))
    return out


class Notifier:
    """Waiting pulls by window, woken from any thread."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: dict[tuple[str, str], set[asyncio.Future]] = {}
        self._prefix: dict[str, set[asyncio.Future]] = {}  # hub tokens: every office under theirs
        self.count = 0  # notifications so far (on the loop's thread)
        self._last: dict[tuple[str, str], int] = {}
        self._last_at: dict[tuple[str, str], float] = {}  # when (the loop's clock)

    def mark(self) -> int:
        """A mark to hand to :meth:`since` (taken before the read that found nothing)."""
        return self.count

    def since(self, key: tuple[str, str], mark: int) -> bool:
        """Whether news for ``key`` came after ``mark`` (during the read)."""
        if self._last.get(ALL, 0) > mark:
            return True
        if key[1] == "":  # a prefix
            return any(n > mark for (o, _w), n in self._last.items() if o.startswith(key[0]))
        return self._last.get(key, 0) > mark or self._last.get((key[0], "*"), 0) > mark

    def recent(self, key: tuple[str, str], within: float) -> bool:
        """Whether news for ``key`` came in the last ``within`` seconds (on the loop's thread)."""
        if not self._last_at:
            return False
        since = asyncio.get_running_loop().time() - within
        if self._last_at.get(ALL, 0.0) > since:
            return True
        if key[1] == "":  # a prefix
            return any(t > since for (o, _w), t in self._last_at.items() if o.startswith(key[0]))
        return self._last_at.get(key, 0.0) > since or self._last_at.get((key[0], "*"), 0.0) > since

    def waiter(self, key: tuple[str, str]) -> asyncio.Future:
        """A future completed at the next news for ``key`` ((office, "") for a hub: any window
        under that office code). Call :meth:`forget` when done with it."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        fut = loop.create_future()
        if key[1] == "":
            self._prefix.setdefault(key[0], set()).add(fut)
        else:
            self._waiters.setdefault(key, set()).add(fut)
        return fut

    def forget(self, key: tuple[str, str], fut: asyncio.Future) -> None:
        if key[1] == "":
            found = self._prefix.get(key[0])
            if found is not None:
                found.discard(fut)
                if not found:
                    del self._prefix[key[0]]
            return
        mine = self._waiters.get(key)
        if mine is not None:
            mine.discard(fut)
            if not mine:
                del self._waiters[key]

    @property
    def waiting(self) -> int:
        return sum(len(s) for s in self._waiters.values()) + sum(len(s) for s in self._prefix.values())

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def notify_threadsafe(self, owners: set[tuple[str, str]]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self.notify, owners)
        except RuntimeError:  # the loop closed meanwhile (shutdown)
            pass

    def notify(self, owners: set[tuple[str, str]]) -> None:
        """On the loop's thread: wake the waiters of ``owners``."""
        self.count += 1
        now = self._loop.time() if self._loop is not None else 0.0
        if len(self._last) > 100_000:  # marks older than any read in flight are not needed
            self._last.clear()
            self._last[ALL] = self.count
            self._last_at.clear()
        woken: list[asyncio.Future] = []
        if ALL in owners or ("*", "") in owners:
            self._last[ALL] = self.count
            self._last_at[ALL] = now
            woken = [f for s in (*self._waiters.values(), *self._prefix.values()) for f in s]
        else:
            for key in owners:
                self._last[key] = self.count
                self._last_at[key] = now
                if key[1] == "*":  # every window of the office
                    woken.extend(f for (o, _w), s in self._waiters.items() if o == key[0] for f in s)
                else:
                    woken.extend(self._waiters.get(key, ()))
            if self._prefix:
                for prefix, futs in self._prefix.items():
                    if any(o.startswith(prefix) for o, _w in owners):
                        woken.extend(futs)
        for fut in woken:
            if not fut.done():
                fut.set_result(True)


_COMMITTED = "yc_committed"
_QUIET = "yc_quiet"


def quiet(c: Connection) -> None:
    """``c``'s transaction writes nothing a pull reads (a window's status, a token's last use):
    its commit keeps this process's snapshot of hub_meta (read_cache.Freshness). On SQLite the
    file's data_version moves all the same: there the next pull reads once."""
    c.info[_QUIET] = True


def install(engine: Engine, notifier: Notifier, fresh=None) -> None:  # noqa: ANN001 (read_cache.Freshness)
    """Hand the owners :func:`mark` recorded to ``notifier`` after their transaction commits;
    tell ``fresh`` of every commit, as it commits and again once it has (a read begun between
    the two must not keep what it found)."""

    @event.listens_for(engine, "rollback")
    def _forget(conn) -> None:  # noqa: ANN001
        conn.info.pop(_KEY, None)
        conn.info.pop(_QUIET, None)

    @event.listens_for(engine, "commit")
    def _committing(conn) -> None:  # noqa: ANN001
        if conn.info.pop(_QUIET, None):
            return
        if fresh is not None:
            fresh.changed()
            conn.info[_COMMITTED] = True

    @event.listens_for(engine.pool, "checkin")
    def _deliver(_dbapi_conn, record) -> None:  # noqa: ANN001
        if record is None:
            return
        if record.info.pop(_COMMITTED, None) and fresh is not None:
            fresh.changed()  # before the waiters wake: they must read again
        owners = record.info.pop(_KEY, None)
        if owners:
            notifier.notify_threadsafe(owners)


class PgListener(threading.Thread):
    """``LISTEN yc_news`` on a connection of its own; news from any process goes to the
    notifier. Reconnects after a failure (and then wakes every waiter: news may have been
    missed meanwhile)."""

    def __init__(self, url: str, notifier: Notifier, fresh=None) -> None:  # noqa: ANN001
        super().__init__(name="hub-news-listener", daemon=True)
        self.url, self.notifier, self.fresh = url, notifier, fresh
        self.stopping = threading.Event()
        self.listening = threading.Event()

    def run(self) -> None:
        import psycopg

        first = True
        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if self.fresh is not None:
                        self.fresh.changed()  # what came while not listening is unknown
                        self.fresh.listening.set()
                    if not first:
                        self.notifier.notify_threadsafe({ALL})
                    first = False
                    while not self.stopping.is_set():
                        for n in conn.notifies(timeout=1.0):
                            if self.fresh is not None:
                                self.fresh.changed()  # before any waiter wakes to read
                            owners = parse(n.payload)
                            if owners:
                                self.notifier.notify_threadsafe(owners)
            except Exception as exc:  # noqa: BLE001  (the database restarting: listen again)
                self.listening.clear()
                if self.fresh is not None:
                    self.fresh.listening.clear()
                _log.warning("news listener: %s; listening again in 2 s", exc)
                self.stopping.wait(2.0)

    def stop(self) -> None:
        self.stopping.set()


def listener_url(sqlalchemy_url) -> str:  # noqa: ANN001 (sqlalchemy.engine.URL)
    """A libpq URL (psycopg) from the hub's SQLAlchemy URL."""
    return sqlalchemy_url.set(drivername="postgresql").render_as_string(hide_password=False)


class SqliteWatcher(threading.Thread):
    """SQLite: news written by another process (the `hub` CLI publishing a catalogue, adding an
    operator, importing a bundle's events) wakes the pulls held here within WATCH_EVERY
    seconds. Looks at ``PRAGMA data_version`` on a connection of its own; when it moved, reads
    what changed since its last look. This process's own writes are seen too (their waiters
    were woken already: a second wake costs one read)."""

    def __init__(self, path: str, notifier: Notifier, rev_key: str) -> None:
        super().__init__(name="hub-news-watcher", daemon=True)
        # rev_key: hub_meta's account revision (sync.hub.operator_store.REV_KEY, which imports this)
        self.path, self.notifier, self.rev_key = path, notifier, rev_key
        self.stopping = threading.Event()
        self._seen: tuple | None = None

    def _state(self, conn) -> tuple:  # noqa: ANN001
        meta = dict(
            conn.execute(
                "SELECT key, value FROM hub_meta WHERE key IN ('seq', ?)", (self.rev_key,)
            ).fetchall()
        )
        docs = tuple(
            conn.execute(
                "SELECT kind, max(seq) FROM hub_document WHERE kind IN ('catalogue', 'calendar') "
                "GROUP BY kind ORDER BY kind"
            ).fetchall()
        )
        return int(meta.get("seq") or 0), int(meta.get(self.rev_key) or 0), docs

    def _news(self, conn, old: tuple, new: tuple) -> set[tuple[str, str]]:  # noqa: ANN001
        owners: set[tuple[str, str]] = set()
        if new[2] != old[2]:
            return {ALL}  # a document published: every window names it
        if new[0] > old[0]:
            owners.update(
                conn.execute(
                    "SELECT DISTINCT owner_office, owner_ws FROM hub_event WHERE seq > ? AND seq <= ?",
                    (old[0], new[0]),
                ).fetchall()
            )
        if new[1] > old[1]:
            for (office,) in conn.execute(
                "SELECT DISTINCT office FROM hub_operator WHERE rev > ? AND rev <= ?", (old[1], new[1])
            ):
                owners.add(office_wide(office or ""))
        return {(str(o), str(w)) for o, w in owners}

    def run(self) -> None:
        import sqlite3

        conn = None
        dv = None
        while not self.stopping.wait(WATCH_EVERY):
            try:
                if conn is None:
                    conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now == dv and self._seen is not None:
                    continue
                dv = now
                conn.execute("BEGIN")
                try:
                    new = self._state(conn)
                    owners = self._news(conn, self._seen, new) if self._seen is not None else set()
                finally:
                    conn.execute("ROLLBACK")
                self._seen = new
                if owners:
                    self.notifier.notify_threadsafe(owners)
            except Exception as exc:  # noqa: BLE001  (a busy or locked file: look again)
                _log.warning("news watcher: %s", exc)
                if conn is not None:
                    conn.close()
                conn = None

    def stop(self) -> None:
        self.stopping.set()
