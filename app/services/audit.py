"""Checking the workstation's audit chain (`yichuang audit verify`): the stored events in local
append order against app.domain.audit_chain; the first broken link is named.

A long chain is checked in parts by several processes at once (each event's check needs only
its row, its position and the hash stored before it; the earliest break found is the chain's
first): a million events take a few seconds rather than tens.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from app.domain import audit_chain as ac
from app.store.audit import chain_parts, stored_links

PARALLEL_FROM = 200_000  # fewer events: one process (starting others costs more than it saves)


def verify(store, progress: Callable[[int], None] | None = None, workers: int | None = None) -> ac.Report:
    """The chain of every event in the store."""
    n = workers if workers is not None else min(os.cpu_count() or 1, 4)
    parts = chain_parts(store, n, PARALLEL_FROM if workers is None else 0) if n > 1 else []
    if len(parts) < 2:
        return ac.verify(stored_links(store), progress=progress)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork where there is one: the workers start at once with everything imported
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(len(parts), mp_context=ctx) as pool:
        futures = [pool.submit(_verify_part, str(store.path), p, store.key) for p in parts]
        reports = []
        for f in futures:
            reports.append(f.result())
            if progress is not None:
                progress(sum(r.events for r in reports))
    return ac.merge(reports)


def _verify_part(path: str, part: tuple[int, int, int, str], key=None) -> ac.Report:
    """One part, in a worker process, on a store connection of its own (keyed when the store
    is encrypted)."""
    from pathlib import Path

    from app.store.db import Store, _make_engine

    first, last, start, prev = part
    engine = _make_engine(Path(path), "BEGIN", key)
    try:
        store = Store(Path(path), engine, engine, key=key)
        return ac.verify(stored_links(store, first=first, last=last), start=start, prev=prev)
    finally:
        engine.dispose()
