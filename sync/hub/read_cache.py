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
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection

from sync.hub.schema import meta_t

GEN_KEY = "cache_gen"
TOKEN_TTL = 60.0


def bump(c: Connection) -> None:
    """Drop every process's cached reads once this transaction commits."""
    value = uuid.uuid4().hex
    if c.execute(update(meta_t).where(meta_t.c.key == GEN_KEY).values(value=value)).rowcount == 0:
        c.execute(insert(meta_t).values(key=GEN_KEY, value=value))


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

    def drop(self, key: Any) -> None:
        with self._lock:
            self._values.pop(key, None)
