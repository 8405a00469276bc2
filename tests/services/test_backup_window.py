"""The window's daily backup (Textual pilot): made in a worker into backup.dir, once a day; a
failure is shown in the status line and the window goes on (issue 9)."""

from __future__ import annotations

from pathlib import Path

import app.ui.jobs as ui_jobs
from app.services.workstation import open_workstation
from app.ui.app import YichuangApp
from tests.ui.test_intake_flow import SIZE, wait_for


async def test_the_open_window_makes_the_daily_backup(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ui_jobs, "BACKUP_FIRST_DELAY", 0.2)
    ws = open_workstation(tmp_path / "data")
    ws.config.set("backup.dir", str(tmp_path / "daily"))
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: list((tmp_path / "daily").glob("*.tar.zst")), timeout=60)
        app.background.start("backup")  # a second look the same day: nothing new
        await pilot.pause(1.0)
        assert len(list((tmp_path / "daily").glob("*.tar.zst"))) == 1
    ws.close()


async def test_a_failing_daily_backup_is_shown(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ui_jobs, "BACKUP_FIRST_DELAY", 0.2)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    ws = open_workstation(tmp_path / "data")
    ws.config.set("backup.dir", str(blocker / "sub"))
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "自动备份失败" in app.status_text, timeout=60)
        assert app.is_running
    ws.close()
