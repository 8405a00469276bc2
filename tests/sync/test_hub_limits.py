"""Issue 11: bounded memory and validation at the hub (a real hub process on 127.0.0.1).

Hostile bodies are generated and streamed: a 1 GiB chunked push, an over-cap back-office POST,
zstd bombs. The hub must answer 413 after reading about its cap, with its memory flat (its
peak resident size, VmHWM in /proc, is compared before and after).
"""

from __future__ import annotations

import os
import select
import socket
import time
import uuid
from collections.abc import Iterable, Iterator

import httpx
import pytest
import zstandard

from sync import protocol
from tests.sync.helpers import case_events, get, number, push

pytestmark = pytest.mark.slow

FLAT_MB = 100
GIB = 1 << 30


def _peak_mb(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), MB."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    raise AssertionError("no VmHWM")


def _zeros(total: int) -> Iterator[bytes]:
    piece = b"\x00" * (1 << 20)
    for _ in range(total // len(piece)):
        yield piece


def _zstd_noise(total: int) -> Iterator[bytes]:
    """One valid zstd frame of incompressible bytes, made as it is sent (as big on the wire)."""
    cobj = zstandard.ZstdCompressor(level=1).compressobj()
    for _ in range(total >> 20):
        out = cobj.compress(os.urandom(1 << 20))
        if out:
            yield out


def _stream_chunked(
    port: int, path: str, headers: dict[str, str], pieces: Iterable[bytes]
) -> tuple[int, int]:
    """POST the pieces with Transfer-Encoding: chunked (no Content-Length), stopping as soon as
    the hub answers. Returns (HTTP status, bytes sent)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock.sendall(head.encode("latin-1"))
    sent = 0
    answer = b""
    try:
        for piece in pieces:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            except OSError:  # the hub closed the connection after answering
                break
            sent += len(piece)
        else:
            sock.sendall(b"0\r\n\r\n")
        deadline = time.monotonic() + 30
        while b"\r\n" not in answer and time.monotonic() < deadline:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split()[1]), sent


def test_chunked_and_bomb_pushes_are_refused_with_memory_flat(sqlite_hub):
    hub = sqlite_hub
    token = hub.token("workstation", "320724100", "01")
    assert decoded_ok(push(hub.url, token, case_events(number(1))))  # warm: the store, the app
    before = _peak_mb(hub.proc.pid)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    zstd = auth | {"Content-Encoding": "zstd"}
    status, sent = _stream_chunked(hub.port, "/api/v1/sync/push", zstd, _zstd_noise(GIB))
    assert status == 413 and sent < 64 << 20, (status, sent)
    status, sent = _stream_chunked(hub.port, "/api/v1/sync/push", auth, _zeros(GIB))  # identity, chunked
    assert status == 413 and sent < 64 << 20, (status, sent)
    # a zstd bomb: a few KB on the wire that would decompress to 1 GiB
    bomb = zstandard.ZstdCompressor(level=3).compress(b"[" + b" " * (GIB - 2) + b"]")
    assert len(bomb) < protocol.MAX_BODY
    r = httpx.post(
        hub.url + "/api/v1/sync/push", content=bomb, headers=auth | {"Content-Encoding": "zstd"}, timeout=60
    )
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    assert _peak_mb(hub.proc.pid) - before < FLAT_MB
    assert decoded_ok(push(hub.url, token, case_events(number(2))))  # and the hub still works


def test_an_over_cap_back_office_post_is_refused_with_memory_flat(sqlite_hub):
    hub = sqlite_hub
    ws, bo = hub.token("workstation", "320724100", "01"), hub.token("backoffice")
    assert decoded_ok(push(hub.url, ws, case_events(number(1))))
    path = f"/api/v1/cases/{number(1)}/events"
    before = _peak_mb(hub.proc.pid)
    auth = {"Authorization": f"Bearer {bo}", "Content-Type": "application/json"}
    status, sent = _stream_chunked(hub.port, path, auth, _zeros(512 << 20))
    assert status == 413 and sent < 64 << 20, (status, sent)
    r = httpx.post(hub.url + path, content=b"{" + b" " * (2 << 20) + b"}", headers=auth, timeout=60)
    assert r.status_code == 413
    assert _peak_mb(hub.proc.pid) - before < FLAT_MB
    ok = httpx.post(hub.url + path, json={"kind": "case.in_review"}, headers=auth, timeout=30)
    assert ok.status_code == 201


def decoded_ok(r: httpx.Response) -> bool:
    import json

    return r.status_code == 200 and json.loads(r.content)["refused"] == []


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/sync/pull", {"after": str(10**30)}),
        ("/api/v1/sync/pull", {"after": "-1"}),
        ("/api/v1/sync/pull", {"limit": "-5"}),
        ("/api/v1/cases", {"page": str(10**30)}),
        ("/api/v1/cases", {"page": "-1"}),
        ("/api/v1/cases", {"per_page": str(10**30)}),
    ],
)
def test_out_of_range_numbers_answer_400(sqlite_hub, path, params):
    token = sqlite_hub.token("workstation", "320724100", "01")
    r = get(sqlite_hub.url, token, path, **params)
    assert r.status_code == 400 and r.json()["error"] == "malformed", r.text


def test_deep_json_answers_400_and_a_foreign_media_type_415(sqlite_hub):
    hub = sqlite_hub
    ws, bo = hub.token("workstation", "320724100", "01"), hub.token("backoffice")
    assert decoded_ok(push(hub.url, ws, case_events(number(1))))
    deep = b"[" * 100_000 + b"]" * 100_000
    h = {"Authorization": f"Bearer {ws}", "Content-Type": "application/json"}
    r = httpx.post(hub.url + "/api/v1/sync/push", content=deep, headers=h, timeout=30)
    assert r.status_code == 400, r.text
    r = httpx.post(hub.url + "/api/v1/sync/push", content=_deep_event(number(2)), headers=h, timeout=30)
    assert r.status_code == 400 and "nested" in r.json()["message"], r.text
    bh = {"Authorization": f"Bearer {bo}", "Content-Type": "application/json"}
    path = f"/api/v1/cases/{number(1)}/events"
    r = httpx.post(hub.url + path, content=b'{"kind":"case.note","payload":' + deep + b"}", headers=bh)
    assert r.status_code == 400, r.text
    body = protocol.compress({"v": 1, "batch": str(uuid.uuid4()), "events": case_events(number(3))})
    plain = {"Authorization": f"Bearer {ws}", "Content-Encoding": "zstd", "Content-Type": "text/plain"}
    r = httpx.post(hub.url + "/api/v1/sync/push", content=body, headers=plain)
    assert r.status_code == 415
    assert get(hub.url, bo, f"/api/v1/cases/{number(3)}").status_code == 404
    r = httpx.post(
        hub.url + "/api/v1/sync/push",
        content=body,
        headers=plain | {"Content-Type": "application/json; charset=utf-8"},
    )
    assert r.status_code == 200


def _deep_event(num: str) -> bytes:
    """A batch whose one payload is nested 900 levels: valid JSON, but no payload is that deep."""
    ev = case_events(num)[0]
    ev["p"] = {"x": "__DEEP__"}
    raw = protocol.dumps({"v": 1, "batch": "b", "events": [ev]})
    return raw.replace(b'"__DEEP__"', b"[" * 900 + b"]" * 900)
