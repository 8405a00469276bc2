"""Printers by URL.

=========================================  ==============================================
``tcp://host[:9100][?status=1]``           raw TCP (JetDirect); ``status=1`` asks the
                                           printer for its paper sensor (DLE EOT 4) first
``usb://VID:PID``                          python-escpos ``Usb`` (needs pyusb)
``serial:///dev/ttyUSB0?baudrate=9600``    a serial port, set raw at that speed (termios)
``cups://QUEUE``                           ``lp -d QUEUE -o raw``
``file:///path``                           append the raw bytes to a file
``dir:///path``                            one file ``<job_id>.bin`` per job (atomic,
                                           idempotent): the embedded default
=========================================  ==============================================

``send`` returns a :class:`Delivery`: ``printed`` when the printer answered a status query
sent after the job (``DLE EOT 1`` or ``GS ( H``, as the profile says), ``sent`` when every
byte was handed over to a printer that cannot answer (file, dir, cups, usb, serial, or a
profile without status), ``unconfirmed`` when the printer should have answered and did not.
The send deadline is a *stall* timeout: the job may take as long as the link needs, and
fails only when no byte moves for ``timeout`` seconds.

Every failure is a :class:`PrinterError` whose ``kind`` is one of ``offline``, ``refused``,
``timeout``, ``paper``, ``disconnected``, ``config``, so the spool can decide to retry;
``written`` says how many bytes of the job the printer is known to have taken.
"""

from __future__ import annotations

import errno
import os
import re
import select
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from app.private_files import make_private_dir, open_private

ERROR_KINDS = ("offline", "refused", "timeout", "paper", "disconnected", "config")
_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

# How a printer confirms that it processed a job (declared per profile, see profiles.py):
#   none        it cannot answer: a fully written job is "sent", never "printed"
#   status      DLE EOT 1 (real-time printer status) after the job: the answer comes once
#               the printer has read every byte before it, and says whether it is online
#   process_id  GS ( H fn=48 after the job: the printer answers 37 22 d1..d4 00 once it has
#               *printed* everything before it (Epson TM series)
CONFIRM_MODES = ("none", "status", "process_id")
DLE_EOT_STATUS = b"\x10\x04\x01"  # python-escpos RT_STATUS_ONLINE
DLE_EOT_PAPER = b"\x10\x04\x04"  # roll paper sensor status
STATUS_OFFLINE = 0x08  # bit 3 of the printer status byte (python-escpos RT_MASK_ONLINE)
PAPER_END = 0x60  # bits 5-6 of the paper sensor byte: roll paper end
PAPER_NEAR_END = 0x0C  # bits 2-3: roll paper near end

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Delivery:
    """What a finished send can tell: ``outcome`` is printed, sent or unconfirmed.

    ``reason`` (for sent/unconfirmed): ``cannot_answer`` (transport or profile without a
    back channel), ``no_answer`` (no reply in time), ``offline`` (the printer answered that
    it is offline: paper out, cover open, error; the job waits in its buffer).
    """

    outcome: str
    reason: str = ""

    @property
    def printed(self) -> bool:
        return self.outcome == "printed"


SENT = Delivery("sent", "cannot_answer")


class PrinterError(Exception):
    def __init__(self, kind: str, message: str, *, written: int | None = 0, total: int | None = None) -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown printer error kind {kind!r}")
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.written = written  # bytes of the job the printer took (None: unknown)
        self.total = total

    @property
    def partial(self) -> bool:
        """Some, but maybe not all, of the job reached the printer: part may have printed."""
        return self.written is None or self.written > 0


class Printer:
    """A destination for print jobs; ``send`` delivers all bytes or raises PrinterError.

    ``timeout`` is the stall timeout: the longest time without progress.  ``confirm`` is
    the profile's confirmation mode (only transports that can read use it);
    ``answer_timeout`` bounds the wait for that answer after the last byte;
    ``progress(n)`` is called as the printer takes bytes (the spool renews its claim).
    """

    url: str = ""

    def send(
        self,
        data: bytes,
        job_id: str,
        timeout: float = 10,
        *,
        confirm: str = "none",
        answer_timeout: float = 5.0,
        progress: Progress | None = None,
    ) -> Delivery:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"


