"""What the hub knows of each window, for the console's workstations page (tables in h0006).

* ``hub_ws_status``: per workstation, the last pull and push, its clock skew, the events and scans
  it reported waiting when its latest cycle began (``protocol.status_headers``) and how many of
  those have arrived since (so the page shows what is still out, not what was out).
* ``hub_ws_refused``: events the hub refused from a workstation (kept until the event arrives
  in a form the hub accepts), so the back office sees them without asking the window.
* The provincial forwarding backlog, from what the store already records (forward cursor,
  events of province-level cases past it, hub_forward_refused) and the forwarder's last result.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from sync.hub import news
from sync.hub.db import utcnow
from sync.hub.events import PushResult
from sync.hub.principal import Principal
from sync.hub.schema import case_t, event_t, lease_t, meta_t, refused_t, refused_up_t, status_t, token_t
from sync.hub.store import HubStore

REWRITE_AFTER = 60.0  # seconds: an unchanged report is written at most this often
FLUSH_EVERY = 2.0  # seconds: the pulls' times go to the database in one transaction this often


@dataclass
class _Pushed:
    """A window's pushes since the last flush (none refused anything)."""

    at: str = ""
    arrived: int = 0
    ids: list[str] = field(default_factory=list)  # to clear refusals of events sent again

    def merge(self, later: _Pushed | None) -> _Pushed:
        if later is None:
            return self
        return _Pushed(later.at, self.arrived + later.arrived, self.ids + later.ids)


