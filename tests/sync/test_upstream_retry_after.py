"""The county's forwarder honours the province's Retry-After (issue 16 §7 leftover): a province
(or a proxy before it) answering 503 or 429 with Retry-After is asked again no sooner than
told, and no later than the cap (10 minutes by default); the console's forwarding section and
the log say until when. The province is a real HTTP server on 127.0.0.1 that answers every
request with 503 and Retry-After; the county a real hub store (and a real hub process for the
console)."""

from __future__ import annotations

import logging
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.hubs import PASSWORD, ConsoleHub

pytestmark = pytest.mark.slow


class BusyProvince:
    """Answers every request with ``status`` and ``Retry-After: wait``; keeps when each came."""

    def __init__(self, wait: str, status: int = 503) -> None:
        self.times: list[float] = []
        province = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                province.times.append(time.monotonic())
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                body = b'{"error": "busy"}'
                self.send_response(status)
                self.send_header("Retry-After", wait)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> BusyProvince:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_requests(self, n: int, timeout: float) -> None:
        end = time.monotonic() + timeout
        while len(self.times) < n:
            if time.monotonic() > end:
                raise AssertionError(f"{len(self.times)} requests, not {n}, within {timeout} s")
            time.sleep(0.05)


def forwarder(tmp_path, url: str, **kw):
    from sync.hub.serve import Forwarder
    from sync.hub.store import open_hub

    county = open_hub(tmp_path / "county")
    fwd = Forwarder(county, url, "yc1_county", interval=0.2, **kw)
    fwd.start()
    return county, fwd


def stop(county, fwd) -> None:
    fwd.stop.set()
    fwd.join(10)
    county.close()
    assert not fwd.is_alive()


def test_the_forwarder_waits_as_the_province_asks(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="yichuang.hub.forwarder")
    with BusyProvince("6") as province:
        county, fwd = forwarder(tmp_path, province.url)
        try:
            province.wait_requests(1, timeout=30)
            time.sleep(0.5)
            assert fwd.retry_at and fwd.retry_after == 6  # shown on the console while it waits
            assert "503" in fwd.last_error and "6 秒" in fwd.last_error
            assert any("waiting 6 s" in r.getMessage() for r in caplog.records)
            province.wait_requests(2, timeout=30)
            gap = province.times[1] - province.times[0]
            assert gap >= 5.8, f"asked again after {gap:.1f} s; the province said 6"
            assert gap < 12
        finally:
            stop(county, fwd)


def test_a_long_retry_after_is_waited_only_up_to_the_cap(tmp_path):
    with BusyProvince("86400", status=429) as province:  # a day: a county is not silenced that long
        county, fwd = forwarder(tmp_path, province.url, retry_after_cap=3)
        try:
            province.wait_requests(2, timeout=30)
            gap = province.times[1] - province.times[0]
            assert 2.8 <= gap < 8, gap
            assert fwd.is_alive()
        finally:
            stop(county, fwd)


def test_the_console_says_until_when_the_forwarder_waits(tmp_path):
    with BusyProvince("300") as province:
        hub = ConsoleHub(
            tmp_path / "county", extra=("--upstream", province.url), env={"YICHUANG_UPSTREAM_TOKEN": "yc1_x"}
        ).start()
        try:
            hub.add_user("王芳")
            province.wait_requests(1, timeout=60)
            with httpx.Client(base_url=hub.url, timeout=60) as c:
                c.get("/console/login")
                csrf = c.cookies["yc_login"]
                c.post("/console/login", data={"name": "王芳", "password": PASSWORD, "csrf": csrf})
                page = ""
                for _ in range(40):
                    page = c.get("/console/workstations").text
                    if 'id="fwd-retry-at"' in page:
                        break
                    time.sleep(0.25)
            shown = re.search(r'<dd id="fwd-retry-at">([^<]*)</dd>', page)
            assert shown is not None, page[-3000:]
            assert "按其要求等待 300 秒" in shown.group(1)
            time.sleep(2)
            assert len(province.times) == 1  # asked once, then left alone
        finally:
            hub.stop()
