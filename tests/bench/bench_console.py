"""The back office console with 100,000 cases at the hub on PostgreSQL (issue 10): server time of
the queue page and of the case page, p50/p95 of many requests; and (issue 18) the queue a user
with 7 departments opens on — all of them at once, with a count per department and the overdue
total. Figures, not a timed test.

    .venv/bin/python -m tests.bench.bench_console [--cases 100000] [--offices 4] [--requests 300] [--db URL]

Cases are made as at the window (``demo seed``: the intake service's writer, spread over 60
working days) on ``--offices`` workstations, pushed into the hub store exactly as a sync push
applies them (``HubStore.push``), then part of them decided by the back office (办结, 不予许可,
审批中, 补正) in bulk. Requests go through the hub's ASGI app in-process (Starlette's test client:
routing, the console guard and session, the queries, Jinja2), logged in as a console user; the
time of each request is the server's time to answer it.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from tests.bench.common import ms, report, summarize

PASSWORD = "Bench-pass1"


def _seed(tmp: Path, store, cases: int, offices: int) -> dict:
    from app.services.demo import seed_cases
    from app.services.sync import outbox as local
    from sync import protocol
    from sync.hub.store import Principal
    from tests.hubs import make_workstation

    figures: dict = {}
    per = cases // offices
    t0 = time.perf_counter()
    wire: list[tuple[Principal, list[dict]]] = []
    for i in range(offices):
        office = f"3207241{i:02d}"
        ws = make_workstation(tmp / f"ws{i}", "http://127.0.0.1:9", "none", office=office, wsid="01")
        seed_cases(ws, per, seed=100 + i, days=60)
        wire.append((Principal("workstation", office, "01", ""), local.next_batch(ws.store, 10**7, 10**12)))
        ws.close()
    figures["seed at the windows"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for who, events in wire:
        for i in range(0, len(events), 2000):
            res = store.push(who, [protocol.parse_event(e) for e in events[i : i + 2000]])
            assert not res.refused, res.refused[:3]
    figures["push into the hub"] = time.perf_counter() - t0
    # the back office decides part of the accepted cases (pushed in bulk as the county's hub)
    from sqlalchemy import select

    from sync.hub.store import case_t

    with store.ro() as c:
        acc = c.execute(
            select(case_t.c.number, case_t.c.office, case_t.c.lc).where(case_t.c.state == "accepted")
        ).all()
    rng = random.Random(7)
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    hub = Principal("hub", "320724", "", "bench")
    decisions = []
    for number, office, lc in acc:
        r = rng.random()
        kind = (
            "case.completed"
            if r < 0.45
            else "case.denied"
            if r < 0.5
            else "case.in_review"
            if r < 0.65
            else "case.correction_requested"
            if r < 0.7
            else None
        )
        if kind:
            decisions.append(
                {
                    "id": str(uuid.uuid4()),
                    "case": number,
                    "kind": kind,
                    "lc": lc + 1,
                    "p": {"reason": "bench"} if kind != "case.in_review" else {},
                    "actor": "后台",
                    "office": office,
                    "ws": "",
                    "at": now,
                }
            )
    t0 = time.perf_counter()
    for i in range(0, len(decisions), 2000):
        res = store.push(hub, [protocol.parse_event(e) for e in decisions[i : i + 2000]])
        assert not res.refused, res.refused[:3]
    figures["back-office decisions"] = time.perf_counter() - t0
    figures["decided"] = len(decisions)
    return figures


class Timed:
    """ASGI wrapper: the server's time for each request, from its start to its last byte sent."""

    def __init__(self, app) -> None:
        self.app = app
        self.times: list[float] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()

        async def timed_send(message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.times.append(time.perf_counter() - t0)

        await self.app(scope, receive, timed_send)


def _client(store, data_dir: Path, name: str = "bench"):
    from starlette.testclient import TestClient

    from sync.hub.app import create_app

    client = TestClient(Timed(create_app(store, data_dir)), base_url="http://127.0.0.1")
    client.__enter__()  # one event loop for all requests (not a thread started per request)
    r = client.get("/console/login")
    import re

    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = client.post(
        "/console/login",
        data={"csrf": csrf, "name": name, "password": PASSWORD, "next": "/console/queue"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    return client


def _time(client, paths: list[str], cpu=None) -> list[float]:
    """The server's time of each request (the Timed wrapper's), in order; with ``cpu`` (a
    function giving CPU seconds used so far), its CPU per request is appended to CPU_PER_REQUEST."""
    timed: Timed = client.app
    out = []
    c0 = cpu() if cpu else 0.0
    for p in paths:
        timed.times.clear()
        r = client.get(p)
        assert r.status_code == 200, (p, r.status_code, r.text[:300])
        out.append(timed.times[-1])
    if cpu:
        CPU_PER_REQUEST.append((cpu() - c0) / max(1, len(paths)))
    return out


CPU_PER_REQUEST: list[float] = []


def _cpu_meter(db: str):
    """CPU seconds of this process and of the database's server processes (from /proc): robust
    on a shared machine where wall times move with the others' load."""
    import os

    import psycopg

    tick = os.sysconf("SC_CLK_TCK")
    dsn = db.replace("postgresql+psycopg://", "postgresql://")
    conn = psycopg.connect(dsn, autocommit=True)

    def backends() -> float:
        pids = [
            r[0]
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        ]
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as fh:
                    f = fh.read().rsplit(")", 1)[1].split()
                total += int(f[11]) + int(f[12])
            except OSError:
                pass
        return total / tick

    return lambda: time.process_time() + backends()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--offices", type=int, default=4)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--db", default=None, help="a PostgreSQL URL (default: a throwaway cluster)")
    ap.add_argument(
        "--keep",
        action="store_true",
        help="leave the throwaway cluster running (its URL is printed) for --db",
    )
    args = ap.parse_args(argv)

    from sqlalchemy import func, select

    from sync.hub import console_queries as cq
    from sync.hub.console_store import ConsoleStore
    from sync.hub.store import case_t, open_hub

    tmp = Path(tempfile.mkdtemp(prefix="yc-bench-console-"))
    cluster = None
    try:
        db = args.db
        if db is None:
            from tests.sync.pg import Cluster

            cluster = Cluster().start()
            db = cluster.create_db()
        store = open_hub(tmp / "hub", db)
        if store.counts()["cases"] >= args.cases:  # --db of a kept run: seeded already
            figures = {"decided": "(earlier)"}
        else:
            figures = _seed(tmp, store, args.cases, args.offices)
        if args.keep and cluster is not None:
            print(f"kept: --db {db}  (cluster in {cluster.dir}; stop: pg_ctl -D {cluster.dir}/data stop)")
        with store.ro() as c:
            total = c.execute(select(func.count()).select_from(case_t)).scalar()
            qc = cq.queue_count_t  # the queue's counts (h0013): not a scan of a province's queue
            by_dept = {
                d: int(n)
                for d, n in c.execute(
                    select(qc.c.department, func.sum(qc.c.n))
                    .where(qc.c.stage.in_(cq.WAITING))
                    .group_by(qc.c.department)
                ).all()
            }
            pg = c.dialect.name == "postgresql"
            # a sample of the cases that have events (the case page), not every number in memory
            evs = "hub_event TABLESAMPLE SYSTEM (1)" if pg and total > 200_000 else "hub_event"
            numbers = list(
                c.exec_driver_sql(
                    f"SELECT DISTINCT case_number FROM (SELECT case_number FROM {evs} LIMIT 100000) s LIMIT 5000"
                ).scalars()
            )
        big = max(by_dept, key=by_dept.get)
        offices = cq.queue_offices(store, big)
        accounts = ConsoleStore(store)
        if accounts.user_by_name("bench") is None:
            accounts.add_user("bench", "backoffice", PASSWORD, sorted(by_dept))
        client = _client(store, tmp / "hub")
        rng = random.Random(11)
        n = args.requests
        pages = max(1, by_dept[big] // 50)
        queue_paths = [
            f"/console/queue?department={big}&page={rng.randint(1, min(pages, 20))}" for _ in range(n)
        ]
        filtered = [
            f"/console/queue?department={big}&stage={rng.choice(['new', 'review', 'returned', 'correction', 'done'])}"
            f"&office={rng.choice(offices)}&page={rng.randint(1, 3)}"
            for _ in range(n)
        ]
        with store.ro() as c:
            cases = "hub_case k TABLESAMPLE SYSTEM (1)" if pg and total > 200_000 else "hub_case k"
            sample = c.exec_driver_sql(
                f"SELECT k.number, k.applicant_name, k.applicant_id_number, q.received_on, k.created_seq FROM {cases} "
                "JOIN hub_queue q ON q.number = k.number WHERE q.department = %(d)s LIMIT 2000"
                if pg
                else "SELECT k.number, k.applicant_name, k.applicant_id_number, q.received_on, k.created_seq FROM hub_case k "
                "JOIN hub_queue q ON q.number = k.number WHERE q.department = ? LIMIT 2000",
                {"d": big} if pg else (big,),
            ).all()
        kinds = {
            "whole number": lambda r: r[0],
            "number's tail (0001-Q)": lambda r: r[0][-6:],
            "ID number": lambda r: r[2],
            "name's first 2 characters": lambda r: r[1][:2],
        }
        searches = {
            kind: [f"/console/queue?department={big}&q={quote(pick(rng.choice(sample)))}" for _ in range(n)]
            for kind, pick in kinds.items()
        }
        # a search's next page (newest first, by the key of the last row shown: a created_seq)
        searches["next page by key (name's first 2 characters)"] = [
            f"/console/queue?department={big}&q={quote(r[1][:2])}&page=2&after={r[4]}"
            for r in (rng.choice(sample) for _ in range(n))
        ]
        case_paths = [f"/console/cases/{rng.choice(numbers)}" for _ in range(n)]
        deep = []  # the next link of a page anywhere in the queue (keyset: the key of its last row)
        for _ in range(n):
            r = rng.choice(sample)
            deep.append(f"/console/queue?department={big}&stage=all&page=2&after={quote(r[3] + '|' + r[0])}")
        _time(client, queue_paths[:20] + case_paths[:20])  # warm-up: templates, pools, catalogue
        rows: list[tuple[str, float, float, float, float]] = []
        cpu = _cpu_meter(db)
        for label, paths in (
            (f"queue page, largest department ({by_dept[big]} waiting)", queue_paths),
            ("queue page with state + office filters", filtered),
            ("queue page at any depth (next link by key)", deep),
            *((f"queue search: {kind}", paths) for kind, paths in searches.items()),
            ("case page", case_paths),
        ):
            s = summarize(_time(client, paths, cpu))
            rows.append((label, ms(s["p50"]), ms(s["p95"]), ms(s["max"]), ms(CPU_PER_REQUEST[-1])))
        client.__exit__(None, None, None)
        # a user of 7 departments (those with the most waiting cases): the page opens on all of them
        seven = sorted(by_dept, key=lambda d: (-by_dept[d], d))[:7]
        if accounts.user_by_name("bench7") is None:
            accounts.add_user("bench7", "backoffice", PASSWORD, seven)
        client7 = _client(store, tmp / "hub", "bench7")
        waiting7 = sum(by_dept[d] for d in seven)
        pages7 = max(1, waiting7 // 50)
        all_paths = [f"/console/queue?page={rng.randint(1, min(pages7, 20))}" for _ in range(n)]
        all_filtered = [
            f"/console/queue?stage={rng.choice(['new', 'review', 'returned', 'correction', 'done'])}"
            f"&office={rng.choice(offices)}&page={rng.randint(1, 3)}"
            for _ in range(n)
        ]
        all_searches = [
            p.replace(f"department={big}&", "") for ps in list(searches.values())[:4] for p in ps[: n // 4]
        ]
        _time(client7, all_paths[:20])
        for label, paths in (
            (f"queue, all 7 departments ({waiting7} waiting, before dedup)", all_paths),
            ("queue, all 7 departments, state + office filters", all_filtered),
            ("queue, all 7 departments, search (the 4 kinds)", all_searches),
        ):
            s = summarize(_time(client7, paths, cpu))
            rows.append((label, ms(s["p50"]), ms(s["p95"]), ms(s["max"]), ms(CPU_PER_REQUEST[-1])))
        client7.__exit__(None, None, None)
        store.close()
        print(
            f"bench_console: {total} cases at the hub (PostgreSQL), {args.offices} offices, {figures['decided']} back-office decisions"
        )
        print("  set-up: " + ", ".join(f"{k} {v:.0f} s" for k, v in figures.items() if k != "decided"))
        import os

        print(f"load average at the end: {' '.join(os.getloadavg().__repr__().strip('()').split(', '))}")
        report(
            "server time per request (ms; cpu: the hub's and PostgreSQL's CPU ms per request), "
            + str(n)
            + " requests each",
            {
                label: f"p50 {p50:.1f}  p95 {p95:.1f}  max {mx:.1f}  cpu/request {c:.1f}"
                for label, p50, p95, mx, c in rows
            },
        )
        return 0
    finally:
        if cluster is not None and not args.keep:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
