"""Printing: documents → ESC/POS bytes for thermal printers, previews (the transports that
deliver the bytes are in devices.printers).

No database, no UI: the spool, screens and CLI live in app/ and call this API.

The names below load their module when first used: the window's start-up reaches this package
only for printing.masking (the one masking rule), and need not load the documents with it.
"""

from __future__ import annotations

from importlib import import_module

_WHERE = {
    "DocKind": "documents",
    "Document": "documents",
    "MaterialLine": "documents",
    "OfficeInfo": "documents",
    "mask_id": "documents",
    "PROFILES": "profiles",
    "PrinterProfile": "profiles",
    "get_profile": "profiles",
}

__all__ = list(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
