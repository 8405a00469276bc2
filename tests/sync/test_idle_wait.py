"""The window's idle wait: its background sync holds a pull at the hub (``wait=``), so a back
office's decision reaches it within 2 s; it goes back to short polls when a proxy cuts long
requests. Real hub process, real workstation store, a userspace TCP proxy."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from app.services.sync.cycle import run_cycle
from app.services.sync.runner import SyncRunner
from app.store.models import Case
from sync import protocol
from tests.hubs import OFFICE, WSID, make_workstation
from tests.sync.helpers import decide
from tests.sync.proxy import Proxy, Shape

pytestmark = pytest.mark.slow


def _state(ws, number: str) -> str:
    with ws.store.read() as s:
        return s.execute(select(Case.state).where(Case.number == number)).scalar()


def _accepted(ws) -> str:
    with ws.store.read() as s:
        return s.execute(select(Case.number).where(Case.state == "accepted")).scalars().first()


def _until(cond, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def _start(runner: SyncRunner) -> threading.Thread:
    th = threading.Thread(target=runner.run_forever, daemon=True)
    th.start()
    return th


def test_a_back_office_decision_reaches_an_idle_window_within_two_seconds(tmp_path, hub):
    bo = hub.token("backoffice")
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=3)
    assert run_cycle(ws).ok
    number = _accepted(ws)
    runner = SyncRunner(ws, interval=300)  # the old idle cycle would take 5 minutes
    th = _start(runner)
    try:
        assert _until(lambda: runner.idle_state == "waiting", 15)
        time.sleep(1.0)  # the pull is held at the hub
        t0 = time.monotonic()
        assert decide(hub.url, bo, number, "case.in_review").status_code == 201
        assert _until(lambda: _state(ws, number) == "in_review", 5)
        assert time.monotonic() - t0 < 2.0
    finally:
        runner.stop()
        th.join(30)


def test_idle_traffic_is_under_1_kb_a_minute(tmp_path, sqlite_hub):
    hub = sqlite_hub
    proxy = Proxy(hub.port)
    ws = make_workstation(tmp_path / "ws", proxy.url, hub.token("workstation", OFFICE, WSID), cases=2)
    assert run_cycle(ws).ok
    runner = SyncRunner(ws, interval=300, idle_wait=3)  # short holds: the bytes of each are the same
    th = _start(runner)
    try:
        assert _until(lambda: runner.idle_state == "waiting", 15)
        time.sleep(0.5)
        proxy.reset_counters()
        polls0 = runner.idle_polls
        time.sleep(10)
        polls = runner.idle_polls - polls0
        assert polls >= 2
        per_poll = proxy.counters.total / polls
        per_minute = per_poll * 60 / protocol.MAX_PULL_WAIT  # at the hub's bound
        print(
            f"idle poll: {per_poll:.0f} bytes; {per_minute:.0f} bytes a minute at wait={protocol.MAX_PULL_WAIT}"
        )
        assert per_minute <= 1024
    finally:
        runner.stop()
        th.join(30)
        proxy.close()


def test_a_proxy_that_cuts_long_requests_sends_the_window_back_to_short_polls(tmp_path, sqlite_hub):
    hub = sqlite_hub
    bo = hub.token("backoffice")
    proxy = Proxy(hub.port, Shape(read_timeout=1.5))  # a request may wait 1.5 s for its answer
    ws = make_workstation(tmp_path / "ws", proxy.url, hub.token("workstation", OFFICE, WSID), cases=3)
    assert run_cycle(ws).ok
    number = _accepted(ws)
    runner = SyncRunner(ws, interval=2)
    th = _start(runner)
    try:
        assert _until(lambda: runner.idle_state == "short", 20), runner.idle_state
        assert proxy.counters.cuts >= 1
        assert decide(hub.url, bo, number, "case.in_review").status_code == 201
        assert _until(lambda: _state(ws, number) == "in_review", 10)  # by the short polls
        assert runner.last_report is not None and runner.last_report.ok
    finally:
        runner.stop()
        th.join(30)
        proxy.close()


def test_a_stopped_watch_leaves_the_store_alone_when_its_hold_is_cut(tmp_path, sqlite_hub):
    """The window closes (runner stopped, store closed and gone), then the hub goes away: the
    hold still on the wire fails, and the stopped watch must end without reading the store
    (it probed it with a plain pull, on a closed store: 'unable to open database file')."""
    hub = sqlite_hub
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=1)
    assert run_cycle(ws).ok
    runner = SyncRunner(ws, interval=300, idle_wait=20)
    th = _start(runner)
    failures: list[BaseException] = []
    before = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)
    try:
        assert _until(lambda: runner._watch is not None and runner._watch.holding.is_set(), 15)
        watch = runner._watch
        runner.stop()
        th.join(10)
        ws.close()
        (tmp_path / "ws").rename(tmp_path / "gone")  # the store's folder is no longer there
        hub.stop()  # the held pull is cut long before its bound
        watch.join(10)
        assert not watch.is_alive()
        assert failures == []
        assert watch.outcome == ""  # a stopped watch reports nothing
    finally:
        threading.excepthook = before