def _unacked(sock: socket.socket) -> int | None:
    """Bytes sent but not yet acknowledged by the peer (Linux SIOCOUTQ), else None."""
    try:
        import fcntl
        import struct
        import termios

        return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]
    except (ImportError, OSError, AttributeError):
        return None


def _check_job_id(job_id: str) -> None:
    if not _JOB_ID.match(job_id) or ".." in job_id:
        raise PrinterError("config", f"invalid job id {job_id!r}")


def _process_id_query(job_id: str) -> tuple[bytes, bytes]:
    """GS ( H fn=48 with a 4-digit id from the job id, and the answer it must bring back."""
    import zlib

    pid = b"%04d" % (zlib.crc32(job_id.encode()) % 10000)
    return b"\x1d(H\x06\x00\x30\x30" + pid, b"\x37\x22" + pid + b"\x00"


@dataclass(frozen=True)
class PrinterStatus:
    """What a printer answered when asked (None: it did not answer that question).

    ``paper``: ``present``, ``near_end`` or ``end`` (roll paper sensor); ``online``: the
    printer status byte's bit 3 clear (not offline: cover closed, paper fed, no error).
    """

    paper: str | None
    online: bool | None


def read_paper_sensor(sock: socket.socket, wait: float) -> str | None:
    """DLE EOT 4 on an open connection: ``present``, ``near_end``, ``end``, or None (no answer
    within ``wait`` seconds, at most one: many printers never answer it)."""
    sock.sendall(DLE_EOT_PAPER)
    sock.settimeout(max(0.05, min(1.0, wait)))
    try:
        r = sock.recv(1)
    except TimeoutError:
        return None
    if not r:
        return None
    if r[0] & PAPER_END == PAPER_END:
        return "end"
    return "near_end" if r[0] & PAPER_NEAR_END == PAPER_NEAR_END else "present"


