"""The window's sync worker (Textual pilot): a hostile answer is shown in the status bar and
the worker lives on; a worker that ends all the same is started again (issue 11)."""

from __future__ import annotations

from textual.worker import WorkerState

from app.services.sync.runner import SyncRunner
from app.ui.app import YichuangApp
from tests.hubs import make_workstation
from tests.sync.fakehub import FakeHub
from tests.ui.test_intake_flow import SIZE, wait_for


def _sync_workers(app) -> list:
    return [
        w for w in app.workers if w.group == "sync" and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
    ]


async def test_a_broken_answer_is_shown_and_the_worker_keeps_running(tmp_path):
    hub = FakeHub()
    hub.misbehave("push", "bad_zstd")
    ws = make_workstation(tmp_path / "ws", hub.url, "token", cases=2)
    app = YichuangApp(ws)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: "上次出错" in app.status_text, timeout=30)
            assert "在线（链路不稳）" in app.status_text  # the hub answers, badly
            await pilot.pause(0.5)
            assert _sync_workers(app), "the sync worker died"
            hub.misbehave("push", None)
            app.kick_sync()
            await wait_for(pilot, lambda: "待上传0条" in app.status_text, timeout=30)
            assert "上次出错" not in app.status_text
    finally:
        hub.close()


async def test_a_sync_worker_that_ends_is_started_again(tmp_path, monkeypatch):
    hub = FakeHub()
    ws = make_workstation(tmp_path / "ws", hub.url, "token", cases=2)
    real = SyncRunner.run_forever
    calls = []

    def ends_the_first_time(self, *a, **kw):  # a fault escaping the loop (a bug, say)
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the worker ends")
        return real(self, *a, **kw)

    monkeypatch.setattr(SyncRunner, "run_forever", ends_the_first_time)
    app = YichuangApp(ws)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: len(calls) >= 2, timeout=30)
            await wait_for(pilot, lambda: "待上传0条" in app.status_text, timeout=30)
            assert _sync_workers(app)
    finally:
        hub.close()
