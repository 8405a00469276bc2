"""A crash of the window is never silent: non-zero exit and a log in the data dir."""

from __future__ import annotations

import os
import subprocess
import sys

from textual.app import App

from app import __version__
from app.crashlog import run_app


def test_a_crash_in_the_window_exits_non_zero_and_leaves_a_log(tmp_path):
    """A real fault: the stored catalogue is cut short, the window's loader fails on it."""
    data_dir = tmp_path / "data"
    cmd = [sys.executable, "-m", "app", "--data-dir", str(data_dir)]
    subprocess.run([*cmd, "config", "get"], check=True, capture_output=True, timeout=60)
    (data_dir / "catalogue").mkdir()
    (data_dir / "catalogue" / "current.json").write_text('{"version": "2026.1", "matt', encoding="utf-8")
    env = {**os.environ, "YICHUANG_HEADLESS": "1"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stderr[-2000:]
    logs = list((data_dir / "logs").glob("crash-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text(encoding="utf-8")
    assert f"yichuang {__version__} crashed at " in text
    assert "Traceback (most recent call last)" in text and "CatalogueError" in text
    assert str(logs[0]) in done.stderr


class Broken(App):
    """A window whose key handler fails, as a bug in ours would."""

    def on_mount(self) -> None:
        self.call_after_refresh(self.simulate_key, "x")

    def on_key(self) -> None:
        {}["missing"]  # noqa: B018


def test_run_app_reports_a_handler_exception(tmp_path):
    code = run_app(Broken(), tmp_path, headless=True)
    assert code == 1
    [log] = (tmp_path / "logs").glob("crash-*.log")
    text = log.read_text(encoding="utf-8")
    assert "KeyError: 'missing'" in text and "on_key" in text


def test_run_app_returns_zero_on_a_normal_exit(tmp_path):
    class Quits(App):
        def on_mount(self) -> None:
            self.exit()

    assert run_app(Quits(), tmp_path, headless=True) == 0
    assert not (tmp_path / "logs").exists()
