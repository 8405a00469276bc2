"""Hub load: N windows idle-polling a real hub process, against a bare Starlette app on uvicorn.

Each window holds its own keep-alive connection and its own workstation token and sends what an
idle window sends (``GET /api/v1/sync/pull`` with its cursor, the versions it holds and the
shared dictionary's id), one request every ``--cycle`` seconds at a random phase (``--cycle 0``:
each window asks again as soon as it is answered: the most the hub serves). The same generator
then asks a bare Starlette app on the same uvicorn for a small JSON page: the baseline, and the
ratio hub/bare is printed. The generator is a bare asyncio HTTP/1.1 client, so its own CPU
stays small next to the server's (both share this machine's cores).

Figures: served/s, latency p50/p95/p99, errors, the server's CPU (seconds of CPU per wall
second, from /proc) and its peak RSS.

    .venv/bin/python -m tests.bench.bench_hub_load                      # SQLite, 50 and 200 windows
    .venv/bin/python -m tests.bench.bench_hub_load --db pg --windows 10,100,1000 --cycle 3
    .venv/bin/python -m tests.bench.bench_hub_load --long-poll          # idle windows holding wait=25
    .venv/bin/python -m tests.bench.bench_hub_load --push --db both --workers 1,2   # pushes (hub_push_load)
    .venv/bin/python -m tests.bench.bench_hub_load --push --db pg --follow   # half on cases the hub holds
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import percentile

ROOT = Path(__file__).resolve().parents[2]
OFFICE = "320724100"

BARE_APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
import datetime

async def page(request):
    return JSONResponse({"v": 1, "now": datetime.datetime.now(datetime.UTC).isoformat(), "events": [],
                         "more": False, "cursor": int(request.query_params.get("after", 0))})

app = Starlette(routes=[Route("/api/v1/sync/pull", page)])
"""


# --- the server's CPU and memory, from /proc --------------------------------------------------------
def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the generator -----------------------------------------------------------------------------------
class Window:
    def __init__(self, port: int, path: str, headers: dict[str, str]) -> None:
        self.port, self.path = port, path
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
        self.request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def ask(self) -> int:
        fresh = self.writer is None
        if fresh:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None and self.writer is not None
        try:
            self.writer.write(self.request)
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (OSError, asyncio.IncompleteReadError):
            if fresh:
                raise
            # the server closed the idle keep-alive connection (as a client library would: once
            # more on a new one)
            self.close()
            return await self.ask()
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await self.reader.readexactly(length)
        if b"connection: close" in head.lower():
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = self.reader = None


async def _drive(windows: list[Window], cycle: float, duration: float, warmup: float) -> dict:
    lat: list[float] = []
    errors = 0
    served = 0
    start = time.monotonic()
    t_measure = start + warmup
    t_end = t_measure + duration

    async def one(w: Window) -> None:
        nonlocal errors, served
        nxt = start + (random.random() * cycle if cycle else 0.0)
        while True:
            now = time.monotonic()
            if nxt > now:
                await asyncio.sleep(nxt - now)
            t0 = time.monotonic()
            if t0 >= t_end:
                return
            try:
                status = await w.ask()
                ok = 200 <= status < 300
            except (OSError, asyncio.IncompleteReadError, ValueError):
                ok = False
                w.close()
            t1 = time.monotonic()
            if t0 >= t_measure:
                if ok:
                    served += 1
                    lat.append(t1 - t0)
                else:
                    errors += 1
            nxt = (nxt + cycle) if cycle else t1
            if cycle and nxt < t1:  # behind: ask again now, not in a burst
                nxt = t1

    await asyncio.gather(*(one(w) for w in windows))
    for w in windows:
        w.close()
    return {"served": served, "errors": errors, "lat": lat, "duration": duration}


def run_load(port: int, pid: int, windows: list[Window], cycle: float, duration: float) -> dict:
    warmup = min(5.0, max(1.0, cycle)) if cycle else 2.0
    cpu0, wall0 = None, None

    async def main() -> dict:
        nonlocal cpu0, wall0
        loop_task = asyncio.create_task(_drive(windows, cycle, duration, warmup))
        await asyncio.sleep(warmup)
        cpu0, wall0 = _cpu_seconds(pid), time.monotonic()
        return await loop_task

    out = asyncio.run(main())
    cpu = (_cpu_seconds(pid) - (cpu0 or 0.0)) / max(1e-9, time.monotonic() - (wall0 or 0.0))
    lat = out["lat"] or [float("nan")]
    return {
        "served/s": out["served"] / out["duration"],
        "p50 ms": percentile(lat, 50) * 1000,
        "p95 ms": percentile(lat, 95) * 1000,
        "p99 ms": percentile(lat, 99) * 1000,
        "errors": out["errors"],
        "cpu": cpu,
        "rss MB": _rss_mb(pid),
    }


