"""What a scanned file must be before the window takes it: pure rules on names and bytes.

No I/O here: the scanner inbox (app.services.scans) reads the head and the tail of a file
and asks these rules. A refusal is a message key of the catalogue plus its fields, so the
reason is shown in the clerk's language wherever it is displayed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from app.domain.intake import Mark

HEAD_BYTES = 64  # enough for every signature below
TAIL_BYTES = 1024  # PDF: %%EOF must be within the last 1024 bytes (ISO 32000-1, 7.5.5)

KINDS = ("pdf", "jpeg", "png", "tiff")

# Names a scanner or a copy program uses while a file is still being written: not yet a scan.
_IN_PROGRESS_SUFFIXES = (
    ".part",
    ".partial",
    ".tmp",
    ".temp",
    ".crdownload",
    ".download",
    ".swp",
    ".filepart",
)

_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


@dataclass(frozen=True)
class Refusal:
    """Why a file is not taken: a code (its message is ``scan.refused_<code>``) and fields."""

    code: str
    fields: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def in_progress_name(name: str) -> bool:
    """A temporary or hidden name: the file is not finished (it will be renamed), so it is
    neither taken nor refused.  A name that the path check refuses is never "in progress":
    ``..\\..\\x.pdf`` starts with a dot, yet it must be refused with its reason, not
    ignored silently for ever."""
    if name.lower().endswith(_IN_PROGRESS_SUFFIXES):
        return True
    return name.startswith((".", "~")) and check_name(name) is None


def check_name(name: str) -> Refusal | None:
    """Names that could mislead the clerk or a later program (path tricks) are refused.

    A name is shown on screen and kept with the case: separators, parent references,
    control and format characters (a right-to-left override makes ``gpj.exe`` read
    ``exe.jpg``), undecodable bytes, an option-like leading ``-`` and over-long names.
    """
    if not name or name in (".", ".."):
        return Refusal("name", {"why": "..", "name": name})
    if "\\" in name:  # a Windows path (``..\\..\\x.pdf``): shown as what it is
        return Refusal("name", {"why": "\\", "name": name})
    if "/" in name or "\x00" in name:
        return Refusal("name", {"why": "/", "name": name})
    if len(name.encode("utf-8", "surrogateescape")) > 255:
        return Refusal("name", {"why": "255", "name": name})
    if name.startswith("-"):
        return Refusal("name", {"why": "-", "name": name})
    for ch in name:
        if 0xDC80 <= ord(ch) <= 0xDCFF:  # os.fsdecode's stand-in for a byte that is not UTF-8
            return Refusal("name", {"why": "utf-8", "name": name})
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            return Refusal("name", {"why": f"U+{ord(ch):04X}", "name": name})
    return None


def sniff(head: bytes) -> str | None:
    """The file's type by its content (magic bytes), never by its name."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    return None


def check_content(head: bytes, tail: bytes, size: int, max_bytes: int) -> tuple[str | None, Refusal | None]:
    """(kind, None) for an acceptable scan, (kind or None, Refusal) otherwise.

    ``head`` is the first HEAD_BYTES and ``tail`` the last TAIL_BYTES of the file.
    """
    if size == 0:
        return None, Refusal("empty")
    if size > max_bytes:
        return None, Refusal("too_big", {"size": size, "limit": max_bytes})
    kind = sniff(head)
    if kind is None:
        return None, Refusal("type", {"head": head[:8].hex(" ")})
    end = tail.rstrip(b"\x00\r\n\t ")  # writers pad the end; the marker comes before
    if kind == "pdf" and b"%%EOF" not in tail[-TAIL_BYTES:]:
        return kind, Refusal("truncated_pdf")
    if kind == "jpeg" and not end.endswith(b"\xff\xd9"):
        return kind, Refusal("truncated_jpeg")
    if kind == "png" and not tail.endswith(_PNG_END):
        return kind, Refusal("truncated_png")
    if kind == "tiff":
        order: Literal["little", "big"] = "little" if head[:2] == b"II" else "big"
        first_ifd = int.from_bytes(head[4:8], order)
        if not 8 <= first_ifd < size:
            return kind, Refusal("truncated_tiff")
    return kind, None


_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_PDF_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", re.S)


def pdf_pages(data: bytes) -> int | None:
    """Pages of a PDF as scanners write them (page objects in the clear); None when the page
    tree is inside compressed object streams and cannot be counted without a PDF parser."""
    counts = [int(a or b) for a, b in _PDF_COUNT.findall(data)]
    if counts:
        return max(counts)  # the root of the page tree counts every page
    found = len(_PDF_PAGE.findall(data))
    return found or None


def received_with_scan(mark: Mark) -> Mark:
    """A material with a scan counts as received (electronically): a 不符 note no longer holds.

    ``mark`` is an app.domain.intake.Mark."""
    from dataclasses import replace

    return replace(mark, status="received", note="")


def human_size(size: int) -> str:
    """1.2 MB, 340 KB, 12 B: sizes as the clerk reads them (units are not translated)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns
