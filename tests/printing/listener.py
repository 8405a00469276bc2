"""A loopback "printer": a real TCP listener on 127.0.0.1 whose behaviour can change.

The port stays the same across modes, so a job stored with its URL can fail first and
complete later, as with a printer that is switched on again:

* ``refuse``: the port is bound but not listening; connecting is refused (RST).
* ``accept``: reads each connection to its end and records the bytes (a working printer).
* ``stall``: accepts and never reads, with a tiny receive buffer (a jammed printer).
* ``half``: reads ``close_after`` bytes, then closes with the rest unread (a printer that
  drops the connection half-way).
* ``paper``: answers DLE EOT 4 with "paper end" (what follows is not a job);
  ``status``: answers "paper present" and records (a working printer asked for status).
"""

from __future__ import annotations

import socket
import threading
import time

SMALL_BUFFER = 2048  # bytes; the kernel doubles it, still far below a raster receipt


class PrinterListener:
    def __init__(self, mode: str = "accept", *, close_after: int = 4096, delay: float = 0.0) -> None:
        self.jobs: list[bytes] = []
        self.last_byte_at: list[float] = []  # time.perf_counter() of each job's last byte
        self.partial: list[bytes] = []
        self.connections = 0
        self.close_after = close_after
        self.delay = delay  # seconds to wait before reading (widens race windows)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self.port = 0
        self.mode = ""
        self.set_mode(mode)

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    # --- behaviour ---------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self._close_socket()
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if mode in ("stall", "half"):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
        s.bind(("127.0.0.1", self.port))
        self.port = s.getsockname()[1]
        self.mode = mode
        self._sock = s
        self._stop = threading.Event()
        if mode == "refuse":
            return
        s.listen(16)
        self._thread = threading.Thread(target=self._serve, args=(s, mode, self._stop), daemon=True)
        self._thread.start()

    def _serve(self, s: socket.socket, mode: str, stop: threading.Event) -> None:
        s.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = s.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            if mode == "stall":
                self._held.append(conn)  # never read, never closed until the mode changes
                continue
            threading.Thread(target=self._handle, args=(conn, mode), daemon=True).start()

    def _handle(self, conn: socket.socket, mode: str) -> None:
        buf = bytearray()
        last = time.perf_counter()
        try:
            if self.delay:
                time.sleep(self.delay)
            if mode in ("paper", "status"):
                buf += conn.recv(3)
                assert bytes(buf) == b"\x10\x04\x04"  # DLE EOT 4: roll paper sensor
                conn.sendall(bytes([0x72 if mode == "paper" else 0x12]))  # paper end / present
                buf.clear()
            conn.settimeout(10)
            while True:
                want = 65536 if mode != "half" else min(4096, self.close_after - len(buf))
                if want <= 0:
                    break
                chunk = conn.recv(want)
                if not chunk:
                    break
                buf += chunk
                last = time.perf_counter()
        except OSError:
            pass
        finally:
            conn.close()
        with self._changed:
            if mode in ("accept", "status"):
                self.jobs.append(bytes(buf))
                self.last_byte_at.append(last)
            else:
                self.partial.append(bytes(buf))
            self._changed.notify_all()

    # --- waiting and closing -------------------------------------------------------------
    def wait_jobs(self, n: int, timeout: float = 10.0) -> list[bytes]:
        end = time.monotonic() + timeout
        with self._changed:
            while len(self.jobs) < n:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the printer got {len(self.jobs)} jobs, expected {n}")
                self._changed.wait(left)
            return list(self.jobs)

    def _close_socket(self) -> None:
        self._stop.set()
        if self._thread is not None:  # a blocked accept() keeps the port until it returns
            self._thread.join(5)
            self._thread = None
        for c in self._held:
            c.close()
        self._held.clear()
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def close(self) -> None:
        self._close_socket()

    def __enter__(self) -> PrinterListener:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
