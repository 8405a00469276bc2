"""app.domain.failures: what the OS and the libraries said, read from real faults (issue 18).

A full device (/dev/full), a missing file, a refused port, a port that accepts and says
nothing, one that closes at once, one that cuts its answer short, one that speaks no HTTP,
a plain HTTP server where TLS is expected, a TLS server with a certificate nobody vouches for,
a host that does not resolve, a broken TOML file and a hub's answer that is not JSON. Each
gives its own failure, said in Chinese by default (English when asked), with the library's
words kept in ``detail``.
"""

from __future__ import annotations

import ast
import re
import socket
import ssl
import threading
import tomllib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from app.domain import failures
from app.domain.failures import explain, explain_status
from app.messages import MESSAGES, set_language
from sync import protocol
from tests.sync.pg import free_port

ASCII_WORDS = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
# the words a Chinese text may keep: protocols, commands, settings and names of things
ALLOWED = {
    "http",
    "https",
    "HTTP",
    "TLS",
    "DNS",
    "JSON",
    "json",  # the --json option
    "UTF",
    "yichuang",
    "config",
    "toml",
    "set",
    "hub",
    "url",
    "token",
    "data",
    "dir",
    "backup",
    "restore",
    "chown",
    "pgpass",
    "createdb",
    "YICHUANG_HUB_CA",
    "YICHUANG_HUB_DEADLINE",
    "HTTPS_PROXY",
}


def caught(fn: Callable[[], object]) -> BaseException:
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001  (the fault under test)
        return exc
    raise AssertionError("no fault")


class _Server:
    """A TCP listener on 127.0.0.1 that does ``behave(conn)`` with each connection."""

    def __init__(self, behave: Callable[[socket.socket], None]) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.behave = behave
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                self.behave(conn)
            finally:
                conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def server():
    made: list[_Server] = []

    def make(behave):
        s = _Server(behave)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def _read_request(conn: socket.socket) -> None:
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(4096)
        if not piece:
            return
        data += piece


def get(url: str, **kw) -> httpx.Response:
    with httpx.Client(timeout=kw.pop("timeout", 5.0), **kw) as c:
        return c.get(url)


# --- the OS --------------------------------------------------------------------------------------
def test_a_full_device_is_a_full_disk():
    def write():
        with open("/dev/full", "wb") as f:
            f.write(b"x" * 8192)

    f = explain(caught(write))
    assert f.name == "disk_full" and f.text() == "磁盘已满"
    assert "清理" in f.advice()
    assert "No space left on device" in f.detail


def test_a_missing_file_and_a_folder_read_as_a_file(tmp_path):
    assert explain(caught(lambda: open(tmp_path / "nope"))).name == "not_found"
    assert explain(caught(lambda: open(tmp_path))).name == "is_dir"
    (tmp_path / "f").write_text("x")
    assert explain(caught(lambda: open(tmp_path / "f" / "g"))).name == "not_dir"


def test_a_read_only_mount_is_read_only(tmp_path):
    import subprocess

    mnt = tmp_path / "ro"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        f = explain(caught(lambda: (mnt / "x").write_text("x")))
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
    assert f.name == "read_only" and "只读" in f.text() and "Read-only" in f.detail


# --- the network ---------------------------------------------------------------------------------
def test_a_refused_port_through_httpx_and_a_bare_socket():
    port = free_port()
    f = explain(caught(lambda: get(f"http://127.0.0.1:{port}/")))
    assert f.name == "refused" and not f.reached
    assert "拒绝连接" in f.text() and "Connection refused" in f.detail
    assert explain(caught(lambda: socket.create_connection(("127.0.0.1", port), timeout=2))).name == "refused"


def test_a_host_that_does_not_resolve():
    f = explain(caught(lambda: get("http://no-such-hub.invalid/")))
    assert f.name == "no_such_host" and "主机名" in f.text()


def test_a_port_that_says_nothing_is_no_answer_in_time(server):
    s = server(lambda conn: (_read_request(conn), threading.Event().wait(2)))
    f = explain(caught(lambda: get(f"http://127.0.0.1:{s.port}/", timeout=0.5)))
    assert f.name == "no_answer_in_time" and f.reached


def test_a_port_that_closes_without_answering(server):
    s = server(_read_request)
    f = explain(caught(lambda: get(f"http://127.0.0.1:{s.port}/")))
    assert f.name == "no_answer" and f.reached and "https://" in f.advice()
    assert "RemoteProtocolError" in f.detail


def test_an_answer_cut_short_is_a_cut_not_cannot_connect(server):
    def cut(conn):
        _read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a part")

    s = server(cut)
    f = explain(caught(lambda: get(f"http://127.0.0.1:{s.port}/")))
    assert f.name == "cut" and f.reached and "断" in f.text()