class TcpPrinter(Printer):
    def __init__(
        self, url: str, host: str, port: int, status: bool = False, confirm: str | None = None
    ) -> None:
        self.url, self.host, self.port, self.status = url, host, port, status
        self.confirm = confirm  # from the URL (?confirm=…): overrides the profile's mode

    def _where(self) -> str:
        return f"{self.host}:{self.port}"

    def _paper_status(self, sock: socket.socket, stall: float) -> None:
        if read_paper_sensor(sock, stall) == "end":  # printers that do not answer are not judged
            raise PrinterError("paper", f"{self._where()}: 纸张用尽 (paper end)")

    def _connect(self, timeout: float) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=timeout)
        except ConnectionRefusedError as e:
            raise PrinterError("refused", f"{self._where()}: {e}") from e
        except TimeoutError as e:
            raise PrinterError("offline", f"{self._where()}: connect timed out") from e
        except socket.gaierror as e:
            raise PrinterError("config", f"{self.host}: {e}") from e
        except OSError as e:
            raise PrinterError("offline", f"{self._where()}: {e}") from e

    def probe(self, timeout: float = 2.0) -> PrinterStatus:
        """Ask the printer, print nothing: its paper sensor (DLE EOT 4), then its status (DLE EOT 1).

        Raises PrinterError when it cannot be reached; a question it leaves unanswered is None.
        """
        sock = self._connect(timeout)
        try:
            paper = read_paper_sensor(sock, timeout)
            sock.sendall(DLE_EOT_STATUS)
            sock.settimeout(max(0.05, timeout))
            inbox = bytearray()
            online = None
            try:
                while online is None:
                    chunk = sock.recv(16)
                    if not chunk:
                        break
                    inbox += chunk
                    got = self._answer("status", inbox, b"")
                    if got is not None:
                        online = got.printed
            except TimeoutError:
                pass
            return PrinterStatus(paper=paper, online=online)
        except OSError as e:
            raise PrinterError("disconnected", f"{self._where()}: {e}") from e
        finally:
            sock.close()

    def _write(self, sock: socket.socket, payload: bytes, size: int, stall: float, progress, inbox) -> None:
        """Hand every byte over until the printer's TCP stack acknowledged all of them.

        ``sendall`` returning only means the bytes reached our kernel.  On Linux the
        unacknowledged count (SIOCOUTQ) must reach zero.  Progress is any byte accepted
        or acknowledged; only ``stall`` seconds without progress fail the job, so a
        9600-baud serial server taking 14 KB in 12 s is slow, not broken.
        """
        sock.setblocking(False)
        self._best = 0
        try:
            self._write_loop(sock, memoryview(payload), size, stall, progress, inbox)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as e:
            raise PrinterError("disconnected", f"{self._where()}: {e}", written=self._best, total=size) from e
        except OSError as e:
            if e.errno in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN, errno.ECONNABORTED):
                raise PrinterError(
                    "disconnected", f"{self._where()}: {e}", written=self._best, total=size
                ) from e
            raise PrinterError("offline", f"{self._where()}: {e}", written=self._best, total=size) from e

    def _write_loop(
        self, sock: socket.socket, view: memoryview, size: int, stall: float, progress, inbox
    ) -> None:
        sent = best = 0
        last = time.monotonic()
        peer_closed = False
        while True:
            now = time.monotonic()
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:  # a reset purges our queue: zero pending is not delivery then
                raise PrinterError(
                    "disconnected",
                    f"{self._where()}: {os.strerror(err)}",
                    written=min(best, size),
                    total=size,
                )
            if sent < len(view):
                try:
                    n = sock.send(view[sent : sent + 65536])
                except BlockingIOError:
                    n = 0
                if n:
                    sent += n
                    last = now
            pending = _unacked(sock)
            acked = sent - pending if pending is not None else sent
            if acked > best:
                best, last = acked, now
                self._best = min(best, size)
                if progress is not None:
                    progress(min(best, size))
            if sent == len(view) and not pending:
                return
            if peer_closed:
                raise PrinterError(
                    "disconnected",
                    f"{self._where()}: closed with {size - min(best, size)}/{size} bytes unread",
                    written=min(best, size),
                    total=size,
                )
            if now - last > stall:
                raise PrinterError(
                    "timeout",
                    f"{self._where()}: no progress for {stall:g} s, {min(best, size)}/{size} bytes taken",
                    written=min(best, size),
                    total=size,
                )
            r, _, _ = select.select([sock], [sock] if sent < len(view) else [], [], 0.02)
            if r:
                try:
                    chunk = sock.recv(4096)
                except BlockingIOError:
                    continue
                if chunk:
                    inbox += chunk
                else:
                    peer_closed = True
                    time.sleep(0.01)  # let a pending reset or last ACK arrive

    @staticmethod
    def _answer(mode: str, inbox: bytearray, expect: bytes) -> Delivery | None:
        if mode == "process_id":
            return Delivery("printed") if expect in inbox else None
        for b in inbox:  # the status byte has bits 1 and 4 set, 0 and 7 clear
            if b & 0x93 == 0x12:
                return Delivery("unconfirmed", "offline") if b & STATUS_OFFLINE else Delivery("printed")
        return None

    def _confirm(
        self, sock: socket.socket, mode: str, inbox: bytearray, expect: bytes, wait: float
    ) -> Delivery:
        end = time.monotonic() + wait
        while True:
            got = self._answer(mode, inbox, expect)
            if got is not None:
                return got
            left = end - time.monotonic()
            if left <= 0:
                return Delivery("unconfirmed", "no_answer")
            r, _, _ = select.select([sock], [], [], min(0.05, left))
            if r:
                try:
                    chunk = sock.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:  # every byte was taken; only the answer is missing
                    chunk = b""
                if not chunk:
                    return self._answer(mode, inbox, expect) or Delivery("unconfirmed", "no_answer")
                inbox += chunk

    def send(
        self,
        data: bytes,
        job_id: str,
        timeout: float = 10,
        *,
        confirm: str = "none",
        answer_timeout: float = 5.0,
        progress: Progress | None = None,
    ) -> Delivery:
        mode = self.confirm or confirm
        if mode not in CONFIRM_MODES:
            raise PrinterError("config", f"unknown confirmation {mode!r} (one of {', '.join(CONFIRM_MODES)})")
        sock = self._connect(timeout)
        inbox = bytearray()
        try:
            if self.status:
                self._paper_status(sock, timeout)
            query, expect = b"", b""
            if mode == "status":
                query = DLE_EOT_STATUS
            elif mode == "process_id":
                query, expect = _process_id_query(job_id)
            self._write(sock, data + query, len(data), timeout, progress, inbox)
            delivery = SENT if mode == "none" else self._confirm(sock, mode, inbox, expect, answer_timeout)
            try:  # close gracefully: a reset could make the printer drop what it holds
                sock.shutdown(socket.SHUT_WR)
                while sock.recv(4096):
                    pass
            except OSError:
                pass
            return delivery
        except PrinterError:
            raise
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as e:  # before the job
            raise PrinterError("disconnected", f"{self._where()}: {e}", total=len(data)) from e
        except OSError as e:
            if e.errno in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN, errno.ECONNABORTED):
                raise PrinterError("disconnected", f"{self._where()}: {e}", total=len(data)) from e
            raise PrinterError("offline", f"{self._where()}: {e}", total=len(data)) from e
        finally:
            sock.close()


