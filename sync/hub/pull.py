"""A window's pull in one worker-thread trip and one read: token, cursor, page and the versions
the answer names.

An idle window's pull is the hub's commonest request. Everything it needs is read in one
read (``ro``): ``hub_meta``'s seq counter, operator-account revision and cache generation in
one query; the token's identity and the catalogue's and calendar's versions from the read
cache (sync.hub.read_cache) unless the generation moved; the page of events (no query at all
when the window's cursor is the top). The window's status report for the console is written
after the read, only when it changed (sync.hub.ws_status).

Commonest of all, the idle pull (cursor at the top, every version held) needs not even that:
:func:`quick_page` answers it from memory on the event loop's thread while
sync.hub.read_cache.Freshness says nothing changed since the last read; the pull's time goes
to the console in the next batch (WorkstationLog.note_pull).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from sync.hub.operator_store import REV_KEY
from sync.hub.principal import Principal, hash_token
from sync.hub.read_cache import GEN_KEY, MISSING, TOKEN_TTL
from sync.hub.schema import doc_t

if TYPE_CHECKING:
    from sync.hub.store import HubStore
    from sync.hub.ws_status import WorkstationLog


@dataclass
class Page:
    """What one read found: ``refused`` (why the token is refused) or the page and versions."""

    who: Principal | None = None
    refused: str = ""
    events: list[dict] = field(default_factory=list)
    more: bool = False
    cursor: int = 0
    cat: str = ""
    cal: str = ""
    ops: int = 0
    held: bool = False  # events were numbered above the top, not committed yet (sync.hub.seq_hold)


def _version(c, kind: str) -> str:  # noqa: ANN001
    return (
        c.execute(
            select(doc_t.c.version).where(doc_t.c.kind == kind).order_by(doc_t.c.seq.desc()).limit(1)
        ).scalar()
        or ""
    )


def read_page(store: HubStore, token: str, roles: tuple[str, ...], after: int, limit: int) -> Page:
    """The pull's one read (in a worker thread)."""
    tag = store.fresh.tag()  # before the read: a change after it drops what it finds
    with store.ro() as c:
        # "seq": the reader's top (HubDB.top); on PostgreSQL the counter too, to tell a top held
        # below it by a writer still committing
        meta = store.meta_with_top(c, (REV_KEY, GEN_KEY, "seq_taken"))
        gen = meta.get(GEN_KEY)
        store.cache.seen(gen)
        store.fresh.put(tag, int(meta.get("seq") or 0), int(meta.get(REV_KEY) or 0), gen or "")
        who = store.tokens.authenticate_cached(c, token, gen)
        if isinstance(who, str):
            return Page(refused=who)
        if roles and who.role not in roles:
            return Page(who=who, refused="role")
        top = int(meta.get("seq") or 0)
        events, more, cursor = store.events.pull_in(c, who, after, limit, top)
        cat = store.cache.get(("version", "catalogue"), gen, lambda: _version(c, "catalogue"))
        cal = store.cache.get(("version", "calendar"), gen, lambda: _version(c, "calendar"))
        return Page(
            who=who,
            events=events,
            more=more,
            cursor=cursor,
            cat=cat or "",
            cal=cal or "",
            ops=int(meta.get(REV_KEY) or 0),
            held=int(meta.get("seq_taken") or 0) > top,
        )


def quick_page(
    store: HubStore,
    wslog: WorkstationLog,
    token: str,
    roles: tuple[str, ...],
    after: int,
    report: dict | None,
) -> Page | None:
    """An idle pull answered from this process's memory, on the loop's thread: no worker
    thread, no database. None when memory cannot answer it (then :func:`pull_trip`): something
    changed since the last read (read_cache.Freshness), the cursor is below the top, the token
    or a version is not cached, the token's last use or the window's report is due to be
    written. The token is judged exactly as the read would (revoked, expired, its role)."""
    snap = store.fresh.current()
    if snap is None or after < snap.seq or not token or len(token) > 200:
        return None
    cache = store.cache
    h = hash_token(token)
    row = cache.peek(("token", h), snap.gen, ttl=TOKEN_TTL)
    cat = cache.peek(("version", "catalogue"), snap.gen)
    cal = cache.peek(("version", "calendar"), snap.gen)
    if row is MISSING or cat is MISSING or cal is MISSING:
        return None
    who = store.tokens.judge_quick(row, h)
    if who is None:
        return None
    if isinstance(who, str):
        return Page(refused=who)
    if roles and who.role not in roles:
        return Page(who=who, refused="role")
    if not wslog.note_pull(who, report):
        return None
    return Page(who=who, cursor=max(after, snap.seq), cat=cat or "", cal=cal or "", ops=snap.rev)


def pull_trip(
    store: HubStore,
    wslog: WorkstationLog,
    token: str,
    roles: tuple[str, ...],
    after: int,
    limit: int,
    report: dict | None,
) -> Page:
    """The read, then the window's status report (never failing the pull: it is a view that the
    next pull records again)."""
    page = read_page(store, token, roles, after, limit)
    if page.who is not None and not page.refused:
        try:
            wslog.record_pull(page.who, report)
        except Exception:  # noqa: BLE001
            import logging

            logging.getLogger("yichuang.hub").exception("workstation status not recorded")
    return page
