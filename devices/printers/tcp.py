"""``tcp://host[:9100][?status=1][&confirm=…]``: raw TCP (JetDirect); ``status=1`` asks the
printer for its paper sensor (DLE EOT 4) first; ``confirm`` overrides the profile's mode."""

from __future__ import annotations

import errno
import os
import select
import socket
import time

from .base import (
    CONFIRM_MODES,
    DLE_EOT_PAPER,
    DLE_EOT_STATUS,
    PAPER_END,
    PAPER_NEAR_END,
    SENT,
    STATUS_OFFLINE,
    Delivery,
    Printer,
    PrinterError,
    PrinterStatus,
    Progress,
    is_status_byte,
)


def _unacked(sock: socket.socket) -> int | None:
    """Bytes sent but not yet acknowledged by the peer (Linux SIOCOUTQ), else None."""
    try:
        import fcntl
        import struct
        import termios

        return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]
    except (ImportError, OSError, AttributeError):
        return None


def _process_id_query(job_id: str) -> tuple[bytes, bytes]:
    """GS ( H fn=48 with a 4-digit id from the job id, and the answer it must bring back."""
    import zlib

    pid = b"%04d" % (zlib.crc32(job_id.encode()) % 10000)
    return b"\x1d(H\x06\x00\x30\x30" + pid, b"\x37\x22" + pid + b"\x00"


def not_a_printer(sock: socket.socket, answer: bytes | bytearray) -> PrinterError:
    """The error for an answer that is no DLE EOT status byte (a web server's ``HTTP/1.1 400``)."""
    try:
        host, port = sock.getpeername()[:2]
        where = f"{host}:{port}"
    except OSError:
        where = "?"
    return PrinterError(
        "not_printer", f"{where}: answered {bytes(answer[:16])!r}, not an ESC/POS status byte"
    )


def read_paper_sensor(sock: socket.socket, wait: float) -> str | None:
    """DLE EOT 4 on an open connection: ``present``, ``near_end``, ``end``, or None (no answer
    within ``wait`` seconds, at most one: many printers never answer it).  An answer that is
    not one well-formed status byte raises PrinterError("not_printer")."""
    sock.sendall(DLE_EOT_PAPER)
    sock.settimeout(max(0.05, min(1.0, wait)))
    try:
        r = sock.recv(64)
    except TimeoutError:
        return None
    if not r:
        return None
    if not is_status_byte(r):
        raise not_a_printer(sock, r)
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
                    if paper is None and len(inbox) == 2 and all(is_status_byte(bytes([b])) for b in inbox):
                        del inbox[0]  # the paper answer came late: the status answer is the next byte
                    got = self._answer("status", inbox, b"")
                    if got is not None and got.reason == "not_printer":
                        raise not_a_printer(sock, inbox)
                    if got is not None:
                        online = got.printed
            except TimeoutError:
                pass
            return PrinterStatus(paper=paper, online=online)
        except PrinterError:
            raise
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
        if not inbox:
            return None
        # the answer to the one DLE EOT 1 sent is the first byte back, and the only one: text
        # such as "HTTP/1.1 400" is no printer, even where one of its bytes has the fixed bits
        if not is_status_byte(bytes(inbox)):
            return Delivery("unconfirmed", "not_printer")
        return Delivery("unconfirmed", "offline") if inbox[0] & STATUS_OFFLINE else Delivery("printed")

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