class SerialPrinter(Printer):
    """A tty set raw at ``baudrate`` with termios; no pyserial needed."""

    def __init__(self, url: str, path: str, baudrate: int) -> None:
        self.url, self.path, self.baudrate = url, path, baudrate

    def send(
        self,
        data: bytes,
        job_id: str,
        timeout: float = 10,
        *,
        confirm: str = "none",
        answer_timeout: float = 5.0,
        progress: Progress | None = None,
    ) -> Delivery:
        import termios
        import tty

        speed = getattr(termios, f"B{self.baudrate}", None)
        if speed is None:
            raise PrinterError("config", f"unsupported baudrate {self.baudrate}")
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
        except FileNotFoundError as e:
            raise PrinterError("offline", f"{self.path}: {e}") from e
        except PermissionError as e:
            raise PrinterError("config", f"{self.path}: {e}") from e
        except OSError as e:
            raise PrinterError("offline", f"{self.path}: {e}") from e
        try:
            try:
                tty.setraw(fd)
                attrs = termios.tcgetattr(fd)
                attrs[4] = attrs[5] = speed
                termios.tcsetattr(fd, termios.TCSANOW, attrs)
            except termios.error as e:
                raise PrinterError("config", f"{self.path}: not a serial port ({e})") from e
            view = memoryview(data)
            sent = 0
            last = time.monotonic()  # a stall is no progress for `timeout` s, not a total time
            while sent < len(view):
                left = last + timeout - time.monotonic()
                if left <= 0:
                    raise PrinterError(
                        "timeout",
                        f"{self.path}: {sent}/{len(data)} bytes sent",
                        written=sent,
                        total=len(data),
                    )
                _, w, _ = select.select([], [fd], [], left)
                if not w:
                    continue
                try:
                    n = os.write(fd, view[sent : sent + 4096])
                except BlockingIOError:
                    continue
                except OSError as e:
                    raise PrinterError(
                        "disconnected", f"{self.path}: {e}", written=sent, total=len(data)
                    ) from e
                if n:
                    sent += n
                    last = time.monotonic()
                    if progress is not None:
                        progress(sent)
            return SENT  # opened write-only: a serial printer cannot confirm here
        finally:
            os.close(fd)


class UsbPrinter(Printer):
    def __init__(self, url: str, vid: int, pid: int) -> None:
        self.url, self.vid, self.pid = url, vid, pid

    def send(
        self,
        data: bytes,
        job_id: str,
        timeout: float = 10,
        *,
        confirm: str = "none",
        answer_timeout: float = 5.0,
        progress: Progress | None = None,
    ) -> Delivery:
        try:
            from escpos.printer import Usb
        except ImportError as e:  # pragma: no cover - python-escpos is a dependency
            raise PrinterError("config", str(e)) from e
        if not Usb.is_usable():
            raise PrinterError("config", "USB printing needs pyusb (pip install pyusb)")
        try:
            p = Usb(self.vid, self.pid, timeout=int(timeout * 1000))
            p.open(raise_not_found=True)
        except Exception as e:
            raise PrinterError("offline", f"usb {self.vid:04x}:{self.pid:04x}: {e}") from e
        try:
            p._raw(data)  # the USB timeout is per transfer: a stall timeout
        except Exception as e:
            kind = "timeout" if "timeout" in str(e).lower() else "disconnected"
            raise PrinterError(
                kind, f"usb {self.vid:04x}:{self.pid:04x}: {e}", written=None, total=len(data)
            ) from e
        finally:
            p.close()
        return SENT


