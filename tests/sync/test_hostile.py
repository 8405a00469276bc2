"""Hostile or broken answers from the hub never stop sync (issue 11).

Each fault is sent by a real HTTP server on 127.0.0.1 (tests/sync/fakehub.py). The window's
loop runs in a thread as in the TUI: after each fault the worker is alive, last_error is set,
nothing is marked sent (push faults) or applied (pull faults), and once the hub mends the
next cycle sends everything. The CLI exits non-zero with a Chinese message, no traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time

import pytest
from rich.text import Text
from sqlalchemy import func, select

from app.services.sync import outbox as local
from app.services.sync.runner import SyncRunner
from app.store.models import CaseEvent
from app.store.sync_models import SyncEvent
from tests.hubs import ROOT, make_workstation
from tests.sync.fakehub import FakeHub

DEADLINE = "3"  # seconds for a whole exchange (YICHUANG_HUB_DEADLINE), short for the drip tests
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def fake():
    hub = FakeHub()
    yield hub
    hub.close()


def wait_until(cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def sent_marks(ws) -> int:
    with ws.store.read() as s:
        synced = s.execute(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.synced_at.is_not(None))
        ).scalar()
        rows = s.execute(select(func.count()).select_from(SyncEvent)).scalar()
    return int(synced) + int(rows)


class Loop:
    """The window's sync loop in a thread, as the TUI runs it."""

    def __init__(self, ws) -> None:
        self.runner = SyncRunner(ws, interval=60, probe_every=0.5)
        self.seen: list = []
        self.thread = threading.Thread(
            target=self.runner.run_forever, kwargs={"on_cycle": self.seen.append}, daemon=True
        )
        self.thread.start()

    def cycles(self, n: int, timeout: float = 40) -> None:
        end = time.monotonic() + timeout
        while len(self.seen) < n and time.monotonic() < end:
            self.runner.kick()  # skip the back-off wait: retry now
            time.sleep(0.2)
        assert len(self.seen) >= n, (
            f"only {len(self.seen)} cycle(s) in {timeout} s; alive={self.thread.is_alive()}"
        )

    def stop(self) -> None:
        self.runner.stop()
        self.thread.join(15)


PUSH_FAULTS = [
    "bad_zstd",
    "bad_gzip",
    "drip",
    "drip_headers",
    "bogus_ack",
    "foreign_refusal",
    "refused_twice",
    "huge",
    "bomb",
    "html_500",
]
PULL_FAULTS = [
    "bad_zstd",
    "non_object_events",
    "shapeless_events",
    "negative_cursor",
    "bool_cursor",
    "endless_more",
    "drip",
    "huge",
    "bomb",
]


@pytest.mark.parametrize("fault", PUSH_FAULTS)
def test_a_hostile_push_answer_marks_nothing_and_the_worker_lives_on(tmp_path, fake, monkeypatch, fault):
    monkeypatch.setenv("YICHUANG_HUB_DEADLINE", DEADLINE)
    ws = make_workstation(tmp_path / "ws", fake.url, "token", cases=20)
    assert local.unsent_total(ws.store) == 40
    fake.misbehave("push", fault)
    loop = Loop(ws)
    try:
        loop.cycles(2)  # failed, recorded, and retried
        assert loop.thread.is_alive()
        st = loop.seen[-1]
        assert st.last_error and st.waiting == 40
        assert sent_marks(ws) == 0  # nothing marked sent
        shown = Text.from_markup(st.bar_text()).plain  # the hub's words cannot inject markup
        assert "上次出错" in shown  # shown to the clerk, in Chinese
        if fault == "html_500":  # the hub's own words are not shown, or shown as typed
            assert "Bad gateway" not in shown or "[b]Bad gateway[/b]" in shown
        fake.misbehave("push", None)
        assert wait_until(lambda: (loop.runner.kick(), loop.seen[-1].waiting == 0)[1], 30)
        assert not loop.seen[-1].last_error and loop.thread.is_alive()
        assert len({e["id"] for e in fake.pushed}) == 40
    finally:
        loop.stop()


