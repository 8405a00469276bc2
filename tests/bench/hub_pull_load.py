"""Idle pulls against the bare Starlette app, with the figures that survive a shared machine.

bench_hub_load's generator and servers (the pull side), with what its table lacks:

* CPU time per served request, of the server's whole process tree (``hub serve --workers N``
  forks): robust to other work on the machine, where served/s is not;
* the generator's own CPU (seconds per wall second): when it nears 1.0 the generator, not the
  server, sets served/s, and the ratio hub/bare is the ratio of CPU per request instead;
* the load average before and after each point;
* ``--workers N`` (PostgreSQL only): the hub as N worker processes, a listening socket each.

    .venv/bin/python -m tests.bench.hub_pull_load --db both --windows 50          # 1 worker, flat out
    .venv/bin/python -m tests.bench.hub_pull_load --db pg --workers 2 --windows 1000 --cycle 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import bench_hub_load as b


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                out += _tree(int(child))
    except OSError:
        pass
    return out


def tree_cpu(pid: int) -> float:
    total = 0.0
    for p in _tree(pid):
        try:
            total += b._cpu_seconds(p)
        except OSError:
            pass
    return total


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(
    port: int, pid: int, windows: list[b.Window], cycle: float, duration: float, warmup: float
) -> dict:
    """One run: ``warmup`` seconds unmeasured (every window's first pull reads its token and
    writes its status row: a hub's first minute, not its day), then ``duration`` measured."""
    import asyncio

    marks: dict = {}

    async def main() -> dict:
        task = asyncio.create_task(b._drive(windows, cycle, duration, warmup))
        await asyncio.sleep(warmup)
        marks.update(cpu=tree_cpu(pid), gen=time.process_time(), wall=time.monotonic())
        return await task

    load0 = loadavg()
    out = asyncio.run(main())
    wall = max(1e-9, time.monotonic() - marks["wall"])
    cpu = tree_cpu(pid) - marks["cpu"]
    lat = out["lat"] or [float("nan")]
    return {
        "served/s": out["served"] / out["duration"],
        "p50 ms": b.percentile(lat, 50) * 1000,
        "p95 ms": b.percentile(lat, 95) * 1000,
        "p99 ms": b.percentile(lat, 99) * 1000,
        "errors": out["errors"],
        "cpu": cpu / wall,
        "cpu ms/req": cpu * 1000 / max(1, out["served"]),
        "gen cpu": (time.process_time() - marks["gen"]) / wall,
        "load": f"{load0} -> {loadavg()}",
    }


def start_hub(tmp: Path, db_url: str | None, workers: int) -> tuple[subprocess.Popen, int, Path]:
    data = tmp / "hub"
    data.mkdir()
    port = b._free_port()
    cmd = [sys.executable, "-m", "app", "hub", "serve", "--data-dir", str(data), "--port", str(port)]
    if db_url:
        cmd += ["--db", db_url]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=b.ROOT, stdout=subprocess.DEVNULL)
    b._wait_up(port, proc)
    return proc, port, data


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    p.add_argument("--windows", default="50")
    p.add_argument("--cycle", type=float, default=0.0, help="seconds between a window's pulls (0: flat out)")
    p.add_argument("--duration", type=float, default=8.0)
    p.add_argument("--workers", type=int, default=1, help="hub worker processes (2+: PostgreSQL only)")
    p.add_argument("--long-poll", type=int, default=0, metavar="SECONDS")
    p.add_argument("--warmup", type=float, default=0.0, help="unmeasured seconds (default: 2 cycles + 3 s)")
    p.add_argument("--runs", type=int, default=3, help="runs per point, hub and bare in turns (median)")
    p.add_argument("--no-bare", action="store_true", help="the hub only")
    a = p.parse_args(argv)
    counts = [int(x) for x in a.windows.split(",")]
    warmup = a.warmup or (2 * a.cycle + 3.0)
    dbs = ["sqlite", "pg"] if a.db == "both" else [a.db]
    rows: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        bare, bport = b.start_bare(tmp)
        try:
            for db in dbs:
                if db == "sqlite" and a.workers > 1:
                    continue
                sub = tmp / db
                sub.mkdir()
                url = b._pg_url(sub) if db == "pg" else None
                hub, hport, data = start_hub(sub, url, a.workers)
                try:
                    tokens = b.make_tokens(data, url, max(counts))
                    for n in counts:
                        hub_runs, bare_runs = [], []
                        for _ in range(a.runs):
                            ws = b.hub_windows(hport, tokens[:n], data, url, a.long_poll)
                            hub_runs.append(measure(hport, hub.pid, ws, a.cycle, a.duration, warmup))
                            if not a.no_bare:
                                bws = [b.Window(bport, "/api/v1/sync/pull?after=0", {}) for _ in range(n)]
                                bare_runs.append(measure(bport, bare.pid, bws, a.cycle, a.duration, warmup))
                        rows.append((f"hub {db} w{a.workers} {n} windows", _median(hub_runs)))
                        if bare_runs:
                            rows.append((f"bare (with {db}) {n} windows", _median(bare_runs)))
                finally:
                    hub.terminate()
                    hub.wait(30)
        finally:
            bare.terminate()
            bare.wait(10)
            for c in b._CLUSTERS:
                c.stop()
    cycle = f"every {a.cycle:g} s" if a.cycle else "flat out"
    print(f"\nidle pulls {cycle}, {a.duration:g} s measured, median of {a.runs}")
    cols = ["served/s", "p50 ms", "p95 ms", "p99 ms", "errors", "cpu", "cpu ms/req", "gen cpu"]
    print(f"{'':30}" + "".join(f"{c:>11}" for c in cols) + f"{'x bare':>8}{'x bare cpu':>11}  load")
    for i, (name, r) in enumerate(rows):
        ratio = ""
        if name.startswith("hub") and i + 1 < len(rows) and rows[i + 1][0].startswith("bare"):
            bare_row = rows[i + 1][1]
            ratio = (
                f"{r['served/s'] / bare_row['served/s']:8.2f}{bare_row['cpu ms/req'] / r['cpu ms/req']:11.2f}"
            )
        cells = "".join(f"{int(r[c]):11d}" if c == "errors" else f"{r[c]:11.3f}" for c in cols)
        print(f"{name:30}{cells}{ratio:19}  {r['load']}")
    return 0


def _median(runs: list[dict]) -> dict:
    out = {}
    for k in runs[0]:
        if isinstance(runs[0][k], str):
            out[k] = runs[len(runs) // 2][k]
        else:
            out[k] = statistics.median(r[k] for r in runs)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