# --- the servers ----------------------------------------------------------------------------------------
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(port: int, proc: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited")
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def start_bare(tmp: Path) -> tuple[subprocess.Popen, int]:
    (tmp / "bare_pull_app.py").write_text(BARE_APP)
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bare_pull_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=tmp,
        stdout=subprocess.DEVNULL,
    )
    _wait_up(port, proc)
    return proc, port


def start_hub(tmp: Path, db_url: str | None, workers: int = 1) -> tuple[subprocess.Popen, int, Path]:
    data = tmp / "hub"
    data.mkdir(exist_ok=True)  # (the push side made its tokens there first)
    port = _free_port()
    cmd = [sys.executable, "-m", "app", "hub", "serve", "--data-dir", str(data), "--port", str(port)]
    if db_url:
        cmd += ["--db", db_url]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
    _wait_up(port, proc)
    return proc, port, data


def make_tokens(data: Path, db_url: str | None, n: int) -> list[tuple[str, str]]:
    from sync.hub.store import open_hub

    st = open_hub(data, db_url)
    try:
        return [(f"{i:04d}", st.add_token("workstation", OFFICE, f"{i:04d}", f"窗口{i}")) for i in range(n)]
    finally:
        st.close()


def hub_windows(
    port: int, tokens: list[tuple[str, str]], data: Path, db_url: str | None, wait: int
) -> list[Window]:
    from sync import protocol
    from sync.hub.store import open_hub

    st = open_hub(data, db_url)
    try:
        cat, cal = st.current_version("catalogue"), st.current_version("calendar")
        top = st.last_seq()  # an idle window's cursor is the top: nothing new for it
    finally:
        st.close()
    from sync.hub.bundle_key import load_or_create

    zd = protocol.shipped_dict()
    bk = load_or_create(data).fingerprint  # held as a window holds it: the hub names nothing new
    query = f"after={top}&limit=1000&cat={cat}&cal={cal}&ops=0&bk={bk}" + (f"&wait={wait}" if wait else "")
    out = []
    for _ws, token in tokens:
        headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "zstd"}
        if zd is not None:
            headers[protocol.DICT_HEADER] = zd.id
        out.append(Window(port, f"/api/v1/sync/pull?{query}", headers))
    return out


def _pg_url(tmp: Path) -> str:
    from tests.sync.pg import Cluster  # the tests' throwaway cluster

    if _CLUSTERS:  # one cluster, a database per hub
        return _CLUSTERS[0].create_db()
    cluster = Cluster(durable=True).start()  # fsync on: a commit costs what it costs in production
    _CLUSTERS.append(cluster)
    return cluster.create_db()


_CLUSTERS: list = []


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "pg", "both"), default="sqlite")
    p.add_argument("--windows", default="50,200", help="comma-separated window counts (10..2000)")
    p.add_argument("--cycle", type=float, default=0.0, help="seconds between a window's pulls (0: flat out)")
    p.add_argument("--duration", type=float, default=8.0)
    p.add_argument("--long-poll", type=int, default=0, metavar="SECONDS", help="idle pulls hold wait=SECONDS")
    p.add_argument("--runs", type=int, default=3, help="runs per point (the median is printed)")
    p.add_argument("--push", action="store_true", help="windows push chained batches (hub_push_load)")
    p.add_argument("--batch", type=int, default=200, help="--push: events per batch")
    p.add_argument("--batches", type=int, default=5, help="--push: batches per window")
    p.add_argument("--workers", default="1", help="--push: comma-separated hub worker counts (2+: pg)")
    p.add_argument(
        "--follow",
        action="store_true",
        help="--push: every second batch is events on the cases of the one before",
    )
    a = p.parse_args(argv)
    if a.push:
        return push_main(a)
    counts = [int(x) for x in a.windows.split(",")]
    dbs = ["sqlite", "pg"] if a.db == "both" else [a.db]
    rows: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        bare, bport = start_bare(tmp)
        try:
            for db in dbs:
                sub = tmp / db
                sub.mkdir()
                url = _pg_url(sub) if db == "pg" else None
                hub, hport, data = start_hub(sub, url)
                try:
                    tokens = make_tokens(data, url, max(counts))
                    for n in counts:
                        # hub and bare app in turns: on a shared machine the load moves, and
                        # the ratio is only fair between runs made at about the same time
                        hub_runs, bare_runs = [], []
                        for _ in range(a.runs):
                            ws = hub_windows(hport, tokens[:n], data, url, a.long_poll)
                            hub_runs.append(run_load(hport, hub.pid, ws, a.cycle, a.duration))
                            bws = [Window(bport, "/api/v1/sync/pull?after=0", {}) for _ in range(n)]
                            bare_runs.append(run_load(bport, bare.pid, bws, a.cycle, a.duration))
                        rows.append((f"hub {db} {n} windows", _median(hub_runs)))
                        rows.append((f"bare (with {db}) {n} windows", _median(bare_runs)))
                finally:
                    hub.terminate()
                    hub.wait(10)
        finally:
            bare.terminate()
            bare.wait(10)
            for c in _CLUSTERS:
                c.stop()
    _print(rows, a)
    return 0