class CupsPrinter(Printer):
    def __init__(self, url: str, queue: str) -> None:
        self.url, self.queue = url, queue

    def send(
        self,
        data: bytes,
        job_id: str,
        timeout: float = 10,
        *,
        confirm: str = "none",
        answer_timeout: float = 5.0,
        progress: Progress | None = None,
    ) -> Delivery:
        _check_job_id(job_id)
        cmd = ["lp", "-d", self.queue, "-o", "raw", "-t", job_id]
        try:
            r = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout)
        except FileNotFoundError as e:
            raise PrinterError("config", "CUPS client 'lp' not found") from e
        except subprocess.TimeoutExpired as e:
            raise PrinterError("timeout", f"lp -d {self.queue}: timed out") from e
        if r.returncode != 0:
            msg = r.stderr.decode("utf-8", "replace").strip()
            low = msg.lower()
            if "does not exist" in low or "unknown destination" in low:
                raise PrinterError("config", msg)
            if "not accepting" in low:
                raise PrinterError("refused", msg)
            raise PrinterError("offline", msg or f"lp exited {r.returncode}")
        return SENT  # CUPS took the job; whether paper came out is not known here


class FilePrinter(Printer):
    def __init__(self, url: str, path: Path) -> None:
        self.url, self.path = url, path

    def send(
        self,
        data: bytes,
        job_id: str,
        timeout: float = 10,
        *,
        confirm: str = "none",
        answer_timeout: float = 5.0,
        progress: Progress | None = None,
    ) -> Delivery:
        try:
            with open_private(self.path, "ab") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise PrinterError("config", f"{self.path}: {e}") from e
        return SENT


class DirPrinter(Printer):
    def __init__(self, url: str, path: Path) -> None:
        self.url, self.path = url, path

    def job_path(self, job_id: str) -> Path:
        _check_job_id(job_id)
        return self.path / f"{job_id}.bin"

    def send(
        self,
        data: bytes,
        job_id: str,
        timeout: float = 10,
        *,
        confirm: str = "none",
        answer_timeout: float = 5.0,
        progress: Progress | None = None,
    ) -> Delivery:
        final = self.job_path(job_id)
        if final.exists():
            return SENT  # the same job delivered twice is one file
        tmp = self.path / f".{job_id}.{os.getpid()}.tmp"
        try:
            make_private_dir(self.path)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # printed documents: owner only
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, final)  # fails if another sender won the race: still one file
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
            dfd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError as e:
            raise PrinterError("config", f"{self.path}: {e}") from e
        return SENT


def _path_of(parts) -> Path:
    # file:///abs/path → "/abs/path"; file://./rel also accepted as a convenience.
    return Path(unquote(parts.netloc + parts.path))


def open_printer(url: str) -> Printer:
    """The printer for ``url``; raises PrinterError("config") for a malformed URL."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    try:
        if scheme == "tcp":
            if not parts.hostname:
                raise ValueError("missing host")
            confirm = q.get("confirm") or None
            if confirm is not None and confirm not in CONFIRM_MODES:
                raise ValueError(f"confirm must be one of {', '.join(CONFIRM_MODES)}")
            return TcpPrinter(
                url,
                parts.hostname,
                parts.port or 9100,
                status=q.get("status", "0") in ("1", "true", "yes"),
                confirm=confirm,
            )
        if scheme == "usb":
            vid, pid = (parts.netloc or parts.path.strip("/")).split(":")
            return UsbPrinter(url, int(vid, 16), int(pid, 16))
        if scheme == "serial":
            path = unquote(parts.path) if not parts.netloc else "/" + parts.netloc + parts.path
            return SerialPrinter(url, path, int(q.get("baudrate", "9600")))
        if scheme == "cups":
            queue = unquote(parts.netloc or parts.path.strip("/"))
            if not queue:
                raise ValueError("missing queue")
            return CupsPrinter(url, queue)
        if scheme == "file":
            return FilePrinter(url, _path_of(parts))
        if scheme == "dir":
            return DirPrinter(url, _path_of(parts))
    except ValueError as e:
        raise PrinterError("config", f"bad printer URL {url!r}: {e}") from e
    raise PrinterError("config", f"unsupported printer URL {url!r}")
