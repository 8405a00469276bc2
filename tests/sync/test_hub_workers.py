"""`hub serve --workers N` (issue 20): N hub processes on one port and one PostgreSQL database,
each with a listening socket of its own, so that a burst of the windows' connections is spread
over them; a worker that dies is replaced on its socket; the supervisor's end ends them all.
Real hub processes on 127.0.0.1, a real PostgreSQL cluster, connections counted from /proc."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.hubs import OFFICE, ROOT, WSID, HubProcess, ycli
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
        hub.proc.terminate()
        assert hub.proc.wait(60) == 0  # the workers have up to 30 s to finish their requests
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
def supervise(mode: str, tmp_path: Path) -> dict:
    """tests/sync/supervisor_child.py in a process of its own: what its supervisor returned."""
    r = subprocess.run(
        [sys.executable, "-m", "tests.sync.supervisor_child", mode, str(tmp_path / "starts")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert r.stdout.strip(), r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_a_worker_that_cannot_start_stops_the_hub(tmp_path: Path):
    got = supervise("cannot-start", tmp_path)
    assert got["code"] == 1
    assert len(got["starts"]) == 1  # not started again
    assert got["socket_closed"]  # the port is let go


def test_workers_that_die_at_once_are_tried_three_times_then_the_hub_stops(tmp_path: Path):
    from sync.hub.workers import QUICK_DEATHS_TO_GIVE_UP

    got = supervise("die-at-once", tmp_path)
    assert (got["code"], len(got["starts"])) == (1, QUICK_DEATHS_TO_GIVE_UP)


def test_a_worker_that_fails_after_the_hub_ran_is_tried_again_later_not_the_end(tmp_path: Path):
    """The database away after a worker was killed: its replacements fail to start, and are tried
    again after 1, 2, 4 s while the hub stays up, until the hub is stopped (exit 0, not 1)."""
    got = supervise("fail-after-running", tmp_path)
    assert got["code"] == 0
    assert 3 <= len(got["starts"]) <= 5, got  # started again at once, then after 1 and 2 (4) s


def test_the_port_is_refused_while_anything_listens_on_it():
    from sync.hub.workers import CannotListen, listening_sockets

    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    other.listen()
    try:
        with pytest.raises(CannotListen) as taken:
            listening_sockets("127.0.0.1", other.getsockname()[1], 2)
        assert taken.value.taken and taken.value.where == f"127.0.0.1:{other.getsockname()[1]}"
    finally:
        other.close()
    with pytest.raises(CannotListen) as nohost:  # not "taken": the message says what the system said
        listening_sockets("no-such-host.invalid", 8470, 2)
    assert not nohost.value.taken and nohost.value.reason
    mine = listening_sockets("127.0.0.1", 0, 3)
    try:
        assert len({s.getsockname() for s in mine}) == 1  # three sockets, one address
    finally:
        for s in mine:
            s.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stopped_hub_gives_the_forwarders_lease_back(tmp_path: Path, pg_cluster, workers: int):
    """SIGTERM: the forwarding process releases its lease as it stops, so another hub on the
    database forwards at once rather than after the lease's 60 s (uvicorn raises the signal again
    after its shutdown: under the default handler the process died before its clean-up)."""
    from sync.hub import lease
    from sync.hub.serve import LEASE
    from tests.sync.test_hub_scale import FakeProvince

    province = FakeProvince()
    env = {"YICHUANG_UPSTREAM_TOKEN": "x" * 40, "YICHUANG_HUB_LEASE_SECONDS": "60"}
    extra = ("--upstream", province.url, "--workers", str(workers))
    hub = HubProcess(tmp_path / "hub", pg_cluster.create_db(), extra=extra, env=env).start()
    st = hub.store()
    try:
        assert wait_until(lambda: (lease.holder(st, LEASE) or ("",))[0]), "nobody took the lease"
        assert hub.proc is not None
        hub.proc.terminate()
        assert hub.proc.wait(60) == 0
        assert lease.holder(st, LEASE) == ("", 0.0)
    finally:
        st.close()
        hub.stop()
        province.close()


def test_workers_serve_https_and_a_bad_certificate_is_refused_once_with_a_message(tmp_path: Path, pg_cluster):
    """With --tls-cert the workers answer HTTPS on their sockets; a key that is not the
    certificate's is refused before any worker starts, with a message, not three tries each."""
    from tests.sync.test_tls import self_signed

    url = pg_cluster.create_db()
    cert, key = self_signed(tmp_path)
    hub = HubProcess(
        tmp_path / "hub", url, extra=("--tls-cert", str(cert), "--tls-key", str(key), "--workers", "2")
    )
    hub.start()
    try:
        r = httpx.get(hub.url + "/healthz", verify=ssl.create_default_context(cafile=str(cert)), timeout=30)
        assert r.status_code == 200 and hub.url.startswith("https://")
    finally:
        hub.stop()
    (tmp_path / "other").mkdir()
    other_key = self_signed(tmp_path / "other")[1]
    r = ycli(
        "hub", "serve", "--data-dir", str(tmp_path / "hub"), "--db", url, "--port", str(hub.port),
        "--workers", "2", "--tls-cert", str(cert), "--tls-key", str(other_key), check=False, timeout=60,
    )  # fmt: skip
    assert r.returncode != 0
    assert "证书" in r.stderr and "hub worker" not in r.stderr, r.stderr[-1500:]


def test_one_hub_process_on_a_taken_port_says_so_and_not_that_it_listens(tmp_path: Path):
    """Found by trying it: a second `hub serve` on a running hub's port printed "listening", then
    uvicorn's English bind error, exit 3. Now the catalogue's refusal, nothing else, exit 1."""
    first = HubProcess(tmp_path / "a").start()
    try:
        r = ycli(
            "hub", "serve", "--data-dir", str(tmp_path / "b"), "--port", str(first.port), check=False, timeout=60
        )  # fmt: skip
        assert r.returncode == 1
        assert f"127.0.0.1:{first.port}" in r.stderr and "--port" in r.stderr, r.stderr
        assert "平台已在" not in r.stdout and "Errno" not in r.stderr
    finally:
        first.stop()
