"""The window on an encrypted store with no keyring: it asks for the passphrase in the
terminal before it opens (a real pty), asks again after a wrong one, then starts."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
import tty
from pathlib import Path

from app.services.workstation import open_workstation
from tests.privacy.common import ROOT, accept_case, run

PASS = "柜台口令-2026"


def _controlling_tty() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Pty:
    def __init__(self, cmd: list[str], env: dict) -> None:
        self.master, slave = os.openpty()
        tty.setraw(slave)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=_controlling_tty,
            close_fds=True,
        )
        os.close(slave)
        self.seen = b""

    def expect(self, needle: str, timeout: float = 60.0) -> None:
        target, end = needle.encode(), time.monotonic() + timeout
        while target not in self.seen:
            left = end - time.monotonic()
            assert left > 0, f"{needle!r} not seen: {self.seen.decode(errors='replace')[-600:]!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    chunk = b""
                assert chunk, f"exited before {needle!r}: {self.seen.decode(errors='replace')[-600:]!r}"
                self.seen += chunk
        self.seen = self.seen[self.seen.index(target) + len(target) :]

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        os.close(self.master)


def test_the_window_asks_for_the_passphrase_before_it_opens(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ws = open_workstation(data)
    accept_case(ws)
    ws.close()
    assert run(data, "db", "encrypt", env={"YICHUANG_DB_PASSPHRASE": PASS}).returncode == 0
    env = {k: v for k, v in os.environ.items() if k not in ("YICHUANG_DB_PASSPHRASE", "YICHUANG_DATA_DIR")}
    env |= {"PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    term = Pty([sys.executable, "-m", "app", "--data-dir", str(data)], env)
    try:
        term.expect("数据库口令")
        time.sleep(0.2)  # getpass flushes what was typed before it asked
        term.send("not the passphrase\n")
        term.expect("口令不对")
        term.expect("数据库口令")
        time.sleep(0.2)
        term.send(PASS + "\n")
        term.expect("找事项")  # the window is up: its footer
        assert PASS.encode() not in term.seen
    finally:
        term.close()
