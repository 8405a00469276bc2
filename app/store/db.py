"""Opening the local store: SQLite pragmas, schema version guard, Alembic migrations.

SQLite runs in WAL mode with synchronous=FULL so a case whose receipt was printed survives
a power cut. Writes take the lock up front (BEGIN IMMEDIATE) so two processes (the TUI and
an admin's CLI) wait for each other through busy_timeout instead of failing mid-transaction.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.messages import t
from app.private_files import make_private_dir, touch_private
from app.store.cipher import DatabaseError, DbKey, OperationalError, WrongKey, connect, dbapi, is_encrypted
from app.store.lock import StoreBusy, StoreLock, exclusive, share
from sync import sqlite_pragmas

# Bump together with a new migration in migrations/versions/ that sets PRAGMA user_version.
SCHEMA_VERSION = 14
BUSY_TIMEOUT_MS = sqlite_pragmas.WINDOW_BUSY_TIMEOUT_MS


class StoreError(Exception):
    """The store cannot be used; the message is for the user."""


SQLITE_CORRUPT = 11  # "database disk image is malformed": pages that are no database


def is_damaged(exc: BaseException) -> bool:
    """SQLite found the store's pages damaged (SQLITE_CORRUPT), wherever SQLAlchemy or
    Alembic wrapped its error; the first page may be fine, so this shows only when a
    damaged page is read, at start or later."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        code = getattr(e, "sqlite_errorcode", None)
        if (isinstance(code, int) and code & 0xFF == SQLITE_CORRUPT) or "disk image is malformed" in str(e):
            return True
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]
    return False


def _make_engine(path: Path, begin: str, key: DbKey | None = None) -> Engine:
    args = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    # An encrypted store: every connection is made (and keyed) by cipher.connect.
    keyed = {"module": dbapi(), "creator": lambda: connect(path, key, **args)} if key else {}
    engine = create_engine(f"sqlite:///{path}", connect_args=args, **keyed)
    sqlite_pragmas.install(engine, begin, busy_timeout_ms=BUSY_TIMEOUT_MS, foreign_keys=True)
    return engine


