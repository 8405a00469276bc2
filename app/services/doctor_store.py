"""`yichuang doctor`, this PC's side: the findings and their levels, the data dir, the free
space and the store (read as it stands: never created or migrated). app.services.doctor runs
every check."""

from __future__ import annotations

import os
import shutil
import weakref
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.domain.failures import Failure as Cause
from app.domain.failures import explain
from app.messages import t
from app.services.workstation import Workstation
from app.store.cipher import DatabaseError as DbDatabaseError
from app.store.cipher import Error as DbError
from app.store.cipher import OperationalError as DbOperationalError
from app.store.cipher import WrongKey, connect, is_encrypted
from app.store.db import StoreError

LEVELS = ("ok", "info", "warning", "error")

# Thresholds (documented in docs/doctor.md).
SPACE_ERROR = 200 * 1024**2  # below this a day's cases and print jobs may not fit
SPACE_WARNING = 1024**3
WAL_WARNING = 64 * 1024**2  # a WAL this large means a reader kept it from being checkpointed


@dataclass(frozen=True)
class Finding:
    level: str  # ok | info | warning | error
    key: str  # stable identifier of the check's outcome, e.g. "database.integrity"
    message: str  # what was found (the catalogue's words)
    advice: str = ""  # what to do; empty when nothing is to be done
    data: dict[str, Any] = field(default_factory=dict)  # the figures behind it (for --json)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def advice(cause: Cause, fallback: str) -> str:
    """What to do about ``cause``: its own advice when the failure is known, else ``fallback``
    (the check's general advice)."""
    return t(fallback) if cause.name in ("other", "os_other") else cause.advice()


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when all is well (only ok/info), 1 with any error, 3 with warnings only."""
    levels = {f.level for f in findings}
    if "error" in levels:
        return 1
    return 3 if "warning" in levels else 0


def size_text(n: int | float) -> str:
    """Bytes for people: 0 B, 12.0 KB, 1.5 MB, 74.1 GB (binary units)."""
    if n < 1024:
        return f"{n:.0f} B"
    for unit in ("KB", "MB"):
        n /= 1024
        if n < 1024:
            return f"{n:.1f} {unit}"
    return f"{n / 1024:.1f} GB"


def local_text(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone().strftime("%Y-%m-%d %H:%M")


# --- data dir ------------------------------------------------------------------------------------
def _data_dir_usable(ws: Workstation) -> bool:
    return ws.config.data_dir.is_dir()


def check_data_dir(ws: Workstation) -> list[Finding]:
    path = ws.config.data_dir
    if path.exists() and not path.is_dir():
        return [
            Finding(
                "error",
                "data_dir.not_dir",
                t("doctor.dir_not_dir", path=path),
                t("doctor.dir_not_dir_fix"),
                {"path": str(path)},
            )
        ]
    target = path
    while not target.exists():  # not made yet: the window makes it where it can write
        target = target.parent
    if not target.is_dir():
        return [
            Finding(
                "error",
                "data_dir.not_dir",
                t("doctor.dir_not_dir", path=target),
                t("doctor.dir_not_dir_fix"),
                {"path": str(target)},
            )
        ]
    probe = target / f".doctor-probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"yichuang doctor\n")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        cause = explain(exc)
        return [
            Finding(
                "error",
                "data_dir.unwritable",
                t("doctor.dir_unwritable", path=target, error=cause.text()),
                advice(cause, "doctor.dir_unwritable_fix"),
                {"path": str(target), "errno": exc.errno, **cause.to_dict()},
            )
        ]
    if target != path:
        return [
            Finding("info", "data_dir.missing", t("doctor.dir_missing", path=path), "", {"path": str(path)})
        ]
    return [Finding("ok", "data_dir.writable", t("doctor.dir_ok", path=path), "", {"path": str(path)})]


def check_free_space(ws: Workstation) -> list[Finding]:
    target = ws.config.data_dir
    while not target.exists():
        target = target.parent
    try:
        usage = shutil.disk_usage(target)
    except OSError as exc:
        cause = explain(exc)
        return [
            Finding(
                "error",
                "disk.unknown",
                t("doctor.space_unknown", error=cause.text()),
                advice(cause, "doctor.space_fix"),
                cause.to_dict(),
            )
        ]
    data = {"free_bytes": usage.free, "total_bytes": usage.total}
    free = size_text(usage.free)
    if usage.free < SPACE_ERROR:
        return [Finding("error", "disk.full", t("doctor.space_full", free=free), t("doctor.space_fix"), data)]
    if usage.free < SPACE_WARNING:
        return [Finding("warning", "disk.low", t("doctor.space_low", free=free), t("doctor.space_fix"), data)]
    return [Finding("ok", "disk.free", t("doctor.space_ok", free=free), "", data)]


# --- database ------------------------------------------------------------------------------------
def _schema_version() -> int:
    from app.store.db import SCHEMA_VERSION

    return SCHEMA_VERSION


def check_database(ws: Workstation) -> list[Finding]:
    path = ws.config.db_path
    if ws.config.data_dir.exists() and not _data_dir_usable(ws):
        return [Finding("info", "database.skipped", t("doctor.db_skipped"))]
    if not path.exists():
        return [
            Finding("info", "database.missing", t("doctor.db_missing", path=path), "", {"path": str(path)})
        ]
    out: list[Finding] = []
    wal = path.with_name(path.name + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0  # before we open it: closing checkpoints it
    known = _schema_version()
    try:
        con = _connect_store(ws, path)
    except (*DbError, StoreError, WrongKey) as exc:
        return [_db_unreadable(path, exc)]
    try:
        try:
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check(20)").fetchall()]
        except DbOperationalError as exc:  # locked, cannot open, I/O: not the file's content
            return [_db_unreadable(path, exc)]
        except DbDatabaseError as exc:  # malformed, not a database
            return [
                Finding(
                    "error",
                    "database.corrupt",
                    t("doctor.db_corrupt", path=path, detail=explain(exc).text()),
                    t("doctor.db_restore"),
                    {"path": str(path), "problems": [str(exc)]},
                )
            ]
    finally:
        con.close()
    _verdicts[ws] = rows == ["ok"] and version == known
    if rows == ["ok"]:
        out.append(Finding("ok", "database.integrity", t("doctor.db_ok", path=path), "", {"path": str(path)}))
    else:
        out.append(
            Finding(
                "error",
                "database.corrupt",
                t("doctor.db_corrupt", path=path, detail="; ".join(rows[:3])),
                t("doctor.db_restore"),
                {"path": str(path), "problems": rows},
            )
        )
    encrypted = is_encrypted(path)
    out.append(
        Finding(
            "ok" if encrypted else "info",
            "database.encryption",
            t("doctor.db_encrypted") if encrypted else t("doctor.db_not_encrypted"),
            "" if encrypted else t("doctor.db_encrypt_how"),
            {"encrypted": encrypted},
        )
    )
    data = {"version": version, "known": known}
    if version == known:
        out.append(Finding("ok", "database.schema", t("doctor.schema_ok", version=version), "", data))
    elif version < known:
        out.append(
            Finding(
                "info", "database.schema_old", t("doctor.schema_old", version=version, known=known), "", data
            )
        )
    else:
        out.append(
            Finding(
                "error",
                "database.schema_newer",
                t("doctor.schema_new", version=version, known=known),
                t("doctor.schema_new_fix"),
                data,
            )
        )
    size = size_text(wal_size)
    if wal_size > WAL_WARNING:
        out.append(
            Finding(
                "warning",
                "database.wal",
                t("doctor.wal_big", size=size),
                t("doctor.wal_fix"),
                {"bytes": wal_size},
            )
        )
    else:
        out.append(Finding("ok", "database.wal", t("doctor.wal_ok", size=size), "", {"bytes": wal_size}))
    return out


def _connect_store(ws: Workstation, path: Path):
    """The store file opened for reading: keyed when it is encrypted (the key from the
    keyring, YICHUANG_DB_PASSPHRASE or the terminal; WrongKey / StoreError say what is wrong)."""
    if is_encrypted(path) and ws.config.get("store.encrypted"):
        from app.services.encryption import resolve_key, terminal_prompt

        key = ws.__dict__.get("db_key") or resolve_key(ws.config, ws.passphrase_prompt or terminal_prompt())
        ws.__dict__["db_key"] = key
        return connect(path, key, timeout=10)
    return connect(path, None, timeout=10)  # a plain store (or a damaged file: the check says so)


def _db_unreadable(path: Path, exc: Exception) -> Finding:
    if isinstance(exc, StoreError | WrongKey):  # our own words already (a key, a passphrase)
        return Finding(
            "error",
            "database.unreadable",
            t("doctor.db_unreadable", path=path, error=exc),
            t("doctor.db_unreadable_fix"),
            {"path": str(path)},
        )
    cause = explain(exc)
    return Finding(
        "error",
        "database.unreadable",
        t("doctor.db_unreadable", path=path, error=cause.text()),
        advice(cause, "doctor.db_unreadable_fix"),
        {"path": str(path), **cause.to_dict()},
    )


# check_database's verdict per workstation: the queue counts need not scan the file again
_verdicts: weakref.WeakKeyDictionary[Workstation, bool] = weakref.WeakKeyDictionary()


def store_ready(ws: Workstation) -> bool:
    """The store can be read without creating or migrating it (and is not damaged)."""
    path = ws.config.db_path
    if not path.exists():
        return False
    if ws in _verdicts:
        return _verdicts[ws]
    try:
        con = _connect_store(ws, path)
        try:
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            healthy = con.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
        finally:
            con.close()
    except (*DbError, StoreError, WrongKey):
        return False
    return healthy and version == _schema_version()
