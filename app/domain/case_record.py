"""What a case's record must say, derived from its events: the check that binds ``case_record``
(what the screens and receipts show) to the audit chain (which covers only the events).

Pure rules, no I/O. The window writes a case's record in the transaction that appends its
events, by exactly these rules (app.services.intake.write_decisions, and
app.services.sync.outbox.refresh_case after events that came from elsewhere):

* ``case.created`` names the case: its uid, subject, catalogue version, time limits, the office,
  workstation and clerk (the event's author) and the time it was made;
* each of the window's intake decisions (``case.notified``, ``case.accepted``,
  ``case.refused``) carries the applicant, the materials as marked and the reason or remarks,
  and an acceptance its dates (accepted on, promised date, 容缺 deadline); the record holds the
  last one's;
* the state is the fold of the case's events (app.domain.case_state.derive, the rule the hub
  uses too), with the Lamport clocks the window gives its events;
* a 补正 the back office asks for marks the materials it names as not acceptable
  (apply_correction).

Where honest histories may legitimately leave one of several values, every one of them is
accepted (``Expected.also``): the reason after events that crossed (the window keeps the
reason of the change it had applied when a concurrent one arrives), the materials after a
补正 (marked only when the 补正 was the latest change as it arrived), the state while an event
the clerk set aside has not been folded out yet. Events of stores older than these payloads
(no applicant, no materials) leave those fields unchecked: nothing is derived from nothing.
The record's ``window`` (the window's name), ``updated_at`` and ``revision`` are bookkeeping
that no event carries; they are not checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from app.domain import case_state as cs

# The window's intake decisions: written together with the record's applicant, materials, reason.
DECISIONS = frozenset({cs.NOTIFIED, cs.ACCEPTED, cs.REFUSED})
# Changes after which the window takes the reason the fold gives (the back office's reasons of
# 不予许可 / 补正 / 办结, or a refusal): refresh_case's rule.
REASON_FROM_FOLD = (cs.DENIED, cs.CORRECTION_REQUESTED, cs.REFUSED, cs.COMPLETED)
# Kinds whose payload the derivation reads (the others: only their kind, clock and author).
PAYLOAD_KINDS = frozenset({cs.CREATED} | DECISIONS | set(REASON_FROM_FOLD))
PULLED = "pulled"  # the sync status of an event that came down from the hub
SET_ASIDE = "set_aside"  # a refused event the clerk chose not to send: out of the fold

# The record's fields that are checked, by the column that holds them.
APPLICANT_FIELDS = ("kind", "name", "id_number", "phone", "address")
CREATED_FIELDS = (
    "uid",
    "subject_kind",
    "subject_code",
    "subject_name",
    "catalogue_version",
    "promised_days",
    "legal_days",
)
ACCEPT_FIELDS = ("accepted_on", "due_date", "due_provisional", "tolerated_until")
FIELDS = (
    "state",
    "reason",
    *(f"applicant_{k}" for k in APPLICANT_FIELDS),
    *CREATED_FIELDS,
    "office_code",
    "workstation_id",
    "clerk",
    "created_at",
    "created_on",
    *ACCEPT_FIELDS,
    "marks",
)
EVENTS = "events"  # the pseudo-field of a record no event stands behind


class RecordEvent(NamedTuple):
    """One event of a case as the derivation reads it (in local append order)."""

    event_id: str
    kind: str
    lc: int | None  # the clock its sync row holds (sent or pulled), else None
    origin: str  # as the hub named it (sync row), else ""
    status: str  # its sync status: "" (not sent), acked, refused, set_aside, pulled
    # read for PAYLOAD_KINDS only: as stored (canonical JSON text, app.domain.audit_chain.
    # payload_text: what quick() reads) or parsed
    payload: Mapping[str, Any] | str | None
    actor: str
    office: str
    ws: str
    at: str  # ISO 8601 UTC with milliseconds (app.domain.audit_chain.iso_at)


@dataclass(frozen=True)
class Derived:
    """What a record must hold: ``values`` by field (those the events determine), and for a
    few fields the other values an honest history may have left (``also``)."""

    values: dict[str, Any]
    also: dict[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Mismatch:
    case: str  # the case number
    field: str  # one of FIELDS, or EVENTS
    stored: Any
    derived: Any
    kind: str = ""  # the applicant's kind (person / enterprise): how an ID number is masked

    def to_json(self) -> dict[str, Any]:
        return {"case": self.case, "field": self.field, "stored": self.stored, "derived": self.derived}


_TRANSITIONS = cs.TRANSITIONS
_NO_CHANGE = cs.NO_STATE_CHANGE


def fold(events: Iterable[RecordEvent], *, set_aside: bool = False) -> cs.CaseView:
    """The case's state as the window derives it (app.services.sync.outbox.case_events): a local
    event's clock is 1 + the highest before it in local order, unless its sync row holds one;
    set-aside events are left out (``set_aside=True``: kept, as before the clerk set them aside).
    Only the kinds that change the state are passed to the fold: the others change nothing."""
    top = 0
    folded = []
    for e in events:
        if e.status == SET_ASIDE and not set_aside:
            continue
        lc = e.lc or top + 1
        top = max(top, lc)
        if e.kind in _NO_CHANGE:
            continue
        folded.append(cs.Event(e.event_id, e.kind, lc, e.origin or f"{e.office}/{e.ws}", _fields(e)))
    return cs.derive(folded)


def _fold_in_order(events: Sequence[RecordEvent]) -> tuple[str | None, list[int], str | None] | None:
    """fold() where it is plain: when every clock is higher than all before it in local order
    (a window's own history, and the back office's decisions as they came), the fold's order
    (clock, rank, id) is the local order, so the table is applied in it. (state, positions of
    the events applied, last kind applied); None for any other history (set-aside events, or
    clocks that cross: concurrent changes), which fold() takes."""
    top = 0
    state: str | None = None
    applied: list[int] = []
    last: str | None = None
    for i, e in enumerate(events):
        if e.status == SET_ASIDE:
            return None
        lc = e.lc or top + 1
        if lc <= top:
            return None
        top = lc
        kind = e.kind
        if kind in _NO_CHANGE:
            continue
        rule = _TRANSITIONS.get(kind)
        if rule is None or state not in rule[0]:
            continue  # does not fit: superseded, changes nothing
        state = rule[1]
        applied.append(i)
        last = kind
    return state, applied, last


def apply_correction(marks: Sequence[Mapping[str, Any]], payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The materials after the back office's 补正 (``case.correction_requested``): each material
    it names becomes 不符合要求 (defective) with its note; one the list lacked is added."""
    out = [dict(m) if isinstance(m, Mapping) else m for m in marks]
    asked = {
        str(m.get("k")): str(m.get("note") or "")[:200]
        for m in payload.get("materials") or ()
        if isinstance(m, Mapping) and m.get("k")
    }
    by_key = {m.get("k"): m for m in out if isinstance(m, dict)}
    for key, note in asked.items():
        mark = by_key.get(key)
        if mark is None:
            mark = {"k": key}
            out.append(mark)
            by_key[key] = mark
        mark.update(s="defective", n=note)
        mark.pop("f", None)
        mark.pop("c", None)
    return out


