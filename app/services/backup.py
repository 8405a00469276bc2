"""Backups of a workstation's data dir (see docs/backup.md); restoring one is app.services.restore.

A backup is one file, ``yichuang-<office>-<ws>-<UTC time>.tar.zst``: a zstd-compressed tar
holding a consistent copy of the store (SQLite's online backup API, so the window keeps
working meanwhile), the key, the settings, the catalogue files, the scans and the calendar,
and last a ``manifest.json`` with the identity of the workstation, the schema version and
the SHA-256 of every file. It is verified after writing (integrity check of the copy before
it is packed, every hash read back from the written file).

Restore checks all of that before it replaces anything, keeps the current files aside in
``replaced-<time>/``, and raises the case-number counters to the highest number handed out
that anyone knows of — the hub, the store it replaces, the printed documents, the copy — so
a number is never issued twice.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.messages import t
from app.private_files import make_private_dir, open_private
from app.services.sealed_files import opening_key, store_writer
from app.services.workstation import Workstation
from app.store.cipher import DatabaseError as DbDatabaseError
from app.store.cipher import Error as DbError
from app.store.cipher import WrongKey, connect, is_encrypted
from sync import sealing

FORMAT = "yichuang-backup/1"
SEAL_PURPOSE = "backup"  # sync.sealing: a backup of an encrypted store
MANIFEST = "manifest.json"
DB_NAME = "yichuang.db"
SUFFIX = ".tar.zst"
# What a backup holds besides the store: (name in the data dir, is a folder).
PARTS: tuple[tuple[str, bool], ...] = (
    ("config.toml", False),
    ("keys", True),
    ("catalogue", True),
    ("blobs", True),  # app.services.sync.attachments.blob_dir: the scans
    ("calendar", True),
)
ZSTD_LEVEL = 3
CHUNK = 1 << 20
_NAME_RE = re.compile(r"^yichuang-[0-9]{9}-[0-9A-Z]{2}-[0-9]{8}T[0-9]{6}Z\.tar\.zst$")


class BackupError(Exception):
    """A backup or restore cannot be done; the message is for the user."""


@dataclass
class BackupResult:
    path: Path
    size: int
    cases: int
    events: int
    files: int
    seconds: float


@dataclass
class RestoreResult:
    manifest: dict
    aside: Path | None
    counters_raised: int
    hub_answered: bool
    hub_configured: bool = False
    sources: list[str] = field(default_factory=list)
    keys_kept: list[str] = field(default_factory=list)  # keys/ files the copy lacked, kept from before


# --- small helpers -----------------------------------------------------------------------------
def utc_stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder: nothing to sync there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def public_key_of(data_dir: Path) -> str:
    """The workstation's public key (base64) from keys/workstation.key, "" when there is none."""
    path = data_dir / "keys" / "workstation.key"
    if not path.exists():
        return ""
    from printing.signing import Signer

    try:
        return Signer.load(path).public_key_b64()
    except (ValueError, OSError):
        return ""


def _files_of(data_dir: Path) -> Iterator[tuple[str, Path]]:
    """(name in the archive, path) of every file a backup holds besides the store."""
    for name, is_dir in PARTS:
        root = data_dir / name
        if not is_dir:
            if root.is_file():
                yield name, root
            continue
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            # a scan being copied in (.tmp) or a partial upload is not a kept file yet
            if path.is_file() and not path.name.endswith(".tmp"):
                yield path.relative_to(data_dir).as_posix(), path


class _HashingReader(io.RawIOBase):
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.h = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.h.update(data)
        return data


def open_db(path: Path, key, *, ro: bool = False, **kw):
    """A DB-API connection to a store file: keyed when the file is encrypted (SQLCipher), so
    an encrypted store's copy is encrypted with the same key and never exists in clear."""
    k = key if is_encrypted(path) else None
    try:
        return connect(f"file:{path}?mode=ro" if ro else path, k, uri=ro, **kw)
    except WrongKey as exc:
        raise BackupError(str(exc)) from None


