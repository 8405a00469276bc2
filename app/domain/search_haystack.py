"""The search index's haystacks and their stored form (app.domain.search).

Each field is one string per tier, entries concatenated in rank order, each key behind a
separator, plus the start offset of every entry; prefix haystacks are split by first letter.
The checks below validate a stored index before it is used (a damaged file is rebuilt).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate

_SEP = "\x00"


# --------------------------------------------------------------------------
# haystacks


class Haystack:
    """Keys of entries in rank order, each key behind a separator, in one string.

    ``owners`` maps a segment to its entry's rank when not every entry has a
    segment (a shard); otherwise segment ``i`` belongs to rank ``i``.
    """

    __slots__ = ("text", "starts", "owners")

    def __init__(self, segments: Sequence[str], owners: Sequence[int] | None = None) -> None:
        self.text = "".join(segments)
        self.starts = [0, *accumulate(len(s) for s in segments)]  # last one: sentinel
        self.owners = owners

    def state(self) -> list[object]:
        return [self.text, self.starts, self.owners]

    @classmethod
    def from_state(cls, state: object, entries: int) -> Haystack:
        """A haystack saved by :meth:`state`, checked so that a search cannot go wrong."""
        if not isinstance(state, list) or len(state) != 3:
            raise ValueError("a haystack is [text, starts, owners]")
        text, starts, owners = state
        if not isinstance(text, str):
            raise ValueError("haystack text must be a string")
        check_ints(starts, 0, len(text))
        if not starts or starts[0] != 0 or starts[-1] != len(text) or starts != sorted(starts):
            raise ValueError("haystack starts must rise from 0 to the text's length")
        if owners is None:
            if len(starts) != entries + 1:
                raise ValueError("a haystack needs one segment per entry")
        else:
            check_ints(owners, 0, entries - 1)
            if len(owners) != len(starts) - 1:
                raise ValueError("a shard needs one owner per segment")
        hay = cls.__new__(cls)
        hay.text, hay.starts, hay.owners = text, starts, owners
        return hay

    @classmethod
    def of(cls, per_entry: Iterable[Iterable[str]]) -> Haystack:
        return cls(["".join(_SEP + key for key in keys if key) for keys in per_entry])

    def ranks(self, needle: str, prefix: bool) -> Iterator[int]:
        """Ranks of the entries holding ``needle`` (as a key prefix if ``prefix``), best first."""
        if prefix:
            needle = _SEP + needle
        find = self.text.find
        starts = self.starts
        owners = self.owners
        pos = 0
        while True:
            hit = find(needle, pos)
            if hit < 0:
                return
            segment = bisect_right(starts, hit) - 1
            yield segment if owners is None else owners[segment]
            pos = starts[segment + 1]


class PrefixShards:
    """Prefix search only: one haystack per first character of the keys.

    A prefix search scans only the keys that start like the query, a small
    part of the whole (pinyin haystacks run to megabytes).
    """

    __slots__ = ("shards",)

    def __init__(self, per_entry: Iterable[Iterable[str]]) -> None:
        buckets: dict[str, tuple[list[str], list[int]]] = {}
        for rank, keys in enumerate(per_entry):
            by_first: dict[str, str] = {}
            for key in keys:
                if key:
                    first = key[0]
                    by_first[first] = by_first[first] + _SEP + key if first in by_first else _SEP + key
            for first, segment in by_first.items():
                bucket = buckets.get(first)
                if bucket is None:
                    bucket = buckets[first] = ([], [])
                bucket[0].append(segment)
                bucket[1].append(rank)
        self.shards = {first: Haystack(segs, owners) for first, (segs, owners) in buckets.items()}

    def state(self) -> dict[str, list[object]]:
        return {first: hay.state() for first, hay in self.shards.items()}

    @classmethod
    def from_state(cls, state: object, entries: int) -> PrefixShards:
        if not isinstance(state, dict):
            raise ValueError("prefix shards are an object")
        shards = cls.__new__(cls)
        shards.shards = {}
        for first, hay in state.items():
            found = Haystack.from_state(hay, entries)
            if found.owners is None or len(first) != 1:
                raise ValueError("a shard is keyed by one character and names its owners")
            shards.shards[first] = found
        return shards

    def ranks(self, needle: str, prefix: bool = True) -> Iterator[int]:
        if not prefix:  # pragma: no cover - programming error
            raise ValueError("PrefixShards only answers prefix searches")
        shard = self.shards.get(needle[:1])
        return shard.ranks(needle, True) if shard is not None else iter(())


def dedupe(keys: Iterable[str]) -> tuple[list[str], list[list[int]]]:
    """Unique non-empty keys in first-seen order and the ranks holding each."""
    where: dict[str, list[int]] = {}
    for rank, key in enumerate(keys):
        if key:
            where.setdefault(key, []).append(rank)
    return list(where), list(where.values())


# --------------------------------------------------------------------------
# stored form: checks (SearchIndex.from_state)


def check_ints(value: object, lo: int, hi: int) -> None:
    if not isinstance(value, list):
        raise ValueError("expected a list of integers")
    if value:  # C-level passes: this runs over every offset of a large index
        if set(map(type, value)) != {int}:
            raise ValueError("expected a list of integers")
        if min(value) < lo or max(value) > hi:
            raise ValueError(f"integers out of range {lo}..{hi}")


def check_strings(value: object) -> None:
    if not isinstance(value, list) or (value and set(map(type, value)) != {str}):
        raise ValueError("expected a list of strings")


def check_rank_map(value: object, entries: int) -> dict[str, list[int]]:
    if not isinstance(value, dict):
        raise ValueError("expected an object of ranks")
    for ranks in value.values():
        check_ints(ranks, 0, entries - 1)
    return value


def check_choices(value: object, entries: int) -> tuple[list[str], list[list[int]]]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("fuzzy choices are [choices, ranks]")
    choices, owners = value
    check_strings(choices)
    if not isinstance(owners, list) or len(owners) != len(choices):
        raise ValueError("fuzzy choices need their ranks")
    for ranks in owners:
        check_ints(ranks, 0, entries - 1)
    return choices, owners


def check_starts(value: object, entries: int) -> list[int]:
    """The first entry rank of every group, and ``entries`` last: rising, no empty group."""
    check_ints(value, 0, entries)
    assert isinstance(value, list)  # check_ints raised otherwise
    if not value or value[0] != 0 or value[-1] != entries or any(a >= b for a, b in zip(value, value[1:])):
        raise ValueError("group starts must rise from 0 to the number of entries")
    return value
