"""Backup time and size for 100,000 cases, and how long checking and restoring take.

The store is seeded once with `yichuang demo seed` into .bench-data/ (kept between runs);
each run is `make_backup` as `yichuang backup DIR` does it (online copy, integrity check,
zstd tar, read back and verified), median of several runs. Restore is timed onto a copy of
the data dir, offline (no hub).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import median, report

ROOT = Path(__file__).resolve().parents[2]
CASES = int(os.environ.get("BENCH_CASES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
DATA = Path(os.environ.get("BENCH_DATA", ROOT / ".bench-data" / f"backup-{CASES}"))


def ensure_seeded() -> float | None:
    db = DATA / "yichuang.db"
    if db.exists():
        n = sqlite3.connect(db).execute("select count(*) from case_record").fetchone()[0]
        if n >= CASES:
            return None
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(DATA), "demo", "seed", "--cases", str(CASES)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return time.perf_counter() - start


def store_bytes(data: Path) -> int:
    return sum(p.stat().st_size for p in data.glob("yichuang.db*"))


def main() -> None:
    seeded = ensure_seeded()
    from app.services.backup import make_backup, verify_backup
    from app.services.restore import restore_backup
    from app.services.workstation import open_workstation

    ws = open_workstation(DATA)
    times, sizes, verify_times = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        out = Path(tmp) / "out"
        for i in range(RUNS):
            res = make_backup(ws, out)
            times.append(res.seconds)
            sizes.append(res.size)
            start = time.perf_counter()
            verify_backup(res.path)
            verify_times.append(time.perf_counter() - start)
            if i < RUNS - 1:
                res.path.unlink()
                time.sleep(1.1)  # the name carries the second
        ws.close()
        target = Path(tmp) / "restored"
        shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("backups", "replaced-*"))
        rws = open_workstation(target)
        start = time.perf_counter()
        restore_backup(rws, res.path, use_hub=False)
        restore_time = time.perf_counter() - start
        rws.close()
    figures: dict[str, float | int | str] = {"cases in store": res.cases, "events in store": res.events}
    if seeded is not None:
        figures["seeding time (s)"] = f"{seeded:.0f}"
    figures["store on disk (MB)"] = f"{store_bytes(DATA) / 1e6:.1f}"
    figures[f"backup time, median of {RUNS} (s)"] = f"{median(times):.2f}"
    figures["backup time, each run (s)"] = " ".join(f"{t:.2f}" for t in times)
    figures["backup file (MB)"] = f"{median(sizes) / 1e6:.1f}"
    figures["bytes per case"] = f"{median(sizes) / max(res.cases, 1):.0f}"
    figures["verify alone, median (s)"] = f"{median(verify_times):.2f}"
    figures["restore, offline (s)"] = f"{restore_time:.2f}"
    report(f"backup of {res.cases:,} cases", figures)


if __name__ == "__main__":
    main()
