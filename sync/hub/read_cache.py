"""What a pull reads that rarely changes (token identities, the catalogue's and calendar's
versions), kept in memory with one clear rule for dropping it.

The rule: ``hub_meta.cache_gen`` holds a random value that every write of a cached thing
changes in its own transaction (:func:`bump`: a token added, revoked or given keys, a document
published). Each pull reads that value with the ``seq`` counter in the one query it makes
anyway; a value other than the one the cache was filled under empties the cache. So a change is
seen at the next pull, whichever process made it: the CLI's, the console's or another hub
process's on the same PostgreSQL (they share the database row, not memory). A random value,
not a counter: two writers racing cannot leave the same value behind.

A value loaded under an older generation is not kept (a slow reader cannot put back what a
newer generation dropped). Token entries also expire after TOKEN_TTL seconds, for a change made
behind the program's back (SQL typed by hand).

:class:`Freshness` lets an idle pull skip even that one query (sync.hub.pull.quick_page): it
keeps what the last read found in ``hub_meta`` (the seq counter, the account revision, the
generation) while nothing can have changed them. What tells it of a change:

* this process's own writes: every commit on the writing engine (sync.hub.news.install), before
  the commit and again once the connection is back in the pool;
* SQLite (one hub process, but the `hub` CLI writes from its own): ``PRAGMA data_version`` on a
  connection of its own, checked at every idle pull (about 2 us): it moves at any commit by any
  other connection, whatever process made it, so a change is seen at the very next pull;
* PostgreSQL: the ``NOTIFY yc_news`` that every write of events or of a cached thing sends
  (sync.hub.news), received by this process's listener; while the listener is not listening
  (starting, reconnecting) nothing is trusted.

And whatever told it, a snapshot older than MAX_AGE seconds is read again (a change that sent
no notice, say SQL typed by hand on PostgreSQL, is seen within that time).
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection

from sync.hub.schema import meta_t

GEN_KEY = "cache_gen"
TOKEN_TTL = 60.0
MAX_AGE = 2.0  # seconds a Freshness snapshot is trusted, notices or not
MISSING = object()  # ReadCache.peek: nothing kept


def bump(c: Connection) -> None:
    """Drop every process's cached reads once this transaction commits."""
    from sync.hub import news

    value = uuid.uuid4().hex
    if c.execute(update(meta_t).where(meta_t.c.key == GEN_KEY).values(value=value)).rowcount == 0:
        c.execute(insert(meta_t).values(key=GEN_KEY, value=value))
    news.changed(c)  # other processes on PostgreSQL: their snapshot of hub_meta is old


class ReadCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.gen: str | None = None
        self._values: dict[Any, tuple[float, Any]] = {}
        self.hits = self.misses = 0

    def seen(self, gen: str | None) -> None:
        """The generation a reader just read: a new one empties the cache."""
        gen = gen or ""
        with self._lock:
            if gen != self.gen:
                self._values.clear()
                self.gen = gen

    def get(self, key: Any, gen: str | None, load: Callable[[], Any], ttl: float | None = None) -> Any:
        """The value for ``key`` under generation ``gen``, loaded (and kept) on a miss."""
        gen = gen or ""
        now = time.monotonic()
        with self._lock:
            found = self._values.get(key) if self.gen == gen else None
            if found is not None and (ttl is None or now - found[0] < ttl):
                self.hits += 1
                return found[1]
            self.misses += 1
        value = load()
        if value is not None:
            with self._lock:
                if self.gen == gen:
                    self._values[key] = (now, value)
        return value

    def peek(self, key: Any, gen: str | None, ttl: float | None = None) -> Any:
        """The value kept for ``key`` under ``gen``, or MISSING (never loads: the loop's thread)."""
        found = self._values.get(key) if self.gen == (gen or "") else None
        if found is None or (ttl is not None and time.monotonic() - found[0] >= ttl):
            return MISSING
        self.hits += 1
        return found[1]

    def drop(self, key: Any) -> None:
        with self._lock:
            self._values.pop(key, None)


class Snapshot(NamedTuple):
    seq: int
    rev: int
    gen: str
    tag: int
    at: float


class Freshness:
    """What this process last read of ``hub_meta``, while it still holds (see the module's
    docstring). ``sqlite_path``: the SQLite file (watched by ``PRAGMA data_version``), None on
    PostgreSQL (trusted only while ``listening`` is set by the news listener)."""

    def __init__(self, sqlite_path: str | None) -> None:
        self._lock = threading.Lock()
        self._changes = 0
        self._snap: Snapshot | None = None
        self._path = sqlite_path
        self._dv_conn: sqlite3.Connection | None = None
        self._dv: int | None = None
        self.listening = threading.Event()  # PostgreSQL: set while notices are received
        if sqlite_path is not None:
            self.listening.set()
        self.enabled = True  # tests switch it off to show what it saves and what it must drop

    def changed(self) -> None:
        """Something a pull reads may have changed (any thread)."""
        with self._lock:
            self._changes += 1

    def _check_dv(self) -> None:
        if self._path is None:
            return
        with self._lock:
            try:
                if self._dv_conn is None:
                    # autocommit, never waiting for a lock: the loop's thread asks it
                    self._dv_conn = sqlite3.connect(
                        self._path, timeout=0, isolation_level=None, check_same_thread=False
                    )
                dv = self._dv_conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                dv = None
            if dv is None or dv != self._dv:
                self._dv = dv
                self._changes += 1

    def tag(self) -> int:
        """Taken before a read of hub_meta; hand it to :meth:`put` with what the read found."""
        self._check_dv()
        return self._changes

    def put(self, tag: int, seq: int, rev: int, gen: str) -> None:
        with self._lock:
            if tag == self._changes:
                self._snap = Snapshot(seq, rev, gen, tag, time.monotonic())

    def current(self) -> Snapshot | None:
        """The snapshot if nothing can have changed since it was read, else None."""
        if not self.enabled or not self.listening.is_set():
            return None
        self._check_dv()
        s = self._snap
        if s is None or s.tag != self._changes or time.monotonic() - s.at > MAX_AGE:
            return None
        return s

    def close(self) -> None:
        with self._lock:
            if self._dv_conn is not None:
                self._dv_conn.close()
                self._dv_conn = None
