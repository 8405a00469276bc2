"""Issue 18 (losing work): every process that has the store open holds its lock for as long as it
runs, so `yichuang restore`, `db encrypt` and a schema upgrade refuse while a window is open, even
an idle one (SQLite's own locks only show a window inside a transaction), naming what holds it.

Real parts: the window started in a pty, the CLI as child processes, a real older store."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic import command

from app.config import load_config
from app.services.workstation import open_workstation
from app.store.cipher import is_encrypted
from app.store.db import SCHEMA_VERSION
from tests.privacy.common import ROOT, accept_case, run
from tests.ptys import PtyProgram
from tests.services.test_backup_upgrade import add_cases, alembic_config, older_heads

PASS = "柜台口令-2026"


def numbers(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [n for (n,) in con.execute("select number from case_record order by number")]
    finally:
        con.close()


def start_window(data: Path) -> PtyProgram:
    env = {k: v for k, v in os.environ.items() if k not in ("YICHUANG_DB_PASSPHRASE", "YICHUANG_DATA_DIR")}
    env |= {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    term = PtyProgram([sys.executable, "-m", "app", "--data-dir", str(data)], env, rows=40, cols=120)
    term.expect("找事项")  # the window is up, and left alone: idle
    return term


def a_data_dir_with_a_backup(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    data = tmp_path / "data"
    ws = open_workstation(data)
    accept_case(ws)
    ws.close()
    r = run(data, "backup", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    (file,) = (tmp_path / "out").glob("*.tar.zst")
    ws = open_workstation(data)
    accept_case(ws)  # a case made after the copy: a restore now would move it away
    ws.close()
    return data, file, numbers(data / "yichuang.db")


def test_restore_and_db_encrypt_are_refused_while_an_idle_window_is_open(tmp_path: Path) -> None:
    data, file, cases = a_data_dir_with_a_backup(tmp_path)
    assert len(cases) == 2
    term = start_window(data)
    try:
        r = run(data, "restore", str(file), "--offline")
        assert r.returncode == 1, r.stdout + r.stderr
        assert "窗口" in r.stderr and f"进程 {term.proc.pid}" in r.stderr and "关闭" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
        assert not list(data.glob("replaced-*"))  # nothing moved
        assert numbers(data / "yichuang.db") == cases

        r = run(data, "db", "encrypt", env={"YICHUANG_DB_PASSPHRASE": PASS})
        assert r.returncode == 1, r.stdout + r.stderr
        assert "窗口" in r.stderr and f"进程 {term.proc.pid}" in r.stderr, r.stderr
        assert not is_encrypted(data / "yichuang.db")
        assert not list((data / "backups").glob("yichuang-before-encrypt-*"))
        assert not load_config(data).get("store.encrypted")
        assert numbers(data / "yichuang.db") == cases
    finally:
        term.stop()
    assert term.proc.returncode == 0, term.text()[-800:]

    # the window closed: the same restore goes through
    r = run(data, "restore", str(file), "--offline")
    assert r.returncode == 0, r.stderr
    assert len(list(data.glob("replaced-*"))) == 1
    assert numbers(data / "yichuang.db") == cases[:1]


HOLD = """
import sys, time
from pathlib import Path
from app.store.lock import set_role, share
set_role(sys.argv[2])
share(Path(sys.argv[1]))
print("holding", flush=True)
time.sleep(600)
"""


def test_an_upgrade_waits_for_the_program_that_has_the_store_open(tmp_path: Path) -> None:
    """An older store and a process that has it open (an older build's window still running):
    the newer program does not migrate under it; it says who holds the store and exits 1."""
    data = tmp_path / "data"
    db = data / "yichuang.db"
    data.mkdir()
    command.upgrade(alembic_config(db), older_heads()[0])
    old_version = sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0]
    assert old_version < SCHEMA_VERSION
    made = add_cases(db, 3)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), "yichuang"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        r = run(data, "case", "list")
        assert r.returncode == 1, r.stdout + r.stderr
        assert f"进程 {holder.pid}" in r.stderr and "升级" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
        assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == old_version
        assert not (data / "backups").exists()  # not even the pre-upgrade copy
    finally:
        holder.kill()
        holder.wait()
    r = run(data, "case", "list")  # the holder is gone: the upgrade runs
    assert r.returncode == 0, r.stderr
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert numbers(db) == made


def test_two_windows_and_a_command_share_the_store(tmp_path: Path) -> None:
    """The lock is shared among those who only use the store: windows and commands run side by side."""
    data, _file, cases = a_data_dir_with_a_backup(tmp_path)
    first = start_window(data)
    try:
        second = start_window(data)
        try:
            r = run(data, "case", "list", "--json")
            assert r.returncode == 0, r.stderr
            assert all(n in r.stdout for n in cases)
        finally:
            second.stop()
    finally:
        first.stop()
