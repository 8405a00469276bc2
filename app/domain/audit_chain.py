"""The hash chain over a workstation's append-only events (docs/audit-chain.md).

Plain rules, shared by the workstation (its store links each event as it is inserted,
`yichuang audit verify` checks the stored chain) and the hub (which checks each pushed event
against what it already holds of that workstation's chain).

Event number ``n`` (1, 2, 3 … in local append order) gets

    hash(n) = ALG ":" hex( ALG( prev(n) "\\n" canonical(n) ) ),   prev(1) = "",  prev(n) = hash(n-1)

where ``canonical`` is the compact JSON array ``[1, n, id, case, kind, actor, office, ws, at, p]``
(UTF-8, the payload ``p`` with sorted keys, ``at`` as ISO 8601 UTC with milliseconds): the same
bytes the wire carries, so the hub computes what the workstation computed. ALG is ``sm3``
(GB/T 32905, the default) or ``sha256``; it is named in every hash, so a chain may change
algorithm at any event and is still verified.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import Any, NamedTuple

FORMAT = 1  # first element of every canonical array: a new format gets a new number
ALGORITHMS = ("sm3", "sha256")
DEFAULT_ALGORITHM = "sm3"
GENESIS = ""  # prev of the first event

# what differs at a broken link (message keys audit.problem_<name>)
CONTENT = "content"  # the event's content no longer gives its stored hash
LINK = "link"  # its prev is not the hash of the event before it
SEQUENCE = "sequence"  # its number is not the next one: an event was deleted, inserted or moved
ALGORITHM = "algorithm"  # its hash names no known algorithm
CASE = "case"  # the event points to a case other than the one it names
FORK = "fork"  # (hub) two different events under one number
MISSING = "missing"  # (hub) an event without a link after chained ones


def _digest(alg: str) -> Callable[[bytes], str]:
    """``f(data) -> hex digest``. OpenSSL's SM3 through hashlib when it has one (copying a
    made object: hashlib.new("sm3") looks the algorithm up again each time, which costs more
    than the hash of a short event), else cryptography's."""
    if alg == "sha256":
        sha256 = hashlib.sha256
        return lambda data: sha256(data).hexdigest()
    try:
        base = hashlib.new("sm3")
    except ValueError:
        from cryptography.hazmat.primitives import hashes

        def sm3(data: bytes) -> str:
            h = hashes.Hash(hashes.SM3())
            h.update(data)
            return h.finalize().hex()

        return sm3
    copy = base.copy

    def sm3_openssl(data: bytes) -> str:
        h = copy()
        h.update(data)
        return h.hexdigest()

    return sm3_openssl


_DIGESTS: dict[str, Callable[[bytes], str]] = {}


def hasher(alg: str) -> Callable[[bytes], str]:
    """``f(data) -> hex digest`` for a chain algorithm; ValueError for an unknown one."""
    if alg not in ALGORITHMS:
        raise ValueError(f"unknown chain algorithm {alg!r} (known: {', '.join(ALGORITHMS)})")
    if alg not in _DIGESTS:
        _DIGESTS[alg] = _digest(alg)
    return _DIGESTS[alg]


def iso_at(at: datetime | str) -> str:
    """The instant as the wire and the chain carry it: ISO 8601 UTC, milliseconds."""
    if isinstance(at, str):
        return at
    if at.tzinfo is None:  # the store keeps UTC without its zone
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


def payload_text(p: Any) -> str:
    """The payload as canonical JSON: sorted keys, compact, UTF-8 (never \\u escapes)."""
    return json.dumps(p, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


_esc = encode_basestring  # a JSON string, as json.dumps(ensure_ascii=False) writes it (C)


def canonical(
    n: int, event_id: str, case: str, kind: str, actor: str, office: str, ws: str, at: str, p_text: str
) -> bytes:
    """The bytes an event's hash covers; ``p_text`` is ``payload_text(p)``. Exactly the compact
    JSON array [FORMAT, n, id, case, kind, actor, office, ws, at, p] (written by hand: this
    runs a million times in `audit verify`)."""
    return (
        f"[{FORMAT},{int(n)},{_esc(event_id)},{_esc(case)},{_esc(kind)},{_esc(actor)},"
        f"{_esc(office)},{_esc(ws)},{_esc(at)},{p_text}]"
    ).encode()


def link(alg: str, prev: str, data: bytes) -> str:
    """hash(n) from prev(n) and canonical(n)."""
    return alg + ":" + hasher(alg)(prev.encode("ascii") + b"\n" + data)


def algorithm_of(h: str) -> str:
    return h.split(":", 1)[0] if ":" in h else ""


def wire_canonical(n: int, ev: dict[str, Any]) -> bytes:
    """canonical() of an event as the wire carries it (keys id, case, kind, actor, office, ws, at, p)."""
    return canonical(
        n,
        ev["id"],
        ev["case"],
        ev["kind"],
        ev.get("actor", ""),
        ev.get("office", ""),
        ev.get("ws", ""),
        ev["at"],
        payload_text(ev.get("p", {})),
    )


# --- linking new events ------------------------------------------------------------------------------
@dataclass
class Tip:
    """The end of a chain: the last number and its hash (0 and GENESIS for an empty chain)."""

    n: int = 0
    hash: str = GENESIS

    def append(self, alg: str, make: Callable[[int], bytes]) -> tuple[int, str, str]:
        """(n, prev, hash) for the next event, whose canonical bytes ``make(n)`` gives; moves the tip."""
        n, prev = self.n + 1, self.hash
        h = link(alg, prev, make(n))
        self.n, self.hash = n, h
        return n, prev, h


# --- verifying a stored chain --------------------------------------------------------------------------
class Link(NamedTuple):
    """One stored event as verification reads it (local append order); verify() takes plain
    tuples laid out the same way too."""

    row: int  # local id (position in the table)
    n: int
    prev: str
    hash: str
    event_id: str
    case: str
    kind: str
    actor: str
    office: str
    ws: str
    at: str
    p_text: str
    case_ok: bool = True  # the local case it points to has the number it names


@dataclass(frozen=True)
class Break:
    position: int  # 1-based position in local append order
    row: int
    event_id: str
    n: int
    problem: str  # CONTENT, LINK, SEQUENCE, ALGORITHM, CASE, FORK, MISSING
    expected: str
    found: str

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "row": self.row,
            "event_id": self.event_id,
            "n": self.n,
            "problem": self.problem,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass
class Report:
    events: int = 0
    algorithms: dict[str, int] = field(default_factory=dict)
    tip: Tip = field(default_factory=Tip)
    first_break: Break | None = None

    @property
    def ok(self) -> bool:
        return self.first_break is None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.events,
            "algorithms": dict(self.algorithms),
            "last": {"n": self.tip.n, "hash": self.tip.hash},
            "first_break": self.first_break.to_json() if self.first_break else None,
        }


