"""The window on an encrypted store with no keyring: it asks for the passphrase in the
terminal before it opens (a real pty), asks again after a wrong one, then starts."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from app.services.workstation import open_workstation
from tests.privacy.common import ROOT, accept_case, run
from tests.ptys import PtyProgram

PASS = "柜台口令-2026"


def test_the_window_asks_for_the_passphrase_before_it_opens(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ws = open_workstation(data)
    accept_case(ws)
    ws.close()
    assert run(data, "db", "encrypt", env={"YICHUANG_DB_PASSPHRASE": PASS}).returncode == 0
    env = {k: v for k, v in os.environ.items() if k not in ("YICHUANG_DB_PASSPHRASE", "YICHUANG_DATA_DIR")}
    env |= {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    term = PtyProgram(
        [sys.executable, "-m", "app", "--data-dir", str(data)], env, rows=40, cols=120, controlling_tty=True
    )
    try:
        term.expect("数据库口令")
        time.sleep(0.2)  # getpass flushes what was typed before it asked
        term.send("not the passphrase\n")
        term.expect("口令不对")
        term.expect("数据库口令")
        time.sleep(0.2)
        term.send(PASS + "\n")
        term.expect("找事项")  # the window is up: its footer
        assert PASS.encode() not in term.output
    finally:
        term.kill()
