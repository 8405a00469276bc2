"""Courier scans per second sustained with no drop, keys at 5 ms and at 1 ms per character.

The courier screen runs headless (Textual's pilot) on a real store in a fresh data dir. A
keyboard-wedge scanner is imitated as a terminal would deliver it: each key of
``EA12345678xCN`` + Enter goes to the driver's queue and the next follows after the pace,
whether or not the app has handled the last (tests/courier/wedge.py). Each run sends
``BENCH_COURIER_SCANS`` distinct valid waybills back to back (pickups for one case); the clock
runs from the first key to the last scan recorded in the store (each one its own
transaction with synchronous=FULL). Reported per pace, median of ``BENCH_COURIER_RUNS``:
offered scans/s (what the keys allow), recorded scans/s (sustained), lost and doubled scans
(must be 0), and the lag of the last scan behind its Enter. Also: the recording thread's own
ceiling (service.record back to back, no UI).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from tests.bench.common import median, report

SCANS = int(os.environ.get("BENCH_COURIER_SCANS", "200"))
RUNS = int(os.environ.get("BENCH_COURIER_RUNS", "3"))
PACES = (0.005, 0.001)


async def _run(pace: float, serial0: int) -> dict[str, float]:
    from sqlalchemy import func, select

    from app.services.workstation import open_workstation
    from app.store.models import CourierScan
    from app.ui.app import YichuangApp
    from app.ui.screens.courier import CourierScreen
    from tests.courier.helpers import accept_cases, waybill
    from tests.courier.wedge import wedge

    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workstation(Path(tmp) / "data")
        [number] = accept_cases(ws, 1)
        codes = [waybill(serial0 + i) for i in range(SCANS)]
        app = YichuangApp(ws, start="courier")
        async with app.run_test(size=(120, 40)) as pilot:
            while not (isinstance(app.screen, CourierScreen) and app.screen.trip is not None):
                await pilot.pause(0.02)
            screen = app.screen
            screen.case = number
            t0 = time.perf_counter()
            await wedge(app, "".join(code + "\r" for code in codes), pace)  # one schedule
            t_keys = time.perf_counter() - t0
            deadline = time.perf_counter() + 120
            while len(screen.outcomes) < SCANS and time.perf_counter() < deadline:
                await asyncio.sleep(0.002)
            t_done = time.perf_counter() - t0
            recorded = [o.waybill for o in screen.outcomes if o.code == "recorded"]
        with ws.store.read() as s:
            stored = s.execute(select(func.count()).select_from(CourierScan)).scalar()
        ws.close()
    return {
        "offered": SCANS / t_keys,
        "recorded": len(recorded) / t_done,
        "lost": SCANS - len(set(recorded) & set(codes)),
        "doubled": len(recorded) - len(set(recorded)) + max(0, stored - SCANS),
        "lag_ms": (t_done - t_keys) * 1000,
    }


def _ceiling() -> float:
    from app.services.courier import CourierService, ScanInput
    from app.services.workstation import open_workstation
    from tests.courier.helpers import accept_cases, waybill

    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workstation(Path(tmp) / "data")
        [number] = accept_cases(ws, 1)
        svc = CourierService(ws)
        trip = svc.open_trip("cli")
        t0 = time.perf_counter()
        for i in range(SCANS):
            svc.record(trip, ScanInput(waybill(500_000 + i), "pickup", case=number))
        rate = SCANS / (time.perf_counter() - t0)
        ws.close()
    return rate


def main() -> None:
    figures: dict[str, str] = {}
    for pace in PACES:
        runs = [asyncio.run(_run(pace, 10_000 * (r + 1))) for r in range(RUNS)]
        key = f"{pace * 1000:.0f} ms/char"
        figures[f"{key}: offered scans/s"] = f"{median([r['offered'] for r in runs]):.1f}"
        figures[f"{key}: recorded scans/s"] = f"{median([r['recorded'] for r in runs]):.1f}"
        figures[f"{key}: lost / doubled"] = (
            f"{sum(int(r['lost']) for r in runs)} / {sum(int(r['doubled']) for r in runs)}"
        )
        figures[f"{key}: last scan lag"] = f"{median([r['lag_ms'] for r in runs]):.0f} ms"
    figures["recording thread alone: scans/s"] = f"{median([_ceiling() for _ in range(RUNS)]):.1f}"
    report(f"courier scans ({SCANS} a run, median of {RUNS})", figures)


if __name__ == "__main__":
    main()
