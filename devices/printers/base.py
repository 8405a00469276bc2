"""What every printer transport shares: the send contract, its outcomes and its errors.

``Printer.send`` returns a :class:`Delivery`: ``printed`` when the printer answered a status
query sent after the job (``DLE EOT 1`` or ``GS ( H``, as the profile says), ``sent`` when every
byte was handed over to a printer that cannot answer (file, dir, cups, usb, serial, or a
profile without status), ``unconfirmed`` when the printer should have answered and did not.
The send deadline is a *stall* timeout: the job may take as long as the link needs, and
fails only when no byte moves for ``timeout`` seconds.

Every failure is a :class:`PrinterError` whose ``kind`` is one of ``offline``, ``refused``,
``timeout``, ``paper``, ``disconnected``, ``config``, ``not_printer`` (something answered
that is no ESC/POS printer: a web server on the port), so the spool can decide to retry;
``written`` says how many bytes of the job the printer is known to have taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

ERROR_KINDS = ("offline", "refused", "timeout", "paper", "disconnected", "config", "not_printer")
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
# Every DLE EOT n answer is one byte with bits 1 and 4 fixed at 1 and bits 0 and 7 fixed at 0
# (ESC/POS command reference, DLE EOT): anything else is not a printer's status byte.
STATUS_FIXED_MASK = 0x93
STATUS_FIXED_BITS = 0x12


def is_status_byte(answer: bytes) -> bool:
    """``answer`` is exactly one well-formed DLE EOT status byte."""
    return len(answer) == 1 and answer[0] & STATUS_FIXED_MASK == STATUS_FIXED_BITS


Progress = Callable[[int], None]


class PrivateFiles(Protocol):
    """How the caller creates files and folders only its user may read (the window passes
    ``app.private_files``): printed documents carry applicants' data, and this package
    imports nothing of the app, so the policy is handed in rather than imported."""

    def open_private(self, path: Path | str, mode: str = "wb") -> IO[bytes]: ...

    def make_private_dir(self, path: Path | str) -> Path: ...


@dataclass(frozen=True)
class Delivery:
    """What a finished send can tell: ``outcome`` is printed, sent or unconfirmed.

    ``reason`` (for sent/unconfirmed): ``cannot_answer`` (transport or profile without a
    back channel), ``no_answer`` (no reply in time), ``offline`` (the printer answered that
    it is offline: paper out, cover open, error; the job waits in its buffer),
    ``not_printer`` (the answer was not a status byte: what took the job is no printer).
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


def check_job_id(job_id: str) -> None:
    if not _JOB_ID.match(job_id) or ".." in job_id:
        raise PrinterError("config", f"invalid job id {job_id!r}")


@dataclass(frozen=True)
class PrinterStatus:
    """What a printer answered when asked (None: it did not answer that question).

    ``paper``: ``present``, ``near_end`` or ``end`` (roll paper sensor); ``online``: the
    printer status byte's bit 3 clear (not offline: cover closed, paper fed, no error).
    """

    paper: str | None
    online: bool | None
