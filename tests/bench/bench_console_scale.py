"""The back office console with a province's cases at the hub on PostgreSQL (issue 20 §4): the
queue page, the case page and the queue's search, p50/p95 server time, at N cases seeded with
COPY (not through pushes). Figures, not a timed test.

    .venv/bin/python -m tests.bench.bench_console_scale [--cases 200000] [--template 2000] [--requests 200] [--db URL]

A template of ``--template`` cases is made as bench_console makes its cases (at the windows of 4
offices, pushed through ``HubStore.push``, part decided by the back office); its rows in
hub_case, hub_queue and hub_event are then copied with PostgreSQL ``COPY`` under other offices'
case numbers (office 320724000..999, windows 01..) until there are ``--cases`` cases, so each
copy keeps the template's states, queue stages, events and applicants. The timings are then
bench_console's (through the hub's ASGI app, logged in as a console user). The target is
10,000,000 cases with p95 <= 100 ms; the default is modest for a shared machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _copy_rows(store, replicas: int, start: int = 1) -> dict:
    """Copies 1..replicas of the template (replica 0) under new case numbers, with COPY."""
    from sqlalchemy import select

    from app.domain.numbering import make_case_number, parse_case_number
    from sync.hub.console_queries import queue_t
    from sync.hub.schema import case_t, event_t, meta_t

    with store.ro() as c:
        cases = [dict(r._mapping) for r in c.execute(select(case_t))]
        queue = {r.number: dict(r._mapping) for r in c.execute(select(queue_t))}
        events: dict[str, list[dict]] = {}
        for r in c.execute(select(event_t).order_by(event_t.c.seq)):
            events.setdefault(r.case_number, []).append(dict(r._mapping))
        top = int(c.execute(select(meta_t.c.value).where(meta_t.c.key == "seq")).scalar() or 0)
    parsed = {k["number"]: parse_case_number(k["number"]) for k in cases}
    offices = {o: i for i, o in enumerate(sorted({p.office for p in parsed.values()}))}
    cols = {t: [col.name for col in t.columns] for t in (case_t, queue_t, event_t)}
    raw = store.engine.raw_connection()
    t0 = time.perf_counter()
    n_cases = n_events = 0
    try:
        cur = raw.cursor()
        for first in range(start, replicas + 1, 50):  # one transaction per 50 copies
            last = min(replicas, first + 49)
            copies = range(first, last + 1)

            def renumber(r: int, number: str) -> str:
                p = parsed[number]  # each template office's copy r: an office and window of its own
                key = r * len(offices) + offices[p.office]
                return str(
                    make_case_number(f"320724{key % 1000:03d}", f"{key // 1000 + 2:02d}", p.day, p.seq)
                )

            def shift(seq, r: int):
                return None if seq is None else seq + r * top

            with cur.copy(f"COPY hub_case ({', '.join(cols[case_t])}) FROM STDIN") as cp:
                for r in copies:
                    for k in cases:
                        new = renumber(r, k["number"])
                        row = {
                            **k,
                            "number": new,
                            "uid": f"{r:08x}{k['uid'][8:]}",
                            "office": new[:9],
                            "ws": new[10:12],
                            "created_seq": shift(k["created_seq"], r),
                            "updated_seq": shift(k["updated_seq"], r),
                        }
                        cp.write_row([row[name] for name in cols[case_t]])
                        n_cases += 1
            with cur.copy(f"COPY hub_queue ({', '.join(cols[queue_t])}) FROM STDIN") as cp:
                for r in copies:
                    for number, q in queue.items():
                        new = renumber(r, number)
                        row = {**q, "number": new, "office": new[:9], "first_seq": shift(q["first_seq"], r)}
                        cp.write_row([row[name] for name in cols[queue_t]])
            with cur.copy(f"COPY hub_event ({', '.join(cols[event_t])}) FROM STDIN") as cp:
                for r in copies:
                    for number, evs in events.items():
                        new = renumber(r, number)
                        for e in evs:
                            row = {
                                **e,
                                "seq": e["seq"] + r * top,
                                "event_id": f"{r:08x}{e['event_id'][8:]}",
                                "case_number": new,
                                "owner_office": new[:9],
                                "owner_ws": new[10:12],
                            }
                            if e["ws"]:  # a window's own event: the copy's window wrote it
                                row["office"], row["ws"] = new[:9], new[10:12]
                            cp.write_row([row[name] for name in cols[event_t]])
                            n_events += 1
            cur.execute("UPDATE hub_meta SET value = %s WHERE key = 'seq'", (str(top * (last + 1)),))
            raw.commit()
            print(
                f"  copied {last}/{replicas} ({n_cases} cases, {time.perf_counter() - t0:.0f} s)", flush=True
            )
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return {"copy": time.perf_counter() - t0, "cases": n_cases, "events": n_events}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=200_000)
    ap.add_argument("--template", type=int, default=2_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--db", default=None, help="a PostgreSQL URL (default: a throwaway cluster)")
    args = ap.parse_args(argv)

    from sync.hub.store import open_hub
    from tests.bench import bench_console

    tmp = Path(tempfile.mkdtemp(prefix="yc-bench-console-scale-"))
    cluster = None
    try:
        db = args.db
        if db is None:
            from tests.sync.pg import Cluster

            cluster = Cluster().start()
            db = cluster.create_db()
        store = open_hub(tmp / "hub", db)
        have = store.counts()["cases"]
        if have == 0:
            t0 = time.perf_counter()
            bench_console._seed(tmp, store, args.template, 4)
            print(
                f"template: {store.counts()['cases']} cases in {time.perf_counter() - t0:.0f} s", flush=True
            )
            have = store.counts()["cases"]
        template = have
        replicas = max(0, -(-args.cases // template) - 1)
        figures = _copy_rows(store, replicas) if replicas else {"copy": 0.0, "cases": 0, "events": 0}
        print(
            f"COPY: {figures['cases']} cases, {figures['events']} events in {figures['copy']:.0f} s",
            flush=True,
        )
        store.close()
        return bench_console.main(
            ["--db", db, "--cases", str(template), "--offices", "4", "--requests", str(args.requests)]
        )
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
