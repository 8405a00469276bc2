"""A TCP service that answers but is not a printer (a web server on port 9100) is "not a
printer": doctor and `yichuang printer test` accept only a well-formed ESC/POS status byte
(DLE EOT n: bit 1 and bit 4 set, bits 0 and 7 clear) as the answer to the query sent, at
the position it was sent.  Real listeners, real CLI subprocesses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.printers import PrinterError, open_printer
from tests.printing.listener import PrinterListener

ROOT = Path(__file__).resolve().parents[2]

# What nginx answers to bytes that are not HTTP: the '2's of the date and body used to
# match the status bits (0x32 & 0x93 == 0x12).
HTTP_400 = (
    b"HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\nDate: Sun, 06 Dec 2026 07:22:12 GMT\r\n"
    b"Content-Type: text/html\r\nContent-Length: 157\r\nConnection: close\r\n\r\n"
    b"<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n"
    b"<center><h1>400 Bad Request</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


class Answering:
    """A real TCP listener that answers the first bytes it reads with ``reply`` (then, if
    ``close``, closes), and reads everything else: a web server, or a device that echoes."""

    def __init__(self, reply: bytes, *, close: bool = True) -> None:
        self.reply, self.close = reply, close
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> Answering:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop = True
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                if not conn.recv(65536):
                    return
                conn.sendall(self.reply)
                if self.close:
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                while conn.recv(65536):
                    pass
            except OSError:
                return


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path), "YICHUANG_LANG": "zh"}
    env.pop("YICHUANG_DATA_DIR", None)
    cmd = [sys.executable, "-m", "app", *args, "--data-dir", str(data)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("close", [True, False])
def test_printer_test_refuses_a_web_server(data_dir, close):
    with Answering(HTTP_400, close=close) as web:
        r = cli(data_dir, "printer", "test", web.url)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "测试页已打印" not in r.stdout + r.stderr
    assert "不是打印机" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_doctor_says_a_web_server_is_not_a_printer(data_dir):
    with Answering(HTTP_400) as web:
        assert cli(data_dir, "config", "set", "printer.url", web.url).returncode == 0
        r = cli(data_dir, "doctor", "--json")
    doc = json.loads(r.stdout)
    found = {f["key"]: f for f in doc["findings"]}
    assert "printer.online" not in found and "printer.paper" not in found, found
    assert found["printer.not_printer"]["level"] == "error"
    assert "不是打印机" in found["printer.not_printer"]["message"]
    assert "9100" in found["printer.not_printer"]["advice"]
    assert doc["exit_code"] != 0


@pytest.mark.parametrize(
    "reply",
    [
        b"\x12\x12\x00",  # the right byte, then more: not one status byte
        b"\x92",  # bit 7 set: never a DLE EOT answer
        b"\x13",  # bit 0 set: never a DLE EOT answer
    ],
)
def test_status_answer_must_be_one_well_formed_byte(reply):
    """A device answering the job's status query with anything but one DLE EOT byte."""
    with Answering(reply, close=False) as dev:
        printer = open_printer(dev.url + "?confirm=status")
        try:
            delivery = printer.send(b"\x1b@hello\n", "job-1", timeout=2, confirm="status", answer_timeout=1)
        except PrinterError as exc:
            assert exc.kind == "not_printer"
        else:
            assert delivery.outcome == "unconfirmed" and delivery.reason == "not_printer", delivery


def test_a_real_printer_still_confirms():
    with PrinterListener("accept") as good:
        delivery = open_printer(good.url).send(b"\x1b@hi\n", "job-2", timeout=2, confirm="status")
    assert delivery.printed
