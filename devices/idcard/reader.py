"""A SAM reader on a serial line (pyserial): one command, one reply, frame by frame.

``read_card`` is FIND, SELECT, READ; it returns None when no card lies on the reader (or it
was lifted between the commands) and drops the photo. Failures are ReaderError; the
subclass ReaderGone says the reader itself is not there (no such port, unplugged, silent),
so a poller can tell "reader lost" from "that read went wrong, try again".
"""

from __future__ import annotations

import os
import time

import serial

from . import protocol as p
from .card import CardError, IdCard, parse_text

try:
    from termios import error as _TermiosError  # a pty/tty gone under pyserial's tcflush
except ImportError:  # pragma: no cover - Windows

    class _TermiosError(Exception):  # type: ignore[no-redef]
        pass


LINE_ERRORS = (serial.SerialException, OSError, _TermiosError)


class ReaderError(Exception):
    """The reader answered badly: a broken frame, a failing status, text that is no card's."""


class CardReadError(ReaderError):
    """A card was found but reading it failed (a broken or cut reply, the card lifted mid-read):
    the reader is there; the card should be laid again."""


class ReaderGone(ReaderError):
    """No reader: the port cannot be opened, was unplugged, or nothing answers."""


class SerialReader:
    def __init__(self, port: str, baud: int = 115200, timeout: float = 1.0) -> None:
        self.port, self.baud, self.timeout = port, baud, timeout
        self._serial: serial.Serial | None = None

    # -- the line -------------------------------------------------------------------------
    def _open(self) -> serial.Serial:
        if self._serial is None:
            try:
                # exclusive (flock, POSIX; Windows ports are exclusive anyway): a second program
                # on the same reader would interleave its frames with ours
                self._serial = serial.Serial(
                    self.port,
                    self.baud,
                    timeout=0.05,
                    write_timeout=self.timeout,
                    **({"exclusive": True} if os.name == "posix" else {}),
                )
            except (*LINE_ERRORS, ValueError) as e:
                raise ReaderGone(f"{self.port}: {e}") from e
        return self._serial

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except LINE_ERRORS:
                pass
            self._serial = None

    def __enter__(self) -> SerialReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def command(self, cmd: tuple[int, int], data: bytes = b"") -> p.Response:
        """Send one command and return the reader's reply (any status); ReaderError/ReaderGone."""
        line = self._open()
        try:
            line.reset_input_buffer()  # a late reply to an earlier command is not this one's
            line.write(p.build_command(*cmd, data))
            frame = self._read_frame(line)
        except LINE_ERRORS as e:
            self.close()  # reopened on the next command: an unplugged reader comes back
            raise ReaderGone(f"{self.port}: {e}") from e
        except ReaderGone:
            self.close()
            raise
        try:
            return p.parse_response(frame)
        except p.FrameError as e:
            raise ReaderError(f"{self.port}: {e}") from e

    def _read_exact(self, line: serial.Serial, n: int, deadline: float, buf: bytearray) -> None:
        while len(buf) < n:
            if time.monotonic() > deadline:
                raise ReaderError(f"{self.port}: truncated frame ({len(buf)} of {n} bytes)")
            chunk = line.read(n - len(buf))
            if not chunk and not line.is_open:
                raise ReaderGone(f"{self.port}: closed")
            buf += chunk

    def _read_frame(self, line: serial.Serial) -> bytes:
        """Skip what is not a preamble, then read the frame its length announces."""
        start = time.monotonic()
        deadline = start + self.timeout
        window = bytearray()
        got_any = False
        while True:
            if time.monotonic() > deadline:
                if got_any:
                    raise ReaderError(f"{self.port}: no frame in {len(window)} bytes of noise")
                raise ReaderGone(f"{self.port}: no answer in {self.timeout:g} s")
            chunk = line.read(1)
            if not chunk:
                continue
            got_any = True
            window += chunk
            if window.endswith(p.PREAMBLE):
                break
            del window[: max(0, len(window) - len(p.PREAMBLE))]
        head = bytearray(p.PREAMBLE)
        # a whole 1,295-byte frame takes 0.11 s at 115200 baud; allow the line time for it
        line_time = 10 * p.MAX_LENGTH / self.baud
        self._read_exact(line, p.HEADER, deadline + line_time, head)
        try:
            size = p.frame_length(bytes(head))
        except p.FrameError as e:
            raise ReaderError(f"{self.port}: {e}") from e
        frame = head
        self._read_exact(line, size, time.monotonic() + self.timeout + 10 * size / self.baud, frame)
        return bytes(frame)

    # -- what the window asks ------------------------------------------------------------
    def status(self) -> bool:
        """The SAM's self-check: True when it answers success."""
        return self.command(p.STATUS).sw3 == p.SW3_OK

    def sam_id(self) -> str:
        """The SAM's id as readers' tools print it (``05.01-20101010-0000123456-0012345678``)."""
        r = self.command(p.SAM_ID)
        if r.sw3 != p.SW3_OK or len(r.data) < 16:
            raise ReaderError(f"{self.port}: SAM id: {r.status_text}")
        d = r.data
        parts = [int.from_bytes(d[i:j], "little") for i, j in ((0, 2), (2, 4), (4, 8), (8, 12), (12, 16))]
        return "{:02d}.{:02d}-{:08d}-{:010d}-{:010d}".format(*parts)

    def read_card(self) -> IdCard | None:
        """The card on the reader, None when there is none; ReaderError when a read fails."""
        found = self.command(p.FIND)
        if found.sw3 == p.SW3_NO_CARD:
            return None
        if found.sw3 != p.SW3_FOUND:
            raise ReaderError(f"{self.port}: find: {found.status_text}")
        try:
            return self._read_found()
        except ReaderGone:
            raise
        except ReaderError as e:
            raise CardReadError(str(e)) from e

    def _read_found(self) -> IdCard | None:
        chosen = self.command(p.SELECT)
        if chosen.sw3 == p.SW3_SELECT_FAILED:
            return None  # lifted between FIND and SELECT
        if chosen.sw3 != p.SW3_OK:
            raise ReaderError(f"{self.port}: select: {chosen.status_text}")
        got = self.command(p.READ)
        if got.sw3 != p.SW3_OK:
            raise ReaderError(f"{self.port}: read: {got.status_text}")
        try:
            text, _photo = p.split_read(got.data)  # the photo is never kept
            return parse_text(text)
        except (p.FrameError, CardError) as e:
            raise ReaderError(f"{self.port}: {e}") from e
