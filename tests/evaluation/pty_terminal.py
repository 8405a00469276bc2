"""A real program in a pseudo-terminal: its screen output read in a thread, keys written."""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import termios
import threading
import time
import tty
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class PtyProgram:
    def __init__(self, cmd: list[str], env: dict[str, str], rows: int = 30, cols: int = 100) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = b""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def text(self) -> str:
        with self._lock:
            return self.output.decode("utf-8", "replace")

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_for(self, predicate, timeout: float = 30.0, what: str = "") -> None:
        end = time.monotonic() + timeout
        while not predicate():
            if self.proc.poll() is not None:
                raise AssertionError(f"the program exited ({self.proc.returncode}): {self.text()[-800:]!r}")
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what}: {self.text()[-800:]!r}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Ctrl+Q, as the person at the counter would; killed if it does not go."""
        if self.proc.poll() is None:
            try:
                self.send(b"\x11")
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.close(self.master)
