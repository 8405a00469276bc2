"""How every SQLite database of yichuang is opened: the window's store and the hub's.

WAL with synchronous=FULL (a printed receipt's case survives a power cut); SQLAlchemy, not the
sqlite3 module, decides where transactions begin, and a writer takes the lock up front
(``BEGIN IMMEDIATE``) so two processes wait for each other through busy_timeout instead of
failing mid-transaction. Lives in sync/ (beside protocol): it imports only SQLAlchemy, so the
window's store (app.store) and the hub (which imports no workstation module) share it.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

# How long a connection waits for another process's write lock. The window waits less (a
# clerk is at the keyboard; the CLI or backup holding the lock longer is an error to show);
# the hub's writers queue behind a big push.
WINDOW_BUSY_TIMEOUT_MS = 10_000
HUB_BUSY_TIMEOUT_MS = 30_000


def install(engine: Engine, begin: str, *, busy_timeout_ms: int, foreign_keys: bool = False) -> None:
    """Set the pragmas on each new connection of ``engine``; ``begin`` starts its transactions."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if foreign_keys:
            cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        conn.exec_driver_sql(begin)
