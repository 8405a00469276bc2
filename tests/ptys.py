"""A real program in a pseudo-terminal: keys written to it, its screen output read as it comes.

One helper for every test package and the benchmarks (the window asking for a passphrase, the
counter terminal, spawn-to-first-answer). Standard library only.
"""

from __future__ import annotations

import bisect
import fcntl
import os
import signal
import struct
import subprocess
import termios
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _controlling_tty() -> None:
    """In the child (after setsid): make the pty its controlling terminal, as a login would
    (getpass reads the passphrase from /dev/tty)."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyProgram:
    """``cmd`` in a new session on a raw pty of ``rows`` x ``cols``; ``keys`` are typed the moment
    it is spawned (the pty holds them until the program reads). A thread drains the output, so
    the program never blocks on a full terminal while the test does something else."""

    def __init__(
        self,
        cmd: list[str],
        env: dict[str, str],
        *,
        rows: int = 30,
        cols: int = 100,
        controlling_tty: bool = False,
        keys: bytes = b"",
        cooked: bool = False,
    ) -> None:
        master, slave = os.openpty()
        # Raw before the child exists: no line-discipline echo of typed keys, no line buffering.
        # cooked: the terminal as a terminal emulator or tmux hands it to a program; keys typed
        # before the program switches to raw mode are echoed, and CR arrives as LF (ICRNL).
        if not cooked:
            tty.setraw(slave)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            # the terminal's size is the pty's: COLUMNS/LINES inherited from the test runner
            # (pytest-xdist's workers set 80x24) would override it and wrap what is looked for
            env={**env, "COLUMNS": str(cols), "LINES": str(rows)},
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=_controlling_tty if controlling_tty else None,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        if keys:
            os.write(master, keys)
        self._out = bytearray()
        self._ends: list[int] = []  # the output's length after each read ...
        self._times: list[float] = []  # ... and when that read returned (perf_counter)
        self._mark = 0  # expect() looks after the previous match
        self._eof = False
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the program closed the terminal (it exited)
                chunk = b""
            now = time.perf_counter()
            with self._cond:
                if not chunk:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self._out += chunk
                self._ends.append(len(self._out))
                self._times.append(now)
                self._cond.notify_all()

    @property
    def output(self) -> bytes:
        """Everything the program has written so far."""
        with self._cond:
            return bytes(self._out)

    def text(self) -> str:
        return self.output.decode("utf-8", "replace")

    def send(self, keys: bytes | str) -> None:
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)

    def expect(self, needle: str, timeout: float = 60.0) -> float:
        """Wait for ``needle`` in the output after the previous expect() match; returns the
        seconds from the spawn to the read that completed it."""
        target = needle.encode()
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                at = self._out.find(target, self._mark)
                if at >= 0:
                    self._mark = at + len(target)
                    read = bisect.bisect_left(self._ends, self._mark)
                    return self._times[read] - self.started
                tail = self._out[-600:].decode("utf-8", "replace")
                if self._eof:
                    raise AssertionError(f"exited before {needle!r} appeared; its last output: {tail!r}")
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{needle!r} not seen within {timeout} s: {tail!r}")
                self._cond.wait(left)

    def wait_for(self, predicate: Callable[[], object], timeout: float = 30.0, what: str = "") -> None:
        """Poll ``predicate`` (the screen's text, a store's state) while the program runs."""
        end = time.monotonic() + timeout
        while not predicate():
            if self.proc.poll() is not None:
                raise AssertionError(f"the program exited ({self.proc.returncode}): {self.text()[-800:]!r}")
            if time.monotonic() > end:
                raise AssertionError(f"timed out waiting for {what}: {self.text()[-800:]!r}")
            time.sleep(0.05)

    def kill(self) -> None:
        """kill -9 of the program's whole session, and the terminal closed."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self._close()

    def stop(self) -> None:
        """Ctrl+Q, as the person at the keyboard would; killed if it does not go."""
        if self.proc.poll() is None:
            try:
                self.send(b"\x11")
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()

    def _close(self) -> None:
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
