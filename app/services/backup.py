"""Backups and restore of a workstation's data dir (see docs/backup.md).

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
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.messages import t
from app.private_files import make_private_dir, open_private
from app.services.sealed_files import open_with_store_key, opening_key, store_writer
from app.store.cipher import DatabaseError as DbDatabaseError
from app.store.cipher import Error as DbError
from app.store.cipher import OperationalError as DbOperationalError
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
_NUMBER_RE = re.compile(rb"([0-9]{9})-([0-9A-Z]{2})-([0-9]{6})-([0-9]{4})-([0-9A-Z])")
RESTORED_KEY = "restored_from"  # sync_state: the copy this store came from
RECONCILE_KEY = "reconcile_numbers"  # sync_state: "pending" until the hub's numbers were taken


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


# --- small helpers -----------------------------------------------------------------------------
def _utc_stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
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


def _open(path: Path, key, *, ro: bool = False, **kw):
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
    source = _open(src, key, ro=True, timeout=30)
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
        con = _open(path, key, ro=True)
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
    return f"yichuang-{office}-{wsid}-{_utc_stamp(now)}{SUFFIX}"


def make_backup(
    ws, dest_dir: Path | str, *, now: datetime | None = None, progress: Callable[[str], Any] | None = None
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
        _fsync_dir(dest)
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


def last_backup_time(dest_dir: Path) -> datetime | None:
    best = None
    for p in Path(dest_dir).glob(f"yichuang-*{SUFFIX}"):
        if _NAME_RE.match(p.name):
            stamp = p.name[len("yichuang-000000000-00-") : -len(SUFFIX)]
            when = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            best = max(best or when, when)
    return best


def daily_backup(ws, *, now: datetime | None = None) -> BackupResult | None:
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


# --- restore -----------------------------------------------------------------------------------
def _has_data(data_dir: Path, key=None) -> bool:
    """Whether the data dir holds a workstation's own data (cases, or a key) to protect."""
    if (data_dir / "keys" / "workstation.key").exists():
        return True
    db = data_dir / DB_NAME
    if not db.exists():
        return False
    try:
        con = _open(db, key, ro=True, timeout=10)
        try:
            return con.execute("select exists(select 1 from case_record)").fetchone()[0] == 1
        finally:
            con.close()
    except (*DbError, BackupError):
        return True  # damaged or not ours, but there: the identity check still applies


def check_identity(ws, manifest: dict, key=None) -> list[str]:
    """What differs between this workstation and the copy's (empty when it is the same one).
    A data dir with no cases and no key yet (a new PC) takes the copy's identity."""
    data_dir = ws.config.data_dir
    if not _has_data(data_dir, key):
        return []
    diffs = []
    if manifest.get("office") != ws.office_code:
        diffs.append(t("backup.diff_office", mine=ws.office_code, theirs=manifest.get("office")))
    if manifest.get("workstation") != ws.workstation_id:
        diffs.append(t("backup.diff_ws", mine=ws.workstation_id, theirs=manifest.get("workstation")))
    mine = public_key_of(data_dir)
    if mine and manifest.get("public_key") and manifest.get("public_key") != mine:
        diffs.append(t("backup.diff_key"))
    return diffs


def _counters_of(db: Path, office: str, wsid: str, key=None) -> dict[date, int]:
    """Last sequence per day from a store's number_counter and its case numbers; {} if unreadable."""
    out: dict[date, int] = {}
    if not db.exists():
        return out
    try:
        con = _open(db, key, ro=True, timeout=10)
    except (*DbError, BackupError):
        return out
    try:
        for day, seq in con.execute(
            "select day, last_seq from number_counter where office_code=? and workstation_id=?",
            (office, wsid),
        ):
            d = date.fromisoformat(str(day)[:10])
            out[d] = max(out.get(d, 0), int(seq))
        # the numbers themselves too (office-ws-YYMMDD-seq-check), summed up by SQL per day
        prefix = f"{office}-{wsid}-"
        for day, seq in con.execute(
            "select substr(number, ?, 6), max(cast(substr(number, ?, 4) as integer)) from case_record"
            " where number >= ? and number < ? group by 1",
            (len(prefix) + 1, len(prefix) + 8, prefix, prefix + "~"),
        ):
            d = datetime.strptime(day, "%y%m%d").date()
            out[d] = max(out.get(d, 0), int(seq))
    except (*DbError, ValueError):
        pass  # a damaged store tells what it can; the other sources still count
    finally:
        con.close()
    return out


def _note_number(out: dict[date, int], text: bytes, office: str, wsid: str) -> None:
    from app.domain.numbering import parse_case_number

    for m in _NUMBER_RE.finditer(text):
        if m.group(1).decode() != office or m.group(2).decode() != wsid:
            continue
        try:
            n = parse_case_number(m.group(0).decode())
        except ValueError:
            continue  # not a valid number (check character): not ours
        out[n.day] = max(out.get(n.day, 0), n.seq)