def check_key(path: Path, key: DbKey | None) -> None:
    """StoreError with a clear message when `key` cannot be right for the file at `path`:
    an encrypted store without a key, or a key for a store that is not encrypted."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if is_encrypted(path) and key is None:
        raise StoreError(t("db.encrypted_no_key", path=path))
    if key is not None and not is_encrypted(path):
        raise StoreError(t("db.not_encrypted", path=path))


def schema_version_of(path: Path, key: DbKey | None = None) -> int:
    """PRAGMA user_version of an existing database file, 0 if new."""
    if not path.exists():
        return 0
    check_key(path, key)
    try:
        con = connect(path, key)
    except WrongKey as exc:
        raise StoreError(str(exc)) from None
    try:
        return int(con.execute("PRAGMA user_version").fetchone()[0])
    except DatabaseError as exc:
        raise StoreError(t("store.not_ours", path=path, error=exc)) from exc
    finally:
        con.close()


def backup_before_upgrade(path: Path, version: int, key: DbKey | None = None) -> Path:
    """A checked copy of the store before migrations touch it (SQLite's online backup API):
    `<data dir>/backups/yichuang-before-v{old}-to-v{new}-<UTC time>.db`. Migrations change only
    the store, so this copy is all an upgrade puts at risk; going back is copying it back."""
    from datetime import UTC, datetime

    folder = make_private_dir(path.parent / "backups")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"yichuang-before-v{version}-to-v{SCHEMA_VERSION}-{stamp}.db"
    part = target.with_suffix(".db.part")
    src = connect(path, key, timeout=BUSY_TIMEOUT_MS / 1000)
    dst = connect(part, key)  # an encrypted store's copy is encrypted with the same key
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        src.close()
        dst.close()
    if ok != "ok":
        part.unlink(missing_ok=True)
        raise StoreError(t("store.backup_failed", path=path, error=ok))
    with open(part, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(part, target)
    return target


def migrate(path: Path, key: DbKey | None = None, audit_hash: str | None = None) -> None:
    """Bring the database at `path` to SCHEMA_VERSION with Alembic (on a keyed connection
    when the store is encrypted: migrations/env.py uses the connection it is given;
    ``audit_hash``: the algorithm that chains existing events, migration 0006)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    import migrations

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    cfg.attributes["configure_logger"] = False
    cfg.attributes["audit_hash"] = audit_hash
    keyed = {"module": dbapi(), "creator": lambda: connect(path, key)} if key else {}
    engine = create_engine(f"sqlite:///{path}", **keyed)
    try:
        with engine.connect() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
            connection.commit()
    finally:
        engine.dispose()


@dataclass
class Store:
    path: Path
    read_engine: Engine
    write_engine: Engine
    audit_hash: str | None = None  # the algorithm new events are chained with (None: the default)
    key: DbKey | None = field(default=None, repr=False)  # set when the store is encrypted
    lock: StoreLock | None = field(default=None, repr=False)  # shared, until close (app.store.lock)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.read_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: everything inside commits together or not at all."""
        info = {"audit_hash": self.audit_hash}  # read by app.store.audit
        with Session(self.write_engine, expire_on_commit=False, info=info) as session:
            with session.begin():
                yield session

    def close(self) -> None:
        self.read_engine.dispose()
        self.write_engine.dispose()
        lock, self.lock = self.lock, None
        if lock is not None:
            lock.unshare()


def open_store(path: Path, key: DbKey | None = None, audit_hash: str | None = None) -> Store:
    """Open (creating or migrating) the store; refuse a database from a newer version.

    With `key` the store is a SQLCipher database (created encrypted when new); a wrong key,
    or a key for a plain store, is refused with a message and nothing is touched.
    ``audit_hash``: config audit.hash, the algorithm of the audit chain (None: SM3).
    The store's lock is held shared until the store is closed (app.store.lock)."""
    version = schema_version_of(path, key)
    if version > SCHEMA_VERSION:
        raise StoreError(t("store.newer", path=path, version=version, known=SCHEMA_VERSION))
    try:
        make_private_dir(path.parent)
        lock = share(path)  # restore, db encrypt and upgrades wait until it is given back
    except StoreBusy as exc:
        raise StoreError(str(exc)) from None
    except OSError as exc:
        raise StoreError(t("store.cannot_write", path=path, error=exc)) from exc
    try:
        _create_or_upgrade(path, version, key, audit_hash)
        read_engine = _make_engine(path, "BEGIN", key)
    except BaseException:
        lock.unshare()
        raise
    try:  # the schema is read once here (the pooled connection is kept): a damaged store says so at start
        with read_engine.connect() as probe:
            probe.exec_driver_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as exc:
        read_engine.dispose()
        lock.unshare()
        if is_damaged(exc):
            raise StoreError(t("store.damaged_short", path=path)) from exc
        raise
    return Store(
        path=path,
        read_engine=read_engine,
        write_engine=_make_engine(path, "BEGIN IMMEDIATE", key),
        audit_hash=audit_hash,
        key=key,
        lock=lock,
    )


UPGRADE_WAIT = 2.0  # seconds an upgrade waits for other users of the store (a command ending)
CREATE_WAIT = 30.0  # a new store: another process may be making it this moment


def _create_or_upgrade(path: Path, version: int, key: DbKey | None, audit_hash: str | None) -> None:
    """Migrate the store to SCHEMA_VERSION with nobody else using it (the store's lock held
    alone): a window of the older build still running refuses the upgrade, and is named."""
    if version >= SCHEMA_VERSION:
        return
    what = t("store_lock.what_upgrade", old=version, new=SCHEMA_VERSION)
    try:
        with exclusive(path, "upgrade", what, wait=UPGRADE_WAIT if version else CREATE_WAIT):
            version = schema_version_of(path, key)  # another process may have done it meanwhile
            if version >= SCHEMA_VERSION:
                return
            _migrate_now(path, version, key, audit_hash)
    except StoreBusy as exc:
        if schema_version_of(path, key) >= SCHEMA_VERSION:
            return  # made or upgraded by the process that held the lock
        raise StoreError(str(exc)) from None


def _migrate_now(path: Path, version: int, key: DbKey | None, audit_hash: str | None) -> None:
    try:
        # a new store's file is made 0600 before SQLite opens it: SQLite gives its -wal and -shm
        # the database's mode, so they are private whatever the umask (an older store is made
        # private with the data dir, app.config.ensure_writable)
        touch_private(path)
        if version > 0:  # an existing store from an older version: keep a copy first
            backup_before_upgrade(path, version, key)
        migrate(path, key, audit_hash)
    except OperationalError as exc:
        raise StoreError(t("store.cannot_open", path=path, error=exc)) from exc
    except Exception as exc:  # alembic wraps driver errors
        if "readonly" in str(exc).lower() or "unable to open" in str(exc).lower():
            raise StoreError(t("store.cannot_write", path=path, error=exc)) from exc
        raise


def reading_store(path: Path, key: DbKey | None = None) -> tuple[Store, Engine]:
    """A store on one engine of its own, for reads in another process (audit verify's workers):
    no migration, the caller disposes of the engine."""
    engine = _make_engine(path, "BEGIN", key)
    return Store(path, engine, engine, key=key), engine
