"""`hub serve --workers N` (issue 20): N hub processes on one port and one PostgreSQL database,
each with a listening socket of its own, so that a burst of the windows' connections is spread
over them; a worker that dies is replaced on its socket; the supervisor's end ends them all.
Real hub processes on 127.0.0.1, a real PostgreSQL cluster, connections counted from /proc."""

from __future__ import annotations

import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.hubs import OFFICE, WSID, HubProcess, ycli
from tests.sync.helpers import case_events, number
from tests.sync.test_hub_scale import push

pytestmark = pytest.mark.slow  # real hub processes, a PostgreSQL cluster


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def established(pid: int, port: int) -> int:
    """How many established TCP connections to local ``port`` process ``pid`` holds."""
    mine = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            mine.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "01" and cols[9] in mine:
                count += 1
    return count


def wait_until(what, seconds: float = 30.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = what()
        if got:
            return got
        time.sleep(0.1)
    return what()


def test_workers_on_sqlite_are_refused_with_a_clear_message(tmp_path: Path):
    r = ycli("hub", "serve", "--data-dir", str(tmp_path / "hub"), "--workers", "2", check=False, timeout=60)
    assert r.returncode != 0
    assert "PostgreSQL" in r.stdout + r.stderr


def test_two_workers_on_postgresql_serve_one_database(tmp_path: Path, pg_cluster):
    url = pg_cluster.create_db()
    hub = HubProcess(tmp_path / "hub", url, extra=("--workers", "2")).start()
    try:
        token = hub.token("workstation", OFFICE, WSID)
        nums = [number(i) for i in range(1, 41)]
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda n: push(hub.url, token, case_events(n)).status_code, nums))
        assert codes == [200] * len(nums)
        # two worker processes answer (each has its own pid)
        assert hub.proc is not None
        assert len(children(hub.proc.pid)) >= 2
        st = hub.store()
        try:
            assert st.counts()["events"] == 2 * len(nums)
        finally:
            st.close()
    finally:
        hub.stop()


def test_a_burst_of_connections_is_spread_over_the_workers(tmp_path: Path, pg_cluster):
    """64 connections opened at once (50 windows syncing after an outage) land on both workers,
    each at least 12: with one listening socket shared by the workers, one took nearly all."""
    hub = HubProcess(tmp_path / "hub", pg_cluster.create_db(), extra=("--workers", "2")).start()
    conns: list[socket.socket] = []
    try:
        assert hub.proc is not None
        workers = wait_until(
            lambda: (
                [p for p in children(hub.proc.pid) if alive(p)] if len(children(hub.proc.pid)) >= 2 else []
            )
        )
        assert len(workers) == 2
        for _ in range(64):
            conns.append(socket.create_connection(("127.0.0.1", hub.port), timeout=30))
        for c in conns:  # an answer on each: every connection has been accepted by a worker
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n")
        for c in conns:
            assert c.recv(4096).startswith(b"HTTP/1.1 200")
        counts = [established(p, hub.port) for p in workers]
        assert sum(counts) == 64, counts
        assert min(counts) >= 12, counts
    finally:
        for c in conns:
            c.close()
        hub.stop()


def test_a_killed_worker_is_replaced_and_the_hub_stops_whole(tmp_path: Path, pg_cluster):
    """kill -9 of a worker: another takes its socket and pushes keep succeeding; SIGTERM to the
    hub stops every worker with it."""
    hub = HubProcess(tmp_path / "hub", pg_cluster.create_db(), extra=("--workers", "2")).start()
    try:
        assert hub.proc is not None
        first = wait_until(lambda: sorted(children(hub.proc.pid)) if len(children(hub.proc.pid)) >= 2 else [])
        assert len(first) == 2
        token = hub.token("workstation", OFFICE, WSID)
        os.kill(first[0], signal.SIGKILL)
        now = wait_until(lambda: [p for p in children(hub.proc.pid) if alive(p) and p not in first])
        assert len(now) == 1, "no worker replaced the killed one"
        assert wait_until(lambda: all(alive(p) for p in [first[1], *now]))
        # the new worker serves: 40 connections, some land on its socket; all pushes succeed
        nums = [number(i) for i in range(1, 41)]
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda n: push(hub.url, token, case_events(n)).status_code, nums))
        assert codes == [200] * 40
        workers = [first[1], *now]
        hub.stop()
        assert hub.proc.returncode == 0
        assert not [p for p in workers if alive(p)]
    finally:
        hub.stop()