def numbers_in_prints(prints_dir: Path, office: str, wsid: str, key=None) -> dict[date, int]:
    """Highest sequence per day printed on this workstation's documents in prints/ (the default
    dir:// printer keeps every job): numbers handed out even if the store lost them. Jobs an
    encrypted store sealed are read with its `key` (skipped without it)."""
    out: dict[date, int] = {}
    if not prints_dir.is_dir():
        return out
    for path in prints_dir.iterdir():
        if path.is_file():
            try:
                data = path.read_bytes()
                if sealing.is_sealed(data):
                    if key is None:
                        continue
                    data = open_with_store_key(key, data)
                _note_number(out, data, office, wsid)
            except (OSError, sealing.SealError):
                continue
    return out


def numbers_at_hub(ws, client=None, timeout: float = 15.0) -> dict[date, int] | None:
    """Highest sequence per day the hub knows for this workstation, None when it does not answer."""
    if not ws.config.get("hub.url") or not ws.config.get("hub.token"):
        return None
    from app.services.sync.cycle import client_for
    from sync.transport import SyncError

    own = client is None
    try:
        if own:
            client = client_for(ws)
            client.deadline = timeout
        doc = client.last_numbers()
    except SyncError:
        return None
    finally:
        if own and client is not None:
            client.close()
    if doc.get("office") != ws.office_code or doc.get("ws") != ws.workstation_id:
        return None
    out: dict[date, int] = {}
    for day, seq in doc["days"].items():
        try:
            d = datetime.strptime(day, "%y%m%d").date()
        except (TypeError, ValueError):
            continue
        if isinstance(seq, int) and not isinstance(seq, bool) and 0 < seq <= 9999:
            out[d] = seq
    return out


def raise_counters(store, office: str, wsid: str, found: dict[date, int]) -> int:
    """Counters up to at least the numbers found (never down); returns how many were raised."""
    from sqlalchemy import select

    from app.store.models import NumberCounter

    raised = 0
    with store.write() as s:
        for day, seq in sorted(found.items()):
            row = s.execute(
                select(NumberCounter).where(
                    NumberCounter.office_code == office,
                    NumberCounter.workstation_id == wsid,
                    NumberCounter.day == day,
                )
            ).scalar_one_or_none()
            if row is None:
                s.add(NumberCounter(office_code=office, workstation_id=wsid, day=day, last_seq=seq))
                raised += 1
            elif row.last_seq < seq:
                row.last_seq = seq
                s.add(row)
                raised += 1
    return raised


def reconcile_with_hub(ws, client=None) -> bool:
    """After a restore made without the hub: take the hub's numbers once it answers. True when
    done (or nothing was pending). Called by the sync cycle with its client."""
    from app.services.sync import outbox

    if outbox.read_state(ws.store, RECONCILE_KEY) != "pending":
        return True
    found = numbers_at_hub(ws, client)
    if found is None:
        return False
    raise_counters(ws.store, ws.office_code, ws.workstation_id, found)
    outbox.write_state(ws.store, **{RECONCILE_KEY: "done"})
    return True


def _store_in_use(db: Path, key=None) -> bool:
    """Whether another process holds the store (the window): it must be closed for a restore."""
    if not db.exists():
        return False
    try:
        con = _open(db, key, timeout=2)
    except BackupError:  # not openable with this key: nobody can be using it through us
        return False
    except DbOperationalError:
        return True
    try:
        con.isolation_level = None
        con.execute("BEGIN EXCLUSIVE")
        con.execute("ROLLBACK")
        # a reader keeps the WAL from being reset; a truncating checkpoint tells us
        busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        return bool(busy)
    except DbOperationalError:
        return True
    finally:
        con.close()