def _fields(e: RecordEvent) -> Mapping[str, Any]:
    """The payload as a mapping ({} for none): what the folds read once _parsed() has turned the
    stored text into a dict (a type-checker's view of `e.payload or {}`, same value)."""
    return cast("Mapping[str, Any]", e.payload or {})


def _own_decision(e: RecordEvent) -> bool:
    return e.kind in DECISIONS and e.status != PULLED


def _reason_of(e: RecordEvent) -> str | None:
    """The reason a change leaves on the record: a window decision's reason or remarks (None
    when its payload does not say: an old store's), else the payload's reason or ""."""
    r = _fields(e).get("reason")
    if isinstance(r, str):
        return r
    return None if _own_decision(e) else ""


def _day(number: str) -> str | None:
    """The day in a case number (OFFICE-WS-YYMMDD-SEQ-C): the record's created_on."""
    parts = number.split("-")
    if len(parts) != 5 or len(parts[2]) != 6 or not parts[2].isdigit():
        return None
    d = parts[2]
    return f"20{d[:2]}-{d[2:4]}-{d[4:6]}"


def _parsed(e: RecordEvent) -> RecordEvent:
    if not isinstance(e.payload, str):
        return e
    try:
        p = json.loads(e.payload)
    except ValueError:
        p = None
    return e._replace(payload=p if isinstance(p, dict) else None)


