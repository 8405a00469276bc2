"""Checking the workstation's audit trail (`yichuang audit verify`): the hash chain over the
stored events in local append order (app.domain.audit_chain; the first broken link is named),
and every case's record against its events (app.domain.case_record: a record that says what
its events do not is named, field by field).

A large store is checked in parts by several processes at once: the chain in runs of local
event ids (each event's check needs only its row, its position and the hash stored before it;
the earliest break found is the chain's first), the records in runs of case ids (each case's
record needs only its own events). A million events take a few seconds rather than tens.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.domain import audit_chain as ac
from app.domain import case_record as cr
from app.store.audit import chain_parts, quick_records, record_parts, stored_links, stored_records

PARALLEL_FROM = 200_000  # fewer events: one process (starting others costs more than it saves)
KEEP_MISMATCHES = 1000  # named in the report; beyond that only counted


@dataclass
class RecordReport:
    """Cases whose record was checked against their events, and what did not match."""

    cases: int = 0
    count: int = 0  # mismatching fields, all of them
    mismatches: list[cr.Mismatch] = field(default_factory=list)  # the first KEEP_MISMATCHES

    @property
    def ok(self) -> bool:
        return self.count == 0

    def add(self, found: list[cr.Mismatch]) -> None:
        self.count += len(found)
        room = KEEP_MISMATCHES - len(self.mismatches)
        if room > 0:
            self.mismatches.extend(found[:room])

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.cases,
            "mismatch_count": self.count,
            "mismatches": [m.to_json() for m in self.mismatches],
        }


@dataclass
class Verification:
    chain: ac.Report
    records: RecordReport

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.records.ok


def check_records(store, first: int | None = None, last: int | None = None) -> RecordReport:
    """Every case's record (or those of local ids first..last) against its events: the quick
    check in SQL for plain histories, the full derivation for the others."""
    rep = RecordReport()
    if first is None or last is None:
        parts = record_parts(store, 1)
        if not parts:
            return rep
        first, last = parts[0]
    rep.cases, undecided = quick_records(store, first, last)
    check = cr.check
    for case_id in undecided:
        for number, record, events in stored_records(store, case_id, case_id):
            found = check(number, record, events)
            if found:
                rep.add(found)
    return rep


def merge_records(parts: list[RecordReport]) -> RecordReport:
    out = RecordReport()
    for part in parts:
        out.cases += part.cases
        out.count += part.count
        room = KEEP_MISMATCHES - len(out.mismatches)
        out.mismatches.extend(part.mismatches[: max(0, room)])
    return out


def verify(store, progress: Callable[[int], None] | None = None, workers: int | None = None) -> ac.Report:
    """The chain of every event in the store."""
    return _run(store, progress, workers, records=False).chain


def verify_all(
    store, progress: Callable[[int], None] | None = None, workers: int | None = None
) -> Verification:
    """The chain of every event, and every case's record against its events."""
    return _run(store, progress, workers, records=True)


def _run(store, progress, workers: int | None, *, records: bool) -> Verification:
    n = workers if workers is not None else min(os.cpu_count() or 1, 4)
    parts = chain_parts(store, n, PARALLEL_FROM if workers is None else 0) if n > 1 else []
    if len(parts) < 2:
        chain = ac.verify(stored_links(store), progress=progress)
        return Verification(chain, check_records(store) if records else RecordReport())
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # the records in twice as many parts as workers: a part of many-event cases takes longer
    cases = record_parts(store, 2 * len(parts)) if records else []
    # fork where there is one: the workers start at once with everything imported
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    path, key = str(store.path), store.key
    with ProcessPoolExecutor(len(parts), mp_context=ctx) as pool:
        chain_futures = [pool.submit(_verify_part, path, p, key) for p in parts]
        record_futures = [pool.submit(_records_part, path, c, key) for c in cases]
        reports = []
        for f in chain_futures:
            reports.append(f.result())
            if progress is not None:
                progress(sum(r.events for r in reports))
        checked = merge_records([f.result() for f in record_futures])
    return Verification(ac.merge(reports), checked)


def _engine_store(path: str, key):
    """A store on a connection of its own in a worker process (keyed when it is encrypted)."""
    from pathlib import Path

    from app.store.db import reading_store

    return reading_store(Path(path), key)


def _verify_part(path: str, part: tuple[int, int, int, str], key=None) -> ac.Report:
    """One part of the chain, in a worker process."""
    first, last, start, prev = part
    store, engine = _engine_store(path, key)
    try:
        return ac.verify(stored_links(store, first=first, last=last), start=start, prev=prev)
    finally:
        engine.dispose()


def _records_part(path: str, part: tuple[int, int], key=None) -> RecordReport:
    """The records of one run of cases, in a worker process."""
    store, engine = _engine_store(path, key)
    try:
        return check_records(store, *part)
    finally:
        engine.dispose()
