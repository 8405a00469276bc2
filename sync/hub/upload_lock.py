"""One PATCH at a time per upload (sha256, office), across every hub process on the database.

In the process an asyncio lock; on PostgreSQL also a session advisory lock, held on a connection
of its own for as long as the PATCH runs (a process that dies lets it go with its connection).
SQLite serves one process: the asyncio lock is enough."""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool
from starlette.concurrency import run_in_threadpool

from sync.hub.db import HubDB, lock_id


class Locked(Exception):
    """Another PATCH of this upload held the lock for the whole wait."""


class UploadLocks:
    def __init__(self, db: HubDB) -> None:
        self.db = db
        self._local: dict[str, asyncio.Lock] = {}
        # connections of their own: a long upload never holds one of the pool's
        self._engine: Engine | None = None if db.sqlite else create_engine(db.url, poolclass=NullPool)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def _try(self, key: str) -> Connection | None:
        assert self._engine is not None
        conn = self._engine.connect()
        try:
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_id(key)}).scalar():
                conn.commit()  # the lock is the session's: it outlives this transaction
                return conn
        except Exception:
            conn.close()
            raise
        conn.close()
        return None

    @asynccontextmanager
    async def hold(self, sha: str, office: str, timeout: float = 30.0):
        key = f"upload:{sha}/{office}"
        lock = self._local.setdefault(key, asyncio.Lock())
        deadline = time.monotonic() + timeout
        try:
            await asyncio.wait_for(lock.acquire(), timeout=timeout)
        except TimeoutError:
            raise Locked from None
        conn: Connection | None = None
        try:
            if self._engine is not None:
                while (conn := await run_in_threadpool(self._try, key)) is None:
                    if time.monotonic() > deadline:
                        raise Locked
                    await asyncio.sleep(0.1)
            yield
        finally:
            if conn is not None:
                await run_in_threadpool(conn.close)  # the session ends: the lock is let go
            lock.release()