# complexity: one fold over the event kinds, each setting its fields
def derive(number: str, events: Sequence[RecordEvent]) -> Derived:  # noqa: C901
    """What the record of the case ``number`` must hold; a field its events do not determine
    (an old store's payloads) is left out."""
    events = [_parsed(e) for e in events]
    values: dict[str, Any] = {}
    also: dict[str, tuple[Any, ...]] = {}
    created = applicant_at = marks_at = accepted_at = None
    reasons: set[str] = set()
    has_set_aside = False
    for i, e in enumerate(events):
        kind = e.kind
        if kind == cs.CREATED:
            if created is None:
                created = e
        elif kind in DECISIONS and e.status != PULLED:
            p = _fields(e)
            if isinstance(p.get("applicant"), Mapping):
                applicant_at = i
            if isinstance(p.get("marks"), list):
                marks_at = i
            if kind == cs.ACCEPTED:
                accepted_at = i
        if kind in DECISIONS or kind in REASON_FROM_FOLD:
            r = _reason_of(e)
            if r is not None:
                reasons.add(r)
        if e.status == SET_ASIDE:
            has_set_aside = True

    if created is not None:
        p = _fields(created)
        for k in CREATED_FIELDS:
            if k in p:
                values[k] = p[k]
        values["office_code"] = created.office
        values["workstation_id"] = created.ws
        values["clerk"] = created.actor
        values["created_at"] = created.at
    day = _day(number)
    if day is not None:
        values["created_on"] = day

    plain = None if has_set_aside else _fold_in_order(events)
    if plain is not None:
        state, applied, last_kind = plain
    else:
        view = fold(events)
        at = {e.event_id: i for i, e in enumerate(events)}
        state, applied, last_kind = view.state, [at[eid] for eid in view.applied], view.last_kind
        if has_set_aside:
            before = fold(events, set_aside=True).state
            if before is not None and before != state:
                also["state"] = (before,)
    if state is not None:
        values["state"] = state

    if applicant_at is not None:
        a = _fields(events[applicant_at])["applicant"]
        for k in APPLICANT_FIELDS:
            if k in a:
                values["applicant_" + k] = a[k]
    if accepted_at is not None:
        p = _fields(events[accepted_at])
        if "accepted_on" in p:
            values["accepted_on"] = p.get("accepted_on")
            values["due_date"] = p.get("due_date")
            values["due_provisional"] = bool(p.get("due_provisional"))
            values["tolerated_until"] = p.get("tolerated_until")
    elif applicant_at is not None:  # decided, never accepted: no dates
        values.update(accepted_on=None, due_date=None, due_provisional=False, tolerated_until=None)

    if marks_at is not None:
        base = _fields(events[marks_at])["marks"]
        asked = [i for i in applied if i > marks_at and events[i].kind == cs.CORRECTION_REQUESTED]
        overlays = [apply_correction(base, _fields(events[i])) for i in asked]
        if overlays and last_kind == cs.CORRECTION_REQUESTED:
            values["marks"] = overlays[-1]
            also["marks"] = (base, *overlays[:-1])
        else:
            values["marks"] = base
            if overlays:
                also["marks"] = tuple(overlays)

    # the reason of the last change (in fold order) that sets one
    for i in reversed(applied):
        e = events[i]
        if _own_decision(e) or e.kind in REASON_FROM_FOLD:
            r = _reason_of(e)
            if r is not None:
                values["reason"] = r
                others = reasons - {r}
                if others:
                    also["reason"] = tuple(sorted(others))
            break
    return Derived(values, also)


def _as_list(marks: Any) -> Any:
    """Materials given as JSON text, parsed (as found when it is not JSON: it cannot match)."""
    if isinstance(marks, str):
        try:
            return json.loads(marks)
        except ValueError:
            return marks
    return marks


def _same_marks(got: Any, want: Any, others: tuple[Any, ...]) -> bool:
    if got == want:  # text and text (nearly always), or lists
        return True
    got = _as_list(got)
    return got == _as_list(want) or any(got == _as_list(o) for o in others)


_ORDER = {k: i for i, k in enumerate(FIELDS)}


