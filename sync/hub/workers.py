"""`hub serve --workers N`: N hub processes on one port, each with a listening socket of its own.

uvicorn's own workers share one listening socket, and when the windows of a county open their
connections in a burst, the first worker to wake accepts nearly all of them (counted: 66
connections on one worker, 2–5 on the other), so the hub works as one process. Here every worker
listens on its own socket bound with ``SO_REUSEPORT`` to the same address, and the kernel (Linux)
spreads new connections over them by a hash of each connection's addresses. The supervisor holds
the sockets, so connections that arrive while a worker is replaced wait in its socket's queue for
the next one, not refused.

Who may join the port: Linux lets only processes of the same user bind a port another socket
holds with ``SO_REUSEPORT``; the supervisor also refuses to start on a port that anything already
holds (a hub left running would otherwise share the windows' connections silently).
"""

from __future__ import annotations

import errno
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
QUICK_DEATHS_TO_GIVE_UP = 3  # ... that many times in a row before any worker ran: stop, do not spin
RESTART_DELAY_CAP = 30.0  # seconds: the longest wait before starting a worker that keeps dying
STOP_GRACE = 30.0  # seconds a worker has to finish its requests after SIGTERM before SIGKILL
PARENT_WATCH = 1.0  # seconds between a worker's looks at whether its supervisor still lives
LOOK_EVERY = 0.5  # seconds between the supervisor's looks at its workers and at a stop signal
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class CannotListen(Exception):
    """Nothing was started: the address cannot be listened on. ``taken`` when another program
    (or another hub) holds the port; else ``reason`` says why (no such host, a privileged port)."""

    def __init__(self, where: str, reason: str, taken: bool) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason, self.taken = where, reason, taken


