"""Checking the workstation's audit chain (`yichuang audit verify`): the stored events in local
append order against app.domain.audit_chain; the first broken link is named."""

from __future__ import annotations

from collections.abc import Callable

from app.domain import audit_chain as ac
from app.store.audit import stored_links


def verify(store, progress: Callable[[int], None] | None = None) -> ac.Report:
    """The chain of every event in the store (one read transaction: a consistent view while
    the window keeps writing)."""
    return ac.verify(stored_links(store), progress=progress)