def compare(number: str, stored: Mapping[str, Any], derived: Derived) -> list[Mismatch]:
    """Every field of the stored record (as derive() gives values: dates and times as ISO
    text; the materials as a list or as its JSON text) that its events do not allow, in
    FIELDS order."""
    values, also = derived.values, derived.also
    out = None
    for k, want in values.items():
        got = stored.get(k)
        if got == want:
            continue
        if k == "marks":
            if _same_marks(got, want, also.get(k, ())):
                continue
        elif k in also and got in also[k]:
            continue
        if out is None:
            out = []
        out.append(k)
    if out is None:
        return []
    kind = str(values.get("applicant_kind") or stored.get("applicant_kind") or "")
    found = []
    for k in sorted(out, key=_ORDER.__getitem__):
        got, want = stored.get(k), values[k]
        if k == "marks":  # shown as values, whatever form they came in
            got, want = _as_list(got), _as_list(want)
        found.append(Mismatch(number, k, got, want, kind))
    return found


def check(number: str, stored: Mapping[str, Any], events: Sequence[RecordEvent]) -> list[Mismatch]:
    """compare(derive()): the record of one case against its events; a record without any
    event is itself a mismatch (no history stands behind it)."""
    if not events:
        return [Mismatch(number, EVENTS, stored.get("state"), None)]
    return compare(number, stored, derive(number, events))


# --- the quick check -----------------------------------------------------------------------------------
# A store of a million events holds half a million cases: parsing every payload would cost more
# than the whole hash chain. The payloads are stored as canonical JSON (sorted keys, compact:
# app.domain.audit_chain.payload_text), so the store can look for the record's values in them
# as text, written as the payload writer writes them (app.store.audit.quick_records, in SQL).
# shape() says, from the kinds, clocks and sync states of a case's events alone, whether its
# history is plain enough for that, and where to look: the state the fold gives, and which
# events hold the record's values. Anything else (an old payload, a 补正 since the decision, an
# event set aside, clocks that cross, a value not found) goes to derive() and compare(), which
# decide and name the fields.
class Shape(NamedTuple):
    state: str  # what the fold gives
    created: int  # positions in the case's events (local order) of: case.created
    decision: int  # the last own decision (the applicant, the materials, and the dates if any)
    accepted: bool  # it is an acceptance (else the case was never accepted: no dates)
    decided: str  # the state it wrote in its payload
    reason: int  # the last change, in order, that sets the reason: the decision or a pulled one


_SHAPES: dict[tuple[Any, ...], Shape | None] = {}


def shape(history: tuple[tuple[str, int | None, str | None], ...]) -> Shape | None:
    """The Shape of a plain history ((kind, clock of its sync row, sync status) of each event,
    in local order), or None. Plain: no event set aside, every clock above all before it (the
    fold's order is the local order), a case.created, an own decision that is the case's only
    acceptance if it was ever accepted, no 补正 applied since (it may have marked the materials),
    and the reason set by that decision or by a pulled change after it. Remembered: a store has
    few distinct histories."""
    if history in _SHAPES:
        return _SHAPES[history]
    found = _shape(history)
    if len(_SHAPES) < 20_000:
        _SHAPES[history] = found
    return found


def _shape(history: tuple[tuple[str, int | None, str | None], ...]) -> Shape | None:
    top = 0
    state: str | None = None
    created = decision = reason = None
    accepts = 0
    corrected_after = False
    for i, (kind, lc, status) in enumerate(history):
        if status == SET_ASIDE:
            return None
        lc = lc or top + 1
        if lc <= top:
            return None
        top = lc
        own = kind in DECISIONS and status != PULLED
        if own:
            decision, corrected_after = i, False
            accepts += kind == cs.ACCEPTED
        if kind in _NO_CHANGE:
            if kind == cs.CREATED and created is None:
                created = i
            continue
        rule = _TRANSITIONS.get(kind)
        if rule is None or state not in rule[0]:
            continue  # does not fit: superseded, changes nothing
        state = rule[1]
        if own or kind in REASON_FROM_FOLD:
            reason = i
        if kind == cs.CORRECTION_REQUESTED and decision is not None:
            corrected_after = True
    if state is None or created is None or decision is None or reason is None or corrected_after:
        return None
    kind = history[decision][0]
    accepted = kind == cs.ACCEPTED
    if (
        (accepts and not accepted)
        or reason < decision
        or (reason != decision and history[reason][2] != PULLED)
    ):
        return None
    return Shape(state, created, decision, accepted, _TRANSITIONS[kind][1], reason)
