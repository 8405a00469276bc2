"""`hub serve --workers N`: N hub processes on one port, each with a listening socket of its own.

uvicorn's own workers share one listening socket, and when the windows of a county open their
connections in a burst, the first worker to wake accepts nearly all of them (counted: 66
connections on one worker, 2–5 on the other), so the hub works as one process. Here every worker
listens on its own socket bound with ``SO_REUSEPORT`` to the same address, and the kernel spreads
new connections over them (by a hash of each connection's addresses). The supervisor holds the
sockets, so connections that arrive while a worker is replaced wait in its socket's queue for the
next one, not refused.

Who may join the port: Linux lets only processes of the same user bind a port another socket
holds with ``SO_REUSEPORT``; the supervisor also refuses to start on a port that anything already
holds (a hub left running, by mistake, would otherwise share the windows' connections silently).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("yichuang.hub.workers")

BACKLOG = 2048  # connections waiting per worker: a county's windows reconnecting after an outage
STARTUP_FAILURE = 3  # a worker's exit code when it could not start (uvicorn's, kept)
QUICK_DEATH = 10.0  # seconds: a worker that dies sooner than this after its start died "quickly"
QUICK_DEATHS_TO_GIVE_UP = 3  # ... that many times in a row: the hub cannot run; stop, do not spin
STOP_GRACE = 30.0  # seconds a worker has to finish its requests after SIGTERM before SIGKILL
PARENT_WATCH = 1.0  # seconds between a worker's looks at whether its supervisor still lives


class PortInUse(Exception):
    """The address is held by another program (or another hub): nothing was started."""


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` sockets listening on (host, port), each bound with SO_REUSEPORT.

    A probe bound without SO_REUSEPORT first proves that no other socket holds the port (and,
    for port 0, picks it); it is closed before the workers' sockets are bound.
    """
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a last run's TIME_WAIT is no owner
        probe.bind(address)
        port = probe.getsockname()[1]
    except OSError as exc:
        raise PortInUse(f"{host}:{port}: {exc.strerror or exc}") from None
    finally:
        probe.close()
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((address[0], port, *address[2:]))
            sock.listen(BACKLOG)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise PortInUse(f"{host}:{port}: {exc.strerror or exc}") from None
    return sockets


def _watch_parent(parent: int) -> None:
    """Stop this worker (as SIGTERM would) once its supervisor is gone, killed with -9 or crashed:
    an orphaned worker would keep the port and serve a hub nobody can stop with the command."""
    while os.getppid() == parent:
        time.sleep(PARENT_WATCH)
    os.kill(os.getpid(), signal.SIGTERM)


def _worker_main(
    run: Callable[[socket.socket], None], sock: socket.socket, others: list[socket.socket], parent: int
) -> None:
    for other in others:  # the other workers' sockets came along with the fork
        other.close()
    # so did the supervisor's signal handlers: this process stops as uvicorn says
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    run(sock)


@dataclass
class _Slot:
    sock: socket.socket
    process: multiprocessing.process.BaseProcess | None = None
    started: float = 0.0
    quick_deaths: int = 0
    pids: list[int] = field(default_factory=list)  # every worker this slot has had, for the log


class Supervisor:
    """Starts one worker per socket, starts another when one dies, and stops them all on SIGTERM
    or SIGINT (each worker finishes its requests, up to ``STOP_GRACE`` seconds)."""

    def __init__(self, run: Callable[[socket.socket], None], sockets: list[socket.socket]) -> None:
        # fork: a worker inherits its socket as it is, and a frozen (PyInstaller) build needs no
        # re-executed entry point; the supervisor holds no database connection or thread to copy
        self.context = multiprocessing.get_context("fork")
        self.run_worker = run
        self.slots = [_Slot(sock) for sock in sockets]
        self.stopping = threading.Event()
        self.failed = False

    def _start(self, slot: _Slot) -> None:
        others = [s.sock for s in self.slots if s is not slot]
        slot.process = self.context.Process(
            target=_worker_main, args=(self.run_worker, slot.sock, others, os.getpid()), name="hub-worker"
        )
        slot.process.start()
        slot.started = time.monotonic()
        slot.pids.append(slot.process.pid or 0)

    def _stop_signal(self, signum: int, _frame) -> None:
        self.stopping.set()

    def _look_after(self, slot: _Slot) -> None:
        proc = slot.process
        if proc is None or proc.exitcode is None:
            return
        quick = time.monotonic() - slot.started < QUICK_DEATH
        slot.quick_deaths = slot.quick_deaths + 1 if quick else 0
        if proc.exitcode == STARTUP_FAILURE or slot.quick_deaths >= QUICK_DEATHS_TO_GIVE_UP:
            log.error(
                "hub worker %s could not start (exit code %s): stopping the hub", proc.pid, proc.exitcode
            )
            self.failed = True
            self.stopping.set()
            return
        log.warning("hub worker %s exited (code %s): starting another on its socket", proc.pid, proc.exitcode)
        if quick:
            time.sleep(1.0)  # a worker that dies at once is not restarted in a tight loop
        self._start(slot)

    def run(self) -> int:
        """Serve until told to stop; 0, or 1 when the workers could not run."""
        old = {sig: signal.signal(sig, self._stop_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            for slot in self.slots:
                self._start(slot)
            while not self.stopping.wait(0.5):
                for slot in self.slots:
                    self._look_after(slot)
                    if self.stopping.is_set():
                        break
        finally:
            self._stop_all()
            for sig, handler in old.items():
                signal.signal(sig, handler)
            for slot in self.slots:
                slot.sock.close()
        return 1 if self.failed else 0

    def _stop_all(self) -> None:
        alive = [s.process for s in self.slots if s.process is not None and s.process.exitcode is None]
        for proc in alive:
            try:
                os.kill(proc.pid or 0, signal.SIGTERM)
            except ProcessLookupError:
                pass
        end = time.monotonic() + STOP_GRACE
        for proc in alive:
            proc.join(max(0.0, end - time.monotonic()))
        for proc in alive:
            if proc.exitcode is None:
                log.warning("hub worker %s did not stop within %.0f s: killed", proc.pid, STOP_GRACE)
                proc.kill()
                proc.join()
