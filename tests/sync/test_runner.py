"""The background loop: offline/online, back-off, sync within 10 s of the link coming back."""

from __future__ import annotations

import threading
import time

import pytest

from app.services.sync.runner import SyncRunner
from sync.transport import Backoff
from tests.hubs import OFFICE, WSID, make_workstation
from tests.sync.proxy import Proxy


def test_backoff_doubles_with_jitter_and_is_capped_at_5_minutes():
    b = Backoff(base=2.0, cap=300.0, rng=lambda: 1.0)
    delays = [b.next_delay() for _ in range(12)]
    assert delays[:4] == [4.0, 8.0, 16.0, 32.0]
    assert max(delays) == 300.0
    low = Backoff(base=2.0, cap=300.0, rng=lambda: 0.0)
    assert [low.next_delay() for _ in range(3)] == [2.0, 4.0, 8.0]  # jitter: half to full
    b.reset()
    assert b.next_delay() == 4.0


@pytest.mark.slow
def test_sync_starts_within_10_s_of_the_link_returning(tmp_path, sqlite_hub):
    hub = sqlite_hub
    proxy = Proxy(hub.port)
    proxy.down()
    ws = make_workstation(tmp_path / "ws", proxy.url, hub.token("workstation", OFFICE, WSID), cases=5)
    runner = SyncRunner(ws, interval=60, probe_every=5)
    seen = []
    t = threading.Thread(target=runner.run_forever, kwargs={"on_cycle": seen.append}, daemon=True)
    t.start()
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.1)
    assert seen and seen[0].online is False and seen[0].waiting == 10
    assert "离线" in seen[0].bar_text()
    time.sleep(2)
    proxy.up()
    back = time.monotonic()
    while len(seen) < 2 and time.monotonic() < back + 12:
        time.sleep(0.1)
    assert len(seen) >= 2, "no sync after the link came back"
    assert time.monotonic() - back < 10
    assert seen[-1].online and seen[-1].waiting == 0
    assert "在线" in seen[-1].bar_text() and "待上传0条" in seen[-1].bar_text()
    runner.stop()
    t.join(5)
    proxy.close()
