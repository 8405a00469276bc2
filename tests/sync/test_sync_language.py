"""The sync client's errors in the user's words (issue 18, one language): a real HTTP server on
127.0.0.1 answering 429 with its own English, a 302, a cut answer, a web page instead of JSON,
a refused port, and a real hub refusing a token; `yichuang sync --once` and `sync status` as
child processes. The library's or the hub's words stay for admins in `sync status --json`."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable

import pytest

from tests.hubs import ycli
from tests.sync.pg import free_port

RAW = (
    "slow down",
    "HTTP 302：302",
    "RemoteProtocolError",
    "UTF-8 JSON",
    "Errno",
    "Connection refused",
    "Traceback",
)


class Answering:
    """A TCP server on 127.0.0.1 that reads each HTTP request and writes ``answer`` back."""

    def __init__(self, answer: bytes | Callable[[socket.socket], None]) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.answer = answer
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                piece = conn.recv(65536)
                if not piece:
                    return
                data += piece
            head, _, body = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            while len(body) < length:
                piece = conn.recv(65536)
                if not piece:
                    break
                body += piece
            if callable(self.answer):
                self.answer(conn)
            else:
                conn.sendall(self.answer)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.sock.close()


def http(status: str, body: bytes, *headers: str) -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@pytest.fixture
def answering():
    made: list[Answering] = []

    def make(answer):
        a = Answering(answer)
        made.append(a)
        return a

    yield make
    for a in made:
        a.close()


def workstation(tmp_path, url: str, token: str = "yc1_test"):
    from tests.hubs import make_workstation

    data = tmp_path / "ws"
    make_workstation(data, url, token, cases=1).close()
    return data


def sync_once(data) -> str:
    r = ycli("sync", "--once", "--data-dir", str(data), check=False, env={"YICHUANG_HUB_DEADLINE": "20"})
    assert r.returncode == 1, r.stdout + r.stderr
    return r.stderr


def status(data) -> tuple[str, dict]:
    line = ycli("sync", "status", "--data-dir", str(data)).stdout
    doc = json.loads(ycli("sync", "status", "--json", "--data-dir", str(data)).stdout)
    return line, doc


def no_raw(text: str) -> None:
    for raw in RAW:
        assert raw not in text, (raw, text)


def test_429_with_the_servers_english_says_busy_in_chinese(tmp_path, answering):
    srv = answering(http("429 Too Many Requests", b"{'error': 'slow down'}", "Content-Type: text/plain"))
    data = workstation(tmp_path, srv.url)
    err = sync_once(data)
    no_raw(err)
    assert "平台繁忙" in err and "处理：" in err
    line, doc = status(data)
    no_raw(line)
    assert "平台繁忙" in doc["last_error"] and "slow down" in doc["last_error_detail"]


def test_302_says_the_address_redirects_and_what_to_check(tmp_path, answering):
    srv = answering(http("302 Found", b"302", "Location: https://elsewhere.invalid/"))
    data = workstation(tmp_path, srv.url)
    err = sync_once(data)
    no_raw(err)
    assert "转到了别处（HTTP 302）" in err and "https://" in err


def test_a_cut_answer_is_not_called_cannot_connect(tmp_path, answering):
    def cut(conn):
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"ev')

    data = workstation(tmp_path, answering(cut).url)
    err = sync_once(data)
    no_raw(err)
    assert "无法连接上级平台" not in err
    assert "已连上上级平台" in err
    _, doc = status(data)
    assert "RemoteProtocolError" in doc["last_error_detail"]


def test_a_web_page_instead_of_the_hubs_answer(tmp_path, answering):
    page = b"<html><body>please log in to the network</body></html>"
    srv = answering(http("200 OK", page, "Content-Type: text/html"))
    data = workstation(tmp_path, srv.url)
    err = sync_once(data)
    no_raw(err)
    assert "不是平台的数据" in err
    _, doc = status(data)
    assert "not UTF-8 JSON" in doc["last_error_detail"]


def test_a_refused_port_says_what_refused_means(tmp_path):
    data = workstation(tmp_path, f"http://127.0.0.1:{free_port()}")
    err = sync_once(data)
    no_raw(err)
    assert "无法连接上级平台：对方拒绝连接" in err


@pytest.mark.slow
def test_a_refused_token_is_said_as_such_not_an_unstable_link(tmp_path, sqlite_hub):
    data = workstation(tmp_path, sqlite_hub.url, "yc1_not_a_token_the_hub_made")
    err = sync_once(data)
    no_raw(err)
    assert "令牌" in err and "unknown token" not in err
    line, doc = status(data)
    assert "平台拒绝了本机令牌" in line and "链路不稳" not in line
    assert "unknown token" in doc["last_error_detail"] or "401" in doc["last_error_detail"]
