"""Back-off follows progress (issue 11): a cycle that moved acknowledged bytes or events is
not a failure to back off from, and the window says 在线（链路不稳）, not 离线, meanwhile."""

from __future__ import annotations

import random
import threading
import time

import pytest

from app.services.sync import attachments
from app.services.sync.runner import SyncRunner
from tests.hubs import OFFICE, WSID, make_workstation
from tests.sync.proxy import Proxy, Shape

RATE = 400_000  # bytes per second each way
SCAN = 4_000_000


@pytest.mark.slow
def test_a_4_mb_scan_crosses_a_link_cut_every_200_kb_within_3x_the_link_time(tmp_path, sqlite_hub):
    hub = sqlite_hub
    proxy = Proxy(hub.port, Shape(rate=RATE, cut_after=(200_000, 200_000)))
    ws = make_workstation(tmp_path / "ws", proxy.url, hub.token("workstation", OFFICE, WSID), cases=1)
    from sqlalchemy import select

    from app.store.models import Case

    with ws.store.read() as s:
        number = s.execute(select(Case.number)).scalars().first()
    blob = tmp_path / "scan.pdf"
    blob.write_bytes(random.Random(5).randbytes(SCAN))
    sha = attachments.add(ws, number, blob)
    link_time = SCAN / RATE
    runner = SyncRunner(ws, interval=60, probe_every=0.5)
    seen: list = []
    th = threading.Thread(target=runner.run_forever, kwargs={"on_cycle": seen.append}, daemon=True)
    t0 = time.monotonic()
    th.start()
    try:
        end = t0 + 6 * link_time
        while attachments.pending_count(ws.store) and time.monotonic() < end:
            time.sleep(0.1)
        elapsed = time.monotonic() - t0
        print(
            f"4 MB over a link cut every 200 KB: {elapsed:.1f} s, link time {link_time:.1f} s, "
            f"{proxy.counters.cuts} cuts, {len(seen)} cycles"
        )
        assert attachments.pending_count(ws.store) == 0, f"not there after {elapsed:.0f} s"
        assert proxy.counters.cuts >= 10
        assert elapsed < 3 * link_time, f"{elapsed:.1f} s for a link time of {link_time:.1f} s"
        failed = [st for st in seen if st.last_error]
        assert failed, "the link never cut a cycle"
        assert all(st.link == "unstable" and "在线（链路不稳）" in st.bar_text() for st in failed)
        assert not any("离线" in st.bar_text() for st in seen)
        assert (hub.data_dir / "blobs" / sha).read_bytes() == blob.read_bytes()
    finally:
        runner.stop()
        th.join(10)
        proxy.close()
