"""The push side of bench_hub_load (issue 20): N windows pushing chained 200-event batches at
once to a real hub process (``hub serve``, 1 or more workers), as a window sends them: zstd
JSON, each event with its audit-chain link (compacted as app.services.sync.outbox sends it),
a case's created and accepted events with its applicant.

Figures: events/s stored, p50/p95 per batch, errors (answers other than 200 and refused
events), the hub's CPU (all its processes) per event, the cores used by the hub, its database
and this generator (on a 2-core machine their sum near 2 says the machine, not the hub, sets
events/s), and the load average while it ran.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import date
from pathlib import Path

from tests.bench.common import percentile

OFFICE = "320724100"


def ws_id(i: int) -> str:
    """Workstation ids 01.. (two characters, 0-9A-Z)."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return digits[(i + 1) // 36] + digits[(i + 1) % 36]


def window_batches(ws: str, batches: int, size: int, day: date, follow: bool = False) -> list[bytes]:
    """The bodies one window pushes: ``batches`` of ``size`` events (cases of 2 events)."""
    from sync import protocol

    return [protocol.compress(doc) for doc in window_docs(ws, batches, size, day, follow)]


def window_docs(ws: str, batches: int, size: int, day: date, follow: bool = False) -> list[dict]:
    """The same bodies as documents (before zstd). ``follow``: every second batch is events on
    the cases of the batch before (a note and a withdrawal each: cases the hub holds)."""
    from app.domain import audit_chain as ac
    from app.domain.numbering import make_case_number
    from app.services.sync.outbox import compact_links

    tip = ac.Tip()
    out = []
    seq = 0
    last: list[str] = []  # the case numbers of the batch before
    for b in range(batches):
        events: list[dict] = []
        if follow and b % 2 == 1:
            for num in last:
                base = {
                    "actor": "值班人员",
                    "office": OFFICE,
                    "ws": ws,
                    "at": "2026-11-20T02:30:00.000+00:00",
                }
                note = {
                    **base,
                    "id": str(uuid.uuid4()),
                    "case": num,
                    "kind": "case.note",
                    "lc": 3,
                    "p": {"text": "已电话联系"},
                }
                gone = {
                    **base,
                    "id": str(uuid.uuid4()),
                    "case": num,
                    "kind": "case.withdrawn",
                    "lc": 4,
                    "p": {"reason": "申请人撤回"},
                }
                for e in (note, gone):
                    n, prev, h = tip.append(ac.DEFAULT_ALGORITHM, lambda n, e=e: ac.wire_canonical(n, e))
                    events.append({**e, "n": n, "prev": prev, "hash": h})
            out.append({"v": 1, "batch": str(uuid.uuid4()), "events": compact_links(events)})
            continue
        last = []
        while len(events) < size:
            seq += 1
            num = str(make_case_number(OFFICE, ws, day, seq))
            last.append(num)
            base = {"actor": "值班人员", "office": OFFICE, "ws": ws, "at": "2026-11-20T01:30:00.000+00:00"}
            created = {
                **base,
                "id": str(uuid.uuid4()),
                "case": num,
                "kind": "case.created",
                "lc": 1,
                "p": {
                    "uid": str(uuid.uuid4()),
                    "subject_kind": "matter",
                    "subject_code": "320724-CG-0001",
                    "subject_name": "测试事项",
                    "catalogue_version": "2020.2",
                },
            }
            accepted = {
                **base,
                "id": str(uuid.uuid4()),
                "case": num,
                "kind": "case.accepted",
                "lc": 2,
                "p": {
                    "state": "accepted",
                    "applicant": {
                        "kind": "person",
                        "id_number": f"32072419{day:%m%d}{ws}{seq:04d}",
                        "name": "王伟",
                        "phone": "",
                        "address": "",
                    },
                    "reason": "",
                },
            }
            for e in (created, accepted):
                n, prev, h = tip.append(ac.DEFAULT_ALGORITHM, lambda n, e=e: ac.wire_canonical(n, e))
                events.append({**e, "n": n, "prev": prev, "hash": h})
        out.append({"v": 1, "batch": str(uuid.uuid4()), "events": compact_links(events[:size])})
    return out


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def hub_pids(pid: int) -> list[int]:
    """The hub's process and its children (the workers of `--workers N`)."""
    out = [pid]
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:  # it ended while we looked (a database backend whose client left)
        return out
    for task in tasks:
        try:
            kids = (task / "children").read_text().split()
        except OSError:
            continue
        for k in kids:
            out.extend(hub_pids(int(k)))
    return out


def db_cpu_seconds(postmaster: int | None) -> float:
    """CPU of a PostgreSQL cluster: the postmaster with its ended children, and its live ones."""
    if postmaster is None:
        return 0.0
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    own = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return own + _cpu_seconds(hub_pids(postmaster)[1:])


def run_push(
    port: int, pid: int, tokens: list[str], bodies: list[list[bytes]], postmaster: int | None = None
) -> dict:
    """Every window pushes its batches one after the other, all windows at once."""
    import httpx

    lat: list[float] = []
    stored = errors = refused = 0

    async def window(token: str, mine: list[bytes], client: httpx.AsyncClient) -> None:
        nonlocal stored, errors, refused
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Encoding": "zstd",
            "Content-Type": "application/json",
        }
        for body in mine:
            t0 = time.monotonic()
            try:
                r = await client.post(
                    f"http://127.0.0.1:{port}/api/v1/sync/push", content=body, headers=headers
                )
            except httpx.HTTPError:
                errors += 1
                continue
            lat.append(time.monotonic() - t0)
            if r.status_code != 200:
                errors += 1
                continue
            import json

            doc = json.loads(r.content)
            stored += doc["ok"]
            refused += len(doc["refused"])

    async def main() -> float:
        limits = httpx.Limits(max_connections=len(tokens) + 5, max_keepalive_connections=len(tokens) + 5)
        async with httpx.AsyncClient(timeout=300, limits=limits) as client:
            t0 = time.monotonic()
            await asyncio.gather(*(window(t, b, client) for t, b in zip(tokens, bodies, strict=True)))
            return time.monotonic() - t0

    pids = hub_pids(pid)
    cpu0, db0 = _cpu_seconds(pids), db_cpu_seconds(postmaster)
    load0 = Path("/proc/loadavg").read_text().split()[0]
    gen0 = time.process_time()  # this generator's own CPU: on one machine it takes from the hub's
    wall = asyncio.run(main())
    gen = time.process_time() - gen0
    cpu = _cpu_seconds(pids) - cpu0
    db = db_cpu_seconds(postmaster) - db0
    load1 = Path("/proc/loadavg").read_text().split()[0]
    lat = lat or [float("nan")]
    return {
        "events/s": stored / wall,
        "p50 ms": percentile(lat, 50) * 1000,
        "p95 ms": percentile(lat, 95) * 1000,
        "errors": errors + refused,
        "cpu ms/ev": cpu * 1000 / max(1, stored),
        "db ms/ev": db * 1000 / max(1, stored),
        "cores": cpu / wall,
        "db cores": db / wall,
        "gen cores": gen / wall,
        "stored": stored,
        "load": f"{load0}->{load1}",
    }
