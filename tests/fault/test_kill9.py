"""kill -9 in the middle of accepting cases, again and again: the store stays consistent."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("YICHUANG_KILL_ROUNDS", "8"))


def check_store(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        cases = con.execute(
            "select id, number, state, created_on, workstation_id from case_record"
        ).fetchall()
        for cid, number, state, _day, _ws in cases:
            kinds = [
                k for (k,) in con.execute("select kind from case_event where case_id=? order by id", (cid,))
            ]
            assert kinds == ["case.created", "case.accepted"], (number, kinds)
            jobs = con.execute("select doc_kind from print_job where case_id=?", (cid,)).fetchall()
            assert jobs == [("receipt",)], (number, jobs)
            assert state == "accepted"
        # the counter is never behind the numbers it issued, so no number can come again
        for day, ws, top in con.execute(
            "select created_on, workstation_id, max(cast(substr(number, 21, 4) as integer)) "
            "from case_record group by created_on, workstation_id"
        ):
            (last,) = con.execute(
                "select last_seq from number_counter where day=? and workstation_id=?", (day, ws)
            ).fetchone()
            assert last >= top
        return {n for _, n, *_ in cases}
    finally:
        con.close()


@pytest.mark.slow
def test_kill_9_while_accepting(tmp_path: Path):
    data = tmp_path / "data"
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seen: set[str] = set()
    confirmed: set[str] = set()
    for _ in range(ROUNDS):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fault.accept_loop", str(data)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        out: list[str] = []
        reader = threading.Thread(target=out.extend, args=(proc.stdout,), daemon=True)
        reader.start()
        # wait for the first commit of this round, then kill at a random moment
        deadline = time.monotonic() + 60
        while not out and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert out, "the child never accepted a case"
        time.sleep(rng.uniform(0.0, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        reader.join(timeout=5)
        confirmed |= {line.strip() for line in out if line.strip()}
        present = check_store(data / "yichuang.db")
        assert confirmed <= present, "a committed case was lost"
        assert seen <= present, "a case disappeared after a restart"
        seen = present
    assert len(seen) >= ROUNDS
    # numbers are unique by construction (UNIQUE index) and kept across every restart
    print(json.dumps({"rounds": ROUNDS, "cases": len(seen)}))