def check_one(link_: Link, position: int, expected_n: int, expected_prev: str) -> Break | None:
    """The first thing wrong with one stored event, given what the chain before it says."""
    return _check(link_, position, expected_n, expected_prev, {})


def _check(
    r: tuple[Any, ...], position: int, expected_n: int, expected_prev: str, fns: dict[str, Any]
) -> Break | None:
    """check_one() on a row tuple laid out as Link's fields (the hot path of verify())."""
    row, n, prev, h, event_id, case, kind, actor, office, ws, at, p_text, case_ok = r
    if n != expected_n:
        return Break(position, row, event_id, n, SEQUENCE, str(expected_n), str(n))
    if prev != expected_prev:
        return Break(position, row, event_id, n, LINK, expected_prev, prev)
    alg, _, _hex = h.partition(":")
    fn = fns.get(alg)
    if fn is None:
        if alg not in ALGORITHMS:
            return Break(position, row, event_id, n, ALGORITHM, "|".join(ALGORITHMS), alg)
        fn = fns[alg] = hasher(alg)
    try:
        data = canonical(n, event_id, case, kind, actor, office, ws, at, p_text)
        computed = alg + ":" + fn(prev.encode("ascii") + b"\n" + data)
    except (TypeError, AttributeError, UnicodeError):  # a value no writer stores (NULL, bytes…)
        return Break(position, row, event_id, n, CONTENT, h, "")
    if computed != h:
        return Break(position, row, event_id, n, CONTENT, computed, h)
    if not case_ok:
        return Break(position, row, event_id, n, CASE, case, "")
    return None


def verify(
    rows: Iterable[tuple[Any, ...]],
    progress: Callable[[int], None] | None = None,
    every: int = 100_000,
    *,
    start: int = 1,
    prev: str = GENESIS,
) -> Report:
    """Walk a stored chain in local order (Links, or tuples laid out as Link's fields); stop at
    the first broken link. ``start``/``prev``: a part of a chain, from position ``start``, after
    an event whose stored hash is ``prev`` (each event's check needs only its own row, its
    position and the hash stored before it, so parts can be checked apart and the earliest
    break is the chain's first)."""
    rep = Report()
    expected_prev = prev
    position = start - 1
    counts: dict[str, int] = {}
    fns: dict[str, Callable[[bytes], str]] = {}
    last: tuple[Any, ...] | None = None
    for position, r in enumerate(rows, start):  # noqa: B007 (position is read after the loop)
        found = _check(r, position, position, expected_prev, fns)
        if found is not None:
            rep.first_break = found
            break
        h = r[3]
        alg = h[: h.index(":")]
        counts[alg] = counts.get(alg, 0) + 1
        expected_prev = h
        last = r
        if progress is not None and position % every == 0:
            progress(position)
    rep.events = position - start + 1
    if last is not None:
        rep.tip = Tip(last[1], last[3])
    rep.algorithms = counts
    return rep


def merge(parts: list[Report]) -> Report:
    """One report from the reports of consecutive parts of a chain (in chain order)."""
    out = Report()
    for part in parts:
        for alg, k in part.algorithms.items():
            out.algorithms[alg] = out.algorithms.get(alg, 0) + k
        out.events += part.events
        if part.tip.n:
            out.tip = part.tip
        if part.first_break is not None:
            out.first_break = part.first_break
            return out  # later parts were checked too, but the chain is broken here first
    return out
