"""A userspace TCP proxy between workstation and hub (tc netem is not available here).

It relays bytes both ways and can throttle bandwidth (bytes per second, each direction),
add latency (one-way, per chunk), cut every connection now (``cut()``), cut connections at
random points (``cut_after`` bytes drawn per connection), or refuse new connections while
"the link is down". It counts the bytes that crossed it, which is what "bytes on the wire"
means in the tests and the benchmark (TCP payload; no IP/TCP headers).
"""

from __future__ import annotations

import random
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Shape:
    rate: float | None = None  # bytes per second per direction; None = unlimited
    latency: float = 0.0  # one-way seconds
    cut_after: tuple[int, int] | None = None  # cut each connection after a random byte count in range
    chunk: int = 1024
    lose_answers: bool = False  # forward requests, drop every answer and cut (lost acknowledgements)
    # a reverse proxy's read timeout: a connection whose request waits longer than this for the
    # first byte of its answer is closed (as nginx's proxy_read_timeout does)
    read_timeout: float | None = None


@dataclass
class Counters:
    up: int = 0  # client -> server
    down: int = 0
    connections: int = 0
    cuts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def total(self) -> int:
        return self.up + self.down


class Proxy:
    def __init__(self, target_port: int, shape: Shape | None = None, seed: int = 1) -> None:
        self.target = ("127.0.0.1", target_port)
        self.shape = shape or Shape()
        self.counters = Counters()
        self.rng = random.Random(seed)
        self.link_up = True
        self._socks: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._srv = socket.socket()
        self._srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._srv.bind(("127.0.0.1", 0))
        self._srv.listen(64)
        self.port = self._srv.getsockname()[1]
        self._stop = threading.Event()
        # one link for every connection: in each direction the bytes of all connections queue
        # for the same serialisation time (two parallel requests do not get twice the rate)
        self._link_free = {True: 0.0, False: 0.0}
        self._link_lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset_counters(self) -> None:
        self.counters = Counters()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                c, _ = self._srv.accept()
            except OSError:
                return
            if not self.link_up:
                c.close()
                continue
            try:
                s = socket.create_connection(self.target, timeout=5)
                s.settimeout(None)
            except OSError:
                c.close()
                continue
            for x in (c, s):
                x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            budget = None
            if self.shape.cut_after:
                budget = [self.rng.randint(*self.shape.cut_after)]
            with self._lock:
                self._socks.update((c, s))
            with self.counters.lock:
                self.counters.connections += 1
            target = self._pipe_delayed if self.shape.latency else self._pipe
            waiting: list[float | None] = [None]  # since when a request waits for its answer
            for a, b, up in ((c, s, True), (s, c, False)):
                threading.Thread(target=target, args=(a, b, up, budget, (c, s), waiting), daemon=True).start()
            if self.shape.read_timeout is not None:
                threading.Thread(target=self._read_timeout, args=((c, s), waiting), daemon=True).start()

    def _read_timeout(self, pair, waiting: list) -> None:
        assert self.shape.read_timeout is not None
        while pair[0].fileno() != -1 and not self._stop.is_set():
            since = waiting[0]
            if since is not None and time.monotonic() - since > self.shape.read_timeout:
                with self.counters.lock:
                    self.counters.cuts += 1
                self._close_pair(pair)
                return
            time.sleep(0.05)

    def _pipe(self, src: socket.socket, dst: socket.socket, up: bool, budget, pair, waiting=None) -> None:
        sh = self.shape
        try:
            while True:
                data = src.recv(sh.chunk)
                if not data:
                    break
                if waiting is not None:
                    waiting[0] = (waiting[0] or time.monotonic()) if up else None
                if sh.lose_answers and not up:
                    with self.counters.lock:
                        self.counters.cuts += 1
                    raise OSError("answer lost")
                if budget is not None:
                    with self.counters.lock:
                        if budget[0] <= 0:
                            raise OSError("cut")
                        if len(data) > budget[0]:
                            data = data[: budget[0]]
                        budget[0] -= len(data)
                if sh.latency:
                    time.sleep(sh.latency)
                if sh.rate:
                    time.sleep(len(data) / sh.rate)
                dst.sendall(data)
                with self.counters.lock:
                    if up:
                        self.counters.up += len(data)
                    else:
                        self.counters.down += len(data)
                if budget is not None and budget[0] <= 0:
                    with self.counters.lock:
                        self.counters.cuts += 1
                    raise OSError("cut")
        except OSError:
            pass
        finally:
            for x in pair:
                try:
                    x.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                x.close()
            with self._lock:
                self._socks.difference_update(pair)

    def _pipe_delayed(
        self, src: socket.socket, dst: socket.socket, up: bool, budget, pair, waiting=None
    ) -> None:
        """A delay line: bytes leave after serialisation at `rate` plus one-way `latency`,
        with many chunks in flight at once (as on a real long link)."""
        import queue

        sh = self.shape
        q: queue.Queue = queue.Queue()

        def writer() -> None:
            try:
                while True:
                    item = q.get()
                    if item is None:
                        break
                    when, data = item
                    delay = when - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    dst.sendall(data)
                    with self.counters.lock:
                        if up:
                            self.counters.up += len(data)
                        else:
                            self.counters.down += len(data)
            except OSError:
                pass
            finally:
                self._close_pair(pair)

        w = threading.Thread(target=writer, daemon=True)
        w.start()
        try:
            while True:
                data = src.recv(sh.chunk)
                if not data:
                    break
                if sh.lose_answers and not up:
                    raise OSError("answer lost")
                now = time.monotonic()
                with self._link_lock:
                    link_free = max(self._link_free[up], now) + (len(data) / sh.rate if sh.rate else 0.0)
                    self._link_free[up] = link_free
                q.put((link_free + sh.latency, data))
                if link_free - now > 0.02:  # back-pressure: do not read faster than the link
                    time.sleep(link_free - now - 0.01)
        except OSError:
            pass
        q.put(None)

    def _close_pair(self, pair) -> None:
        for x in pair:
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            x.close()
        with self._lock:
            self._socks.difference_update(pair)

    def cut(self) -> None:
        """Drop every open connection now (both sides see a reset or EOF)."""
        with self._lock:
            socks = list(self._socks)
        for x in socks:
            try:  # shutdown wakes the relay threads blocked on the socket; close alone would not
                x.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                x.close()
            except OSError:
                pass
        with self.counters.lock:
            self.counters.cuts += 1

    def down(self) -> None:
        self.link_up = False
        self.cut()

    def up(self) -> None:
        self.link_up = True

    def close(self) -> None:
        self._stop.set()
        self._srv.close()
        self.cut()
