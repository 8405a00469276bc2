"""Several hub processes on one PostgreSQL database (issue 20 §3): pushes racing through two
processes, a scan uploaded through one and finished through the other, one forwarder at a
time (`hub serve --workers N`: test_hub_workers.py). Real hub processes on 127.0.0.1, a real PostgreSQL cluster,
a real HTTP server as the province."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from sync import protocol
from sync.hub.db import utcnow
from sync.hub.schema import status_t
from sync.hub.ws_status import FLUSH_EVERY
from tests.hubs import OFFICE, WSID, HubProcess, make_workstation
from tests.sync.helpers import case_events, decoded, get, number
from tests.sync.test_hub_files import _create, _get, _patch

pytestmark = pytest.mark.slow  # real hub processes, a PostgreSQL cluster


@pytest.fixture
def two_hubs(tmp_path: Path, pg_cluster):
    """Two hub processes, each with its own data dir (as on two machines), on one database,
    naming one shared blob dir (as an NFS mount would be)."""
    url = pg_cluster.create_db()
    env = {"YICHUANG_HUB_BLOBS": str(tmp_path / "shared-blobs")}
    a = HubProcess(tmp_path / "a", url, env=env).start()
    b = HubProcess(tmp_path / "b", url, env=env).start()
    yield a, b
    a.stop()
    b.stop()


def push(url: str, token: str, events: list[dict]) -> httpx.Response:
    """helpers.push, safe in threads (a compressor of its own: zstd contexts are not shared)."""
    body = protocol.compress({"v": 1, "batch": str(uuid.uuid4()), "events": events}, level=3)
    return httpx.post(
        url + "/api/v1/sync/push",
        content=body,
        timeout=60,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Encoding": "zstd",
            "Content-Type": "application/json",
        },
    )


def workstations(hub: HubProcess, token: str) -> dict[str, dict]:
    r = get(hub.url, token, "/api/v1/workstations")
    assert r.status_code == 200, r.text
    return {f"{w['office']}/{w['ws']}": w for w in r.json()["workstations"]}


def test_pushes_racing_through_two_processes_never_fail(tmp_path: Path, two_hubs, monkeypatch):
    """The same batches (real chained events of a real window) pushed at once through both
    processes: every answer is 200, every event is stored once, the chain stays ok, and the
    workstation's status (last push, arrivals) is kept."""
    from app.services.sync import outbox

    a, b = two_hubs
    token = a.token("workstation", OFFICE, WSID)
    bo = a.token("backoffice", name="县政务办")
    ws = make_workstation(tmp_path / "ws", a.url, token, cases=30)
    try:
        with monkeypatch.context() as m:  # every event with its full link; each batch is
            m.setattr(outbox, "compact_links", lambda batch: batch)  # compacted below, as sent
            events = outbox.next_batch(ws.store, max_events=5000)
    finally:
        ws.close()
    assert len(events) >= 60 and all(e.get("n") for e in events)
    batches = [outbox.compact_links(copy.deepcopy(events[i : i + 8])) for i in range(0, len(events), 8)]

    report = protocol.status_headers(events=len(events), scans=2, clock=utcnow(), window="一号窗口")

    def send(job: tuple[HubProcess, list[dict] | None]) -> httpx.Response:
        hub, batch = job
        if batch is None:  # the window's pull, with its report for the console, races too
            return httpx.get(
                hub.url + "/api/v1/sync/pull",
                headers={"Authorization": f"Bearer {token}", **report},
                timeout=30,
            )
        return push(hub.url, token, batch)

    with ThreadPoolExecutor(8) as pool:  # the first reports of a new window, through both at once
        assert [r.status_code for r in pool.map(send, [(a, None), (b, None)])] == [200, 200]
        answers = list(pool.map(send, [(h, bt) for bt in batches for h in (a, b)]))
    assert [r.status_code for r in answers if r.status_code != 200] == [], [
        r.text for r in answers if r.status_code != 200
    ][:2]
    docs = [decoded(r) for r in answers]
    assert sum(d["ok"] for d in docs) == len(events)
    assert sum(d["dup"] for d in docs) == len(events)
    assert [d["refused"] for d in docs if d["refused"]] == []
    st = a.store()
    try:
        assert st.counts()["events"] == len(events)
        # what the console's workstations page shows: each process writes its pushes' status with
        # the pulls' times, every FLUSH_EVERY seconds (sync.hub.ws_status)
        deadline = time.monotonic() + 4 * FLUSH_EVERY + 5
        while True:
            with st.engine.connect() as c:
                row = c.execute(
                    select(status_t).where(status_t.c.office == OFFICE, status_t.c.ws == WSID)
                ).one()
            if row.events_arrived == 2 * len(events) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        st.close()
    assert row.last_pull_at and row.last_push_at and row.window == "一号窗口"
    assert (row.events_waiting, row.scans_waiting) == (len(events), 2)
    assert row.events_arrived == 2 * len(events)  # what both processes took (stored or dup)
    for name in ("a", "b"):
        assert "workstation status not recorded" not in (tmp_path / f"{name}.log").read_text()
    seen = workstations(b, bo)[f"{OFFICE}/{WSID}"]
    assert seen["chain"]["state"] == "ok", seen["chain"]
    assert seen["chain"]["links"] == len(events)
    assert seen["chain"]["breaks"] == 0
    assert seen["cases"] == 30


