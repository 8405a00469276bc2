"""A hostile hub on 127.0.0.1 for the long-running sync's tests (issue 16 §7).

A real HTTP server (``http.server`` writes raw bytes, so it sends what no well-behaved server
would): healthy answers, or on the pull endpoint one hostile answer after another —

* ``bomb``: decompression bombs, small on the wire, huge decoded: a zstd frame, a zstd frame
  made with the shared dictionary, a gzip stream (each 256 MiB of zeros, a few hundred KB or
  less on the wire), in turn;
* ``garbage``: an oversized answer with no Content-Length (8 MiB, read until the close), bytes
  that are no zstd frame, a valid zstd frame of JSON that is no pull page (31 MB of empty
  arrays: within the decoded cap, millions of objects), in turn;
* ``busy``: 503 or 429 with a Retry-After (seconds, or ``+N``: an HTTP-date N seconds after the
  answer's own Date), one for each entry of ``busy``, then healthy answers.

It records when each request came (``times``), so a test measures the wait between them.
"""

from __future__ import annotations

import functools
import gzip
import io
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import zstandard

from sync import protocol

BOMB_SIZE = 256 << 20  # decoded: eight times the client's cap


@functools.cache
def zstd_bomb(with_dict: bool = False) -> bytes:
    zdict = protocol.shipped_dict() if with_dict else None
    cctx = zstandard.ZstdCompressor(level=1, dict_data=zdict._dict if zdict else None)  # noqa: SLF001
    co = cctx.compressobj(size=BOMB_SIZE)
    chunk = bytes(1 << 20)
    return b"".join([co.compress(chunk) for _ in range(BOMB_SIZE >> 20)] + [co.flush()])


@functools.cache
def gzip_bomb() -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as f:
        chunk = bytes(1 << 20)
        for _ in range(BOMB_SIZE >> 20):
            f.write(chunk)
    return buf.getvalue()


@functools.cache
def json_flood() -> bytes:
    """A zstd frame of valid JSON just under the decoded cap: ten million empty arrays."""
    n = (protocol.MAX_DECODED - 16) // 3
    return zstandard.ZstdCompressor(level=3).compress(b"[" + b"[]," * (n - 1) + b"[]]")


BOMBS = ("zstd", "zstd-dict", "gzip")
GARBAGE = ("oversized", "not-zstd", "json-flood")


class HostileHub:
    def __init__(self) -> None:
        self.mode = "healthy"  # healthy | bomb | garbage | busy
        self.busy: list[tuple[int, str]] = []  # (status, Retry-After value) for the next busy answers
        self.times: list[float] = []  # monotonic time of each pull
        self.hostile = 0  # hostile answers sent
        self.lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:
                hub._handle(self)

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                if n:
                    self.rfile.read(n)
                hub._send(self, 200, protocol.compress({"v": 1, "ok": 0, "dup": 0, "refused": []}), "zstd")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- answers -------------------------------------------------------------------------------------
    def _send(self, h, status: int, body: bytes, encoding: str = "", headers: dict | None = None) -> None:
        h.send_response(status)
        if encoding:
            h.send_header("Content-Encoding", encoding)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client stopped reading: as it should
            h.close_connection = True

    def _handle(self, h) -> None:
        path = h.path
        if not path.startswith("/api/v1/sync/pull"):
            return self._send(h, 200, protocol.compress({"v": 1, "rev": 0, "operators": []}), "zstd")
        with self.lock:
            self.times.append(time.monotonic())
            mode = self.mode
            turn = self.hostile
            if mode in ("bomb", "garbage"):
                self.hostile += 1
            busy = self.busy.pop(0) if mode == "busy" and self.busy else None
        after = int(path.split("after=")[1].split("&")[0])
        healthy = protocol.compress({"v": 1, "events": [], "more": False, "cursor": after})
        h.close_connection = mode in ("bomb", "garbage")
        if mode == "bomb":
            kind = BOMBS[turn % len(BOMBS)]
            if kind == "gzip":
                return self._send(h, 200, gzip_bomb(), "gzip")
            if kind == "zstd-dict":
                zd = protocol.shipped_dict()
                return self._send(
                    h, 200, zstd_bomb(True), protocol.DICT_ENCODING, {protocol.DICT_HEADER: zd.id}
                )
            return self._send(h, 200, zstd_bomb(), "zstd")
        if mode == "garbage":
            kind = GARBAGE[turn % len(GARBAGE)]
            if kind == "oversized":  # no Content-Length: read until the connection closes
                h.send_response(200)
                h.send_header("Content-Type", "application/json")
                h.end_headers()
                try:
                    for _ in range(8):
                        h.wfile.write(b"\x00" * (1 << 20))
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return None
            if kind == "not-zstd":
                return self._send(h, 200, b"\x28\xb5\x2f\xfd" + bytes(range(256)) * 12_000, "zstd")
            return self._send(h, 200, json_flood(), "zstd")
        if busy is not None:
            status, value = busy
            if value.startswith("+"):  # an HTTP-date that many seconds after this answer's Date
                value = formatdate(int(time.time()) + int(value[1:]), usegmt=True)
            return self._send(h, status, b'{"message":"busy"}', "", {"Retry-After": value})
        return self._send(h, 200, healthy, "zstd")
