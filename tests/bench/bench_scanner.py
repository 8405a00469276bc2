"""The scanner inbox: from a scanned file's close to its row on screen, and the inbox with
10,000 archived scans.

1. Taking 300 files (a JPEG each, ~2 KB) that lay in the inbox when the watcher started:
   hash, copy into the attachment store with fsync, the row, the move into the archive with
   fsync of both folders — scans per second of the real path (four fsyncs and a
   synchronous=FULL commit each: the disk decides). The other 9,700 archived scans are
   written in bulk as that path leaves them (archive file, blob, row); all but 20 are then
   marked assigned (set-up only), like a window after months of work.
2. With those 10,000 in the archive: the time of the watcher's start (lock, watchdog, the
   first look at the folder) and of one periodic rescan, the process's resident memory
   before and after starting the watcher, `list_scans` of the unassigned and of all scans
   (what `yichuang scans list` reads).
3. The window (Textual, headless) with the scans screen open over an intake: a new JPEG is
   written and closed in the inbox; the clock stops when its row is in the screen's table
   (polled every 2 ms). Also the part until the watcher recorded it. Target: p50 < 500 ms.

Medians of several runs; run with `python -m tests.bench.bench_scanner`.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from tests.bench.common import ms, report, summarize

FILES = int(os.environ.get("BENCH_SCAN_FILES", "10000"))
TAKEN = min(FILES, int(os.environ.get("BENCH_SCAN_TAKEN", "300")))  # of them through the real path
RUNS = int(os.environ.get("BENCH_SCAN_RUNS", "15"))
UNASSIGNED = 20


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _jpeg_with(base: bytes, i: int) -> bytes:
    """Distinct content per file (a comment segment), still a complete JPEG."""
    comment = f"scan {i}".encode()
    return base[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + base[2:]


def _fill(ws, inbox: Path) -> dict[str, float]:
    """TAKEN files through the real path (timed), the rest of the FILES archived scans as the
    real path leaves them (archive file, blob, row) but written in bulk: set-up, not measured."""
    import hashlib
    from datetime import UTC, datetime

    from sqlalchemy import update

    from app.services.scans import ScanInbox, blob_dir
    from app.store.models import Scan
    from tests.services import scan_samples as samples

    base = samples.jpeg(seed=1)
    past = time.time() - 3600
    for i in range(TAKEN):
        path = inbox / f"scan{i:05d}.jpg"
        path.write_bytes(_jpeg_with(base, i))
        os.utime(path, (past, past))
    watcher = ScanInbox(ws, inbox)
    t0 = time.perf_counter()
    watcher.rescan()
    taken = 0
    while taken < TAKEN:
        taken += len(watcher.poll())
    took = time.perf_counter() - t0
    month = inbox / "archive" / "2026-10"
    month.mkdir(parents=True, exist_ok=True)
    blobs = blob_dir(ws)
    rows = []
    for i in range(TAKEN, FILES):
        data = _jpeg_with(base, i)
        sha = hashlib.sha256(data).hexdigest()
        (blobs / sha).write_bytes(data)
        target = month / f"{i + 1:06d}-scan{i:05d}.jpg"
        target.write_bytes(data)
        rows.append(
            Scan(
                name=f"scan{i:05d}.jpg",
                size=len(data),
                sha256=sha,
                kind="jpeg",
                pages=1,
                state="unassigned",
                source_path=str(inbox / f"scan{i:05d}.jpg"),
                archive_path=str(target),
                found_at=datetime.now(UTC),
            )
        )
    with ws.store.write() as s:
        s.add_all(rows)
    with ws.store.write() as s:
        s.execute(
            update(Scan)
            .where(Scan.id > UNASSIGNED)
            .values(state="assigned", case_number="320724100-01-261120-0001-X", material_key="m")
        )
    return {"taken": float(taken), "take_s": took}


def _startup_and_memory(ws, inbox: Path) -> dict[str, float]:
    from app.services.scans import ScanInbox, list_scans

    starts, rescans, unassigned, everything = [], [], [], []
    rss_before = _rss_mb()
    rss_after = rss_before
    for run in range(5):
        w = ScanInbox(ws, inbox)
        t0 = time.perf_counter()
        w.open()
        w.poll()
        starts.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        w.rescan()
        w.poll()
        rescans.append(time.perf_counter() - t0)
        if run == 0:  # before anything below loads 10,000 rows
            rss_after = _rss_mb()
        w.stop()
        t0 = time.perf_counter()
        n_unassigned = len(list_scans(ws, state="unassigned"))
        unassigned.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        n_all = len(list_scans(ws))
        everything.append(time.perf_counter() - t0)
    return {
        "watcher start (lock, watchdog, first look) p50": ms(summarize(starts)["p50"]),
        "periodic rescan p50": ms(summarize(rescans)["p50"]),
        "list unassigned scans p50": ms(summarize(unassigned)["p50"]),
        "list all scans (scans list) p50": ms(summarize(everything)["p50"]),
        "rows unassigned / all": f"{n_unassigned}/{n_all}",
        "RSS before watcher (MB)": f"{rss_before:.1f}",
        "RSS with watcher (MB)": f"{rss_after:.1f}",
    }


async def _close_to_screen(ws, inbox: Path) -> tuple[list[float], list[float]]:
    from textual.widgets import DataTable

    from app.ui.app import YichuangApp
    from app.ui.screens.intake import IntakeScreen
    from app.ui.screens.scans import ScansScreen
    from tests.services import scan_samples as samples

    app = YichuangApp(ws)
    to_screen: list[float] = []
    to_store: list[float] = []
    async with app.run_test(size=(160, 50)) as pilot:
        while not (
            isinstance(app.screen, IntakeScreen)
            and app.screen.panes_ready
            and app.scan_feed is not None
            and app.scan_feed.inbox is not None
        ):
            await pilot.pause(0.05)
        intake = app.screen
        intake.draft = intake.service.new_draft("matter", "320724-SCJG-0002")
        recorded: dict[str, float] = {}
        feed_cb = app.scan_feed.inbox.on_scan

        def noted(scan) -> None:
            recorded[scan.name] = time.perf_counter()
            feed_cb(scan)

        app.scan_feed.inbox.on_scan = noted
        await pilot.press("ctrl+s")
        while not isinstance(app.screen, ScansScreen):
            await pilot.pause(0.05)
        table = app.screen.query_one("#scans-table", DataTable)
        await pilot.pause(0.5)
        for i in range(RUNS):
            rows = table.row_count
            name = f"new{i:03d}.jpg"
            data = samples.jpeg(seed=100 + i, size=(1240, 1754))  # an A4 page at 150 dpi
            with open(inbox / name, "wb") as fh:
                fh.write(data)
            closed = time.perf_counter()
            while table.row_count <= rows:
                await asyncio.sleep(0.002)
            to_screen.append(time.perf_counter() - closed)
            to_store.append(recorded[name] - closed)
            await pilot.pause(0.2)
    return to_screen, to_store


def main() -> None:
    from app.services.workstation import open_workstation

    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        ws = open_workstation(Path(tmp) / "data")
        ws.config.set("scanner.inbox", str(inbox))
        _ = ws.store, ws.catalogue
        filled = _fill(ws, inbox)
        report(
            f"scanner inbox: taking {TAKEN} files found at start (hash, copy+fsync, row, move+fsync)",
            {
                "total (s)": f"{filled['take_s']:.1f}",
                "scans per second": f"{filled['taken'] / filled['take_s']:.0f}",
                "per scan": ms(filled["take_s"] / filled["taken"]),
            },
        )
        report(f"scanner inbox with {FILES} archived scans", _startup_and_memory(ws, inbox))
        to_screen, to_store = asyncio.run(_close_to_screen(ws, inbox))
        s, r = summarize(to_screen), summarize(to_store)
        report(
            f"scanner: file closed -> row on the scans screen ({RUNS} A4 JPEGs, {FILES} archived; target p50 < 500 ms)",
            {
                "to screen p50": ms(s["p50"]),
                "to screen p95": ms(s["p95"]),
                "to screen max": ms(s["max"]),
                "to the store (taken) p50": ms(r["p50"]),
                "to the store (taken) p95": ms(r["p95"]),
            },
        )
        ws.close()


if __name__ == "__main__":
    main()
