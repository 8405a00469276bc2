"""Printing: documents → ESC/POS bytes for thermal printers, previews (the transports that
deliver the bytes are in devices.printers).

No database, no UI: the spool, screens and CLI live in app/ and call this API.
"""

from __future__ import annotations

from .documents import DocKind, Document, MaterialLine, OfficeInfo, mask_id
from .profiles import PROFILES, PrinterProfile, get_profile

__all__ = [
    "DocKind",
    "Document",
    "MaterialLine",
    "OfficeInfo",
    "mask_id",
    "PROFILES",
    "PrinterProfile",
    "get_profile",
]
