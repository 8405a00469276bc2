"""A simulated 居民身份证 reader on a pseudo-terminal pair, speaking the SAM protocol frame by
frame (devices.idcard.protocol builds the frames; the app under test reads them with real
pyserial from the pty's slave side, through a symlink that unplug/replug re-points).

    with SimReader(cards=[RESIDENT]) as sim:   # the card lies on the reader
        poller = CardPoller((sim.path, 115200))
        ...
        sim.remove(); sim.put(OTHER); sim.unplug(); sim.replug()

Modes (``sim.mode = …`` at any time):
  normal          answers as a reader does
  removed         the card is lifted between SELECT and READ (READ answers SW3 41)
  bad_checksum    the READ reply's checksum is wrong
  truncated       the READ reply stops half-way
  garbage         every reply is noise without a preamble
  silent          nothing answers
  slow            every reply comes ``slow_delay`` seconds late
Writes are paced at the line rate (10 bits a byte at ``baud``) unless ``pace=False``.
``halt_after_read``: like real SAM modules, the FIND right after a READ answers 80 (the card
is halted) although the card still lies there.
"""

from __future__ import annotations

import os
import select
import tempfile
import threading
import time
import tty
from pathlib import Path

from devices.idcard import protocol as p
from devices.idcard.card import IdCard, build_text

MODES = ("normal", "removed", "bad_checksum", "truncated", "garbage", "silent", "slow")
# prints as 05.01-20100730-0000012345-1234567890 (the format readers' tools show)
PHOTO = bytes((i * 7) & 0xFF for i in range(p.PHOTO_BYTES))  # stands for the WLT-compressed photo
SAM_ID_BYTES = bytes.fromhex("050001007ab6320139300000d2029649")


class SimReader:
    def __init__(
        self,
        cards: list[IdCard] | None = None,
        *,
        mode: str = "normal",
        baud: int = 115200,
        pace: bool = True,
        slow_delay: float = 0.6,
        halt_after_read: bool = True,
    ) -> None:
        self.cards = list(cards or [])
        self.mode = mode
        self.baud, self.pace, self.slow_delay = baud, pace, slow_delay
        self.halt_after_read = halt_after_read
        self._halted = False
        self.commands: list[tuple[int, int]] = []  # every command received, in order
        self.laid_at: float | None = None  # monotonic time of the last put()
        self._dir = tempfile.mkdtemp(prefix="idcard-sim-")
        self.path = str(Path(self._dir) / "ttyIDCARD")
        self._lock = threading.Lock()
        self._master = self._slave = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._plug()

    # -- the hardware -------------------------------------------------------------------
    def _plug(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line discipline: bytes as they are
        tmp = self.path + ".new"
        os.symlink(os.ttyname(self._slave), tmp)
        os.replace(tmp, self.path)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(self._master, self._stop), daemon=True)
        self._thread.start()

    def unplug(self) -> None:
        """The cable pulled: the device node goes away and the open port fails."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self._master = self._slave = -1
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def replug(self) -> None:
        """Plugged back: a new device at the same path."""
        self._plug()

    def close(self) -> None:
        self.unplug()
        try:
            os.rmdir(self._dir)
        except OSError:
            pass

    def __enter__(self) -> SimReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the card -------------------------------------------------------------------------
    def put(self, card: IdCard) -> None:
        with self._lock:
            self.cards = [card]
            self._halted = False
            self.laid_at = time.monotonic()

    def remove(self) -> None:
        with self._lock:
            self.cards = []

    # -- the conversation ---------------------------------------------------------------
    def _serve(self, master: int, stop: threading.Event) -> None:
        buf = bytearray()
        while not stop.is_set():
            try:
                r, _, _ = select.select([master], [], [], 0.05)
                if not r:
                    continue
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                continue
            buf += chunk
            while True:
                start = buf.find(p.PREAMBLE)
                if start < 0:
                    del buf[: max(0, len(buf) - len(p.PREAMBLE))]
                    break
                del buf[:start]
                if len(buf) < p.HEADER:
                    break
                try:
                    size = p.frame_length(bytes(buf[: p.HEADER]))
                except p.FrameError:
                    del buf[:1]
                    continue
                if len(buf) < size:
                    break
                frame, buf = bytes(buf[:size]), buf[size:]
                self._answer(master, frame)

    def _answer(self, master: int, frame: bytes) -> None:
        try:
            cmd, para, _ = p.parse_command(frame)
        except p.FrameError:
            self._send(master, p.build_response(0x10))  # checksum error in the host's frame
            return
        self.commands.append((cmd, para))
        mode = self.mode
        if mode == "silent":
            return
        if mode == "garbage":
            self._send(master, bytes(range(0x30, 0x30 + 40)))
            return
        if mode == "slow":
            time.sleep(self.slow_delay)
        reply = self._reply((cmd, para), mode)
        if (cmd, para) == p.READ and reply[p.HEADER + 2] == p.SW3_OK:
            if mode == "bad_checksum":
                reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
            elif mode == "truncated":
                reply = reply[: len(reply) // 2]
        self._send(master, reply)

    def _reply(self, command: tuple[int, int], mode: str) -> bytes:
        with self._lock:
            card = self.cards[0] if self.cards else None
            if command == p.STATUS:
                return p.build_response(p.SW3_OK)
            if command == p.SAM_ID:
                return p.build_response(p.SW3_OK, SAM_ID_BYTES)
            if command == p.RESET:
                return p.build_response(p.SW3_OK)
            if command == p.FIND:
                if card is None or self._halted:
                    self._halted = False
                    return p.build_response(p.SW3_NO_CARD)
                return p.build_response(p.SW3_FOUND, b"\0\0\0\0")
            if command == p.SELECT:
                if card is None:
                    return p.build_response(p.SW3_SELECT_FAILED)
                return p.build_response(p.SW3_OK, bytes(8))
            if command == p.READ:
                if card is None or mode == "removed":
                    if mode == "removed":
                        self.cards = []  # lifted while the reader was reading it
                    return p.build_response(0x41)
                self._halted = self.halt_after_read
                text = build_text(card)
                photo = PHOTO
                data = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo
                return p.build_response(p.SW3_OK, data)
        return p.build_response(0x21)  # command error

    def _send(self, master: int, data: bytes) -> None:
        """Write at the line rate: 10 bits a byte (8N1) at ``baud``."""
        step = 64
        for i in range(0, len(data), step):
            chunk = data[i : i + step]
            t0 = time.monotonic()
            try:
                os.write(master, chunk)
            except OSError:
                return
            if self.pace:
                left = len(chunk) * 10 / self.baud - (time.monotonic() - t0)
                if left > 0:
                    time.sleep(left)
