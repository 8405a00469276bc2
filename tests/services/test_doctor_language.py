"""`yichuang doctor` speaks the user's language about what the OS and the libraries said
(issue 18, the office PC): real faults (a full and a read-only tmpfs, a refused port, a plain
HTTP server where TLS is expected, a host that does not resolve, a broken config.toml), the
real command as a child process. The library's own words stay in --json, for admins."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.services.workstation import open_workstation
from tests.sync.pg import free_port

ROOT = Path(__file__).resolve().parents[2]
# what the issue saw in the findings: none of it may reach the text a user reads
RAW = (
    "No space left on device",
    "Read-only file system",
    "Errno",
    "Connection refused",
    "SSL:",
    "WRONG_VERSION_NUMBER",
    "Name or service not known",
    "Temporary failure in name resolution",
    "Expected",
    "Invalid",
    "ConnectError",
    "database or disk is full",
)


def doctor(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "YICHUANG_DATA_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "app", "doctor", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def assert_no_raw(text: str) -> None:
    for raw in RAW:
        assert raw not in text, (raw, text)


def findings(data_dir: Path) -> dict[str, dict]:
    r = doctor(data_dir, "--json")
    return {f["key"]: f for f in json.loads(r.stdout)["findings"]}


@pytest.fixture
def tmpfs(tmp_path):
    """A real 4 MiB tmpfs (root may mount; elsewhere the test is skipped)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(mnt: Path) -> None:
    fd = os.open(mnt / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_full_disk_is_said_in_chinese_with_advice_about_space(tmpfs):
    data = tmpfs / "data"
    ws = open_workstation(data)
    ws.config.set("printer.url", f"tcp://127.0.0.1:{free_port()}")
    ws.config.save()
    ws.close()
    fill(tmpfs)
    r = doctor(data)
    assert r.returncode == 1
    assert_no_raw(r.stdout + r.stderr)
    assert "磁盘已满" in r.stdout
    lines = r.stdout.splitlines()
    i = next(n for n, line in enumerate(lines) if "无法写入" in line and "磁盘已满" in line)
    assert "清理" in lines[i + 1]  # the advice: free space, not "close other programs"
    assert "关闭其他正在使用数据库的程序" not in r.stdout
    # the library's words for the admin, in --json
    f = findings(data)["data_dir.unwritable"]
    assert f["data"]["failure"] == "disk_full" and "No space left on device" in f["data"]["detail"]


def test_a_read_only_disk_is_said_as_such_and_not_answered_with_a_printer_url(tmpfs):
    data = tmpfs / "data"
    open_workstation(data).close()  # a config.toml; printing to the data dir's folder
    (data / "prints").mkdir(exist_ok=True)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    r = doctor(data)
    assert r.returncode == 1
    assert_no_raw(r.stdout + r.stderr)
    assert "只读" in r.stdout
    # neither the data dir's nor the print folder's advice is "set printer.url tcp://…"
    lines = r.stdout.splitlines()
    for n, line in enumerate(lines):
        if "打印文件夹" in line:
            assert "只读" in line, line
            assert "tcp://" not in lines[n + 1], lines[n + 1]
    keys = findings(data)
    assert keys["data_dir.unwritable"]["data"]["failure"] == "read_only"
    assert keys["printer.unwritable"]["data"]["failure"] == "read_only"


def _hub_ws(tmp_path: Path, url: str) -> Path:
    data = tmp_path / "ws"
    ws = open_workstation(data)
    ws.config.set("hub.url", url)
    ws.config.set("hub.token", "yc1_test")
    ws.config.save()
    ws.close()
    return data


def test_a_refused_hub_port_is_said_in_chinese_with_its_own_advice(tmp_path):
    data = _hub_ws(tmp_path, f"http://127.0.0.1:{free_port()}")
    r = doctor(data)
    assert r.returncode == 1
    assert_no_raw(r.stdout + r.stderr)
    line = next(line for line in r.stdout.splitlines() if "连接不上平台" in line)
    assert "拒绝连接" in line
    f = findings(data)["hub.unreachable"]
    assert f["data"]["failure"] == "refused" and "Connection refused" in f["data"]["detail"]
    assert "服务" in f["advice"]  # start the service / check the port, not only "check the network"


class _Plain(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *a):
        pass


@pytest.fixture
def plain_http():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Plain)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_https_to_a_plain_http_port_says_the_other_side_is_not_tls(tmp_path, plain_http):
    data = _hub_ws(tmp_path, f"https://127.0.0.1:{plain_http}")
    r = doctor(data)
    assert r.returncode == 1
    assert_no_raw(r.stdout + r.stderr)
    assert "不是加密服务" in r.stdout
    f = findings(data)["hub.unreachable"]
    assert f["data"]["failure"] == "tls_not_tls" and "WRONG_VERSION_NUMBER" in f["data"]["detail"]
    assert "https://" in f["advice"] and "检查网络" not in f["advice"]


def test_a_host_name_that_does_not_resolve_is_said_in_chinese(tmp_path):
    data = _hub_ws(tmp_path, "https://no-such-hub.invalid:8443")
    r = doctor(data)
    assert r.returncode == 1
    assert_no_raw(r.stdout + r.stderr)
    assert "找不到这个主机名" in r.stdout
    assert findings(data)["hub.unreachable"]["data"]["failure"] == "no_such_host"


def test_a_broken_config_names_the_line_in_chinese(tmp_path):
    data = tmp_path / "ws"
    data.mkdir()
    (data / "config.toml").write_text("[hub]\nurl = https://x\n", encoding="utf-8")
    r = doctor(data)
    assert r.returncode == 1
    assert_no_raw(r.stdout + r.stderr)
    assert re.search(r"第 2 行第 \d+ 列", r.stdout), r.stdout
    f = findings(data)["config.unreadable"]
    assert f["data"]["failure"] == "toml" and "line 2" in f["data"]["detail"]


def test_a_refused_port_reads_in_english_when_the_language_is_english(tmp_path):
    data = _hub_ws(tmp_path, f"http://127.0.0.1:{free_port()}")
    ws = open_workstation(data)
    ws.config.set("ui.language", "en")
    ws.config.save()
    ws.close()
    r = doctor(data)
    assert "connection refused: nothing is listening" in r.stdout
    assert "[Errno" not in r.stdout


def test_a_refused_socket_is_a_real_refusal():
    """The fault above is real: nothing listens on a port free_port() hands out."""
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", free_port()), timeout=2)
