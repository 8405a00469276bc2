"""tests/bench/bench_stats.py seeds and prints its figures (issue 16 leftover): its events go
through app.store.audit (the table refuses any other insert since the audit chain, migration
0006), so the seeded store passes `yichuang audit verify` (chain and records). The bench runs as
a process at a small size on a real SQLite file, as `make bench` runs it at full size."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.hubs import ROOT


def test_bench_stats_seeds_through_the_audit_chain_and_prints_its_figures(tmp_path):
    data = tmp_path / "stats"
    env = {
        **os.environ,
        "BENCH_CASES": "600",
        "BENCH_RUNS": "1",
        "BENCH_EXPORT": "0",
        "BENCH_DATA": str(data),
    }
    run = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_stats"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "cases in store: 600" in run.stdout
    assert "seeding (bulk inserts, trigger on)" in run.stdout
    assert "supervisor_view (service):" in run.stdout and "screen, push to figures painted:" in run.stdout

    verify = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data), "audit", "verify"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "审计链完好" in verify.stdout and "办件记录与其事件相符：600 件" in verify.stdout
