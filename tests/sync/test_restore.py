"""Backup while another process accepts cases, restore, sync with a real hub (issue 9).

After a restore nothing is duplicated at the hub (the copy's unsent events that the hub
already has are answered `dup` and counted as acknowledged), every case and event of the copy
is there, and no case number is ever issued again — the counters come from the hub, and when
the restore was made without it, from the hub at the next sync.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.services.backup import read_backup
from tests.hubs import OFFICE, ROOT, WSID, make_workstation, ycli


def table(db: Path, sql: str) -> set[tuple]:
    con = sqlite3.connect(db)
    try:
        return set(con.execute(sql).fetchall())
    finally:
        con.close()


class AcceptLoop:
    """tests/fault/accept_loop.py in a child process: accepts cases until stopped; each number is
    printed after its transaction committed."""

    def __init__(self, data: Path) -> None:
        self.out: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fault.accept_loop", str(data)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            if line.strip():
                self.out.append(line.strip())

    def wait_for(self, n: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while len(self.out) < n:
            assert self.proc.poll() is None, "the accept loop ended"
            assert time.monotonic() < deadline, f"only {len(self.out)} cases in {timeout} s"
            time.sleep(0.05)

    def stop(self) -> set[str]:
        os.kill(self.proc.pid, signal.SIGKILL)  # whatever it printed is committed
        self.proc.wait()
        self.reader.join(timeout=10)
        return set(self.out)


def hub_numbers(hub) -> set[str]:
    st = hub.store()
    try:
        from sqlalchemy import select

        from sync.hub.store import case_t

        with st.ro() as c:
            return set(c.execute(select(case_t.c.number)).scalars())
    finally:
        st.close()


def hub_counts(hub) -> dict:
    st = hub.store()
    try:
        return st.counts()
    finally:
        st.close()


def accept_more(data: Path, n: int) -> list[str]:
    loop = AcceptLoop(data)
    loop.wait_for(n)
    return sorted(loop.stop())


@pytest.mark.slow
def test_backup_while_accepting_then_restore_without_duplicates_or_reused_numbers(tmp_path: Path, sqlite_hub):
    token = sqlite_hub.token("workstation", OFFICE, WSID)
    data = tmp_path / "ws"
    make_workstation(data, sqlite_hub.url, token).close()

    # some cases reach the hub before the copy (a sync beside a running loop might never end:
    # the loop writes faster than a loaded machine pushes)
    issued = set(accept_more(data, 15))
    ycli("--data-dir", str(data), "sync", "--once", "--quiet")
    loop = AcceptLoop(data)
    loop.wait_for(10)
    r = ycli("--data-dir", str(data), "backup", str(tmp_path / "backups"))  # the loop keeps writing
    assert "已校验" in r.stdout
    loop.wait_for(len(loop.out) + 15)  # cases made after the copy
    issued |= loop.stop()
    ycli("--data-dir", str(data), "sync", "--once", "--quiet")  # everything at the hub
    assert hub_numbers(sqlite_hub) == issued
    before = hub_counts(sqlite_hub)
    assert before["cases"] == len(issued) and before["events"] == 2 * len(issued)

    (file,) = (tmp_path / "backups").glob("*.tar.zst")
    copy = tmp_path / "copy"
    manifest = read_backup(file, copy)
    copy_cases = table(copy / "yichuang.db", "select number, uid, state from case_record")
    copy_events = table(
        copy / "yichuang.db", "select event_id, case_number, kind, payload_json from case_event"
    )
    assert manifest["unsent"] > 0, "the copy should hold events the hub received only later"
    assert 0 < len(copy_cases) < len(issued)

    # the disk died: a new PC, the copy, and the hub
    pc = tmp_path / "newpc"
    r = ycli("--data-dir", str(pc), "restore", str(file))
    assert "平台" in r.stdout, r.stdout
    db = pc / "yichuang.db"
    assert table(db, "select number, uid, state from case_record") == copy_cases
    assert table(db, "select event_id, case_number, kind, payload_json from case_event") == copy_events

    # the next sync sends the copy's unsent events again: the hub has them, nothing doubles
    ycli("--data-dir", str(pc), "sync", "--once", "--quiet")
    assert hub_counts(sqlite_hub)["events"] == before["events"]
    assert hub_counts(sqlite_hub)["cases"] == before["cases"]
    assert table(db, "select count(*) from case_event where synced_at is null") == {(0,)}

    # new cases get numbers never issued before, and the hub takes them as new cases
    new = accept_more(pc, 5)
    assert not set(new) & issued
    ycli("--data-dir", str(pc), "sync", "--once", "--quiet")  # exit 0: nothing refused or left
    assert hub_numbers(sqlite_hub) == issued | set(new)
    assert hub_counts(sqlite_hub)["events"] == before["events"] + 2 * len(new)


@pytest.mark.slow
def test_restore_without_the_hub_takes_its_numbers_at_the_next_sync(tmp_path: Path, sqlite_hub):
    token = sqlite_hub.token("workstation", OFFICE, WSID)
    data = tmp_path / "ws"
    make_workstation(data, sqlite_hub.url, token).close()
    loop = AcceptLoop(data)
    loop.wait_for(5)
    ycli("--data-dir", str(data), "backup", str(tmp_path / "backups"))
    loop.wait_for(len(loop.out) + 10)
    issued = loop.stop()
    ycli("--data-dir", str(data), "sync", "--once", "--quiet")
    (file,) = (tmp_path / "backups").glob("*.tar.zst")

    pc = tmp_path / "newpc"
    r = ycli("--data-dir", str(pc), "restore", str(file), "--offline")
    assert "下次同步" in r.stdout, r.stdout
    ycli("--data-dir", str(pc), "sync", "--once", "--quiet")  # the hub answers: counters raised
    new = accept_more(pc, 5)
    assert not set(new) & issued
    ycli("--data-dir", str(pc), "sync", "--once", "--quiet")
    assert hub_numbers(sqlite_hub) == issued | set(new)