def test_one_applicant_recorded_by_two_windows_at_once_through_two_processes(two_hubs):
    """Two windows of one office record the same applicant (with other details) at the same
    moment through two processes: the office's record of the applicant is one row (the
    windows' pushes lock it), no answer is 500, every event is stored once, and the other
    details are a conflict for the back office."""
    from sqlalchemy import func

    from sync.hub.schema import applicant_t

    a, b = two_hubs
    tokens = {ws: a.token("workstation", OFFICE, ws) for ws in ("01", "02")}
    jobs = []
    for i in range(1, 13):
        for ws, hub in (("01", a), ("02", b)):
            evs = case_events(number(i, ws=ws), ws=ws)
            # the same applicant, new to the office, at both windows at once; each its own details
            evs[1]["p"]["applicant"].update(id_number=f"32072419900101{i:04d}", name=f"王伟{ws}")
            jobs.append((hub, tokens[ws], evs))
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda j: push(j[0].url, j[1], j[2]), jobs))
    assert [r.status_code for r in answers] == [200] * len(jobs), [
        r.text for r in answers if r.status_code != 200
    ][:2]
    assert sum(decoded(r)["ok"] for r in answers) == 2 * len(jobs)
    st = a.store()
    try:
        with st.engine.connect() as c:
            n = c.execute(select(func.count()).select_from(applicant_t)).scalar()
        assert n == 12
        assert st.counts()["events"] == 2 * len(jobs)
    finally:
        st.close()


def test_a_scan_half_uploaded_through_one_process_is_finished_through_the_other(two_hubs):
    a, b = two_hubs
    token = a.token("workstation", OFFICE, WSID)
    bo = a.token("backoffice", OFFICE, name="县政务办")
    outsider = a.token("workstation", "320724101", "01")
    scan = os.urandom(300_000)
    sha = hashlib.sha256(scan).hexdigest()
    r = _create(a, token, sha, len(scan))
    assert r.status_code == 201 and r.headers["Upload-Offset"] == "0"
    r = _patch(a, token, sha, 0, scan[:120_000])
    assert r.status_code == 204 and r.headers["Upload-Offset"] == "120000"
    # the window's link drops; it resumes through the other process behind the proxy
    r = _create(b, token, sha, len(scan))
    assert r.status_code == 201 and r.headers["Upload-Offset"] == "120000"
    r = _patch(b, token, sha, 120_000, scan[120_000:])
    assert r.status_code == 204, r.text
    assert r.headers["Upload-Offset"] == str(len(scan))
    for hub in (a, b):
        for who in (token, bo):
            got = _get(hub, who, sha)
            assert got.status_code == 200 and got.content == scan
        assert _get(hub, outsider, sha).status_code == 404


