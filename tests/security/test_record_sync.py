"""Issue 16 §7: the window's long-running sync against a hostile hub — memory stays bounded
after decompression bombs and oversized or garbage answers, and Retry-After is honoured up
to a cap. A real HTTP server on 127.0.0.1 (tests/security/hostile_hub.py) and the real sync
runner in a process of its own (tests/security/sync_child.py), its memory read from /proc."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hubs import ROOT, make_workstation
from tests.security.hostile_hub import HostileHub

pytestmark = pytest.mark.slow

MB = 1 << 20
ANSWERS = 20  # hostile answers, as the issue counts them


def run_runner(data_dir: Path, cycles: int, cap: float | None = None) -> list[dict]:
    r = subprocess.run(
        [sys.executable, "-m", "tests.security.sync_child", str(data_dir), str(cycles)]
        + ([str(cap)] if cap is not None else []),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert r.returncode == 0 and len(lines) == cycles, r.stdout[-2000:] + r.stderr[-3000:]
    assert "Traceback" not in r.stderr, r.stderr[-3000:]
    return lines


@pytest.fixture
def hostile():
    h = HostileHub()
    yield h
    h.close()


@pytest.fixture
def window(tmp_path: Path, hostile: HostileHub) -> Path:
    ws = make_workstation(tmp_path / "ws", hostile.url, "a-window-token")
    ws.close()
    return tmp_path / "ws"


@pytest.mark.parametrize("mode", ["bomb", "garbage"])
def test_memory_stays_bounded_after_20_hostile_answers(window: Path, hostile: HostileHub, mode: str):
    healthy = run_runner(window, ANSWERS)
    assert [c["error"] for c in healthy] == [None] * ANSWERS
    hostile.mode = mode
    hostile.hostile = 0
    attacked = run_runner(window, ANSWERS)
    assert hostile.hostile == ANSWERS
    errors = {c["error"] for c in attacked}
    assert None not in errors and errors <= {"sync.err_too_large", "sync.err_unreadable", "sync.err_shape"}
    growth = attacked[-1]["rss"] - healthy[-1]["rss"]
    print(
        f"{mode}: RSS after {ANSWERS} healthy cycles {healthy[-1]['rss'] / MB:.0f} MB, after {ANSWERS} "
        f"hostile answers {attacked[-1]['rss'] / MB:.0f} MB ({growth / MB:+.0f} MB; peak "
        f"{attacked[-1]['hwm'] / MB:.0f} MB vs {healthy[-1]['hwm'] / MB:.0f} MB)"
    )
    assert growth <= 64 * MB, f"{growth / MB:.0f} MB over the healthy run"
    # and the memory does not creep from one hostile answer to the next
    assert attacked[-1]["rss"] - attacked[4]["rss"] <= 16 * MB, [c["rss"] // MB for c in attacked]


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


@pytest.mark.parametrize("status", [503, 429])
def test_retry_after_in_seconds_is_waited_for(window: Path, hostile: HostileHub, status: int):
    hostile.mode, hostile.busy = "busy", [(status, "2"), (status, "2")]
    lines = run_runner(window, 3)
    assert [c["error"] for c in lines] == ["sync.err_retry_after", "sync.err_retry_after", None]
    gaps = _gaps(hostile.times)
    print(f"{status}: Retry-After 2 -> waits of {', '.join(f'{g:.2f} s' for g in gaps)} (back-off 50 ms)")
    assert len(gaps) == 2 and all(1.95 <= g < 3.5 for g in gaps), gaps


def test_retry_after_as_an_http_date_is_waited_for(window: Path, hostile: HostileHub):
    hostile.mode, hostile.busy = "busy", [(503, "+3")]
    run_runner(window, 2)
    [gap] = _gaps(hostile.times)
    print(f"Retry-After: <Date + 3 s> -> a wait of {gap:.2f} s")
    assert 1.95 <= gap < 4.5, gap  # the dates have whole seconds: 2 to 3 s, and the cycle's own time


def test_retry_after_is_capped(window: Path, hostile: HostileHub):
    hostile.mode, hostile.busy = "busy", [(503, "3600")]
    lines = run_runner(window, 2, cap=2.0)
    assert [c["error"] for c in lines] == ["sync.err_retry_after", None]
    [gap] = _gaps(hostile.times)
    print(f"Retry-After: 3600 with a cap of 2 s -> a wait of {gap:.2f} s")
    assert 1.95 <= gap < 3.5, gap
