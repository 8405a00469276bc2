"""The shared zstd dictionary of pushes (sync/dict/events-v1.zdict), against a real hub process.

Round trips with and without it, the fallback to plain zstd when the hub does not know the
dictionary the window names, a dictionary bomb stopped at the caps on both sides with memory
flat, and the shipped file's id being its content hash.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
import zstandard

from sync import protocol, transport
from tests.hubs import OFFICE, ROOT, WSID, make_workstation
from tests.sync.helpers import case_events, number
from tests.sync.proxy import Proxy

FLAT_MB = 100
BOMB = 512 << 20  # what the bomb decompresses to (the cap is 32 MiB)


def _peak_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    raise AssertionError("no VmHWM")


def _other_dict() -> protocol.ZstdDict:
    """A real dictionary the hub does not ship (trained on other events)."""
    samples = [protocol.dumps(e) for i in range(400) for e in case_events(number(i + 1))]
    return protocol.ZstdDict(zstandard.train_dictionary(8192, samples).as_bytes())


def _dict_bomb(zdict: protocol.ZstdDict, size: int = BOMB) -> bytes:
    """One zstd frame made with the dictionary: a few KB that decompress to ``size`` bytes."""
    out = bytearray()
    cobj = zdict.compressor(3).compressobj()
    piece = b" " * (1 << 20)
    out += cobj.compress(b"[")
    for _ in range(size >> 20):
        out += cobj.compress(piece)
    out += cobj.compress(b"]") + cobj.flush()
    return bytes(out)


def _raw_push(hub, token: str, body: bytes, encoding: str, dict_id: str | None) -> httpx.Response:
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Content-Encoding": encoding,
    }
    if dict_id is not None:
        headers[protocol.DICT_HEADER] = dict_id
    return httpx.post(hub.url + "/api/v1/sync/push", content=body, headers=headers, timeout=60)


@pytest.fixture(autouse=True)
def _forget_refusals():
    transport._NO_DICT.clear()
    yield
    transport._NO_DICT.clear()


def test_the_shipped_dictionary_is_named_by_its_content_hash():
    zd = protocol.shipped_dict()
    assert zd is not None, f"sync/dict/{protocol.DICT_NAME}.zdict is missing"
    meta = json.loads((protocol.DICT_DIR / f"{protocol.DICT_NAME}.json").read_text("utf-8"))
    content = (protocol.DICT_DIR / f"{protocol.DICT_NAME}.zdict").read_bytes()
    assert meta["sha256"] == hashlib.sha256(content).hexdigest()
    assert meta["id"] == zd.id == meta["sha256"][:16]
    assert len(content) <= 224 * 1024  # shipped in the executable and held by every hub
    # a trained dictionary (not raw content): zstd's own header names it in every frame
    assert zstandard.ZstdCompressionDict(content).dict_id() != 0
    tool = subprocess.run(
        [sys.executable, str(ROOT / "build" / "tools" / "make_zstd_dict.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert tool.returncode == 0, tool.stdout + tool.stderr


def test_a_body_made_with_the_dictionary_needs_it():
    zd = protocol.shipped_dict()
    doc = {"v": 1, "batch": "b", "events": case_events(number(1))}
    body = protocol.compress(doc, 19, zd)
    assert protocol.loads(protocol.decompress(body, dict_id=zd.id)) == doc
    with pytest.raises(protocol.ProtocolError):
        protocol.decompress(body)  # plain zstd cannot read it
    with pytest.raises(protocol.ProtocolError) as exc:
        protocol.decompress(body, dict_id="0123456789abcdef")
    assert exc.value.status == 415 and exc.value.code == "unknown_dictionary"


@pytest.mark.parametrize("use_dict", [True, False])
def test_a_window_syncs_with_and_without_the_dictionary(tmp_path: Path, sqlite_hub, use_dict: bool):
    from app.services.sync import cycle

    hub = sqlite_hub
    proxy = Proxy(hub.port)
    ws = make_workstation(tmp_path / "ws", proxy.url, hub.token("workstation", OFFICE, WSID), cases=60)
    try:
        client = cycle.HubClient(proxy.url, ws.config.get("hub.token"), zdict=use_dict)
        rep = cycle.run_cycle(ws, client=client)
        assert rep.ok and rep.left == 0, rep.error
        st = hub.store()
        try:
            assert st.counts()["events"] == rep.pushed > 60
        finally:
            st.close()
        assert proxy.url not in transport._NO_DICT
    finally:
        proxy.close()
        ws.close()


def test_the_dictionary_makes_pushes_smaller(tmp_path: Path, sqlite_hub):
    """The same batch of a window's events, through a byte-counting proxy, with and without
    the dictionary (the second push is answered dup: the same body either way)."""
    from app.services.sync import outbox

    hub = sqlite_hub
    token = hub.token("workstation", OFFICE, WSID)
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=40)
    try:
        events = outbox.next_batch(ws.store)
    finally:
        ws.close()
    sizes = {}
    for use_dict in (False, True):
        proxy = Proxy(hub.port)
        try:
            with transport.HubClient(proxy.url, token, zdict=use_dict) as c:
                doc = c.push(events, str(uuid.uuid4()))
            assert doc["ok"] + doc["dup"] == len(events)
            sizes[use_dict] = proxy.counters.up
        finally:
            proxy.close()
    assert sizes[True] < sizes[False] * 0.8, sizes


def test_a_window_not_yet_upgraded_still_pushes_with_the_older_dictionary(sqlite_hub):
    """events-v2 replaced events-v1 (trained on events with their audit links): the hub still
    reads a push made with v1, and a v1 body is not readable as v2."""
    hub = sqlite_hub
    token = hub.token("workstation", OFFICE, WSID)
    assert protocol.OLDER_DICTS == ("events-v1",)
    v1 = protocol.ZstdDict((protocol.DICT_DIR / "events-v1.zdict").read_bytes())
    assert v1.id != protocol.shipped_dict().id and protocol.known_dict(v1.id) is not None
    body = protocol.compress({"v": 1, "batch": str(uuid.uuid4()), "events": case_events(number(1))}, 19, v1)
    r = _raw_push(hub, token, body, protocol.DICT_ENCODING, v1.id)
    assert r.status_code == 200, r.text
    with pytest.raises(protocol.ProtocolError):
        protocol.decompress(body, dict_id=protocol.shipped_dict().id)


def test_a_hub_without_the_dictionary_gets_plain_zstd_and_the_window_syncs(tmp_path: Path, sqlite_hub):
    from app.services.sync import cycle

    hub = sqlite_hub
    token = hub.token("workstation", OFFICE, WSID)
    other = _other_dict()
    # the hub says clearly why it refuses a body made with a dictionary it does not know
    body = protocol.compress({"v": 1, "batch": "x", "events": case_events(number(1))}, 19, other)
    r = _raw_push(hub, token, body, protocol.DICT_ENCODING, other.id)
    assert r.status_code == 415, r.text
    assert r.json()["error"] == "unknown_dictionary" and other.id in r.json()["message"]
    r = _raw_push(hub, token, body, protocol.DICT_ENCODING, None)  # no id at all
    assert r.status_code == 415 and r.json()["error"] == "unknown_dictionary"

    proxy = Proxy(hub.port)
    ws = make_workstation(tmp_path / "ws", proxy.url, token, cases=60)
    try:
        client = cycle.HubClient(proxy.url, token, zdict=other)
        rep = cycle.run_cycle(ws, client=client)
        assert rep.ok and rep.left == 0, rep.error
        assert proxy.url in transport._NO_DICT  # later pushes go plain at once
        st = hub.store()
        try:
            assert st.counts()["events"] == rep.pushed > 60
        finally:
            st.close()
    finally:
        proxy.close()
        ws.close()


@pytest.mark.slow
def test_a_dictionary_bomb_stops_at_the_hubs_cap_with_memory_flat(sqlite_hub):
    hub = sqlite_hub
    token = hub.token("workstation", OFFICE, WSID)
    zd = protocol.shipped_dict()
    warm = protocol.compress({"v": 1, "batch": "w", "events": case_events(number(1))}, 19, zd)
    assert _raw_push(hub, token, warm, protocol.DICT_ENCODING, zd.id).status_code == 200
    bomb = _dict_bomb(zd)
    assert len(bomb) < protocol.MAX_BODY
    before = _peak_mb(hub.proc.pid)
    r = _raw_push(hub, token, bomb, protocol.DICT_ENCODING, zd.id)
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    assert _peak_mb(hub.proc.pid) - before < FLAT_MB
    again = protocol.compress({"v": 1, "batch": "a", "events": case_events(number(2))}, 19, zd)
    assert _raw_push(hub, token, again, protocol.DICT_ENCODING, zd.id).status_code == 200


CLIENT_BOMB = """
import resource, sys
from sync import protocol, transport
zd = protocol.shipped_dict()
bomb = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    transport.decode(bomb, "zstd-dict", dict_id=zd.id)
    print("decoded")