def restore_backup(
    ws,
    file: Path | str,
    *,
    force_other_workstation: bool = False,
    use_hub: bool = True,
    now: datetime | None = None,
) -> RestoreResult:
    """Replace this workstation's data with a backup; see the module doc for the checks."""
    from app.store.db import SCHEMA_VERSION

    file = Path(file).expanduser().resolve()
    data_dir: Path = ws.config.data_dir
    now = now or datetime.now(UTC)
    if not file.is_file():
        raise BackupError(t("backup.no_file", path=file))
    if "store" in ws.__dict__:
        ws.store.close()
        del ws.__dict__["store"]
    make_private_dir(data_dir)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        sealed = is_sealed_backup(file)
        # a sealed copy is opened with the store's key before anything else is read
        key = _restore_key(ws, data_dir / DB_NAME, sealed=sealed) if sealed else None
        manifest = read_backup(file, staging, key)
        key = key or _restore_key(ws, staging / DB_NAME, data_dir / DB_NAME)
        info = inspect_database(staging / DB_NAME, key)
        if info["schema_version"] > SCHEMA_VERSION:
            raise BackupError(t("backup.newer_schema", version=info["schema_version"], known=SCHEMA_VERSION))
        diffs = check_identity(ws, manifest, key)
        if diffs and not force_other_workstation:
            raise BackupError(t("backup.other_workstation", diffs="; ".join(diffs)))
        db = ws.config.db_path
        if _store_in_use(db, key):
            raise BackupError(t("backup.in_use", path=db))
        office, wsid = str(manifest["office"]), str(manifest["workstation"])
        # every number anyone knows was handed out: the store being replaced, the printed
        # documents, the copy itself (the hub's come after, on the restored store)
        found: dict[date, int] = {}
        sources = []
        for name, numbers in (
            ("store", _counters_of(db, office, wsid, key)),
            ("prints", numbers_in_prints(ws.config.prints_dir, office, wsid, key)),
            ("backup", _counters_of(staging / DB_NAME, office, wsid, key)),
        ):
            if numbers:
                sources.append(name)
            for d, seq in numbers.items():
                found[d] = max(found.get(d, 0), seq)
        aside = _move_aside(data_dir, now)
        for item in sorted(staging.iterdir()):
            os.replace(item, data_dir / item.name)
        _fsync_dir(data_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # the settings may have come with the copy: read them again (identity, hub)
    from app.config import load_config

    ws.config = load_config(data_dir)
    ws.__dict__.pop("db_key", None)  # the restored store's key is the one it was checked with
    if key is not None and is_encrypted(data_dir / DB_NAME):
        ws.__dict__["db_key"] = key
    store = ws.store  # opens (and migrates, after its own pre-upgrade copy) the restored store
    _fix_attachment_paths(store, data_dir)
    raised = raise_counters(store, office, wsid, found)
    hub = numbers_at_hub(ws) if use_hub else None
    if hub is not None:
        raised += raise_counters(store, office, wsid, hub)
        sources.append("hub")
    from app.services.sync import outbox

    # Events the copy holds as unsent may be at the hub already: they are sent again, the hub
    # answers "dup" for a known id with the same content, and the outbox counts that as acked.
    outbox.write_state(
        store,
        **{
            RESTORED_KEY: f"{file.name} @ {now.astimezone(UTC).isoformat(timespec='seconds')}",
            RECONCILE_KEY: "done" if hub is not None else "pending",
        },
    )
    return RestoreResult(
        manifest=manifest,
        aside=aside,
        counters_raised=raised,
        hub_answered=hub is not None,
        hub_configured=bool(ws.config.get("hub.url") and ws.config.get("hub.token")),
        sources=sources,
    )


def _restore_key(ws, *stores: Path, sealed: bool = False):
    """The key for the stores a restore reads, when one of them is encrypted or the backup is
    sealed (this workstation's key: a copy of an encrypted store opens only with the key it
    was made with)."""
    if not sealed and not any(is_encrypted(p) for p in stores):
        return None
    from app.services.encryption import ENV_PASSPHRASE, resolve_key, terminal_prompt
    from app.store.db import StoreError

    try:
        return ws.db_key or resolve_key(ws.config, ws.passphrase_prompt or terminal_prompt(), force=True)
    except StoreError as exc:
        if sealed:
            raise BackupError(t("sealed.backup_need_key", env=ENV_PASSPHRASE)) from None
        raise BackupError(str(exc)) from None


def _move_aside(data_dir: Path, now: datetime) -> Path | None:
    """Move the current store and files into replaced-<time>/ (nothing is deleted)."""
    names = [DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm"] + [n for n, _ in PARTS]
    present = [n for n in names if (data_dir / n).exists()]
    if not present:
        return None
    aside = data_dir / f"replaced-{_utc_stamp(now)}"
    n = 1
    while aside.exists():
        n += 1
        aside = data_dir / f"replaced-{_utc_stamp(now)}-{n}"
    aside.mkdir(mode=0o700)
    for name in present:
        os.replace(data_dir / name, aside / name)
    _fsync_dir(data_dir)
    return aside


def _fix_attachment_paths(store, data_dir: Path) -> None:
    """Scans are kept by absolute path: point them at this data dir (a new PC may differ)."""
    from sqlalchemy import select

    from app.store.sync_models import SyncAttachment

    with store.write() as s:
        for row in s.execute(select(SyncAttachment)).scalars():
            path = data_dir / "blobs" / row.sha256
            if str(path) != row.path and path.exists():
                row.path = str(path)
                s.add(row)
