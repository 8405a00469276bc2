"""A small real HTTP hub on 127.0.0.1 that misbehaves on demand (tests of the workstation).

It speaks just enough of the sync protocol to be a good hub (push acknowledges every event,
pull answers an empty page, tus slots accept uploads) until told to misbehave on one
endpoint with one of ``FAULTS``. It runs in a thread of the test process: ``http.server``
writes raw bytes, so it can send what no well-behaved server library would (a broken zstd
frame, a body that drips one byte every 2 s, a zstd bomb).
"""

from __future__ import annotations

import functools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import zstandard

from sync import protocol

FAULTS = (
    "bad_zstd",  # Content-Encoding: zstd, body is not a zstd frame
    "bad_gzip",  # Content-Encoding: gzip, body is not gzip
    "drip",  # a valid answer, one byte every 2 s
    "drip_headers",  # the status line and headers themselves, one byte every 2 s
    "slow_steady",  # pull: a valid 20 KB answer at 5 KB/s (slow link, not a drip)
    "non_object_events",  # pull: events that are not objects
    "shapeless_events",  # pull: objects that are not events (no kind, no case, bad seq)
    "bogus_ack",  # push: {"ok":0,"dup":0,"refused":[]} whatever the batch
    "foreign_refusal",  # push: refuses an id that was not in the batch
    "refused_twice",  # push: refuses one event twice (the counts add up, the ids do not)
    "huge",  # 1 GiB answer without Content-Length (read until close)
    "bomb",  # 64 KB zstd frame that decompresses to 2 GiB
    "negative_cursor",  # pull: cursor -5
    "bool_cursor",  # pull: cursor true
    "endless_more",  # pull: more=true, cursor never moves
    "html_500",  # a proxy's error page
)


@functools.cache
def _body(h: BaseHTTPRequestHandler, body: bytes) -> dict:
    """A push body as the real hub reads it (plain zstd, or zstd with the shared dictionary)."""
    enc, dict_id = h.headers.get("Content-Encoding"), h.headers.get(protocol.DICT_HEADER)
    return json.loads(protocol.decompress(body, dict_id=dict_id if enc == protocol.DICT_ENCODING else None))