except protocol.ProtocolError as exc:
    print(exc.status, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


@pytest.mark.slow
def test_a_dictionary_bomb_answer_stops_at_the_clients_cap_with_memory_flat(tmp_path: Path):
    path = tmp_path / "bomb.zst"
    path.write_bytes(_dict_bomb(protocol.shipped_dict()))
    r = subprocess.run(
        [sys.executable, "-c", CLIENT_BOMB, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    status, grown_mb = r.stdout.split()
    assert status == "413" and int(grown_mb) < FLAT_MB, r.stdout


def test_a_pull_page_comes_in_the_dictionary_when_the_window_names_it(sqlite_hub):
    from tests.sync.helpers import push

    hub = sqlite_hub
    ws1 = hub.token("workstation", OFFICE, WSID)
    ws2 = hub.token("workstation", OFFICE, "02")
    assert push(hub.url, ws1, case_events(number(1))).status_code == 200
    # window 02 acts on window 01's case: 01 pulls it
    note = {**case_events(number(1))[0], "id": str(uuid.uuid4()), "kind": "case.note", "lc": 3}
    note.update(ws="02", p={"text": "申请人到 02 号窗口补交材料"})
    assert push(hub.url, ws2, [note]).status_code == 200
    zd = protocol.shipped_dict()
    url = hub.url + "/api/v1/sync/pull"
    auth = {"Authorization": f"Bearer {ws1}", "Accept-Encoding": "zstd, zstd-dict"}

    def get(headers: dict) -> tuple[httpx.Headers, bytes]:  # the body as it came, not decoded
        with httpx.stream("GET", url, headers=auth | headers, timeout=30) as r:
            return r.headers, b"".join(r.iter_raw())

    h_plain, plain = get({})
    assert h_plain["content-encoding"] == "zstd"
    h_dict, body = get({protocol.DICT_HEADER: zd.id})
    assert h_dict["content-encoding"] == protocol.DICT_ENCODING and h_dict[protocol.DICT_HEADER] == zd.id
    page = protocol.loads(transport.decode(body, protocol.DICT_ENCODING, dict_id=zd.id))
    assert page == protocol.loads(transport.decode(plain, "zstd")) | {"now": page["now"]}
    assert [e["id"] for e in page["events"]] == [note["id"]]
    assert len(body) < len(plain)
    # a dictionary the hub does not know: plain zstd
    h_other, _ = get({protocol.DICT_HEADER: "0123456789abcdef"})
    assert h_other["content-encoding"] == "zstd"