def _postmaster() -> int:
    return int((_CLUSTERS[0].dir / "data" / "postmaster.pid").read_text().split()[0])


# --- the push side ------------------------------------------------------------------------------------
def push_main(a) -> int:  # noqa: ANN001 (the parsed arguments)
    """Each point: a fresh hub (and database), N windows pushing ``--batches`` batches at once."""
    from datetime import date, timedelta

    from tests.bench import hub_push_load as hp

    n = int(a.windows.split(",")[0]) if a.windows != "50,200" else 50
    rows: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        try:
            for db in ["sqlite", "pg"] if a.db == "both" else [a.db]:
                for workers in [int(w) for w in a.workers.split(",")]:
                    if workers > 1 and db == "sqlite":
                        continue  # several workers need PostgreSQL (hub serve refuses)
                    runs = []
                    for run in range(a.runs):
                        sub = tmp / f"{db}-{workers}-{run}"
                        sub.mkdir()
                        url = _pg_url(sub) if db == "pg" else None
                        from sync.hub.store import open_hub

                        st = open_hub(sub / "hub", url)
                        try:
                            tokens = [
                                st.add_token("workstation", OFFICE, hp.ws_id(i), f"窗口{i}") for i in range(n)
                            ]
                        finally:
                            st.close()
                        day = date(2026, 11, 2) + timedelta(days=run)
                        bodies = [
                            hp.window_batches(hp.ws_id(i), a.batches, a.batch, day, a.follow)
                            for i in range(n)
                        ]
                        hub, hport, _data = start_hub(sub, url, workers)
                        try:
                            pm = _postmaster() if db == "pg" else None
                            runs.append(hp.run_push(hport, hub.pid, tokens, bodies, pm))
                        finally:
                            hub.terminate()
                            hub.wait(30)
                        print(f"  {db} workers={workers} run {run + 1}: {runs[-1]}", flush=True)
                    med = _median([{k: v for k, v in r.items() if k != "load"} for r in runs])
                    med["load"] = " ".join(r["load"] for r in runs)
                    rows.append((f"push {db} {workers} worker(s) {n} windows", med))
        finally:
            for c in _CLUSTERS:
                c.stop()
    print(
        f"\nhub push: {n} windows at once, {a.batches} batches of {a.batch} events each (median of {a.runs})"
    )
    cols = [
        "events/s",
        "p50 ms",
        "p95 ms",
        "errors",
        "cpu ms/ev",
        "db ms/ev",
        "cores",
        "db cores",
        "gen cores",
    ]
    print(f"{'':40}" + "".join(f"{c:>11}" for c in cols) + "  load avg (before->after)")
    # cpu ms/ev: the hub's processes; db ms/ev: the PostgreSQL cluster's (robust to the load)
    for name, r in rows:
        print(f"{name:40}" + "".join(f"{r[c]:11.2f}" for c in cols) + f"  {r['load']}")
    return 0


def _median(runs: list[dict]) -> dict:
    import statistics

    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def _print(rows: list[tuple[str, dict]], a) -> None:
    cycle = f"every {a.cycle:g} s" if a.cycle else "flat out"
    print(
        f"\nhub load: idle pulls {cycle}, {a.duration:g} s measured"
        + (f", wait={a.long_poll}" if a.long_poll else "")
    )
    cols = ["served/s", "p50 ms", "p95 ms", "p99 ms", "errors", "cpu", "rss MB"]
    print(f"{'':32}" + "".join(f"{c:>11}" for c in cols) + f"{'× bare':>9}")
    for i, (name, r) in enumerate(rows):
        ratio = ""
        if name.startswith("hub") and i + 1 < len(rows):
            ratio = f"{r['served/s'] / rows[i + 1][1]['served/s']:9.2f}"
        print(
            f"{name:32}" + "".join(f"{r[c]:11.1f}" if c != "errors" else f"{r[c]:11d}" for c in cols) + ratio
        )


if __name__ == "__main__":
    raise SystemExit(main())