def _cannot(host: str, port: int, exc: OSError) -> CannotListen:
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return CannotListen(where, exc.strerror or str(exc), exc.errno == errno.EADDRINUSE)


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` sockets listening on (host, port), each bound with SO_REUSEPORT when there are
    several (one hub process keeps its port to itself).

    A probe bound without SO_REUSEPORT first proves that no other socket holds the port (and,
    for port 0, picks it); it is closed before the workers' sockets are bound.
    """
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except OSError as exc:  # socket.gaierror: no such host name
        raise _cannot(host, port, exc) from None
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a last run's TIME_WAIT is no owner
        probe.bind(address)
        port = probe.getsockname()[1]
    except OSError as exc:
        raise _cannot(host, port, exc) from None
    finally:
        probe.close()
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if count > 1:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((address[0], port, *address[2:]))
            sock.listen(BACKLOG)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise _cannot(host, port, exc) from None
    return sockets


def _watch_parent(parent: int) -> None:
    """Stop this worker (as SIGTERM would) once its supervisor is gone, killed with -9 or crashed:
    an orphaned worker would keep the port and serve a hub nobody can stop with the command."""
    while os.getppid() == parent:
        time.sleep(PARENT_WATCH)
    os.kill(os.getpid(), signal.SIGTERM)


def exit_on_stop_signal(_signum, _frame) -> None:
    """The handler of SIGTERM (and, in a worker, SIGINT) of a hub process. uvicorn, having shut
    down on the signal, raises it again under the handler it found: with the default one the
    process would die there, before its clean-up (the forwarder's lease given back, the store
    closed); this one ends it through that clean-up, quietly."""
    raise SystemExit(0)


def _worker_main(
    run: Callable[[socket.socket], None], sock: socket.socket, others: list[socket.socket], parent: int
) -> None:
    for other in others:  # the other workers' sockets came along with the fork
        other.close()
    # so did the supervisor's signal handlers; the stop signals are blocked until these are set
    # (the supervisor blocked them around the fork), so a stop sent meanwhile is not lost
    for sig in STOP_SIGNALS:
        signal.signal(sig, exit_on_stop_signal)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()
    run(sock)


@dataclass
class _Slot:
    sock: socket.socket
    process: multiprocessing.process.BaseProcess | None = None
    started: float = 0.0
    ran: bool = False  # a worker of this slot lived past QUICK_DEATH: the hub can run
    quick_deaths: int = 0
    start_at: float = 0.0  # monotonic time of the next start, while waiting to restart
    pids: list[int] = field(default_factory=list)  # every worker this slot has had


class Supervisor:
    """Starts one worker per socket, starts another when one dies, and stops them all on SIGTERM
    or SIGINT (each worker finishes its requests, up to ``STOP_GRACE`` seconds)."""

    def __init__(self, run: Callable[[socket.socket], None], sockets: list[socket.socket]) -> None:
        # fork: a worker inherits its socket as it is, and a frozen (PyInstaller) build needs no
        # re-executed entry point; the supervisor holds no database connection or thread to copy
        self.context = multiprocessing.get_context("fork")
        self.run_worker = run
        self.slots = [_Slot(sock) for sock in sockets]
        # a plain flag: a signal handler must not take a lock the interrupted code may hold
        # (threading.Event.set() does), or the supervisor would hang in its own handler
        self.stop_asked = False
        self.failed = False

    def _stop_signal(self, _signum: int, _frame) -> None:
        self.stop_asked = True

    def _start(self, slot: _Slot) -> None:
        others = [s.sock for s in self.slots if s is not slot]
        proc = self.context.Process(
            target=_worker_main, args=(self.run_worker, slot.sock, others, os.getpid()), name="hub-worker"
        )
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        slot.process, slot.started, slot.start_at = proc, time.monotonic(), 0.0
        slot.pids.append(proc.pid or 0)

    def _look_after(self, slot: _Slot) -> None:
        proc, now = slot.process, time.monotonic()
        if proc is None:  # waiting to start again
            if now >= slot.start_at:
                self._start(slot)
            return
        if proc.exitcode is None:
            if not slot.ran and now - slot.started >= QUICK_DEATH:
                slot.ran, slot.quick_deaths = True, 0
            return
        quick = now - slot.started < QUICK_DEATH
        slot.quick_deaths = slot.quick_deaths + 1 if quick else 0
        slot.ran = slot.ran or not quick
        if not slot.ran and (
            proc.exitcode == STARTUP_FAILURE or slot.quick_deaths >= QUICK_DEATHS_TO_GIVE_UP
        ):
            # at the hub's start: the configuration, the database or the certificate is wrong, and
            # every restart would fail the same way
            log.error(
                "hub worker %s could not start (exit code %s): stopping the hub", proc.pid, proc.exitcode
            )
            self.failed = self.stop_asked = True
            return
        # later (the database away for a while, a worker killed): the others serve meanwhile, and
        # this one is started again, waiting longer each time it dies at once
        delay = min(RESTART_DELAY_CAP, 2.0 ** (slot.quick_deaths - 1)) if quick else 0.0
        log.warning(
            "hub worker %s exited (code %s): starting another on its socket in %.0f s",
            proc.pid,
            proc.exitcode,
            delay,
        )
        slot.process, slot.start_at = None, now + delay

    def run(self) -> int:
        """Serve until told to stop; 0, or 1 when the workers could not run."""
        old = {sig: signal.signal(sig, self._stop_signal) for sig in STOP_SIGNALS}
        try:
            for slot in self.slots:
                if not self.stop_asked:
                    self._start(slot)
            while not self.stop_asked:
                time.sleep(LOOK_EVERY)  # a stop signal's handler runs meanwhile; seen on waking
                for slot in self.slots:
                    if self.stop_asked:
                        break
                    self._look_after(slot)
        finally:
            self._stop_all()
            for sig, handler in old.items():
                signal.signal(sig, handler)
        return 1 if self.failed else 0

    def _stop_all(self) -> None:
        # the port is let go at once: with the workers' own copies closed as they begin to stop,
        # new connections are refused (a window tries again) instead of queued for nobody
        for slot in self.slots:
            slot.sock.close()
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