def copy_database(src: Path, dst: Path, key=None) -> dict[str, Any]:
    """A consistent copy of the SQLite store at `src` (online backup API: the window keeps
    writing meanwhile; the copy is one snapshot), checked; returns what it holds."""
    source = open_db(src, key, ro=True, timeout=30)
    target = connect(dst, key if is_encrypted(src) else None)
    try:
        # one step: the copy is a single read transaction of the source, never restarted by
        # the writes going on meanwhile (WAL: the writers do not wait for it either)
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        source.close()
        target.close()
    return inspect_database(dst, key)


def inspect_database(path: Path, key=None) -> dict[str, Any]:
    """Integrity check, schema version and counts of a database copy; BackupError if damaged."""
    try:
        con = open_db(path, key, ro=True)
    except DbError as exc:
        raise BackupError(t("backup.db_damaged", error=exc)) from exc
    try:
        check = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
        if check != ["ok"]:
            raise BackupError(t("backup.db_damaged", error="; ".join(map(str, check[:3]))))
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
        cases = (
            con.execute("select count(*) from case_record").fetchone()[0] if "case_record" in tables else 0
        )
        events = con.execute("select count(*) from case_event").fetchone()[0] if "case_event" in tables else 0
        unsent = (
            con.execute("select count(*) from case_event where synced_at is null").fetchone()[0]
            if "case_event" in tables
            else 0
        )
    except DbDatabaseError as exc:
        raise BackupError(t("backup.db_damaged", error=exc)) from exc
    finally:
        con.close()
    return {"schema_version": version, "cases": cases, "events": events, "unsent": unsent}


# --- backup ------------------------------------------------------------------------------------
def backup_name(office: str, wsid: str, now: datetime) -> str:
    return f"yichuang-{office}-{wsid}-{utc_stamp(now)}{SUFFIX}"


