"""Sync benchmarks (issue 4): figures, not timed tests.

    .venv/bin/python -m tests.bench.bench_sync [--cases 10000] [--shaped 1000] [--db URL]

1. loopback: N cases (``yichuang demo seed``, ~26 materials for bundles) pushed to a hub
   process over 127.0.0.1: cases per second;
2. a shaped link, 64 kbit/s each way with 300 ms round trips (userspace proxy, one link
   shared by all connections): time for 1,000 cases, bytes on the wire per case against the
   zstd-19 size of the raw events, link use and goodput as a share of the link (pushes use
   the shared zstd dictionary sync/dict/events-v2.zdict; ``--no-dict`` measures plain zstd);
3. a cut in the middle of a shaped sync: how many events (and batches) go twice.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import report


def _setup(tmp: Path, cases: int, db: str | None, seed: int):
    from tests.hubs import OFFICE, WSID, HubProcess, make_workstation, ycli

    hub = HubProcess(tmp / f"hub{seed}", db).start()
    token = hub.token("workstation", OFFICE, WSID)
    wsdir = tmp / f"ws{seed}"
    t0 = time.perf_counter()
    ycli(
        "demo",
        "seed",
        "--cases",
        str(cases),
        "--seed",
        str(seed),
        "--days",
        "30",
        "--data-dir",
        str(wsdir),
        timeout=1800,
    )
    seeded = time.perf_counter() - t0
    ws = make_workstation(wsdir, hub.url, token)
    return hub, ws, seeded


def _raw_zstd(ws) -> tuple[int, int, int]:
    """(events, raw JSON bytes, zstd bytes) of everything unsent, compressed as one stream."""
    import zstandard

    from app.services.sync import outbox as local
    from sync import protocol

    events = local.next_batch(ws.store, max_events=10**9, max_bytes=1 << 62)
    raw = protocol.dumps(events)
    return len(events), len(raw), len(zstandard.ZstdCompressor(level=3).compress(raw))


def loopback(tmp: Path, n: int, db: str | None) -> None:
    from app.services.sync.cycle import run_cycle

    hub, ws, seeded = _setup(tmp, n, db, seed=101)
    try:
        events, raw, _z = _raw_zstd(ws)
        t0 = time.perf_counter()
        rep = run_cycle(ws, max_batch_events=2000)
        dt = time.perf_counter() - t0
        assert rep.ok and rep.left == 0, rep.error
        report(
            f"sync over loopback: {n} cases, {events} events ({raw / events:.0f} B JSON each), "
            f"hub on {'PostgreSQL' if db else 'SQLite'}",
            {
                "seed time": seeded,
                "sync time": dt,
                "cases per second": f"{n / dt:.0f}",
                "events per second": f"{events / dt:.0f}",
                "batches": rep.batches,
            },
            unit="s",
        )
    finally:
        hub.stop()
        ws.close()


def shaped(tmp: Path, n: int, db: str | None, runs: int = 3) -> None:
    """1,000 cases over 64 kbit/s with 300 ms RTT, ``runs`` times from the same seeded store
    (a fresh hub each time); medians. Link use = bytes on the wire / what the link could carry
    in that time; the byte figures compare with zstd-19 of all raw events as one stream."""
    import statistics

    import zstandard

    from app.services.sync import outbox as local
    from app.services.sync.cycle import run_cycle
    from sync import protocol
    from tests.hubs import OFFICE, WSID, HubProcess, make_workstation
    from tests.sync.proxy import Proxy, Shape

    rate = 64_000 / 8  # bytes per second, each direction
    hub, ws, _ = _setup(tmp, n, db, seed=202)
    hub.stop()
    events_all = local.next_batch(ws.store, max_events=10**9, max_bytes=1 << 62)
    raw = protocol.dumps(events_all)
    z3 = len(zstandard.ZstdCompressor(level=3).compress(raw))
    z19 = len(zstandard.ZstdCompressor(level=19).compress(raw))
    seeded = ws.config.data_dir
    ws.close()
    rows = []
    idle = []
    for i in range(runs):
        wsdir = tmp / f"shaped-ws{i}"
        shutil.copytree(seeded, wsdir)
        hub = HubProcess(tmp / f"shaped-hub{i}", db).start()
        proxy = Proxy(hub.port, Shape(rate=rate, latency=0.150))
        ws = make_workstation(wsdir, proxy.url, hub.token("workstation", OFFICE, WSID))
        try:
            t0 = time.perf_counter()
            rep = run_cycle(ws)
            dt = time.perf_counter() - t0
            assert rep.ok and rep.left == 0, rep.error
            rows.append(
                (dt, proxy.counters.total, proxy.counters.up, rep.batches, proxy.counters.connections)
            )
            proxy.reset_counters()
            t0 = time.perf_counter()
            assert run_cycle(ws).ok
            idle.append((proxy.counters.total, time.perf_counter() - t0))
        finally:
            proxy.close()
            hub.stop()
            ws.close()
    dt = statistics.median(r[0] for r in rows)
    wire = statistics.median(r[1] for r in rows)
    up = statistics.median(r[2] for r in rows)
    zd = protocol.shipped_dict()
    report(
        f"sync over a shaped link (64 kbit/s each way, 300 ms RTT): {n} cases, {len(events_all)} events, "
        f"median of {runs} runs, pushes {'with dictionary ' + zd.id if zd else 'plain zstd'}",
        {
            "time for all cases": f"{dt:.1f} s (runs: {', '.join(f'{r[0]:.1f}' for r in rows)})",
            "bytes on the wire": int(wire),
            "bytes up (to the hub)": int(up),
            "bytes per case": f"{wire / n:.0f}",
            "zstd-3 / zstd-19 of raw events per case": f"{z3 / n:.0f} / {z19 / n:.0f}",
            "wire / zstd-19(raw events)": f"{wire / z19:.3f}",
            "zstd-19 of all raw events (one stream)": z19,
            "link use (bytes up / link capacity)": f"{up / (dt * rate):.0%}",
            "goodput (zstd-19 events / link capacity)": f"{z19 / (dt * rate):.0%}",
            "batches": rows[0][3],
            "connections": rows[0][4],
        },
    )
    report(
        "idle sync on the same link",
        {"bytes on the wire": idle[0][0], "time": f"{statistics.median(x[1] for x in idle):.2f} s"},
    )


def cut(tmp: Path, n: int, db: str | None) -> None:
    import threading

    from app.services.sync import outbox as local
    from app.services.sync.cycle import run_cycle
    from sync import protocol
    from tests.sync.proxy import Proxy, Shape

    hub, ws, _ = _setup(tmp, n, db, seed=303)
    proxy = Proxy(hub.port, Shape(rate=8000, latency=0.150))
    ws.config.set("hub.url", proxy.url)
    try:
        total = local.pending_count(ws.store)
        timer = threading.Timer(12.0, proxy.cut)
        timer.start()
        first = run_cycle(ws)
        timer.cancel()
        second = run_cycle(ws)
        assert second.ok and second.left == 0, second.error
        st = hub.store()
        applied = st.counts()["events"]
        st.close()
        report(
            f"a cut 12 s into a shaped sync of {n} cases ({total} events; one batch is at most "
            f"{protocol.TARGET_BATCH_BYTES * 8 // 1024} KiB of JSON)",
            {
                "events acked before the cut": first.pushed,
                "batches before the cut": first.batches,
                "events sent again (hub: already had them)": second.duplicates,
                "batches after the cut": second.batches,
                "events at the hub (each once)": applied,
                "cut error": str(first.error)[:60] if first.error else "none (finished first)",
            },
        )
    finally:
        proxy.close()
        hub.stop()
        ws.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=10_000)
    p.add_argument("--shaped", type=int, default=1_000)
    p.add_argument("--cut", type=int, default=300)
    p.add_argument("--runs", type=int, default=3, help="shaped runs (median)")
    p.add_argument("--db", default=None, help="PostgreSQL URL for the hub (default SQLite)")
    p.add_argument("--only", choices=["loopback", "shaped", "cut"])
    p.add_argument(
        "--no-dict", action="store_true", help="push plain zstd (the figures before the dictionary)"
    )
    args = p.parse_args(argv)
    if args.no_dict:
        from sync import protocol

        protocol.shipped_dict = lambda: None  # every HubClient then pushes plain zstd
    tmp = Path(tempfile.mkdtemp(prefix="yc-bench-sync-"))
    try:
        if args.only in (None, "loopback"):
            loopback(tmp, args.cases, args.db)
        if args.only in (None, "shaped"):
            shaped(tmp, args.shaped, args.db, args.runs)
        if args.only in (None, "cut"):
            cut(tmp, args.cut, args.db)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
