"""What follows an event on the hub, in one place: event kind -> reactions.

The store that records events (sync.hub.cases.Cases.save_case, called by a window's push, a
back-office decision and the province's decisions alike) runs the reactions of the kinds it
recorded, inside the same transaction: the console's queue never disagrees with the case it
shows, whatever crashes when. A new reaction is a function here and a line in REACTIONS.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from app.domain import case_state as cs
from sync.hub import queue


@dataclass(frozen=True)
class CaseChange:
    """A case as saved after new events: its row's values, its whole history, the fold."""

    info: dict
    events: Sequence[cs.Event]
    view: cs.CaseView
    new_kinds: frozenset[str]
    is_new: bool


@dataclass
class Pending:
    """Writes the reactions collected over one push, made once before it commits (one insert
    for all the new cases' queue rows instead of one a case)."""

    queue_rows: list[dict] = field(default_factory=list)  # of new cases
    replaced: dict[str, list[dict]] = field(default_factory=dict)  # cases held: number -> its rows

    def flush(self, c: Connection, insert_many=None) -> None:  # noqa: ANN001 (HubDB.insert_many)
        counts: Counter = Counter()  # both kinds' counts in one pass (one lock order)
        if self.replaced:  # one delete and one insert for all the cases held
            rows = [r for rs in self.replaced.values() for r in rs]
            queue.write_queue(c, list(self.replaced), rows, insert_many=insert_many, counts=counts)
            self.replaced = {}
        if self.queue_rows:  # the counts follow the rows, whichever way they are inserted
            queue.write_queue(c, (), self.queue_rows, fresh=True, insert_many=insert_many, counts=counts)
            self.queue_rows = []
        queue.add_counts(c, counts)


Reaction = Callable[[Connection, object, CaseChange, "Pending | None"], None]


def requeue(c: Connection, docs: object, change: CaseChange, pending: Pending | None) -> None:
    """The case's rows of the console's queue (one per department that decides it)."""
    rows = queue.queue_rows(docs, change.info, change.events, change.view)
    if change.is_new and pending is not None:
        pending.queue_rows.extend(rows)
    elif pending is not None:
        pending.replaced[change.info["number"]] = rows
    else:
        queue.write_queue(c, (change.info["number"],), rows, fresh=change.is_new)


# The queue follows the events that change a case's state (its stage, its acceptance): the
# others (notes, attachments, courier and evaluation events, unmasking) leave it as it is.
REACTIONS: Mapping[str, tuple[Reaction, ...]] = {
    **{kind: (requeue,) for kind in cs.TRANSITIONS},
    **{kind: () for kind in cs.NO_STATE_CHANGE},
}


def react(c: Connection, docs: object, change: CaseChange, pending: Pending | None = None) -> None:
    """Run, once each, the reactions of the kinds ``change`` recorded, in transaction ``c``.
    ``docs`` gives the catalogues (sync.hub.documents.Documents)."""
    todo = dict.fromkeys(r for kind in sorted(change.new_kinds) for r in REACTIONS.get(kind, ()))
    for reaction in todo:
        reaction(c, docs, change, pending)