def test_one_upload_at_a_time_across_processes(two_hubs):
    """Two PATCHes of one upload at one offset through both processes: one takes it, the
    other learns the true offset (409) or waits (423); never two writers, never a corrupt scan."""
    a, b = two_hubs
    token = a.token("workstation", OFFICE, WSID)
    scan = os.urandom(2_000_000)
    sha = hashlib.sha256(scan).hexdigest()
    assert _create(a, token, sha, len(scan)).status_code == 201

    def slow_body():
        for i in range(0, len(scan), 100_000):
            yield scan[i : i + 100_000]
            time.sleep(0.05)

    def patch(hub: HubProcess) -> httpx.Response:
        return httpx.patch(
            f"{hub.url}/api/v1/files/{sha}",
            content=slow_body(),
            headers={
                "Authorization": f"Bearer {token}",
                "Tus-Resumable": "1.0.0",
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
            },
            timeout=60,
        )

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(r.status_code for r in pool.map(patch, (a, b)))
    assert codes[0] == 204 and codes[1] in (409, 423), codes
    for hub in (a, b):
        assert _get(hub, token, sha).content == scan


# --- the forwarder to the province ----------------------------------------------------------------
class FakeProvince:
    """A real HTTP server on 127.0.0.1 speaking the sync protocol's push and pull: it counts
    every event forwarded to it and how many pushes were in flight at once."""

    def __init__(self) -> None:
        self.forwarded: list[str] = []
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        province = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _answer(self, doc: dict) -> None:
                body = protocol.compress(doc)
                self.send_response(200)
                self.send_header("Content-Type", protocol.MEDIA_TYPE)
                self.send_header("Content-Encoding", protocol.ENCODING)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                dec = protocol.Decoder(
                    self.headers.get("Content-Encoding"),
                    encodings=(protocol.ENCODING, protocol.DICT_ENCODING),
                    dict_id=self.headers.get(protocol.DICT_HEADER),
                )
                dec.feed(raw)
                doc = json.loads(dec.finish())
                with province.lock:
                    province.in_flight += 1
                    province.max_in_flight = max(province.max_in_flight, province.in_flight)
                time.sleep(0.3)  # a slow province: a second forwarder would overlap here
                with province.lock:
                    province.in_flight -= 1
                    province.forwarded += [e["id"] for e in doc["events"]]
                self._answer(
                    {"v": 1, "ok": len(doc["events"]), "dup": 0, "refused": [], "seq": 0, "now": "x"}
                )

            def do_GET(self) -> None:  # noqa: N802
                self._answer({"v": 1, "now": "x", "events": [], "more": False, "cursor": 0})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for(fn, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if fn():
            return True
        time.sleep(0.2)
    return False


def test_one_process_forwards_to_the_province_at_a_time(tmp_path: Path, pg_cluster):
    province = FakeProvince()
    url = pg_cluster.create_db()
    env = {"YICHUANG_UPSTREAM_TOKEN": "x" * 40, "YICHUANG_HUB_LEASE_SECONDS": "3"}
    hubs = [
        HubProcess(tmp_path / name, url, extra=("--upstream", province.url), env=env).start()
        for name in ("a", "b")
    ]
    try:
        token = hubs[0].token("workstation", OFFICE, WSID)
        sent: list[str] = []
        for i in range(1, 13):  # pushed through both processes while both forwarders run
            evs = case_events(number(i), subject="320000-WL-0001")
            sent += [e["id"] for e in evs]
            assert push(hubs[i % 2].url, token, evs).status_code == 200
            time.sleep(0.15)
        assert wait_for(lambda: len(set(province.forwarded)) == len(sent)), len(province.forwarded)
        time.sleep(2)
        assert sorted(province.forwarded) == sorted(sent)  # each event once
        assert province.max_in_flight == 1
        # the holder dies: the other takes the lease over once it expires
        for victim in hubs:
            victim.kill9()
            other = hubs[1 - hubs.index(victim)]
            if other.proc and other.proc.poll() is None:
                break
        evs = case_events(number(20), subject="320000-WL-0001")
        assert push(other.url, token, evs).status_code == 200
        assert wait_for(lambda: {e["id"] for e in evs} <= set(province.forwarded), 30)
        assert len(province.forwarded) == len(set(province.forwarded))
    finally:
        for h in hubs:
            h.stop()
        province.close()


def test_a_resume_through_a_process_without_the_shared_blob_dir_restarts_at_once(tmp_path, pg_cluster):
    """A deployment that forgot to share blob_dir: the resume is told to start again (409 at
    offset 0) before it sends the rest, not refused with a checksum mismatch at the end, and the
    scan then arrives whole through that process."""
    url = pg_cluster.create_db()
    a, b = HubProcess(tmp_path / "a", url).start(), HubProcess(tmp_path / "b", url).start()
    try:
        token = a.token("workstation", OFFICE, WSID)
        scan = os.urandom(200_000)
        sha = hashlib.sha256(scan).hexdigest()
        assert _create(a, token, sha, len(scan)).status_code == 201
        assert _patch(a, token, sha, 0, scan[:50_000]).status_code == 204
        r = _patch(b, token, sha, 50_000, scan[50_000:])
        assert (r.status_code, r.headers["Upload-Offset"]) == (409, "0")
        assert "is blob_dir shared" in (tmp_path / "b.log").read_text()
        r = _patch(b, token, sha, 0, scan)
        assert r.status_code == 204 and _get(b, token, sha).content == scan
    finally:
        a.stop()
        b.stop()


def _console_page(hub: HubProcess, path: str, name: str) -> str:
    from tests.hubs import PASSWORD

    with httpx.Client(base_url=hub.url, timeout=60) as c:
        c.get("/console/login")
        r = c.post("/console/login", data={"name": name, "password": PASSWORD, "csrf": c.cookies["yc_login"]})
        assert r.status_code in (200, 303), r.text[:300]
        r = c.get(path)
        assert r.status_code == 200, r.text[:300]
        return r.text


def test_the_standby_process_shows_who_forwards_until_when_and_what_was_last_forwarded(tmp_path, pg_cluster):
    """The console of either process reads the forwarder's lease from the database: the standby
    (whose own forwarder never ran a cycle) names the holder, its expiry and the last forwarding."""
    import re

    from tests.hubs import ConsoleHub

    province = FakeProvince()
    url = pg_cluster.create_db()
    env = {"YICHUANG_UPSTREAM_TOKEN": "x" * 40, "YICHUANG_HUB_LEASE_SECONDS": "3"}
    hubs = [
        ConsoleHub(tmp_path / name, url, extra=("--upstream", province.url), env=env).start()
        for name in ("a", "b")
    ]
    try:
        hubs[0].add_user("郑十", "admin", depts=())
        token = hubs[0].token("workstation", OFFICE, WSID)
        evs = case_events(number(1), subject="320000-WL-0001")
        assert push(hubs[0].url, token, evs).status_code == 200
        assert wait_for(lambda: {e["id"] for e in evs} <= set(province.forwarded))
        pages = [_console_page(h, "/console/workstations", "郑十") for h in hubs]
        holders = set()
        for text in pages:
            m = re.search(r'id="fwd-lease-holder">([^<]*)<', text)
            assert m and m.group(1).strip(), text[text.find("fwd") : text.find("fwd") + 800]
            holders.add(m.group(1).strip())
            assert re.search(r'id="fwd-lease-until">[^<]*\d{2}:\d{2}', text)
            assert re.search(r'id="fwd-last-forwarded">[^<]*\d{2}:\d{2}', text)
        assert len(holders) == 1  # both name the same holder: one of the two processes
        (holder,) = holders
        assert any(f":{h.proc.pid}:" in holder for h in hubs), (holder, [h.proc.pid for h in hubs])
    finally:
        for h in hubs:
            h.stop()
        province.close()
