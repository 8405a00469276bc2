"""A case's state, derived from its events by one deterministic rule (window and hub alike).

Pure: no I/O. Both sides hold a *set* of events per case (deduplicated by ``event_id``)
and call :func:`derive`; the result depends only on that set, never on arrival order,
duplicates or wall clocks.

Ordering rule (docs/sync-protocol.md, "Ordering"):

* every event carries ``lc``, a per-case Lamport clock: 1 + the highest ``lc`` among the
  events of that case its author had seen when writing it (``case.created`` is 1);
* events are folded in the order ``(lc, rank(kind), event_id)``; ``rank`` puts, among
  concurrent events (same ``lc``), the window's intake decisions first, then the back
  office's interim steps, then its final decisions, then hand-out, then withdrawal.

Conflict rules (recorded, never silently dropped):

* ``superseded`` — an event that does not fit the state reached at its place in the order
  (for example 撤回 at the window while the back office decided 办结 concurrently: the
  decision ranks first, so the withdrawal no longer fits). It is kept in the history but
  changes nothing; the clerk sees it with the state that prevailed.
* ``concurrent`` — two or more events with the same ``lc`` from different authors that
  both changed the state. Both applied in rank order; recorded so the clerk can check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from app.domain import lifecycle

WITHDRAWN: Final = lifecycle.WITHDRAWN

# Kinds of case events and the transition table: one table, in app.domain.lifecycle.
CREATED: Final = lifecycle.EVENT_CREATED
NOTIFIED: Final = lifecycle.EVENT_NOTIFIED
ACCEPTED: Final = lifecycle.EVENT_ACCEPTED
REFUSED: Final = lifecycle.EVENT_REFUSED
IN_REVIEW: Final = lifecycle.EVENT_IN_REVIEW
CORRECTION_REQUESTED: Final = lifecycle.EVENT_CORRECTION_REQUESTED
COMPLETED: Final = lifecycle.EVENT_COMPLETED
DENIED: Final = lifecycle.EVENT_DENIED
DELIVERED: Final = lifecycle.EVENT_DELIVERED
WITHDRAWN_EVENT: Final = lifecycle.EVENT_WITHDRAWN
ATTACHMENT_ADDED: Final = lifecycle.EVENT_ATTACHMENT_ADDED
NOTE: Final = lifecycle.EVENT_NOTE
UNMASKED: Final = lifecycle.EVENT_UNMASKED
COURIER_KINDS: Final = lifecycle.COURIER_KINDS
EVALUATION_KINDS: Final = lifecycle.EVALUATION_KINDS

TRANSITIONS: Final = lifecycle.TRANSITIONS
NO_STATE_CHANGE: Final = lifecycle.NO_STATE_CHANGE
KNOWN_KINDS: Final = frozenset(TRANSITIONS) | NO_STATE_CHANGE

RANK: Final[Mapping[str, int]] = {
    CREATED: 0,
    NOTIFIED: 1,
    ACCEPTED: 1,
    REFUSED: 1,
    IN_REVIEW: 2,
    CORRECTION_REQUESTED: 2,
    COMPLETED: 3,
    DENIED: 3,
    DELIVERED: 4,
    WITHDRAWN_EVENT: 5,
    ATTACHMENT_ADDED: 6,
    NOTE: 6,
    UNMASKED: 6,
    **dict.fromkeys(COURIER_KINDS, 6),  # no state change: their place among equals is moot
    **dict.fromkeys(EVALUATION_KINDS, 6),
}

# Decisions the back office sends (POST /api/v1/cases/{number}/events); the window may not.
BACKOFFICE_KINDS: Final = frozenset({IN_REVIEW, CORRECTION_REQUESTED, COMPLETED, DENIED, NOTE})
# What a workstation may push.
WINDOW_KINDS: Final = frozenset(
    {CREATED, NOTIFIED, ACCEPTED, REFUSED, DELIVERED, WITHDRAWN_EVENT, ATTACHMENT_ADDED, NOTE, UNMASKED}
    | COURIER_KINDS
    | EVALUATION_KINDS
)
# Sync priority on a slow link: lower goes first (attachments' bytes go after all events).
PRIORITY_DECISION: Final = 0


@dataclass(frozen=True)
class Event:
    event_id: str
    kind: str
    lc: int
    origin: str  # "OFFICE/WS" for a window, "backoffice:NAME", "hub:NAME"
    payload: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Conflict:
    rule: str  # "superseded" | "concurrent"
    event_id: str
    kind: str
    origin: str
    state_then: str | None  # the state the event met
    prevailing: str  # the event_id that prevailed (concurrent / superseding)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "event_id": self.event_id,
            "kind": self.kind,
            "origin": self.origin,
            "state_then": self.state_then,
            "prevailing": self.prevailing,
        }


@dataclass(frozen=True)
class CaseView:
    state: str | None
    lc: int  # the highest lc seen: the next event by anyone gets lc + 1
    applied: tuple[str, ...]  # event ids that changed the state, in order
    conflicts: tuple[Conflict, ...]
    reason: str = ""  # reason of the last state change that gave one (refusal, denial, 补正)
    last_kind: str | None = None
    last_payload: Mapping[str, Any] = field(default_factory=dict)


def order_key(e: Event) -> tuple[int, int, str]:
    return (e.lc, RANK.get(e.kind, 9), e.event_id)


def dedupe(events: Iterable[Event]) -> list[Event]:
    """One event per event_id (the first seen: ids are unique by contract), in fold order."""
    seen: dict[str, Event] = {}
    for e in events:
        seen.setdefault(e.event_id, e)
    return sorted(seen.values(), key=order_key)


def fits(state: str | None, kind: str) -> bool:
    if kind in NO_STATE_CHANGE:
        return True
    rule = TRANSITIONS.get(kind)
    return rule is not None and state in rule[0]


def derive(events: Iterable[Event]) -> CaseView:
    """The state of a case from the set of its events (any order, duplicates allowed)."""
    ordered = dedupe(events)
    state: str | None = None
    applied: list[str] = []
    conflicts: list[Conflict] = []
    reason, last_kind, last_payload = "", None, {}
    last_change: Event | None = None
    max_lc = 0
    for e in ordered:
        max_lc = max(max_lc, e.lc)
        if e.kind in NO_STATE_CHANGE:
            continue
        rule = TRANSITIONS.get(e.kind)
        if rule is None or state not in rule[0]:
            conflicts.append(
                Conflict(
                    "superseded",
                    e.event_id,
                    e.kind,
                    e.origin,
                    state,
                    last_change.event_id if last_change else "",
                )
            )
            continue
        if last_change is not None and last_change.lc == e.lc and last_change.origin != e.origin:
            conflicts.append(
                Conflict("concurrent", e.event_id, e.kind, e.origin, state, last_change.event_id)
            )
        state = rule[1]
        applied.append(e.event_id)
        last_change, last_kind, last_payload = e, e.kind, dict(e.payload)
        r = e.payload.get("reason") if isinstance(e.payload, Mapping) else None
        reason = r if isinstance(r, str) else ""
    return CaseView(state, max_lc, tuple(applied), tuple(conflicts), reason, last_kind, last_payload)


def next_lc(events: Iterable[Event]) -> int:
    return max((e.lc for e in events), default=0) + 1
