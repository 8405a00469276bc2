"""Printers by URL, one transport per module behind :class:`base.Printer`.

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

The URLs are a contract (admins' config files hold them). The outcomes and errors of a send
are described in :mod:`devices.printers.base`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .base import (
    CONFIRM_MODES,
    ERROR_KINDS,
    SENT,
    Delivery,
    Printer,
    PrinterError,
    PrinterStatus,
    PrivateFiles,
    Progress,
)
from .cups import CupsPrinter
from .dir import DirPrinter
from .file import FilePrinter
from .serial import SerialPrinter
from .tcp import TcpPrinter, read_paper_sensor
from .usb import UsbPrinter

__all__ = [
    "CONFIRM_MODES",
    "ERROR_KINDS",
    "SENT",
    "CupsPrinter",
    "Delivery",
    "DirPrinter",
    "FilePrinter",
    "Printer",
    "PrinterError",
    "PrinterStatus",
    "PrivateFiles",
    "Progress",
    "SerialPrinter",
    "TcpPrinter",
    "UsbPrinter",
    "open_printer",
    "read_paper_sensor",
]


def _path_of(parts) -> Path:
    # file:///abs/path → "/abs/path"; file://./rel also accepted as a convenience.
    return Path(unquote(parts.netloc + parts.path))


def open_printer(url: str, *, files: PrivateFiles) -> Printer:
    """The printer for ``url``; raises PrinterError("config") for a malformed URL.

    ``files`` creates the files of ``file://`` and ``dir://`` printers (owner-only).
    """
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
            return FilePrinter(url, _path_of(parts), files)
        if scheme == "dir":
            return DirPrinter(url, _path_of(parts), files)
    except ValueError as e:
        raise PrinterError("config", f"bad printer URL {url!r}: {e}") from e
    raise PrinterError("config", f"unsupported printer URL {url!r}")
