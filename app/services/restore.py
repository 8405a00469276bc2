"""Restoring a backup (see docs/backup.md; making one is app.services.backup).

Restore checks everything before it replaces anything, keeps the current files aside in
``replaced-<time>/``, and raises the case-number counters to the highest number handed out
that anyone knows of — the hub, the store it replaces, the printed documents, the copy — so
a number is never issued twice.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from app.config import load_config
from app.domain.numbering import parse_case_number
from app.messages import t
from app.private_files import make_private_dir
from app.services.backup import (
    DB_NAME,
    PARTS,
    BackupError,
    RestoreResult,
    fsync_dir,
    inspect_database,
    is_sealed_backup,
    open_db,
    public_key_of,
    read_backup,
    utc_stamp,
)
from app.services.encryption import ENV_PASSPHRASE, resolve_key, terminal_prompt
from app.services.sealed_files import open_with_store_key
from app.services.sync import outbox
from app.services.sync.hub_client import client_for
from app.services.workstation import Workstation
from app.store.cipher import Error as DbError
from app.store.cipher import OperationalError as DbOperationalError
from app.store.cipher import is_encrypted
from app.store.db import SCHEMA_VERSION, StoreError, is_damaged
from app.store.lock import StoreBusy, exclusive
from app.store.models import NumberCounter
from app.store.sync_models import SyncAttachment
from sync import sealing
from sync.transport import SyncError

_NUMBER_RE = re.compile(rb"([0-9]{9})-([0-9A-Z]{2})-([0-9]{6})-([0-9]{4})-([0-9A-Z])")
RESTORED_KEY = "restored_from"  # sync_state: the copy this store came from
RECONCILE_KEY = "reconcile_numbers"  # sync_state: "pending" until the hub's numbers were taken


# --- restore -----------------------------------------------------------------------------------
def _has_data(data_dir: Path, key=None) -> bool:
    """Whether the data dir holds a workstation's own data (cases, or a key) to protect."""
    if (data_dir / "keys" / "workstation.key").exists():
        return True
    db = data_dir / DB_NAME
    if not db.exists():
        return False
    try:
        con = open_db(db, key, ro=True, timeout=10)
        try:
            return con.execute("select exists(select 1 from case_record)").fetchone()[0] == 1
        finally:
            con.close()
    except (*DbError, BackupError):
        return True  # damaged or not ours, but there: the identity check still applies


def check_identity(ws: Workstation, manifest: dict, key=None) -> list[str]:
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
        con = open_db(db, key, ro=True, timeout=10)
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


def numbers_at_hub(ws: Workstation, client=None, timeout: float = 15.0) -> dict[date, int] | None:
    """Highest sequence per day the hub knows for this workstation, None when it does not answer."""
    if not ws.config.get("hub.url") or not ws.config.get("hub.token"):
        return None
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


def reconcile_with_hub(ws: Workstation, client=None) -> bool:
    """After a restore made without the hub: take the hub's numbers once it answers. True when
    done (or nothing was pending). Called by the sync cycle with its client."""
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
        con = open_db(db, key, timeout=2)
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
    except DbError as exc:
        # a damaged store (issue 18): the exclusive lock was ours, so no one is using it;
        # restoring is the cure the damaged-store message gives
        if is_damaged(exc):
            return False
        raise
    finally:
        con.close()


def restore_backup(
    ws: Workstation,
    file: Path | str,
    *,
    force_other_workstation: bool = False,
    use_hub: bool = True,
    now: datetime | None = None,
) -> RestoreResult:
    """Replace this workstation's data with a backup; see the module doc for the checks."""
    file = Path(file).expanduser().resolve()
    data_dir: Path = ws.config.data_dir
    now = now or datetime.now(UTC)
    if not file.is_file():
        raise BackupError(t("backup.no_file", path=file))
    if "store" in ws.__dict__:
        ws.store.close()
        del ws.__dict__["store"]
    make_private_dir(data_dir)
    # nobody else may have the store open, not even an idle window (issue 18): the store's
    # lock, held by every process that uses it, taken alone until the restore is done
    try:
        with exclusive(ws.config.db_path, "restore", t("store_lock.what_restore")):
            return _restore(ws, file, data_dir, now, force_other_workstation, use_hub)
    except StoreBusy as exc:
        raise BackupError(str(exc)) from None


def _restore(
    ws: Workstation, file: Path, data_dir: Path, now: datetime, force_other_workstation: bool, use_hub: bool
) -> RestoreResult:
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
        kept = _keep_newer_keys(aside, data_dir)
        fsync_dir(data_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # the settings may have come with the copy: read them again (identity, hub)
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
        keys_kept=kept,
    )


def _keep_newer_keys(aside: Path | None, data_dir: Path) -> list[str]:
    """The keys the copy does not hold stay as they are (issue 18): a copy taken before the
    workstation's key existed must not take away the key the hub's admin has bound since (the
    hub would refuse every bundle and receipt signed with a new one). A key the copy does hold
    is the copy's: a different one was refused by check_identity unless forced. Copied, not
    moved: the replaced data stays whole."""
    if aside is None or not (aside / "keys").is_dir():
        return []
    target = make_private_dir(data_dir / "keys")
    kept = []
    for src in sorted((aside / "keys").iterdir()):
        dst = target / src.name
        if src.is_file() and not dst.exists():
            shutil.copy2(src, dst)
            os.chmod(dst, 0o600)
            kept.append(src.name)
    if kept:
        fsync_dir(target)
    return kept


def _restore_key(ws: Workstation, *stores: Path, sealed: bool = False):
    """The key for the stores a restore reads, when one of them is encrypted or the backup is
    sealed (this workstation's key: a copy of an encrypted store opens only with the key it
    was made with)."""
    if not sealed and not any(is_encrypted(p) for p in stores):
        return None
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
    aside = data_dir / f"replaced-{utc_stamp(now)}"
    n = 1
    while aside.exists():
        n += 1
        aside = data_dir / f"replaced-{utc_stamp(now)}-{n}"
    aside.mkdir(mode=0o700)
    for name in present:
        os.replace(data_dir / name, aside / name)
    fsync_dir(data_dir)
    return aside


def _fix_attachment_paths(store, data_dir: Path) -> None:
    """Scans are kept by absolute path: point them at this data dir (a new PC may differ)."""
    with store.write() as s:
        for row in s.execute(select(SyncAttachment)).scalars():
            path = data_dir / "blobs" / row.sha256
            if str(path) != row.path and path.exists():
                row.path = str(path)
                s.add(row)
