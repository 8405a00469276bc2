"""The Ministry of Public Security's SAM protocol (GA 467; readers' "SAM_V 通讯协议"), as data.

Host → reader::

    AA AA AA 96 69 | LEN1 LEN2 | CMD PARA DATA… | CHK

Reader → host::

    AA AA AA 96 69 | LEN1 LEN2 | SW1 SW2 SW3 DATA… | CHK

``LEN`` (big-endian) counts every byte after itself, the checksum included; ``CHK`` is the XOR
of every byte after the preamble (the length bytes included) except itself. SW1 SW2 echo the
card's APDU status; SW3 is the reader's own status (:data:`SW3_TEXT`).

A read is FIND (SW3 ``9F``, 4 bytes of IIN), SELECT (``90``, 8 bytes of SN) and READ (``90``;
2-byte text length, 2-byte photo length, then 256 bytes of UCS-2 LE text and 1,024 bytes of
photo): 1,295 bytes on the line, about 0.11 s at 115200 baud.
"""

from __future__ import annotations

from dataclasses import dataclass

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER = len(PREAMBLE) + 2  # preamble and the two length bytes
MAX_LENGTH = 4096  # the longest reply (text, photo, fingerprints) is 2,321 bytes

# (CMD, PARA)
RESET = (0x10, 0xFF)
STATUS = (0x11, 0xFF)  # SAM status check (自检): SW3 90 when the SAM is healthy
SAM_ID = (0x12, 0xFF)  # read the SAM's management information: its 16-byte id
FIND = (0x20, 0x01)
SELECT = (0x20, 0x02)
READ = (0x30, 0x01)  # text and photo
READ_FP = (0x30, 0x10)  # text, photo and fingerprints (not used: we want neither)
READ_ADDRESS = (0x30, 0x03)  # the latest appended address (追加住址)

SW3_OK = 0x90
SW3_FOUND = 0x9F
SW3_NO_CARD = 0x80
SW3_SELECT_FAILED = 0x81
SW3_NO_CONTENT = 0x91
SW3_TEXT = {
    0x90: "success",
    0x9F: "card found",
    0x10: "checksum error in the host's frame",
    0x11: "length error in the host's frame",
    0x21: "command error",
    0x23: "operation not permitted",
    0x24: "unrecognised error",
    0x31: "the card failed to authenticate the reader",
    0x32: "the reader failed to authenticate the card",
    0x33: "information verification error",
    0x40: "not a recognised card",
    0x41: "reading the card failed",
    0x47: "random number failed",
    0x60: "the SAM failed its self-check",
    0x66: "the SAM is not authorised",
    0x80: "no card found",
    0x81: "selecting the card failed",
    0x91: "no content",
}

TEXT_BYTES = 256
PHOTO_BYTES = 1024


class FrameError(ValueError):
    """Bytes that are not a well-formed reader frame (bad preamble, length, checksum, short)."""


@dataclass(frozen=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes

    @property
    def ok(self) -> bool:
        return self.sw3 in (SW3_OK, SW3_FOUND)

    @property
    def status_text(self) -> str:
        return SW3_TEXT.get(self.sw3, f"unknown status {self.sw3:02X}")


def checksum(body: bytes) -> int:
    """XOR of ``body`` (what follows the preamble, up to the checksum)."""
    x = 0
    for b in body:
        x ^= b
    return x


def _frame(payload: bytes) -> bytes:
    body = (len(payload) + 1).to_bytes(2, "big") + payload
    return PREAMBLE + body + bytes([checksum(body)])


def build_command(cmd: int, para: int, data: bytes = b"") -> bytes:
    """The host's frame: ``build_command(*FIND)`` is ``AA AA AA 96 69 00 03 20 01 22``."""
    if not (0 <= cmd <= 0xFF and 0 <= para <= 0xFF):
        raise ValueError("cmd and para are single bytes")
    return _frame(bytes([cmd, para]) + data)


def build_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """The reader's frame (what a reader sends; the simulator and the tests use it)."""
    return _frame(bytes([sw1, sw2, sw3]) + data)


def parse_command(frame: bytes) -> tuple[int, int, bytes]:
    """(cmd, para, data) of a host frame (the simulator's side); raises FrameError."""
    payload = _payload(frame)
    if len(payload) < 2:
        raise FrameError("a command frame holds CMD and PARA")
    return payload[0], payload[1], payload[2:]


def parse_response(frame: bytes) -> Response:
    """The reader's frame as a Response; raises FrameError when it is not one."""
    payload = _payload(frame)
    if len(payload) < 3:
        raise FrameError("a reader frame holds SW1 SW2 SW3")
    return Response(payload[0], payload[1], payload[2], payload[3:])


def frame_length(head: bytes) -> int:
    """The whole frame's size from its first 7 bytes (preamble and length); FrameError if
    they are not a frame's start."""
    if len(head) < HEADER:
        raise FrameError("short header")
    if head[: len(PREAMBLE)] != PREAMBLE:
        raise FrameError("bad preamble")
    n = int.from_bytes(head[len(PREAMBLE) : HEADER], "big")
    if n < 2 or n > MAX_LENGTH:
        raise FrameError(f"implausible length {n}")
    return HEADER + n


def _payload(frame: bytes) -> bytes:
    size = frame_length(frame)
    if len(frame) != size:
        raise FrameError(f"frame of {len(frame)} bytes, its length field says {size}")
    body = frame[len(PREAMBLE) : -1]
    if checksum(body) != frame[-1]:
        raise FrameError(f"checksum {frame[-1]:02X}, computed {checksum(body):02X}")
    return frame[HEADER:-1]


def split_read(data: bytes) -> tuple[bytes, bytes]:
    """(text, photo) of a READ reply's data; FrameError when the lengths do not add up."""
    if len(data) < 4:
        raise FrameError("a READ reply starts with the text and photo lengths")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if text_len == 0 or 4 + text_len + photo_len > len(data):
        raise FrameError(f"text {text_len} + photo {photo_len} bytes, {len(data) - 4} present")
    return data[4 : 4 + text_len], data[4 + text_len : 4 + text_len + photo_len]