def make_backup(
    ws: Workstation,
    dest_dir: Path | str,
    *,
    now: datetime | None = None,
    progress: Callable[[str], Any] | None = None,
) -> BackupResult:
    """Write a verified backup of the workstation `ws` into `dest_dir`; returns where and what."""
    import time

    import zstandard

    from app import __version__

    started = time.perf_counter()
    data_dir: Path = ws.config.data_dir
    dest = Path(dest_dir).expanduser().resolve()
    now = now or datetime.now(UTC)
    try:
        make_private_dir(dest)
    except OSError as exc:
        raise BackupError(t("backup.dest_unwritable", path=dest, error=exc.strerror or exc)) from exc
    db = ws.config.db_path
    if not db.exists():
        raise BackupError(t("backup.no_store", path=db))
    # an encrypted store's backup is sealed with a key derived from the store's key: the
    # settings (hub.token), the workstation's private keys and the scans are in it too
    key = ws.db_key if is_encrypted(db) else None
    final = dest / backup_name(ws.office_code, ws.workstation_id, now)
    part = final.with_name(final.name + ".part")
    files: dict[str, dict[str, Any]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix=".yichuang-backup-", dir=dest) as tmp:
            copy = Path(tmp) / DB_NAME
            if progress:
                progress("db")
            info = copy_database(db, copy, key)
            with open_private(part, "wb") as raw:
                sink = store_writer(raw, key, SEAL_PURPOSE) if key is not None else raw
                cctx = zstandard.ZstdCompressor(level=ZSTD_LEVEL, threads=-1)
                with cctx.stream_writer(sink, closefd=False) as zout:
                    with tarfile.open(fileobj=zout, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                        _add(tar, DB_NAME, copy, files)
                        copy.unlink()
                        if progress:
                            progress("files")
                        for name, path in _files_of(data_dir):
                            _add(tar, name, path, files)
                        manifest = {
                            "format": FORMAT,
                            "app_version": __version__,
                            "created_at": now.astimezone(UTC).isoformat(timespec="seconds"),
                            "office": ws.office_code,
                            "workstation": ws.workstation_id,
                            "public_key": public_key_of(data_dir),
                            **info,
                            "files": files,
                        }
                        body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
                        ti = tarfile.TarInfo(MANIFEST)
                        ti.size, ti.mtime, ti.mode = len(body), int(now.timestamp()), 0o600
                        tar.addfile(ti, io.BytesIO(body))
                if sink is not raw:
                    sink.close()  # the last sealed chunk
                raw.flush()
                os.fsync(raw.fileno())
        if progress:
            progress("verify")
        read_back = verify_backup(part, key)  # every byte read back and checked against the manifest
        if read_back["files"] != files:
            raise BackupError(t("backup.verify_failed", path=final, error="manifest"))
        os.replace(part, final)
        fsync_dir(dest)
    except BackupError:
        part.unlink(missing_ok=True)
        raise
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise BackupError(t("backup.dest_unwritable", path=dest, error=exc.strerror or exc)) from exc
    return BackupResult(
        path=final,
        size=final.stat().st_size,
        cases=int(info["cases"]),
        events=int(info["events"]),
        files=len(files),
        seconds=time.perf_counter() - started,
    )


def _add(tar: tarfile.TarFile, name: str, path: Path, files: dict) -> None:
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        ti = tarfile.TarInfo(name)
        ti.size, ti.mtime, ti.mode = st.st_size, int(st.st_mtime), 0o600
        reader = _HashingReader(fh)
        tar.addfile(ti, reader)
    files[name] = {"sha256": reader.h.hexdigest(), "size": st.st_size}


# --- reading a backup --------------------------------------------------------------------------
def _safe_name(name: str) -> bool:
    p = Path(name)
    return not p.is_absolute() and ".." not in p.parts and name not in ("", ".")


def is_sealed_backup(path: Path | str) -> bool:
    """Whether the backup at `path` is sealed (made from an encrypted store)."""
    return sealing.file_is_sealed(path)


def _unsealed(raw, path: Path, key):
    """The backup's tar.zst stream: `raw` itself, or read through its seal with `key`."""
    head = raw.read(len(sealing.MAGIC))
    raw.seek(0)
    if not sealing.is_sealed(head):
        return raw
    if key is None:
        raise BackupError(t("sealed.backup_no_key", path=path))
    try:
        header = sealing.read_header(raw)
        if header.get("purpose") != SEAL_PURPOSE:
            raise sealing.SealError("damaged", "not a backup")
        return io.BufferedReader(sealing.SealReader(raw, opening_key(key, header), header), sealing.CHUNK)
    except sealing.SealError as exc:
        if exc.code == "wrong_key":
            raise BackupError(t("sealed.backup_wrong_key", path=path)) from None
        raise BackupError(t("backup.damaged", path=path, error=exc)) from None


def read_backup(path: Path | str, target: Path | None = None, key=None) -> dict:
    """Read a backup through: every member hashed (and written under `target` if given), then
    checked against the manifest. Returns the manifest; BackupError if anything is off.
    A sealed backup needs `key`, the store's key it was made with."""
    import zstandard

    path = Path(path)
    seen: dict[str, dict[str, Any]] = {}
    manifest: dict | None = None
    try:
        with open(path, "rb") as raw:
            source = _unsealed(raw, path, key)
            dctx = zstandard.ZstdDecompressor()
            with dctx.stream_reader(source, closefd=False) as zin:
                with tarfile.open(fileobj=zin, mode="r|") as tar:
                    for member in tar:
                        if not member.isfile() or not _safe_name(member.name):
                            raise BackupError(t("backup.damaged", path=path, error=member.name))
                        src = tar.extractfile(member)
                        assert src is not None
                        if member.name == MANIFEST:
                            manifest = json.loads(src.read(16 << 20).decode("utf-8"))
                            continue
                        h = hashlib.sha256()
                        out = None
                        if target is not None:
                            dst = target / member.name
                            make_private_dir(dst.parent)
                            out = open_private(dst, "wb")
                        try:
                            while chunk := src.read(CHUNK):
                                h.update(chunk)
                                if out is not None:
                                    out.write(chunk)
                            if out is not None:
                                out.flush()
                                os.fsync(out.fileno())
                        finally:
                            if out is not None:
                                out.close()
                        seen[member.name] = {"sha256": h.hexdigest(), "size": member.size}
    except BackupError:
        raise
    except sealing.SealError as exc:  # a sealed chunk altered or cut off
        raise BackupError(t("backup.damaged", path=path, error=exc)) from exc
    except (OSError, EOFError, tarfile.TarError, zstandard.ZstdError, ValueError) as exc:
        # a truncated or altered file ends here: the zstd frame or the tar stream is cut
        raise BackupError(t("backup.damaged", path=path, error=f"{type(exc).__name__}: {exc}")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(t("backup.damaged", path=path, error=t("backup.no_manifest")))
    listed = manifest.get("files")
    if not isinstance(listed, dict) or DB_NAME not in listed:
        raise BackupError(t("backup.damaged", path=path, error=t("backup.no_manifest")))
    for name in set(listed) | set(seen):
        if listed.get(name) != seen.get(name):
            raise BackupError(t("backup.damaged", path=path, error=t("backup.hash_mismatch", file=name)))
    return manifest


def verify_backup(path: Path | str, key=None) -> dict:
    """Check a backup file without writing anything: hashes against its manifest."""
    return read_backup(path, key=key)


# --- keeping N days ----------------------------------------------------------------------------
def prune_backups(dest_dir: Path, keep_days: int, *, now: datetime | None = None) -> list[Path]:
    """Delete this program's backups in `dest_dir` older than `keep_days` days (by the time in
    their name); the newest one is always kept. Returns what was deleted."""
    now = now or datetime.now(UTC)
    found = []
    for p in Path(dest_dir).glob(f"yichuang-*{SUFFIX}"):
        if not _NAME_RE.match(p.name):
            continue
        stamp = p.name[len("yichuang-000000000-00-") : -len(SUFFIX)]
        try:
            when = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append((when, p))
    found.sort()
    gone = []
    for when, p in found[:-1]:
        if now - when > timedelta(days=keep_days):
            p.unlink(missing_ok=True)
            gone.append(p)
    return gone


def backup_dir(config) -> Path:
    """backup.dir, or <data dir>/backups when it is empty."""
    value = str(config.get("backup.dir") or "")
    return Path(value).expanduser() if value else config.data_dir / "backups"


def latest_backup(dest_dir: Path) -> Path | None:
    """The newest of this program's backups in ``dest_dir`` (by the time in its name)."""
    try:
        names = [p for p in Path(dest_dir).glob(f"yichuang-*{SUFFIX}") if _NAME_RE.match(p.name)]
    except OSError:
        return None
    return max(names, key=lambda p: p.name[len("yichuang-000000000-00-") :], default=None)


def last_backup_time(dest_dir: Path) -> datetime | None:
    best = None
    for p in Path(dest_dir).glob(f"yichuang-*{SUFFIX}"):
        if _NAME_RE.match(p.name):
            stamp = p.name[len("yichuang-000000000-00-") : -len(SUFFIX)]
            when = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            best = max(best or when, when)
    return best


def daily_backup(ws: Workstation, *, now: datetime | None = None) -> BackupResult | None:
    """The window's daily backup: one when the newest in backup.dir is a day old or more, then
    the ones older than backup.keep_days are deleted. None when nothing was due."""
    keep = int(ws.config.get("backup.keep_days") or 0)
    if keep <= 0:
        return None  # switched off
    now = now or datetime.now(UTC)
    dest = backup_dir(ws.config)
    last = last_backup_time(dest) if dest.exists() else None
    if last is not None and now - last < timedelta(days=1):
        return None
    result = make_backup(ws, dest, now=now)
    prune_backups(dest, keep, now=now)
    return result
