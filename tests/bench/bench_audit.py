"""`yichuang audit verify` over 1,000,000 events (target: under 10 s): the hash chain, and
every case's record against its events (issue 16 §7).

Two stores, each made once in .bench-data/ (kept between runs):

* ``mixed`` (SM3 and SHA-256): 1,000 cases decided through the intake service, then events
  appended through the store's one writer (app.store.audit, the same linking as at the window)
  until the chain holds ``BENCH_EVENTS`` events — payloads as the window writes them (a note as
  long as an acceptance, a short note, a courier step): few records, long histories;
* ``decided`` (SM3): ``BENCH_EVENTS`` / 2 cases decided through the intake service (`demo
  seed`: a case.created and a decision each): as many records as such a chain can have, each
  folded and compared (the record check's worst case). Seeding it takes half an hour.

Each figure is the wall time of `yichuang audit verify` as a real process (start-up, store
open, the chain and the records in parts by one worker per core), median of ``BENCH_RUNS``
runs, and the CPU time it and its workers used (what the check costs, whatever else the
machine is doing). ``BENCH_AUDIT_STORES`` picks the stores (default ``mixed,decided``).
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


STORES = [s for s in os.environ.get("BENCH_AUDIT_STORES", "mixed,decided").split(",") if s]
LONG_NOTE = (
    "申请人王秀英（身份证320724199001011234，电话13812345678，灌南县新安镇人民中路1号）来窗口询问进度，"
    "已告知材料齐全、已受理，承诺于2026年11月25日前办结，办结后短信通知；申请人另问营业执照变更是否需要"
    "重新提交食品经营许可申请，已告知按变更事项办理，需携带营业执照副本、法定代表人身份证明和场所使用证明。"
)


def _payloads(case: tuple) -> list[tuple[str, dict]]:
    # a store whose records agree with their events: the appended events change no record
    # (an acceptance appended again would not: the record check would rightly name every case)
    number, uid = case
    return [
        ("case.note", {"text": LONG_NOTE, "uid": uid, "kind": "enquiry"}),
        ("case.note", {"text": "申请人来电询问进度", "uid": uid}),
        ("courier.transit", {"waybill": "EA123456785CN", "carrier": "S10", "trip": uid}),
    ]


def ensure_store(alg: str) -> Path:
    data = BASE / f"audit-v2-{alg}-{EVENTS}"
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


def ensure_decided_store(alg: str) -> Path:
    """BENCH_EVENTS / 2 cases decided through the intake service, as `demo seed` makes them."""
    data = BASE / f"audit-decided-{alg}-{EVENTS}"
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

    start = time.perf_counter()
    ws = open_workstation(data)
    ws.config.set("audit.hash", alg)
    ws.config.save()
    ws = open_workstation(data)

    def progress(n: int) -> None:
        print(f"  decided {alg}: {n:,} cases", file=sys.stderr, end="\r", flush=True)

    seed_cases(ws, EVENTS // 2, seed=1, days=400, progress=progress)
    ws.close()
    print(
        f"  decided {alg}: {EVENTS // 2:,} cases written in {time.perf_counter() - start:.0f} s",
        file=sys.stderr,
    )
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
    assert doc["records"]["mismatch_count"] == 0, doc["records"]["mismatches"][:5]
    return took, cpu, doc


def main() -> None:
    rows = {}
    runs = [("mixed", "sm3"), ("mixed", "sha256")] if "mixed" in STORES else []
    runs += [("decided", "sm3")] if "decided" in STORES else []
    for shape, alg in runs:
        data = ensure_store(alg) if shape == "mixed" else ensure_decided_store(alg)
        times, cpus = [], []
        for _ in range(RUNS):
            took, cpu, doc = verify_once(data)
            times.append(took)
            cpus.append(cpu)
        rows[
            f"audit verify, {doc['checked']:,} events and {doc['records']['checked']:,} records ({shape}), "
            f"{alg} (median of {RUNS})"
        ] = (
            f"{median(times):.2f} s wall (min {min(times):.2f}, max {max(times):.2f}); "
            f"CPU {median(cpus):.2f} s over {os.cpu_count()} cores"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report(f"audit verify (target: 1,000,000 events under 10 s; load average {load:.1f})", rows)


if __name__ == "__main__":
    main()
