"""Backups and restore on real files: `yichuang backup DIR`, `yichuang restore FILE` (issue 9)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.services.backup import (
    BackupError,
    daily_backup,
    make_backup,
    prune_backups,
    read_backup,
    verify_backup,
)
from app.services.demo import fake_resident_id
from app.services.intake import ApplicantInput, IntakeService
from app.services.printing import PrintSpool
from app.services.restore import restore_backup
from app.services.workstation import open_workstation

ROOT = Path(__file__).resolve().parents[2]


def accept(ws, n: int, start: int = 0) -> list[str]:
    import random

    svc = IntakeService(ws)
    bundle = next(iter(ws.catalogue.bundles.values()))
    rng = random.Random(start)
    out = []
    for i in range(start, start + n):
        draft = svc.new_draft("bundle", bundle.code)
        draft.marks = [replace(m, status="received") for m in draft.marks]
        draft.applicant = ApplicantInput("person", fake_resident_id(rng), f"测试{i}", "", "")
        out.append(svc.accept(draft).case.number)
    return out


def rows(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def yc(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if check:
        assert r.returncode == 0, (r.stdout, r.stderr)
    return r


@pytest.fixture
def full_ws(ws):
    """A workstation with cases, a key, a scan, a calendar override and an imported catalogue."""
    accept(ws, 5)
    _ = ws.signer  # writes keys/workstation.key
    blobs = ws.config.data_dir / "blobs"
    blobs.mkdir()
    (blobs / ("ab" * 32)).write_bytes(b"scan bytes")
    cal = ws.config.data_dir / "calendar"
    cal.mkdir()
    (cal / "cn_workdays.json").write_bytes((ROOT / "forms/calendar/cn_workdays.json").read_bytes())
    return ws


def test_backup_holds_everything_and_is_verified(full_ws, tmp_path: Path):
    res = make_backup(full_ws, tmp_path / "out")
    assert res.path.name.startswith("yichuang-320724100-01-") and res.path.name.endswith(".tar.zst")
    assert res.cases == 5 and res.events == 10
    manifest = verify_backup(res.path)
    assert manifest["office"] == "320724100" and manifest["workstation"] == "01"
    assert manifest["public_key"] == full_ws.signer.public_key_b64()
    assert manifest["schema_version"] >= 2
    names = set(manifest["files"])
    assert {"yichuang.db", "config.toml", "keys/workstation.key", "calendar/cn_workdays.json"} <= names
    assert "blobs/" + "ab" * 32 in names
    # the files read back from the archive are the data dir's, byte for byte
    out = tmp_path / "x"
    read_backup(res.path, out)
    assert (out / "keys/workstation.key").read_bytes() == (
        full_ws.config.data_dir / "keys/workstation.key"
    ).read_bytes()
    assert rows(out / "yichuang.db", "PRAGMA integrity_check") == [("ok",)]
    assert rows(out / "yichuang.db", "select count(*) from case_record") == [(5,)]
    assert not list((tmp_path / "out").glob("*.part")) and not list((tmp_path / "out").glob(".yichuang-*"))


def test_restore_gives_back_the_copy_and_keeps_the_current_data_aside(full_ws, tmp_path: Path):
    data = full_ws.config.data_dir
    res = make_backup(full_ws, tmp_path / "out")
    before = set(rows(full_ws.config.db_path, "select number, uid, state from case_record"))
    events = set(rows(full_ws.config.db_path, "select event_id, kind from case_event"))
    after_backup = accept(full_ws, 3, start=100)  # made after the copy: only in the replaced store
    full_ws.close()

    done = restore_backup(full_ws, res.path, use_hub=False)
    assert done.aside is not None and done.aside.parent == data
    assert set(rows(done.aside / "yichuang.db", "select number from case_record")) >= {
        (n,) for n in after_backup
    }
    assert set(rows(data / "yichuang.db", "select number, uid, state from case_record")) == before
    assert set(rows(data / "yichuang.db", "select event_id, kind from case_event")) == events
    assert (data / "blobs" / ("ab" * 32)).read_bytes() == b"scan bytes"
    # the numbers handed out after the copy are not handed out again
    new = accept(full_ws, 2, start=200)
    assert not set(new) & set(after_backup)


def test_a_truncated_backup_is_refused_and_nothing_changes(full_ws, tmp_path: Path):
    res = make_backup(full_ws, tmp_path / "out")
    size = res.path.stat().st_size
    with open(res.path, "r+b") as fh:
        fh.truncate(size // 2)
    db = full_ws.config.db_path
    full_ws.close()
    before = digest(db)
    listing = sorted(p.name for p in db.parent.iterdir())
    with pytest.raises(BackupError, match="损坏或不完整"):
        restore_backup(full_ws, res.path, use_hub=False)
    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == listing  # no replaced-*, no staging left


def test_a_backup_with_an_altered_file_is_refused(full_ws, tmp_path: Path):
    res = make_backup(full_ws, tmp_path / "out")
    out = tmp_path / "x"
    manifest = read_backup(res.path, out)
    manifest["files"]["config.toml"]["sha256"] = "0" * 64  # a manifest that lies about a file
    import io
    import tarfile

    import zstandard

    bad = tmp_path / "bad.tar.zst"
    with open(bad, "wb") as raw, zstandard.ZstdCompressor().stream_writer(raw) as z:
        with tarfile.open(fileobj=z, mode="w|") as tar:
            for name in manifest["files"]:
                tar.add(out / name, arcname=name)
            body = json.dumps(manifest).encode()
            ti = tarfile.TarInfo("manifest.json")
            ti.size = len(body)
            tar.addfile(ti, io.BytesIO(body))
    with pytest.raises(BackupError, match="config.toml"):
        verify_backup(bad)


def test_another_workstations_copy_is_refused_unless_forced(full_ws, tmp_path: Path):
    other = open_workstation(tmp_path / "other")
    other.config.set("workstation.id", "02")
    other.config.save()
    other = open_workstation(tmp_path / "other")
    accept(other, 2)
    _ = other.signer
    theirs = make_backup(other, tmp_path / "out").path
    other.close()
    db = full_ws.config.db_path
    full_ws.close()
    before = digest(db)
    with pytest.raises(BackupError, match="另一台工作站") as exc:
        restore_backup(full_ws, theirs, use_hub=False)
    assert "02" in str(exc.value)
    assert digest(db) == before
    done = restore_backup(full_ws, theirs, use_hub=False, force_other_workstation=True)
    assert done.aside is not None
    assert full_ws.workstation_id == "02"  # the copy's settings came with it


def test_a_copy_from_a_newer_version_is_refused(full_ws, tmp_path: Path):
    from app.store.db import SCHEMA_VERSION

    con = sqlite3.connect(full_ws.config.db_path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    res = make_backup(full_ws, tmp_path / "out")
    con = sqlite3.connect(full_ws.config.db_path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    con.commit()
    con.close()
    full_ws.close()
    with pytest.raises(BackupError, match="较新版本"):
        restore_backup(full_ws, res.path, use_hub=False)


def test_restore_onto_a_new_pc_takes_numbers_from_the_printed_documents(full_ws, tmp_path: Path):
    """The disk died: a new data dir, the copy, and the prints/ folder of the dir:// printer
    (e.g. on a network share) still holding receipts printed after the copy."""
    res = make_backup(full_ws, tmp_path / "out")
    later = accept(full_ws, 4, start=50)
    PrintSpool(full_ws).drain()
    prints = full_ws.config.prints_dir
    assert len(list(prints.iterdir())) >= 9
    full_ws.close()

    new = open_workstation(tmp_path / "newpc", clock=full_ws._clock)
    new.config.prints_dir.mkdir(parents=True)
    for p in prints.iterdir():  # the shared folder
        (new.config.prints_dir / p.name).write_bytes(p.read_bytes())
    done = restore_backup(new, res.path, use_hub=False)
    assert done.aside is None or not (done.aside / "yichuang.db").exists()
    assert "prints" in done.sources and done.counters_raised >= 1
    assert not set(accept(new, 3, start=300)) & set(later)
    new.close()


def test_restore_refuses_while_the_window_holds_the_store(full_ws, tmp_path: Path):
    res = make_backup(full_ws, tmp_path / "out")
    holder = sqlite3.connect(full_ws.config.db_path)
    holder.execute("BEGIN")
    holder.execute("select count(*) from case_record").fetchone()  # a reader, like the window
    try:
        with pytest.raises(BackupError, match="正在使用"):
            restore_backup(full_ws, res.path, use_hub=False)
    finally:
        holder.close()


def test_daily_backup_once_a_day_and_keep_days(full_ws, tmp_path: Path):
    full_ws.config.set("backup.dir", str(tmp_path / "daily"))
    full_ws.config.set("backup.keep_days", "3")
    t0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    made = []
    for hours in range(0, 24 * 8, 6):  # the window looks every few hours for 8 days
        r = daily_backup(full_ws, now=t0 + timedelta(hours=hours))
        if r is not None:
            made.append(r.path)
    assert len(made) == 8  # one per day
    left = sorted((tmp_path / "daily").glob("*.tar.zst"))
    assert [p.name for p in left] == [p.name for p in made[-4:]]  # today and 3 days back
    full_ws.config.set("backup.keep_days", "0")
    assert daily_backup(full_ws, now=t0 + timedelta(days=30)) is None


def test_prune_keeps_the_newest_even_when_old(tmp_path: Path):
    old = tmp_path / "yichuang-320724100-01-20200101T000000Z.tar.zst"
    old.write_bytes(b"x")
    assert prune_backups(tmp_path, 3) == []
    assert old.exists()


def test_cli_backup_and_restore(tmp_path: Path):
    data = tmp_path / "data"
    yc(data, "demo", "seed", "--cases", "30")
    r = yc(data, "backup", str(tmp_path / "out"))
    assert "已备份" in r.stdout and "已校验" in r.stdout
    (file,) = (tmp_path / "out").glob("*.tar.zst")
    r = yc(data, "restore", str(file), "--offline")
    assert "已恢复" in r.stdout and "replaced-" in r.stdout
    assert rows(data / "yichuang.db", "select count(*) from case_record") == [(30,)]
    file.write_bytes(file.read_bytes()[:1000])
    r = yc(data, "restore", str(file), check=False)
    assert r.returncode == 1 and "损坏" in r.stderr
    r = yc(data, "backup", str(file / "sub"), check=False)  # a folder under a file: cannot be made
    assert r.returncode == 1 and "无法写入备份目录" in r.stderr
