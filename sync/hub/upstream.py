"""Forwarding upstream (county -> province): events of province-level cases go up, the
province's decisions come back down."""

from __future__ import annotations

import json

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from sync import protocol
from sync.hub import news
from sync.hub.cases import CONFLICT_NOTE_AUTHOR, Cases, wire_row
from sync.hub.db import HubDB, utcnow
from sync.hub.events import case_workstation
from sync.hub.schema import case_t, event_t, refused_up_t


class Upstream:
    def __init__(self, db: HubDB, cases: Cases) -> None:
        self.db, self.cases = db, cases

    def forward_batch(self, limit: int = 500) -> tuple[int, list[protocol.WireEvent]]:
        """Events of province-level cases not yet forwarded: (highest seq looked at, events)."""
        cursor = int(self.db.meta("forward_cursor") or 0)
        with self.db.ro() as c:
            # the top first: a push committing between the two reads would be passed over
            safe = self.db.top(c)
            rows = c.execute(
                select(event_t)
                .join(case_t, case_t.c.number == event_t.c.case_number)
                .where(
                    event_t.c.seq > cursor,
                    event_t.c.seq <= safe,
                    case_t.c.level == "province",
                    event_t.c.via != "upstream",
                    event_t.c.author != CONFLICT_NOTE_AUTHOR,
                )
                .order_by(event_t.c.seq)
                .limit(limit)
            ).all()
            top = max(cursor, safe) if len(rows) < limit else rows[-1].seq
        return top, [protocol.parse_event(wire_row(r)) for r in rows]

    def forward_done(self, top: int, refused: list[dict], sent: int = 0) -> None:
        """The province answered a batch (``sent`` events; 0: nothing to send up to ``top``)."""
        with self.db.tx() as c:
            if sent:  # for the console of every process (the standby's forwarder sent nothing)
                self.db.set_meta(c, "forward_last_at", utcnow())
                self.db.set_meta(c, "forward_last_n", str(sent))
            for r in refused:
                c.execute(delete(refused_up_t).where(refused_up_t.c.event_id == r["id"]))
                c.execute(
                    insert(refused_up_t).values(
                        event_id=r["id"],
                        case_number=r.get("case", ""),
                        code=r.get("code", ""),
                        reason=r.get("reason", ""),
                    )
                )
            cur = int(self.db.meta("forward_cursor", c) or 0)
            self.db.set_meta(c, "forward_cursor", str(max(cur, top)))

    def apply_upstream(self, events: list[dict], cursor: int) -> int:
        """Decisions pulled from the province, applied with the upstream cursor in one transaction."""
        parsed = [(protocol.parse_event(e), str(e.get("by") or "upstream")) for e in events]
        with self.db.tx() as c:
            # the cases' windows are locked as a push of theirs locks them (sync.hub.events reads
            # a batch's cases under these locks before it takes the seq counter)
            self.db.lock_keys(c, {case_workstation(e.case) for e, _by in parsed})
            n = self._apply_foreign(c, parsed)
            self.db.set_meta(c, "upstream_cursor", str(cursor))
        return n

    def _apply_foreign(self, c: Connection, events: list[tuple[protocol.WireEvent, str]]) -> int:
        """Events authored elsewhere (province back office) on cases we hold; idempotent."""
        n = 0
        for e, author in events:
            if c.execute(select(event_t.c.seq).where(event_t.c.event_id == e.id)).first() is not None:
                continue
            case = c.execute(select(case_t).where(case_t.c.number == e.case)).first()
            if case is None:
                continue
            if e.case_uid and e.case_uid != case.uid:  # another case under this number: never merged
                self.cases.uid_conflict(c, e, case.uid, e.case_uid)
                continue
            seq = self.db.next_seqs(c, 1)
            c.execute(
                insert(event_t).values(
                    seq=seq,
                    event_id=e.id,
                    case_number=e.case,
                    kind=e.kind,
                    lc=e.lc,
                    payload=json.dumps(e.p, ensure_ascii=False),
                    actor=e.actor,
                    office=e.office,
                    ws=e.ws,
                    at=e.at,
                    author=author,
                    via="upstream",
                    owner_office=case.office,
                    owner_ws=case.ws,
                    received_at=utcnow(),
                )
            )
            news.mark(c, {(case.office, case.ws)})
            self.cases.save_case(
                c,
                False,
                dict(case._mapping),
                self.cases.case_events(c, e.case),
                seq,
                new_kinds=frozenset({e.kind}),
            )
            n += 1
        return n
