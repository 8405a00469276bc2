"""The hub's reactions (sync.hub.reactions): what follows each event kind, in one table, run in
the transaction that records the event; and the one check of a back-office decision
(sync.hub.decisions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain import case_state as cs
from app.services.sync import outbox as local
from sync import protocol
from sync.hub import decisions, reactions
from sync.hub.principal import Principal, Refusal
from sync.hub.queue import rebuild_queue
from sync.hub.schema import case_t, queue_t
from sync.hub.store import open_hub
from tests.hubs import OFFICE, WSID, make_workstation


def test_every_event_kind_says_what_follows_it():
    """A new kind of event cannot slip past the queue: it has a line in the table (maybe empty)."""
    assert set(reactions.REACTIONS) == set(cs.KNOWN_KINDS)
    for kind in cs.TRANSITIONS:  # what changes a case's state moves it in the console's queue
        assert reactions.requeue in reactions.REACTIONS[kind]


def test_the_decision_check_says_changed_before_it_says_no_longer_fits():
    with pytest.raises(Refusal) as e:
        decisions.check_decision("N", "completed", cs.IN_REVIEW, seen=3, version=4)
    assert e.value.code == "changed"
    with pytest.raises(Refusal) as e:
        decisions.check_decision("N", "completed", cs.IN_REVIEW, seen=4, version=4)
    assert e.value.code == "invalid_transition"
    decisions.check_decision("N", "accepted", cs.IN_REVIEW, seen=None, version=9)  # not asked: fits
    with pytest.raises(Refusal) as e:
        decisions.check_kind(cs.ACCEPTED)
    assert e.value.code == "kind_not_allowed"
    assert decisions.may_decide(["A", "B"], ("B",)) and not decisions.may_decide(["A"], ["B"])


def _queue(hub) -> list[tuple]:
    with hub.ro() as c:
        return [tuple(r) for r in c.execute(select(queue_t).order_by(queue_t.c.number, queue_t.c.department))]


def test_the_queue_the_reactions_keep_is_the_queue_the_history_gives(tmp_path: Path, hub_db):
    """Pushes, decisions, notes and a refused decision: after each, the rows the reactions wrote
    in the recording transaction equal a rebuild of every case's queue from its events."""
    ws = make_workstation(tmp_path / "ws", "http://127.0.0.1:9", "none", cases=16, seed=5)
    hub = open_hub(tmp_path / "hub", hub_db)
    try:
        batch = local.next_batch(ws.store, max_events=100_000, max_bytes=10**9)
        res = hub.push(Principal("workstation", OFFICE, WSID, ""), [protocol.parse_event(e) for e in batch])
        assert not res.refused
        with hub.ro() as c:
            accepted = c.execute(select(case_t).where(case_t.c.state == "accepted")).all()
        assert len(accepted) >= 2, "the seed accepts some cases"
        before = _queue(hub)
        assert before
        boss = Principal("backoffice", "", "", "审批科")
        first, second = accepted[0], accepted[1]
        hub.backoffice_event(boss, first.number, cs.IN_REVIEW, {}, "审批科")
        moved = _queue(hub)
        assert moved != before  # the first case moved to review
        hub.backoffice_event(boss, second.number, cs.NOTE, {"text": "请补充说明"}, "审批科")
        assert _queue(hub) == moved  # a note leaves the queue as it was
        hub.backoffice_event(boss, first.number, cs.COMPLETED, {}, "审批科")
        with pytest.raises(Refusal):  # a decision that does not fit: nothing written
            hub.backoffice_event(boss, first.number, cs.IN_REVIEW, {}, "审批科")
        kept = _queue(hub)
        assert kept != moved  # the first case is done
        with hub.tx() as c:
            rebuild_queue(c, hub.docs)
        assert _queue(hub) == kept
    finally:
        hub.close()