def zstd_bomb(size: int = 2 << 30) -> bytes:
    """A zstd frame of ``size`` zero bytes (about 64 KB on the wire)."""
    cctx = zstandard.ZstdCompressor(level=1)
    chunk = bytes(1 << 20)
    co = cctx.compressobj(size=size)
    parts = [co.compress(chunk) for _ in range(size // len(chunk))]
    parts.append(co.flush())
    return b"".join(parts)


class FakeHub:
    def __init__(self) -> None:
        self.faults: dict[str, str] = {}  # endpoint ("push", "pull", "files", "healthz") -> fault
        self.pushed: list[dict] = []  # events acknowledged as ok
        self.requests: list[tuple[str, str]] = []
        self.files: dict[str, dict] = {}  # sha -> {"length", "data"}
        self.stopping = threading.Event()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                hub._handle(self, "GET")

            def do_POST(self) -> None:
                hub._handle(self, "POST")

            def do_HEAD(self) -> None:
                hub._handle(self, "HEAD")

            def do_PATCH(self) -> None:
                hub._handle(self, "PATCH")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def misbehave(self, endpoint: str, fault: str | None) -> None:
        assert fault is None or fault in FAULTS, fault
        if fault is None:
            self.faults.pop(endpoint, None)
        else:
            self.faults[endpoint] = fault

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    # --- plumbing ----------------------------------------------------------------------------------
    def _endpoint(self, path: str) -> str:
        if path.startswith("/api/v1/sync/push"):
            return "push"
        if path.startswith("/api/v1/sync/pull"):
            return "pull"
        if path.startswith("/api/v1/files"):
            return "files"
        return path.strip("/").split("?")[0] or "root"

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        ep = self._endpoint(h.path)
        self.requests.append((method, h.path))
        n = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(n) if n else b""
        fault = self.faults.get(ep)
        try:
            if fault:
                self._fault(h, fault, ep, body)
            elif ep == "push":
                doc = _body(h, body)
                self.pushed.extend(doc["events"])
                self._json(h, {"v": 1, "ok": len(doc["events"]), "dup": 0, "refused": [], "seq": 1})
            elif ep == "pull":
                after = int(h.path.split("after=")[1].split("&")[0])
                self._json(h, {"v": 1, "events": [], "more": False, "cursor": after})
            elif ep == "files":
                self._tus(h, method, body)
            elif ep == "api/v1/operators" and method == "GET":  # no accounts at this hub
                self._json(h, {"v": 1, "rev": 0, "operators": []})
            elif ep == "api/v1/operators":
                changes = _body(h, body).get("changes", [])
                self._json(h, {"v": 1, "results": [{"id": c["id"], "status": "ok"} for c in changes]})
            else:
                self._json(h, {"ok": True})
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True

    def _send(self, h, status: int, body: bytes, headers: dict | None = None) -> None:
        h.send_response(status)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

    def _json(self, h, doc: dict, status: int = 200) -> None:
        doc = {"now": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()), **doc}
        self._send(
            h,
            status,
            protocol.compress(doc),
            {"Content-Type": "application/json", "Content-Encoding": "zstd"},
        )

    def _tus(self, h, method: str, body: bytes) -> None:
        sha = h.path.rsplit("/", 1)[-1]
        if method == "POST":
            meta = dict(kv.split(" ") for kv in h.headers["Upload-Metadata"].split(","))
            import base64

            sha = base64.b64decode(meta["sha256"]).decode()
            self.files[sha] = {"length": int(h.headers["Upload-Length"]), "data": b""}
            return self._send(h, 201, b"", {"Location": f"/api/v1/files/{sha}", "Upload-Offset": "0"})
        f = self.files.get(sha)
        if f is None:
            return self._send(h, 404, b"")
        if method == "PATCH":
            f["data"] += body
        return self._send(h, 204 if method == "PATCH" else 200, b"", {"Upload-Offset": str(len(f["data"]))})

    # complexity: a table of faults, one branch each
    def _fault(self, h, fault: str, ep: str, body: bytes) -> None:  # noqa: C901
        w = h.wfile
        h.close_connection = True
        if fault == "bad_zstd":
            return self._send(
                h, 200, b"\x28\xb5\x2f\xfd" + b"not really zstd" * 20, {"Content-Encoding": "zstd"}
            )
        if fault == "bad_gzip":
            return self._send(
                h, 200, b"\x1f\x8b\x08\x00" + b"not really gzip" * 20, {"Content-Encoding": "gzip"}
            )
        if fault == "html_500":
            return self._send(
                h, 502, b"<html><body>[b]Bad gateway[/b]</body></html>", {"Content-Type": "text/html"}
            )
        if fault in ("drip", "drip_headers"):
            answer = protocol.dumps(
                {"v": 1, "events": [], "more": False, "cursor": 0, "ok": 0, "dup": 0, "refused": []}
            )
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(answer)}\r\n\r\n".encode()
            if fault == "drip":
                w.write(head)
                w.flush()
                data = answer
            else:
                data = head + answer
            for i in range(len(data)):
                if self.stopping.wait(2.0):
                    return
                w.write(data[i : i + 1])
                w.flush()
            return
        if fault == "slow_steady":
            answer = protocol.dumps({"v": 1, "events": [], "more": False, "cursor": 0, "pad": "x" * 20_000})
            head = (
                f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(answer)}\r\n\r\n"
            )
            w.write(head.encode())
            for i in range(0, len(answer), 1000):
                if self.stopping.wait(0.2):
                    return
                w.write(answer[i : i + 1000])
                w.flush()
            return
        if fault == "huge":
            w.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
            block = b'{"pad":"' + b"x" * (1 << 20) + b'"},'
            w.write(b'{"events":[')
            for _ in range(1024):
                if self.stopping.is_set():
                    return
                w.write(block)
            return
        if fault == "bomb":
            return self._send(
                h, 200, zstd_bomb(), {"Content-Type": "application/json", "Content-Encoding": "zstd"}
            )
        if fault == "bogus_ack":
            return self._json(h, {"v": 1, "ok": 0, "dup": 0, "refused": [], "seq": 1})
        if fault == "foreign_refusal":
            doc = _body(h, body)
            n = len(doc["events"])
            refused = [
                {
                    "id": "00000000-0000-0000-0000-000000000000",
                    "case": "x",
                    "code": "bad_payload",
                    "reason": "",
                }
            ]
            return self._json(h, {"v": 1, "ok": n - 1, "dup": 0, "refused": refused, "seq": 1})
        if fault == "refused_twice":
            doc = _body(h, body)
            n, first = len(doc["events"]), doc["events"][0]
            refused = [{"id": first["id"], "case": first["case"], "code": "bad_payload", "reason": ""}] * 2
            return self._json(h, {"v": 1, "ok": n - 2, "dup": 0, "refused": refused, "seq": 1})
        if fault == "non_object_events":
            return self._json(h, {"v": 1, "events": [1, "x", None, [2]], "more": False, "cursor": 4})
        if fault == "shapeless_events":
            events = [{"id": "x"}, {"case": [], "kind": 5, "seq": "many"}]
            return self._json(h, {"v": 1, "events": events, "more": False, "cursor": 2})
        if fault == "negative_cursor":
            return self._json(h, {"v": 1, "events": [], "more": False, "cursor": -5})
        if fault == "bool_cursor":
            return self._json(h, {"v": 1, "events": [], "more": False, "cursor": True})
        if fault == "endless_more":
            return self._json(h, {"v": 1, "events": [], "more": True, "cursor": 0})
        raise AssertionError(fault)
