"""`yichuang audit verify` over 1,000,000 events (target: under 10 s), SM3 and SHA-256.

The store is made once in .bench-data/ (kept between runs): 1,000 cases decided through the
intake service, then events appended through the store's one writer (app.store.audit, the
same linking as at the window) until the chain holds ``BENCH_EVENTS`` events — payloads as
the window writes them (an acceptance with applicant and marks, a note, a courier step).
Each figure is the wall time of `yichuang audit verify` as a real process (start-up, store
open, the walk in parts by one worker per core), median of ``BENCH_RUNS`` runs, and the CPU
time it and its workers used (what the walk costs, whatever else the machine is doing).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.bench.common import median, report

ROOT = Path(__file__).resolve().parents[2]
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
BASE = Path(os.environ.get("BENCH_DATA", ROOT / ".bench-data"))


def _payloads(case: tuple) -> list[tuple[str, dict]]:
    number, uid = case
    return [
        (
            "case.accepted",
            {
                "state": "accepted",
                "applicant": {
                    "kind": "person",
                    "id_number": "320724199001011234",
                    "name": "王秀英",
                    "phone": "13812345678",
                    "address": "灌南县新安镇人民中路1号",
                },
                "marks": [[i, 1, 1, 0] for i in range(8)],
                "reason": "",
                "revision": 1,
                "accepted_on": "2026-11-20",
                "due_date": "2026-11-25",
                "due_provisional": False,
                "tolerated_until": None,
            },
        ),
        ("case.note", {"text": "申请人来电询问进度", "uid": uid}),
        ("courier.transit", {"waybill": "EA123456785CN", "carrier": "S10", "trip": uid}),
    ]


def ensure_store(alg: str) -> Path:
    data = BASE / f"audit-{alg}-{EVENTS}"
    db = data / "yichuang.db"
    if db.exists():
        con = sqlite3.connect(db)
        n = con.execute("select count(*) from case_event").fetchone()[0]
        con.close()
        if n >= EVENTS:
            return data
        shutil.rmtree(data)
    from app.services.demo import seed_cases
    from app.services.workstation import open_workstation
    from app.store import audit

    start = time.perf_counter()
    ws = open_workstation(data)
    ws.config.set("audit.hash", alg)
    ws.config.save()
    ws = open_workstation(data)
    seed_cases(ws, 1000, seed=1, days=30)
    with ws.store.read() as s:
        cases = list(s.connection().exec_driver_sql("select id, number, uid from case_record").all())
    have = 2000
    at = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
    kinds = [_payloads((num, uid)) for _id, num, uid in cases]
    while have < EVENTS:
        rows = []
        for i in range(min(20_000, EVENTS - have)):
            k = (have + i) % len(cases)
            kind, p = kinds[k][(have + i) % 3]
            rows.append(
                {
                    "event_id": str(uuid.uuid4()),
                    "case_id": cases[k][0],
                    "case_number": cases[k][1],
                    "kind": kind,
                    "payload_json": json.dumps(p, ensure_ascii=False),
                    "actor": "值班人员",
                    "office_code": ws.office_code,
                    "workstation_id": ws.workstation_id,
                    "at": at + timedelta(seconds=have + i),
                    "synced_at": None,
                }
            )
        with ws.store.write() as s:
            audit.insert_rows(s, rows)
        have += len(rows)
        print(f"  {alg}: {have:,} events", file=sys.stderr, end="\r", flush=True)
    ws.close()
    print(f"  {alg}: {EVENTS:,} events written in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return data


def verify_once(data: Path) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds of the command and its worker processes, its JSON)."""
    import resource

    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "app", "audit", "verify", "--json", "--data-dir", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["ok"] and doc["checked"] >= EVENTS, r.stdout[-500:] + r.stderr[-500:]
    return took, cpu, doc


def main() -> None:
    rows = {}
    for alg in ("sm3", "sha256"):
        data = ensure_store(alg)
        times, cpus = [], []
        for _ in range(RUNS):
            took, cpu, doc = verify_once(data)
            times.append(took)
            cpus.append(cpu)
        rows[f"audit verify, {doc['checked']:,} events, {alg} (median of {RUNS})"] = (
            f"{median(times):.2f} s wall (min {min(times):.2f}, max {max(times):.2f}); "
            f"CPU {median(cpus):.2f} s over {os.cpu_count()} cores"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report(f"audit verify (target: 1,000,000 events under 10 s; load average {load:.1f})", rows)


if __name__ == "__main__":
    main()
