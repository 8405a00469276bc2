"""The hub's view of each workstation's audit chain (hub migration h0004; docs/audit-chain.md).

Every pushed event of a workstation carries its link (``n``, ``prev``, ``hash``). In the push's
own transaction the hub recomputes the hash from the content it received (the rule of
app.domain.audit_chain), checks it against the link before and after it that it already holds
(batches may arrive out of order, refused and set-aside events never arrive, pulled events are
never sent back: a missing neighbour is a gap, not a break), and keeps the link. A break is
recorded on the workstation's chain state and the events are applied all the same: the hub
keeps working, the back office sees the flag (``GET /api/v1/workstations``).

Events without a link (a window older than the chain) are accepted; the workstation's state
stays ``unchained`` until its first linked event, and an unlinked event after that is a break.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    and_,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from app.domain import audit_chain as ac
from sync import protocol
from sync.hub.db import in_values
from sync.hub.schema import link_t, state_t

OK, BROKEN, UNCHAINED = "ok", "broken", "unchained"


def _wire(e: protocol.WireEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "case": e.case,
        "kind": e.kind,
        "actor": e.actor,
        "office": e.office,
        "ws": e.ws,
        "at": e.at,
        "p": e.p,
    }


def check_push(c: Connection, events: Iterable[protocol.WireEvent], now: str, insert_many=None) -> None:  # noqa: ANN001
    """Check and keep the links of one push's events (all of one workstation's authorship,
    already checked against the token) in the push's transaction."""
    by_ws: dict[tuple[str, str], list[protocol.WireEvent]] = {}
    for e in events:
        by_ws.setdefault((e.office, e.ws), []).append(e)
    for (office, ws), evs in by_ws.items():
        _check_ws(c, office, ws, evs, now, insert_many)


# complexity: one check per rule of a window's event chain
def _check_ws(  # noqa: C901
    c: Connection,
    office: str,
    ws: str,
    evs: list[protocol.WireEvent],
    now: str,
    insert_many=None,  # noqa: ANN001 (HubDB.insert_many: the links in one statement)
) -> None:
    where = and_(state_t.c.office == office, state_t.c.ws == ws)
    row = c.execute(select(state_t).where(where)).first()
    st: dict[str, Any] = (
        dict(row._mapping)
        if row is not None
        else {
            "office": office,
            "ws": ws,
            "state": UNCHAINED,
            "links": 0,
            "unchained": 0,
            "top_n": 0,
            "top_hash": "",
            "breaks": 0,
            "first_break": "",
            "last_push_at": "",
        }
    )
    # (protocol.MAX_CHAIN_N keeps n + 1 far inside the signed 64-bit column)
    wanted = {m for e in evs if e.n for m in (e.n - 1, e.n, e.n + 1) if 0 < m <= protocol.MAX_SEQ}
    held: dict[int, Any] = {}
    ns = sorted(wanted)
    for i in range(0, len(ns), 500):
        for r in c.execute(
            select(link_t.c.n, link_t.c.event_id, link_t.c.prev, link_t.c.hash).where(
                link_t.c.office == office, link_t.c.ws == ws, in_values(c, link_t.c.n, ns[i : i + 500])
            )
        ):
            held[r.n] = r
    new_links: list[dict] = []

    def brk(e: protocol.WireEvent, problem: str, expected: str, found: str) -> None:
        st["breaks"] += 1
        if not st["first_break"]:
            b = ac.Break(e.n, 0, e.id, e.n, problem, expected, found)
            st["first_break"] = json.dumps({**b.to_json(), "case": e.case, "at": now}, ensure_ascii=False)
        st["state"] = BROKEN

    uncertain: set[int] = set()  # links whose hash here was computed over changed content
    for e in sorted(evs, key=lambda e: e.n):
        if not e.n:
            st["unchained"] += 1
            if st["links"]:  # a chained window stopped sending links: a break, never a silent gap
                brk(e, ac.MISSING, "n/prev/hash", "")
            continue
        prev = e.prev
        before = held.get(e.n - 1)
        if prev is None:  # within a run: the hash of n-1, sent just before it
            if before is None:
                brk(e, ac.MISSING, "prev", "")
                continue
            prev = before.hash
        alg = ac.algorithm_of(e.hash or e.tag)
        if alg not in ac.ALGORITHMS:
            brk(e, ac.ALGORITHM, "|".join(ac.ALGORITHMS), alg)
            continue
        data = (  # the payload's canonical text as parse_event made it, when it did
            ac.canonical(e.n, e.id, e.case, e.kind, e.actor, e.office, e.ws, e.at, e.p_text)
            if e.p_text
            else ac.wire_canonical(e.n, _wire(e))
        )
        computed = ac.link(alg, prev, data)
        if e.prev is None and e.n - 1 in uncertain:
            pass  # its prev is unknown here (the event before it changed): nothing to check
        elif e.hash and computed != e.hash:
            brk(e, ac.CONTENT, computed, e.hash)
        elif not e.hash and not computed.startswith(e.tag):
            brk(e, ac.CONTENT, computed, e.tag)
        if e.hash:
            stored = e.hash
        else:
            stored = computed
            if not computed.startswith(e.tag) or (e.prev is None and e.n - 1 in uncertain):
                uncertain.add(e.n)
        have = held.get(e.n)
        if have is not None:
            if have.event_id != e.id or (have.hash != stored and e.n not in uncertain):
                brk(e, ac.FORK, f"{have.event_id} {have.hash}", f"{e.id} {stored}")
            continue  # the same link again (a resent batch): nothing new
        if e.n == 1 and prev != ac.GENESIS:
            brk(e, ac.LINK, ac.GENESIS, prev)
        elif before is not None and before.hash != prev and e.n - 1 not in uncertain:
            brk(e, ac.LINK, before.hash, prev)
        after = held.get(e.n + 1)
        if after is not None and after.prev != stored and e.n not in uncertain:
            brk(e, ac.LINK, stored, after.prev)
        link = {
            "office": office,
            "ws": ws,
            "n": e.n,
            "event_id": e.id,
            "prev": prev,
            "hash": stored,
            "received_at": now,
        }
        new_links.append(link)
        held[e.n] = _Held(e.n, e.id, prev, stored)
        st["links"] += 1
        if e.n > st["top_n"]:
            st["top_n"], st["top_hash"] = e.n, stored
        if st["state"] == UNCHAINED:
            st["state"] = OK
    if new_links and insert_many is not None:
        insert_many(c, link_t, new_links)
    elif new_links:
        c.execute(insert(link_t), new_links)
    st["last_push_at"] = now
    if row is None:
        c.execute(insert(state_t), st)
    else:
        c.execute(
            update(state_t).where(where).values(**{k: v for k, v in st.items() if k not in ("office", "ws")})
        )


class _Held:
    __slots__ = ("n", "event_id", "prev", "hash")

    def __init__(self, n: int, event_id: str, prev: str, hash: str) -> None:  # noqa: A002
        self.n, self.event_id, self.prev, self.hash = n, event_id, prev, hash


def chain_states(c: Connection) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for r in c.execute(select(state_t)):
        out[(r.office, r.ws)] = {
            "state": r.state,
            "links": r.links,
            "unchained_events": r.unchained,
            "last_n": r.top_n,
            "last_hash": r.top_hash,
            "breaks": r.breaks,
            "first_break": json.loads(r.first_break) if r.first_break else None,
            "last_push_at": r.last_push_at,
        }
    return out
