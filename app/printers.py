"""The window's printers: :mod:`devices.printers` bound to the program's private-file policy.

``devices`` imports nothing of the app, so the owner-only creation of ``file://`` and
``dir://`` output (printed documents carry applicants' data) is handed in here, once, instead
of in every caller.
"""

from __future__ import annotations

from app import private_files
from devices.printers import (
    CONFIRM_MODES,
    Delivery,
    DirPrinter,
    FilePrinter,
    Printer,
    PrinterError,
    PrinterStatus,
    TcpPrinter,
)
from devices.printers import open_printer as _open_printer

__all__ = [
    "CONFIRM_MODES",
    "Delivery",
    "DirPrinter",
    "FilePrinter",
    "Printer",
    "PrinterError",
    "PrinterStatus",
    "TcpPrinter",
    "open_printer",
]


def open_printer(url: str) -> Printer:
    """The printer for ``url`` (see :mod:`devices.printers`); PrinterError("config") if malformed."""
    return _open_printer(url, files=private_files)