def test_a_port_that_speaks_no_http(server):
    def garbage(conn):
        _read_request(conn)
        conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")

    s = server(garbage)
    f = explain(caught(lambda: get(f"http://127.0.0.1:{s.port}/")))
    assert f.name == "not_http"


class _Plain(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *a):
        pass


def test_https_to_a_plain_http_server_is_not_tls():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Plain)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        f = explain(caught(lambda: get(f"https://127.0.0.1:{srv.server_address[1]}/")))
    finally:
        srv.shutdown()
        srv.server_close()
    assert f.name == "tls_not_tls" and not f.reached
    assert "WRONG_VERSION_NUMBER" in f.detail and "https://" in f.text()


def test_a_certificate_nobody_vouches_for(tmp_path):
    from tests.sync.test_tls import self_signed

    cert, key = self_signed(tmp_path)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)

    def tls(conn):
        try:
            with ctx.wrap_socket(conn, server_side=True) as c:
                _read_request(c)
        except (OSError, ssl.SSLError):
            pass

    srv = _Server(tls)
    try:
        f = explain(caught(lambda: get(f"https://127.0.0.1:{srv.port}/")))
    finally:
        srv.close()
    assert f.name == "tls_cert" and f.text() == "证书验证不通过：证书是自签的，本机不信任"


# --- answers, files, statuses ----------------------------------------------------------------------
def test_an_answer_that_is_a_web_page_is_not_the_hubs_data():
    f = explain(caught(lambda: protocol.loads(b"<html>login</html>")))
    assert f.name == "answer_not_json" and "not UTF-8 JSON" in f.detail
    assert "UTF-8 JSON" not in f.text()


def test_a_broken_toml_names_its_line():
    f = explain(caught(lambda: tomllib.loads("[hub]\nurl = https://x\n")))
    assert f.name == "toml" and f.text().startswith("第 2 行第 ")


def test_http_statuses_each_say_what_happened():
    assert explain_status(302, "302").text() == "平台地址被转到了别处（HTTP 302）"
    busy = explain_status(429, "{'error': 'slow down'}")
    assert busy.name == "http_busy" and "slow down" not in busy.text() and "slow down" in busy.detail
    assert explain_status(503).name == "http_gateway"
    assert explain_status(500).name == "http_server"
    assert explain_status(401, "", "token_revoked").text() == "平台已吊销本机的令牌"
    assert explain_status(403).name == "http_forbidden"
    assert explain_status(404).name == "http_not_found"


def test_english_when_the_language_is_english():
    set_language("en")
    try:
        f = explain(caught(lambda: get(f"http://127.0.0.1:{free_port()}/")))
        assert f.text() == "connection refused: nothing is listening at this address and port"
    finally:
        set_language("zh")


# --- the catalogue ---------------------------------------------------------------------------------
def _names_in_source() -> set[str]:
    """Every failure name the module can give: Failure("…") literals and the tables' values."""
    tree = ast.parse(Path(failures.__file__).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Failure" and node.args:
            if isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in (
            "_ERRNO",
            "_SQLITE",
            "_HTTPX_TIMEOUTS",
        ):
            found |= {v.value for v in node.value.values if isinstance(v, ast.Constant)}  # type: ignore[attr-defined]
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "name":
            if isinstance(node.value, ast.Constant):
                found.add(node.value.value)
    return found


def test_every_failure_is_named_and_in_the_catalogue_in_both_languages():
    names = _names_in_source()
    assert names - {"http_"} <= failures.NAMES, names - failures.NAMES
    for name in failures.NAMES:
        for key in (f"failure.{name}", f"failure.{name}_fix"):
            zh, en = MESSAGES[key]
            assert zh and en, key
            stray = {w for w in ASCII_WORDS.findall(re.sub(r"\{\w+\}", "", zh)) if w not in ALLOWED}
            assert not stray, (key, stray)
    for reason in failures.CERT_REASONS:
        assert f"failure.cert_{reason}" in MESSAGES


def test_a_hubs_refusal_is_said_in_chinese_unless_the_hub_already_did():
    english = "catalogue version '2099.1' is not published at this hub"
    assert failures.refusal_text("unknown_catalogue", english).startswith("案件所用的事项清单版本")
    assert failures.refusal_text("bad_payload", "缺少uid") == "缺少uid"  # the hub's own Chinese
    assert failures.refusal_text("a_code_of_a_newer_hub", "why") == "why"


def test_json_names_its_line_and_a_database_servers_words_are_read():
    import json

    f = explain(caught(lambda: json.loads('{"a": 1,\n "b": }')))
    assert f.name == "json" and f.text() == "第 2 行第 7 列的写法不对" and "Expecting value" in f.detail
    server = Exception('connection failed: FATAL:  password authentication failed for user "hub"')
    assert explain(server).name == "db_login"