class WorkstationLog:
    def __init__(self, hub: HubStore) -> None:
        self.hub = hub
        self._lock = threading.Lock()
        # what was last written per window: an idle window's pulls (every few seconds) cost no write
        self._written: dict[tuple[str, str], tuple[tuple, float]] = {}
        self._pending: dict[tuple[str, str], dict] = {}  # reports held back by a busy writer
        # the last pull of each window since the last flush (its time only: a report that changed
        # is written at once): the console's "last pull" within FLUSH_EVERY seconds, for one
        # write every FLUSH_EVERY seconds however many windows pull
        self._seen: dict[tuple[str, str], str] = {}
        # the pushes of each window since the last flush, when nothing was refused: written with
        # the pulls' times (one transaction every FLUSH_EVERY seconds, not one a push)
        self._pushed: dict[tuple[str, str], _Pushed] = {}

    # --- recording (called by the sync endpoints) --------------------------------------------------
    def note_pull(self, who: Principal, report: dict | None) -> bool:
        """A pull whose report was written already (or that has none): its time is kept for the
        next :meth:`flush`; False when the report must be written now (:meth:`record_pull`).
        Never touches the database (the loop's thread calls it)."""
        if who.role != "workstation":
            return True
        ident = (who.office, who.ws)
        key = self._key(report, datetime.now(UTC)) if report is not None else ()
        with self._lock:
            last = self._written.get(ident)
            if last is None or last[0] != key or time.monotonic() - last[1] >= REWRITE_AFTER:
                return False
            self._seen[ident] = utcnow()
        return True

    @staticmethod
    def _key(report: dict, now: datetime) -> tuple:
        skew = None if report.get("clock") is None else int((report["clock"] - now).total_seconds() * 1000)
        return (
            report.get("events"),
            report.get("scans"),
            None if skew is None else round(skew / 1000),
            report.get("office_name", ""),
            report.get("window", ""),
        )

    def flush(self) -> int:
        """Write the pulls' times and the pushes noted since the last flush, in one transaction
        (a newer pull time already there, written by another hub process, is kept); how many."""
        with self._lock:
            seen, self._seen = self._seen, {}
            pushed, self._pushed = self._pushed, {}
        if not seen and not pushed:
            return 0
        stmt = (
            update(status_t)
            .where(
                status_t.c.office == bindparam("o"),
                status_t.c.ws == bindparam("w"),
                status_t.c.last_pull_at < bindparam("t"),
            )
            .values(last_pull_at=bindparam("t"))
        )
        rows = [{"o": o, "w": w, "t": t} for (o, w), t in sorted(seen.items())]
        try:
            with self.hub.tx() as c:
                news.quiet(c)  # nothing a pull reads
                if rows:
                    c.execute(stmt, rows)
                for ident, p in sorted(pushed.items()):
                    self._write_push(c, ident, p)
        except Exception:
            with self._lock:  # written with the next flush (a push is counted once)
                for ident, p in pushed.items():
                    self._pushed[ident] = p.merge(self._pushed.get(ident))
            raise
        return len(rows) + len(pushed)

    def _write_push(self, c, ident: tuple[str, str], p: _Pushed) -> None:  # noqa: ANN001
        """One window's pushes since the last flush: its last push, its arrivals, and its
        refusals of events that have arrived since (sent again in a form the hub took)."""
        office, ws = ident
        self._ensure_row(c, office, ws)
        self._apply_pending_of(c, ident)
        where = (status_t.c.office == office, status_t.c.ws == ws)
        c.execute(
            update(status_t)
            .where(*where)
            .values(last_push_at=p.at, events_arrived=status_t.c.events_arrived + p.arrived)
        )
        held = c.execute(
            select(refused_t.c.event_id).where(refused_t.c.office == office, refused_t.c.ws == ws).limit(1)
        ).first()
        if held is not None:
            for i in range(0, len(p.ids), 500):
                c.execute(delete(refused_t).where(refused_t.c.event_id.in_(p.ids[i : i + 500])))

    def record_pull(self, who: Principal, report: dict | None) -> None:
        if who.role != "workstation":
            return
        if self.note_pull(who, report):
            return
        now = datetime.now(UTC)
        values: dict = {"last_pull_at": now.isoformat(timespec="milliseconds")}
        key: tuple = ()
        if report is not None:
            skew = None
            if report.get("clock") is not None:
                skew = int((report["clock"] - now).total_seconds() * 1000)
            values.update(
                office_name=report.get("office_name", ""),
                window=report.get("window", ""),
                skew_ms=skew,
                events_waiting=report.get("events"),
                events_arrived=0,
                scans_waiting=report.get("scans"),
                scans_arrived=0,
                reported_at=values["last_pull_at"],
            )
            key = self._key(report, now)
        ident = (who.office, who.ws)
        # never make a pull wait behind a push (the window pulls while its own batches go up):
        # when a writer is busy, the report waits here and goes in with this window's next write.
        # (SQLite: this process's writers take the lock. PostgreSQL's writers take none, each
        # waits for its rows only: taken here it would only turn the pulls' reports away.)
        lock = self.hub._write_lock if self.hub.sqlite else None
        if lock is not None and not lock.acquire(blocking=False):
            with self._lock:
                self._pending[ident] = {**self._pending.get(ident, {}), **values}
            return
        try:
            with self.hub.engine.begin() as c:
                news.quiet(c)  # nothing a pull reads
                self._ensure(c, who)
                self._apply_pending(c, who)
                c.execute(
                    update(status_t)
                    .where(status_t.c.office == who.office, status_t.c.ws == who.ws)
                    .values(**values)
                )
        finally:
            if lock is not None:
                lock.release()
        if report is not None:
            with self._lock:  # the pushes noted before this report arrived before it
                p = self._pushed.get(ident)
                if p is not None:
                    p.arrived = 0
        with self._lock:
            self._written[ident] = (key, time.monotonic())

    def _apply_pending(self, c, who: Principal) -> None:
        """A report held back by a busy writer, written first: it came before what follows."""
        self._apply_pending_of(c, (who.office, who.ws))

    def _apply_pending_of(self, c, ident: tuple[str, str]) -> None:  # noqa: ANN001
        with self._lock:
            values = self._pending.pop(ident, None)
        if values:
            c.execute(
                update(status_t)
                .where(status_t.c.office == ident[0], status_t.c.ws == ident[1])
                .values(**values)
            )

    def record_push(self, who: Principal, result: PushResult, event_ids: list[str]) -> None:
        """A push's arrivals and refusals. Refusals are written at once (the back office sees
        them without asking the window); a push with none is noted here and written by the next
        :meth:`flush` (within FLUSH_EVERY seconds, as the pulls' times): one transaction, with
        its commit, less a push."""
        if who.role != "workstation":
            return
        refused = {r["id"] for r in result.refused}
        arrived = result.applied + result.duplicate
        if not refused:
            ident = (who.office, who.ws)
            with self._lock:
                p = self._pushed.setdefault(ident, _Pushed())
                p.at, p.arrived = utcnow(), p.arrived + arrived
                p.ids.extend(event_ids)
                self._written.pop(ident, None)  # the next report is written
            return
        with self._lock:  # its pushes noted before go in with it (in their order)
            earlier = self._pushed.pop((who.office, who.ws), None)
        if earlier is not None:
            arrived += earlier.arrived
            event_ids = earlier.ids + list(event_ids)
        with self.hub.tx() as c:
            self._ensure(c, who)
            self._apply_pending(c, who)
            c.execute(
                update(status_t)
                .where(status_t.c.office == who.office, status_t.c.ws == who.ws)
                .values(last_push_at=utcnow(), events_arrived=status_t.c.events_arrived + arrived)
            )
            held = c.execute(
                select(refused_t.c.event_id)
                .where(refused_t.c.office == who.office, refused_t.c.ws == who.ws)
                .limit(1)
            ).first()
            accepted = [i for i in event_ids if i not in refused] if held is not None else []
            for i in range(0, len(accepted), 500):  # an event sent again and taken: no longer refused
                c.execute(delete(refused_t).where(refused_t.c.event_id.in_(accepted[i : i + 500])))
            for r in result.refused:
                c.execute(delete(refused_t).where(refused_t.c.event_id == r["id"]))
                c.execute(
                    insert(refused_t).values(
                        event_id=str(r["id"])[:36],
                        office=who.office,
                        ws=who.ws,
                        case_number=str(r.get("case", ""))[:40],
                        code=str(r.get("code", ""))[:40],
                        reason=str(r.get("reason", ""))[:500],
                        at=utcnow(),
                    )
                )
        with self._lock:
            self._written.pop((who.office, who.ws), None)  # the next report is written

    def record_scan(self, who: Principal) -> None:
        """A scan's upload completed."""
        if who.role != "workstation":
            return
        with self.hub.tx() as c:
            self._ensure(c, who)
            self._apply_pending(c, who)
            c.execute(
                update(status_t)
                .where(status_t.c.office == who.office, status_t.c.ws == who.ws)
                .values(scans_arrived=status_t.c.scans_arrived + 1)
            )
        with self._lock:
            self._written.pop((who.office, who.ws), None)

    def _ensure(self, c, who: Principal) -> None:
        self._ensure_row(c, who.office, who.ws)

    def _ensure_row(self, c, office: str, ws: str) -> None:  # noqa: ANN001
        where = (status_t.c.office == office, status_t.c.ws == ws)
        if c.execute(select(status_t.c.office).where(*where)).first() is None:
            # another hub process may make the row at the same moment: neither loses its report
            self.hub.insert_ignore(c, status_t, {"office": office, "ws": ws})

    def _upsert(self, who: Principal, values: dict) -> None:
        with self.hub.tx() as c:
            self._ensure(c, who)
            c.execute(
                update(status_t)
                .where(status_t.c.office == who.office, status_t.c.ws == who.ws)
                .values(**values)
            )

    # --- reading (the console) ------------------------------------------------------------------------
    def overview(self) -> list[dict]:
        """Every window the hub knows (by a workstation token, a report or a case), in office and
        workstation order."""
        self.flush()  # what this process noted (pushes, pulls' times) is on the page at once
        rows: dict[tuple[str, str], dict] = {}

        def row(office: str, ws: str) -> dict:
            return rows.setdefault(
                (office, ws),
                {
                    "office": office,
                    "ws": ws,
                    "office_name": "",
                    "window": "",
                    "token": "",
                    "token_used": "",
                    "last_pull": "",
                    "last_push": "",
                    "skew_ms": None,
                    "events_waiting": None,
                    "scans_waiting": None,
                    "reported_at": "",
                    "refused": 0,
                    "refused_last": "",
                    "cases": 0,
                    "chain": None,  # the audit chain's state (sync.hub.audit_store): ok, broken, unchained
                },
            )

        now = datetime.now(UTC)
        with self.hub.ro() as c:
            for t in c.execute(select(token_t).where(token_t.c.role == "workstation").order_by(token_t.c.id)):
                expired = bool(t.expires_at) and datetime.fromisoformat(t.expires_at) <= now
                r = row(t.office, t.ws)
                if not t.revoked_at and not expired:
                    r["token"] = "live"
                elif not r["token"]:
                    r["token"] = "revoked" if t.revoked_at else "expired"
                r["token_used"] = max(r["token_used"], t.last_used_at)
            for s in c.execute(select(status_t)):
                r = row(s.office, s.ws)
                r.update(
                    office_name=s.office_name,
                    window=s.window,
                    last_pull=s.last_pull_at,
                    last_push=s.last_push_at,
                    skew_ms=s.skew_ms,
                    reported_at=s.reported_at,
                    events_waiting=None
                    if s.events_waiting is None
                    else max(0, s.events_waiting - s.events_arrived),
                    scans_waiting=None
                    if s.scans_waiting is None
                    else max(0, s.scans_waiting - s.scans_arrived),
                )
            for office, ws, n, last in c.execute(
                select(refused_t.c.office, refused_t.c.ws, func.count(), func.max(refused_t.c.at)).group_by(
                    refused_t.c.office, refused_t.c.ws
                )
            ):
                r = row(office, ws)
                r["refused"], r["refused_last"] = n, last
            for office, ws, n in c.execute(
                select(case_t.c.office, case_t.c.ws, func.count()).group_by(case_t.c.office, case_t.c.ws)
            ):
                row(office, ws)["cases"] = n
            from sync.hub.audit_store import chain_states

            for (office, ws), chain in chain_states(c).items():
                row(office, ws)["chain"] = chain
        for r in rows.values():
            # the last time the window reached the hub: its report, else its token's last use
            r["last_sync"] = max(r["last_pull"], r["last_push"]) or r["token_used"]
        return [rows[k] for k in sorted(rows)]

    def refused(self, office: str, ws: str, limit: int = 50) -> list[dict]:
        with self.hub.ro() as c:
            return [
                dict(r._mapping)
                for r in c.execute(
                    select(refused_t)
                    .where(refused_t.c.office == office, refused_t.c.ws == ws)
                    .order_by(refused_t.c.at.desc())
                    .limit(limit)
                )
            ]

    def forwarding(self) -> dict:
        """The provincial forwarding backlog: events of province-level cases not yet forwarded,
        the province's refusals, and the cursors."""
        with self.hub.ro() as c:
            meta = {r.key: r.value for r in c.execute(select(meta_t))}
            cursor = int(meta.get("forward_cursor") or 0)
            backlog, oldest = c.execute(
                select(func.count(), func.min(event_t.c.received_at))
                .select_from(event_t.join(case_t, case_t.c.number == event_t.c.case_number))
                .where(event_t.c.seq > cursor, case_t.c.level == "province", event_t.c.via != "upstream")
            ).one()
            refused = [dict(r._mapping) for r in c.execute(select(refused_up_t).limit(50))]
            n_refused = c.execute(select(func.count()).select_from(refused_up_t)).scalar()
            province_cases = c.execute(
                select(func.count()).select_from(case_t).where(case_t.c.level == "province")
            ).scalar()
            # the forwarder's lease (sync.hub.lease): who forwards, whichever process this is
            lease = c.execute(select(lease_t).where(lease_t.c.name == "forwarder")).first()
        holder, until = "", ""
        if lease is not None and lease.holder and lease.expires_at:
            holder = lease.holder
            until = datetime.fromtimestamp(lease.expires_at, UTC).isoformat(timespec="milliseconds")
        return {
            "lease_holder": holder,
            "lease_until": until,
            "last_forwarded_at": meta.get("forward_last_at", ""),
            "last_forwarded_n": int(meta.get("forward_last_n") or 0),
            "backlog": int(backlog or 0),
            "oldest": oldest or "",
            "refused": refused,
            "n_refused": int(n_refused or 0),
            "cursor": cursor,
            "upstream_cursor": int(meta.get("upstream_cursor") or 0),
            "seq": int(meta.get("seq") or 0),
            "province_cases": int(province_cases or 0),
        }
