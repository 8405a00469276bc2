"""A loopback "printer": a real TCP listener on 127.0.0.1 whose behaviour can change.

The port stays the same across modes, so a job stored with its URL can fail first and
complete later, as with a printer that is switched on again:

* ``refuse``: the port is bound but not listening; connecting is refused (RST).
* ``accept``: reads each connection to its end and records the bytes (a working printer).
  It answers the status queries a job may end with, as a real printer does: ``DLE EOT 1``
  with "online" (0x12) and ``GS ( H`` fn=48 with the process-ID response
  ``37 22 d1..d4 00``; the query is not part of the recorded job.  ``answer=False``
  makes a printer that reads everything and never answers.
* ``slow``: like ``accept`` but reads only ``rate`` bytes a second (default 1,200: a
  9600-baud serial server) through a small receive buffer, so the sender sees the pace.
* ``stall``: accepts and never reads, with a tiny receive buffer (a jammed printer).
* ``deaf``: accepts and never reads, with the kernel's usual buffers: a job smaller than
  the buffer is acknowledged by TCP although no byte was ever read.
* ``midstall``: reads ``close_after`` bytes, then stops reading and keeps the connection
  open (a printer that jams half-way).
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
DLE_EOT_1 = b"\x10\x04\x01"
GS_H = b"\x1d(H\x06\x00\x30\x30"  # + d1..d4
ONLINE = b"\x12"


class PrinterListener:
    def __init__(
        self,
        mode: str = "accept",
        *,
        close_after: int = 4096,
        delay: float = 0.0,
        rate: int = 1200,
        answer: bool = True,
    ) -> None:
        self.jobs: list[bytes] = []
        self.last_byte_at: list[float] = []  # time.perf_counter() of each job's last byte
        self.partial: list[bytes] = []
        self.answers = 0  # status queries answered
        self.connections = 0
        self.close_after = close_after
        self.delay = delay  # seconds to wait before reading (widens race windows)
        self.rate = rate  # bytes per second in "slow" mode
        self.answer = answer
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
        if mode in ("stall", "half", "slow", "midstall"):
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
            if mode in ("stall", "deaf"):
                self._held.append(conn)  # never read, never closed until the mode changes
                continue
            if mode == "midstall":
                self._held.append(conn)  # read part of it below, then never again
            threading.Thread(target=self._handle, args=(conn, mode, stop), daemon=True).start()

    def _reply(self, conn: socket.socket, buf: bytearray) -> None:
        """Answer a status query at the end of what arrived, as a printer would."""
        if not self.answer:
            return
        if buf.endswith(DLE_EOT_1):
            conn.sendall(ONLINE)
        elif len(buf) >= 11 and buf[-11:-4] == GS_H:
            conn.sendall(b"\x37\x22" + bytes(buf[-4:]) + b"\x00")
        else:
            return
        with self._lock:
            self.answers += 1

    def _handle(self, conn: socket.socket, mode: str, stop: threading.Event) -> None:
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
            conn.settimeout(10 if mode != "slow" else 30)
            while True:
                if mode in ("half", "midstall"):
                    want = min(4096, self.close_after - len(buf))
                elif mode == "slow":
                    want = max(1, self.rate // 10)
                else:
                    want = 65536
                if want <= 0:
                    break
                chunk = conn.recv(want)
                if not chunk:
                    break
                buf += chunk
                last = time.perf_counter()
                self._reply(conn, buf)
                if mode == "slow":
                    time.sleep(0.1)
        except OSError:
            pass
        finally:
            if mode == "midstall":
                stop.wait()  # jammed: the connection stays open and unread until the mode changes
            conn.close()
        job = bytes(buf)
        for query in (DLE_EOT_1,):
            if job.endswith(query):
                job = job[: -len(query)]
        if len(job) >= 11 and job[-11:-4] == GS_H:
            job = job[:-11]
        with self._changed:
            if mode in ("accept", "status", "slow"):
                self.jobs.append(job)
                self.last_byte_at.append(last)
            else:
                self.partial.append(job)
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

    async def jobs_soon(self, n: int, timeout: float = 10.0) -> list[bytes]:
        """:meth:`wait_jobs` for a test that runs in the app's event loop (the pilot): it waits
        without blocking the loop, which the app may need to start the print (a blocked loop
        left the job unsent until the wait gave up, on a busy PC)."""
        import asyncio

        end = time.monotonic() + timeout
        while True:
            with self._changed:
                if len(self.jobs) >= n:
                    return list(self.jobs)
            if time.monotonic() > end:
                raise AssertionError(f"the printer got {len(self.jobs)} jobs, expected {n}")
            await asyncio.sleep(0.05)

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