@pytest.mark.parametrize("fault", PULL_FAULTS)
def test_a_hostile_pull_answer_applies_nothing_and_the_worker_lives_on(tmp_path, fake, monkeypatch, fault):
    monkeypatch.setenv("YICHUANG_HUB_DEADLINE", DEADLINE)
    ws = make_workstation(tmp_path / "ws", fake.url, "token", cases=3)
    local.write_state(ws.store, cursor="7")
    fake.misbehave("pull", fault)
    loop = Loop(ws)
    try:
        loop.cycles(2)
        assert loop.thread.is_alive()
        assert loop.seen[-1].last_error and "上次出错" in loop.seen[-1].line()
        assert local.read_state(ws.store, local.CURSOR) == "7"  # nothing stored
        fake.misbehave("pull", None)
        assert wait_until(lambda: (loop.runner.kick(), not loop.seen[-1].last_error)[1], 30)
        assert loop.thread.is_alive()
    finally:
        loop.stop()


def test_the_acknowledgement_must_account_for_every_event_of_the_batch(tmp_path, fake):
    from app.services.sync.cycle import run_cycle

    ws = make_workstation(tmp_path / "ws", fake.url, "token", cases=20)
    fake.misbehave("push", "bogus_ack")
    rep = run_cycle(ws)
    assert rep.error is not None and rep.error.kind == "hub"
    assert rep.left == 40 and sent_marks(ws) == 0
    assert local.read_state(ws.store, "last_error")


CLI_FAULTS = [
    ("push", "bad_zstd"),
    ("push", "bad_gzip"),
    ("push", "bogus_ack"),
    ("pull", "non_object_events"),
    ("pull", "negative_cursor"),
    ("pull", "drip"),
    ("pull", "huge"),
    ("pull", "bomb"),
]


@pytest.mark.parametrize(("endpoint", "fault"), CLI_FAULTS)
def test_sync_once_fails_with_a_chinese_message_and_no_traceback(tmp_path, fake, endpoint, fault):
    ws = make_workstation(tmp_path / "ws", fake.url, "token", cases=2)
    ws.close()
    fake.misbehave(endpoint, fault)
    t0 = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "app", "sync", "--once", "--data-dir", str(tmp_path / "ws")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "YICHUANG_HUB_DEADLINE": DEADLINE},
    )
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and CJK.search(r.stderr), r.stderr
    assert time.monotonic() - t0 < 30


def test_a_slow_but_steady_answer_gets_its_time_a_drip_does_not(tmp_path, fake, monkeypatch):
    from app.services.sync.cycle import run_cycle

    monkeypatch.setenv("YICHUANG_HUB_DEADLINE", "2")
    ws = make_workstation(tmp_path / "ws", fake.url, "token", cases=1)
    fake.misbehave("pull", "slow_steady")  # 20 KB in 4 s: twice the bare deadline
    t0 = time.monotonic()
    rep = run_cycle(ws)
    assert rep.ok, rep.error
    assert time.monotonic() - t0 > 3
    fake.misbehave("pull", "drip")
    t0 = time.monotonic()
    rep = run_cycle(ws)
    assert rep.error is not None and rep.error.kind == "slow"
    assert time.monotonic() - t0 < 6


# --- bounded memory ----------------------------------------------------------------------------------
_RSS_CHILD = """
import sys
from app.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print("HWM", int(line.split()[1]) * 1024, file=sys.stderr)
"""


def _sync_once_hwm(data_dir) -> tuple[int, str]:
    r = subprocess.run(
        [sys.executable, "-c", _RSS_CHILD, "sync", "--once", "--data-dir", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "YICHUANG_HUB_DEADLINE": "60"},
    )
    m = re.search(r"HWM (\d+)", r.stderr)
    assert m, r.stderr[-3000:]
    return int(m.group(1)), r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["bomb", "huge"])
def test_a_bomb_or_a_huge_answer_keeps_memory_flat(tmp_path, fake, fault):
    from tests.sync.fakehub import zstd_bomb

    assert len(zstd_bomb()) < 100_000  # 2 GiB of zeros in a small frame
    ws = make_workstation(tmp_path / "ws", fake.url, "token", cases=2)
    ws.close()
    base, _ = _sync_once_hwm(tmp_path / "ws")
    fake.misbehave("pull", fault)
    hwm, err = _sync_once_hwm(tmp_path / "ws")
    growth = hwm - base
    print(f"{fault}: VmHWM {base / 2**20:.0f} MB -> {hwm / 2**20:.0f} MB")
    assert growth < 100 * 2**20, f"memory grew by {growth / 2**20:.0f} MB\n{err[-2000:]}"
    assert "Traceback" not in err
