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

Every failure is a :class:`PrinterError` whose ``kind`` is one of ``offline``, ``refused``,
``timeout``, ``paper``, ``disconnected``, ``config``, so the spool can decide to retry.
"""

from __future__ import annotations

import errno
import os
import re
import select
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ERROR_KINDS = ("offline", "refused", "timeout", "paper", "disconnected", "config")
_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class PrinterError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown printer error kind {kind!r}")
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class Printer:
    """A destination for print jobs; ``send`` delivers all bytes or raises PrinterError."""

    url: str = ""

    def send(self, data: bytes, job_id: str, timeout: float = 10) -> None:
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


class TcpPrinter(Printer):
    def __init__(self, url: str, host: str, port: int, status: bool = False) -> None:
        self.url, self.host, self.port, self.status = url, host, port, status

    def _paper_status(self, sock: socket.socket, deadline: float) -> None:
        sock.sendall(b"\x10\x04\x04")  # DLE EOT 4: roll paper sensor status
        sock.settimeout(max(0.05, min(1.0, deadline - time.monotonic())))
        try:
            r = sock.recv(1)
        except TimeoutError:
            return  # printers that do not answer are not judged
        if r and (r[0] & 0x60) == 0x60:
            raise PrinterError("paper", f"{self.host}:{self.port}: 纸张用尽 (paper end)")

    def _confirm(self, sock: socket.socket, total: int, deadline: float) -> None:
        """Wait until the printer's TCP stack acknowledged every byte.

        ``sendall`` returning only means the bytes reached our kernel: a printer that
        stalls or closes half-way would lose the rest silently.  On Linux the unacked
        count (SIOCOUTQ) must reach zero; elsewhere we wait briefly for the printer's
        orderly close or a reset.
        """
        sock.shutdown(socket.SHUT_WR)
        peer_closed = False
        while True:
            left = deadline - time.monotonic()
            pending = _unacked(sock)
            if pending == 0:
                err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:  # a reset purges the queue: zero pending is not delivery then
                    raise PrinterError("disconnected", f"{self.host}:{self.port}: {os.strerror(err)}")
                return
            if pending is None and left > 0:
                sock.settimeout(min(0.5, left))
                try:
                    while sock.recv(4096):
                        pass
                except TimeoutError:
                    pass
                return
            if peer_closed and pending:
                raise PrinterError(
                    "disconnected", f"{self.host}:{self.port}: closed with {pending}/{total} bytes unread"
                )
            if left <= 0:
                raise PrinterError(
                    "timeout", f"{self.host}:{self.port}: {pending}/{total} bytes not acknowledged"
                )
            r, _, _ = select.select([sock], [], [], min(0.02, left))
            if r:
                sock.settimeout(0.01)
                try:
                    if not sock.recv(4096):
                        peer_closed = True
                        time.sleep(0.01)  # let a pending reset or last ACK arrive
                except TimeoutError:
                    pass

    def send(self, data: bytes, job_id: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        try:
            sock = socket.create_connection((self.host, self.port), timeout=timeout)
        except ConnectionRefusedError as e:
            raise PrinterError("refused", f"{self.host}:{self.port}: {e}") from e
        except TimeoutError as e:
            raise PrinterError("offline", f"{self.host}:{self.port}: connect timed out") from e
        except socket.gaierror as e:
            raise PrinterError("config", f"{self.host}: {e}") from e
        except OSError as e:
            raise PrinterError("offline", f"{self.host}:{self.port}: {e}") from e
        try:
            if self.status:
                self._paper_status(sock, deadline)
            view = memoryview(data)
            sent = 0
            while sent < len(view):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PrinterError("timeout", f"{self.host}:{self.port}: {sent}/{len(data)} bytes sent")
                sock.settimeout(left)
                try:
                    sent += sock.send(view[sent : sent + 65536])
                except TimeoutError as e:
                    raise PrinterError(
                        "timeout", f"{self.host}:{self.port}: {sent}/{len(data)} bytes sent"
                    ) from e
            self._confirm(sock, len(data), deadline)
        except PrinterError:
            raise
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as e:
            raise PrinterError("disconnected", f"{self.host}:{self.port}: {e}") from e
        except OSError as e:
            # ENOTCONN: the printer reset the connection before our shutdown(SHUT_WR)
            if e.errno in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN, errno.ECONNABORTED):
                raise PrinterError("disconnected", f"{self.host}:{self.port}: {e}") from e
            raise PrinterError("offline", f"{self.host}:{self.port}: {e}") from e
        finally:
            sock.close()


class SerialPrinter(Printer):
    """A tty set raw at ``baudrate`` with termios; no pyserial needed."""

    def __init__(self, url: str, path: str, baudrate: int) -> None:
        self.url, self.path, self.baudrate = url, path, baudrate

    def send(self, data: bytes, job_id: str, timeout: float = 10) -> None:
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
        deadline = time.monotonic() + timeout
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
            while sent < len(view):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PrinterError("timeout", f"{self.path}: {sent}/{len(data)} bytes sent")
                _, w, _ = select.select([], [fd], [], left)
                if not w:
                    continue
                try:
                    sent += os.write(fd, view[sent : sent + 4096])
                except BlockingIOError:
                    continue
                except OSError as e:
                    raise PrinterError("disconnected", f"{self.path}: {e}") from e
        finally:
            os.close(fd)


class UsbPrinter(Printer):
    def __init__(self, url: str, vid: int, pid: int) -> None:
        self.url, self.vid, self.pid = url, vid, pid

    def send(self, data: bytes, job_id: str, timeout: float = 10) -> None:
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
            p._raw(data)
        except Exception as e:
            kind = "timeout" if "timeout" in str(e).lower() else "disconnected"
            raise PrinterError(kind, f"usb {self.vid:04x}:{self.pid:04x}: {e}") from e
        finally:
            p.close()


class CupsPrinter(Printer):
    def __init__(self, url: str, queue: str) -> None:
        self.url, self.queue = url, queue

    def send(self, data: bytes, job_id: str, timeout: float = 10) -> None:
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


class FilePrinter(Printer):
    def __init__(self, url: str, path: Path) -> None:
        self.url, self.path = url, path

    def send(self, data: bytes, job_id: str, timeout: float = 10) -> None:
        try:
            with open(self.path, "ab") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise PrinterError("config", f"{self.path}: {e}") from e


class DirPrinter(Printer):
    def __init__(self, url: str, path: Path) -> None:
        self.url, self.path = url, path

    def job_path(self, job_id: str) -> Path:
        _check_job_id(job_id)
        return self.path / f"{job_id}.bin"

    def send(self, data: bytes, job_id: str, timeout: float = 10) -> None:
        final = self.job_path(job_id)
        if final.exists():
            return  # the same job delivered twice is one file
        tmp = self.path / f".{job_id}.{os.getpid()}.tmp"
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
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
            return TcpPrinter(
                url, parts.hostname, parts.port or 9100, status=q.get("status", "0") in ("1", "true", "yes")
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
