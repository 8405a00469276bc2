"""Finding a case among 1,000,000 by number, by ID number and by name.

The store is seeded once with `yichuang demo seed` into .bench-data/ (kept between runs:
seeding a million cases takes minutes); lookups go through CaseService, as the window and
`yichuang case list --find` do. Target: each lookup < 20 ms.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.bench.common import ms, report, summarize

ROOT = Path(__file__).resolve().parents[2]
CASES = int(os.environ.get("BENCH_CASES", "1000000"))
DATA = Path(os.environ.get("BENCH_DATA", ROOT / ".bench-data" / f"lookup-{CASES}"))
SAMPLES = 200


def ensure_seeded() -> float | None:
    db = DATA / "yichuang.db"
    if db.exists():
        n = sqlite3.connect(db).execute("select count(*) from case_record").fetchone()[0]
        if n >= CASES:
            return None
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--data-dir",
            str(DATA),
            "demo",
            "seed",
            "--cases",
            str(CASES),
            "--days",
            "730",
        ],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return time.perf_counter() - start


def main() -> None:
    seeded = ensure_seeded()
    from app.services.cases import CaseService
    from app.services.workstation import open_workstation

    ws = open_workstation(DATA)
    svc = CaseService(ws)
    con = sqlite3.connect(DATA / "yichuang.db")
    total = con.execute("select count(*) from case_record").fetchone()[0]
    rng = random.Random(1)
    ids = [rng.randrange(1, total + 1) for _ in range(SAMPLES)]
    rows = [
        con.execute(
            "select number, applicant_id_number, applicant_name from case_record where id=?", (i,)
        ).fetchone()
        for i in ids
    ]
    rows = [r for r in rows if r]
    figures: dict[str, float | str | int] = {"cases in store": total}
    if seeded is not None:
        figures["seeding time (s)"] = f"{seeded:.0f}"
    for label, col, how in (
        ("by number", 0, "exact"),
        ("by ID number", 1, "exact"),
        ("by name", 2, "prefix"),
    ):
        svc.find(rows[0][col])  # warm the page cache once
        times = []
        for r in rows:
            start = time.perf_counter()
            found = svc.find(r[col], limit=50)
            times.append(time.perf_counter() - start)
            assert found, f"lookup {label} found nothing for {r[col]}"
        s = summarize(times)
        figures[f"{label} ({how}) p50"] = ms(s["p50"])
        figures[f"{label} ({how}) p95"] = ms(s["p95"])
    worst = max(v for k, v in figures.items() if k.endswith("p95") and isinstance(v, float))
    figures["verdict (p95 < 20 ms)"] = "PASS" if worst < 20 else "FAIL"
    report(f"case lookup among {total:,} cases ({SAMPLES} random cases each)", figures)
    ws.close()


if __name__ == "__main__":
    main()