def test_workers_end_when_their_supervisor_is_killed(tmp_path: Path, pg_cluster):
    """kill -9 of the supervisor: its workers stop within seconds and free the port, rather than
    serve on as a hub no command can stop."""
    hub = HubProcess(tmp_path / "hub", pg_cluster.create_db(), extra=("--workers", "2")).start()
    assert hub.proc is not None
    workers = wait_until(lambda: children(hub.proc.pid) if len(children(hub.proc.pid)) >= 2 else [])
    try:
        assert len(workers) == 2
        hub.kill9()
        assert wait_until(lambda: not [p for p in workers if alive(p)], 15), "workers outlived the supervisor"
        free = socket.socket()
        try:
            free.bind(("127.0.0.1", hub.port))  # nobody holds the port any more
        finally:
            free.close()
    finally:
        hub.stop()
        for p in workers:  # this test failing must not leave a hub serving
            if alive(p):
                os.kill(p, signal.SIGKILL)


def test_a_second_hub_on_a_taken_port_is_refused(tmp_path: Path, pg_cluster):
    """Started by mistake on the port of a running hub, a hub with workers says the port is taken
    and exits, instead of sharing the windows' connections with it (SO_REUSEPORT would let it)."""
    url = pg_cluster.create_db()
    first = HubProcess(tmp_path / "a", url, extra=("--workers", "2")).start()
    try:
        r = ycli(
            "hub",
            "serve",
            "--data-dir",
            str(tmp_path / "b"),
            "--db",
            url,
            "--port",
            str(first.port),
            "--workers",
            "2",
            check=False,
            timeout=60,
        )
        assert r.returncode != 0
        assert f"127.0.0.1:{first.port}" in r.stderr and "--port" in r.stderr, r.stderr
    finally:
        first.stop()


# --- the supervisor alone (sync/hub/workers.py): real processes on real sockets, no database ------
def _exits(code: int):
    def run(_sock: socket.socket) -> None:
        raise SystemExit(code)

    return run


def test_a_worker_that_cannot_start_stops_the_hub():
    from sync.hub.workers import STARTUP_FAILURE, Supervisor, listening_sockets

    sup = Supervisor(_exits(STARTUP_FAILURE), listening_sockets("127.0.0.1", 0, 2))
    t0 = time.monotonic()
    assert sup.run() == 1
    assert time.monotonic() - t0 < 10
    assert all(len(slot.pids) == 1 for slot in sup.slots)  # not started again
    assert all(slot.sock.fileno() == -1 for slot in sup.slots)  # the port is let go


def test_workers_that_die_at_once_are_tried_three_times_then_the_hub_stops():
    from sync.hub.workers import QUICK_DEATHS_TO_GIVE_UP, Supervisor, listening_sockets

    sup = Supervisor(_exits(0), listening_sockets("127.0.0.1", 0, 1))
    assert sup.run() == 1
    assert len(sup.slots[0].pids) == QUICK_DEATHS_TO_GIVE_UP


def test_the_port_is_refused_while_anything_listens_on_it():
    from sync.hub.workers import PortInUse, listening_sockets

    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    other.listen()
    try:
        with pytest.raises(PortInUse):
            listening_sockets("127.0.0.1", other.getsockname()[1], 2)
    finally:
        other.close()
    mine = listening_sockets("127.0.0.1", 0, 3)
    try:
        assert len({s.getsockname() for s in mine}) == 1  # three sockets, one address
    finally:
        for s in mine:
            s.close()
