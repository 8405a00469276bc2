from __future__ import annotations

import os
import pty
import socket
import socketserver
import threading
import time

import pytest

from app.printers import PrinterError, open_printer
from printing.escpos_parse import parse
from printing.profiles import get_profile
from printing.render import render
from printing.samples import kcg_receipt
from printing.signing import Signer


class Recorder(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, mode: str = "record", **kw) -> None:
        self.mode = mode
        self.jobs: list[bytes] = []
        self.done = threading.Event()
        self.kw = kw
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.server_address[1]}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        srv: Recorder = self.server  # type: ignore[assignment]
        buf = bytearray()
        if srv.mode == "paper":
            buf += self.request.recv(3)
            self.request.sendall(bytes([0x72]))  # DLE EOT 4 answer: paper end
        limit = srv.kw.get("close_after")
        while True:
            want = 65536 if limit is None else min(65536, limit - len(buf))
            if want <= 0:
                break
            chunk = self.request.recv(want)
            if not chunk:
                break
            buf += chunk
        srv.jobs.append(bytes(buf))
        srv.done.set()


def test_tcp_delivers_exact_bytes_and_they_decode() -> None:
    prof = get_profile("generic-80")
    signer = Signer.generate()
    doc = kcg_receipt()
    data = render(doc, prof, signer)
    srv = Recorder()
    try:
        t0 = time.perf_counter()
        open_printer(srv.url).send(data, "job-1", timeout=5)
        assert srv.done.wait(5)
        elapsed = time.perf_counter() - t0
    finally:
        srv.close()
    assert srv.jobs == [data]
    ops = parse(srv.jobs[0], prof.encoding)
    assert [o.name for o in ops][:2] == ["init", "kanji_on"] and ops[-1].name == "cut"
    assert any(o.name == "qr_store" and doc.case_number.encode() in o.data for o in ops)
    assert elapsed < 1.0


def test_refused_port() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(PrinterError) as e:
        open_printer(f"tcp://127.0.0.1:{port}").send(b"x", "j", timeout=2)
    assert e.value.kind == "refused"


def test_stalled_printer_times_out() -> None:
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(ls.accept()[0]), daemon=True).start()
    try:
        t0 = time.monotonic()
        with pytest.raises(PrinterError) as e:
            open_printer(f"tcp://127.0.0.1:{ls.getsockname()[1]}").send(
                b"\x00" * (32 << 20), "j", timeout=0.5
            )
        assert e.value.kind == "timeout"
        assert time.monotonic() - t0 < 3
    finally:
        for c in accepted:
            c.close()
        ls.close()


def test_printer_closing_half_way_is_disconnected() -> None:
    data = os.urandom(8 << 20)
    srv = Recorder(close_after=len(data) // 2)
    try:
        with pytest.raises(PrinterError) as e:
            open_printer(srv.url).send(data, "j", timeout=5)
        assert e.value.kind == "disconnected"
    finally:
        srv.close()
    # the job survives: sent again to a printer that behaves, it arrives whole
    srv = Recorder()
    try:
        open_printer(srv.url).send(data, "j", timeout=5)
        assert srv.done.wait(5)
    finally:
        srv.close()
    assert srv.jobs == [data]


def test_paper_out_reported_when_asked() -> None:
    srv = Recorder(mode="paper")
    try:
        with pytest.raises(PrinterError) as e:
            open_printer(srv.url + "?status=1").send(b"hello", "j", timeout=2)
        assert e.value.kind == "paper"
    finally:
        srv.close()


def test_dir_printer_is_atomic_and_idempotent(tmp_path) -> None:
    p = open_printer(f"dir://{tmp_path}/jobs")
    p.send(b"first", "job-7")
    p.send(b"second", "job-7")
    p.send(b"other", "job-8")
    files = sorted(f.name for f in (tmp_path / "jobs").iterdir())
    assert files == ["job-7.bin", "job-8.bin"]  # no temporary files left
    assert (tmp_path / "jobs" / "job-7.bin").read_bytes() == b"first"
    for bad in ("../x", "a/b", "", ".hidden"):
        with pytest.raises(PrinterError) as e:
            p.send(b"x", bad)
        assert e.value.kind == "config"


def test_file_printer_appends(tmp_path) -> None:
    p = open_printer(f"file://{tmp_path}/out.prn")
    p.send(b"one", "a")
    p.send(b"two", "b")
    assert (tmp_path / "out.prn").read_bytes() == b"onetwo"
    with pytest.raises(PrinterError) as e:
        open_printer(f"file://{tmp_path}/missing/dir/out.prn").send(b"x", "c")
    assert e.value.kind == "config"


def test_serial_printer_on_a_pty() -> None:
    master, slave = pty.openpty()
    try:
        path = os.ttyname(slave)
        data = bytes(range(256)) * 8
        open_printer(f"serial://{path}?baudrate=9600").send(data, "s", timeout=2)
        got = bytearray()
        while len(got) < len(data):
            got += os.read(master, 4096)
        assert bytes(got) == data  # raw mode: no newline translation
    finally:
        os.close(master)
        os.close(slave)
    with pytest.raises(PrinterError) as e:
        open_printer("serial:///dev/ttyNOPE0?baudrate=9600").send(b"x", "s")
    assert e.value.kind == "offline"


def test_urls_parse() -> None:
    assert open_printer("tcp://10.0.0.5").port == 9100  # type: ignore[attr-defined]
    assert open_printer("usb://0416:5011").vid == 0x0416  # type: ignore[attr-defined]
    assert open_printer("cups://Receipt_58").queue == "Receipt_58"  # type: ignore[attr-defined]
    assert open_printer("serial:///dev/ttyUSB0?baudrate=115200").baudrate == 115200  # type: ignore[attr-defined]
    for bad in ("ftp://x", "tcp://", "usb://nothex", "cups://"):
        with pytest.raises(PrinterError) as e:
            open_printer(bad)
        assert e.value.kind == "config"


def test_file_and_dir_printers_keep_printed_documents_private(tmp_path) -> None:
    """devices.printers takes the owner-only policy from its caller (app.printers binds
    app.private_files): a printed document is never readable by others, whatever the umask."""
    import stat

    old = os.umask(0o022)
    try:
        loose = tmp_path / "out.bin"
        loose.write_bytes(b"")
        os.chmod(loose, 0o644)  # left readable by an older version
        open_printer(f"file://{loose}").send(b"receipt", "J-1")
        assert stat.S_IMODE(loose.stat().st_mode) == 0o600
        folder = tmp_path / "new" / "prints"
        open_printer(f"dir://{folder}").send(b"receipt", "J-2")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE((folder / "J-2.bin").stat().st_mode) == 0o600
    finally:
        os.umask(old)
