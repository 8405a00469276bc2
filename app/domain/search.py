"""Matter and bundle search for the intake screen (事项/一件事 检索).

The intake screen calls :meth:`SearchIndex.search` on every keystroke, so the
index is built once (in a background worker; build cost is pinyin conversion)
and every search is a handful of C-level ``str.find`` calls over precomputed
haystacks -- never a Python loop over the whole catalogue.

Clerks type Chinese (``餐馆``), full pinyin (``kaicanguan``, ``kai can guan``,
a half-typed IME syllable such as ``kaic``), pinyin initials (``kcg``) or a
code (``320102-XK-00012``).

Query normalisation
-------------------
NFKC (full-width ``ＫＣＧ１２`` becomes ``KCG12``), lower case, control
characters and all whitespace removed.  For the pinyin tiers apostrophes and
the interpunct (``xi'an``, ``xi’an``, ``xi·an``) are removed too and ``ü`` is
written ``v`` (pypinyin's spelling: ``lv``); pinyin tiers only run when what is
left is ASCII letters and digits (and then the marks are ignored by every tier).  For the code tiers hyphens, underscores and
slashes are ignored on both sides (``320102xk`` finds ``320102-XK-00012``).
Entry names and keywords get the same normalisation as queries.

Ranking
-------
Every hit gets the score of the best tier it matched, highest first:

======================================================  =====  ===========
tier                                                    score  ``matched``
======================================================  =====  ===========
exact code                                              100    code
code prefix                                             90     code
exact name                                              80     name
name prefix                                             70     name
name substring                                          60     name
initials prefix (phrase-aware reading)                  50     initials
initials prefix (another reading of a 多音字)            48     initials
full-pinyin prefix (phrase-aware reading)               45     pinyin
full-pinyin prefix (another reading of a 多音字)         43     pinyin
initials substring / full-pinyin substring starting     35     initials /
at a syllable (phrase-aware reading)                           pinyin
initials substring (another reading of a 多音字)         33     initials
keyword: substring of a keyword, or prefix of its       25     keyword
initials or full pinyin
fuzzy, only when no tier above matched: a Chinese       20     fuzzy
query read as pinyin (homophones: 开参馆 finds 开餐馆)
as a full-pinyin prefix or syllable substring
fuzzy, when still nothing: rapidfuzz ``partial_ratio``  19 x   fuzzy
against the start of names (Chinese query, at least 4   ratio
characters, ratio >= 75) or of phrase-aware pinyin      / 100
(ASCII query, at least 5 letters, ratio >= 80); the
cutoffs make garbage find nothing
======================================================  =====  ===========

Equal scores are ordered bundles (一件事) before matters, then shorter name,
then code, then name.  So a clerk typing ``kcg`` or ``开餐馆`` gets the 开餐馆
bundle above any matter that matches as well.

Pinyin
------
The main reading of a name is pypinyin's phrase-aware default (``银行`` is
``yinhang``); it is computed per word of pypinyin's own segmentation and the
words are cached, so a catalogue that repeats its vocabulary converts fast.
Polyphonic characters (多音字) are also indexed with their other readings, per
character (cached): all initials variants by increasing number of changed
characters (at most :data:`MAX_INITIALS_VARIANTS` per name) and full-pinyin
variants with one changed character (at most :data:`MAX_PINYIN_VARIANTS`) for
the prefix tier.  Those matches score two points below the main reading.  A
full pinyin prefix may stop inside a syllable (``kaic`` finds 开餐馆); a full
pinyin substring must start at a syllable (``canguan`` matches, ``anguan``
is left to the fuzzy fallback); initials substrings may start anywhere.  ASCII letters and digits in a
name count as one syllable each (``ICP``, ``3C``); other symbols are skipped.

Speed
-----
Each field is one string per tier, entries concatenated in rank order, each
key behind a ``\\x00`` separator, plus the start offset of every entry.  A
prefix search looks for ``"\\x00" + query``, a substring search for the query;
a hit is mapped to its entry by bisection and the scan jumps to the next entry.
Because entries sit in rank order, the first ``limit`` entries found are the
best of their tier and the scan stops; a tier is only visited while fewer than
``limit`` hits are collected.  A miss costs one scan of each haystack in C;
pinyin haystacks used for prefix searches (megabytes, with the syllable
suffixes and the other readings) are split by first letter, so a prefix miss
scans only the keys that start like the query.  Figures for 12,000 matters on
2 cores: ``python -m tests.bench.bench_search``.

Stored index
------------
Building converts every name to pinyin (pypinyin, 0.25 s just to import).  So the
index is built once, when a catalogue is imported, and saved with
:meth:`SearchIndex.to_state` (plain JSON-ready data: entries, rank maps, haystacks);
:meth:`SearchIndex.from_state` loads it without pypinyin and without rebuilding any
haystack.  pypinyin and rapidfuzz are imported on first use only.

Modules: this one holds the entries, the tiers and the ranking; what a name is indexed as
(normalisation, pinyin readings) is app.domain.search_keys; the haystacks and the checks of a
stored index are app.domain.search_haystack.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from app.domain.search_haystack import (
    Haystack,
    PrefixShards,
    check_choices,
    check_rank_map,
    check_starts,
    check_strings,
    dedupe,
)
from app.domain.search_keys import (
    MAX_INITIALS_VARIANTS,
    MAX_PINYIN_VARIANTS,
    RE_PINYIN_DROP,
    Keys,
    code_key,
    keys_of,
    norm,
    normalize_query,
    pinyin_query,
    syllables,
)

__all__ = [
    "INDEX_FORMAT",
    "MAX_INITIALS_VARIANTS",
    "MAX_PINYIN_VARIANTS",
    "SCORES",
    "SearchEntry",
    "SearchHit",
    "SearchIndex",
    "normalize_query",
]

INDEX_FORMAT = "yichuang-search-index/3"
"""Version of :meth:`SearchIndex.to_state`; bump it whenever what the index computes or how
it is laid out changes, so stored indexes are rebuilt."""

Kind = Literal["matter", "bundle"]
Matched = Literal["code", "name", "pinyin", "initials", "keyword", "fuzzy"]

SCORES: dict[str, float] = {
    "code_exact": 100.0,
    "code_prefix": 90.0,
    "name_exact": 80.0,
    "name_prefix": 70.0,
    "name_substring": 60.0,
    "initials_prefix": 50.0,
    "initials_prefix_alt": 48.0,
    "pinyin_prefix": 45.0,
    "pinyin_prefix_alt": 43.0,
    "pinyin_substring": 35.0,
    "initials_substring_alt": 33.0,
    "keyword": 25.0,
    "fuzzy_homophone": 20.0,
    "fuzzy_max": 19.0,
}

FUZZY_CUTOFF_HANZI = 75.0
"""rapidfuzz ``partial_ratio`` (0..100) a name needs to be a fuzzy hit for a Chinese query."""
FUZZY_CUTOFF_PINYIN = 80.0
"""rapidfuzz ``partial_ratio`` a phrase-aware full pinyin needs for an ASCII query."""
FUZZY_MIN_HANZI = 4
"""Shorter Chinese queries cannot reach the cutoff with a wrong character."""
FUZZY_MIN_PINYIN = 5
"""Shorter pinyin queries match the ends of too many names."""
FUZZY_NAME_CHARS = 24
"""Fuzzy matching looks at the start of names and pinyin only: it bounds the cost."""
FUZZY_PINYIN_CHARS = 24


@dataclass(frozen=True)
class SearchEntry:
    """One catalogue line: a matter (事项) or a bundle (一件事)."""

    kind: Kind
    code: str
    name: str
    department: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """A search result; ``matched`` says which tier found it."""

    entry: SearchEntry
    score: float
    matched: Matched


# --------------------------------------------------------------------------
# the index


class SearchIndex:
    """Immutable search index over matters and bundles; safe to share between threads."""

    def __init__(self, entries: Iterable[SearchEntry]) -> None:
        """Build the index: converts every distinct name and keyword to pinyin (pypinyin)."""
        self._setup(list(entries))

    @classmethod
    def from_state(cls, state: Mapping[str, object]) -> SearchIndex:
        """The index saved by :meth:`to_state`, as it was: nothing is converted to pinyin
        and no haystack is rebuilt, so a large catalogue loads in a fraction of its build.

        Raises ValueError if the state is malformed (the caller then builds afresh).
        """
        try:
            return _from_state(cls.__new__(cls), state)
        except (TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"malformed search index: {exc}") from exc

    def to_state(self) -> dict[str, object]:
        """Everything the index computed, as plain JSON-ready data (:data:`INDEX_FORMAT`)."""
        return {
            "entries": [[e.kind, e.code, e.name, e.department, list(e.keywords)] for e in self._entries],
            "groups": self._starts,
            "by_code": self._by_code,
            "by_name": self._by_name,
            "haystacks": {name: getattr(self, "_" + name).state() for name in _HAYSTACKS},
            "shards": {name: getattr(self, "_" + name).state() for name in _SHARDS},
            "fuzzy_names": [self._fuzzy_name_choices, self._fuzzy_name_ranks],
            "fuzzy_pinyin": [self._fuzzy_pinyin_choices, self._fuzzy_pinyin_ranks],
        }

    def _setup(self, entries: list[SearchEntry]) -> None:
        # A province's list repeats each matter once per county: the same name and keywords
        # under another code and department.  Such entries form one group, indexed once; a
        # group's hit stands for all its members, which sit next to each other in rank order.
        by_group: dict[tuple[str, str, tuple[str, ...]], list[SearchEntry]] = {}
        for entry in entries:
            by_group.setdefault((entry.kind, entry.name, entry.keywords), []).append(entry)
        groups: list[tuple[Keys, list[tuple[str, SearchEntry]]]] = []
        for members in by_group.values():
            coded = sorted(((code_key(norm(m.code)), m) for m in members), key=lambda cm: cm[0])
            groups.append((keys_of(members[0]), coded))
        # bundles first, then shorter names, then (the group's first) code, then name
        groups.sort(key=lambda g: (g[1][0][1].kind != "bundle", len(g[0].name), g[1][0][0], g[0].name))
        self._entries: list[SearchEntry] = [m for _, coded in groups for _, m in coded]
        self._starts: list[int] = [0]
        self._by_code: dict[str, list[int]] = {}
        self._by_name: dict[str, list[int]] = {}
        codes: list[tuple[str]] = []
        for k, coded in groups:
            for code, _ in coded:
                rank = len(codes)
                codes.append((code,))
                if code:
                    self._by_code.setdefault(code, []).append(rank)
                if k.name:
                    self._by_name.setdefault(k.name, []).append(rank)
            self._starts.append(len(codes))
        keys = [k for k, _ in groups]
        self._codes = Haystack.of(codes)  # per entry; every other field per group
        self._names = Haystack.of((k.name,) for k in keys)
        self._initials = Haystack.of((k.initials,) for k in keys)  # substring
        self._initials_alt = Haystack.of(k.initials_alt for k in keys)  # substring
        self._initials_p = PrefixShards((k.initials,) for k in keys)
        self._initials_alt_p = PrefixShards(k.initials_alt for k in keys)
        self._full_p = PrefixShards((k.full,) for k in keys)
        self._full_alt_p = PrefixShards(k.full_alt for k in keys)
        self._suffixes_p = PrefixShards(k.suffixes for k in keys)
        self._keywords = Haystack.of(k.keywords for k in keys)
        self._keyword_pinyin_p = PrefixShards(k.keyword_pinyin for k in keys)
        self._fuzzy_name_choices, self._fuzzy_name_ranks = dedupe(k.name[:FUZZY_NAME_CHARS] for k in keys)
        self._fuzzy_pinyin_choices, self._fuzzy_pinyin_ranks = dedupe(
            k.full[:FUZZY_PINYIN_CHARS] for k in keys
        )

    def _members(self, groups: Iterable[int]) -> Iterator[int]:
        """The entry ranks of groups found in rank order, themselves in rank order."""
        starts = self._starts
        for g in groups:
            yield from range(starts[g], starts[g + 1])

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> tuple[SearchEntry, ...]:
        """All entries, in tie-break order (bundles, shorter names, codes)."""
        return tuple(self._entries)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Ranked hits for ``query``, best first; [] for a blank query."""
        if limit <= 0 or not isinstance(query, str):
            return []
        text = norm(query)
        if not text:
            return []
        py = pinyin_query(text)
        if py is not None:  # a pinyin-like query: apostrophes are syllable marks everywhere
            text = RE_PINYIN_DROP.sub("", text)
        code = code_key(text)

        found: dict[int, tuple[float, Matched]] = {}

        def add_group(score: float, label: Matched, ranks: Iterable[int]) -> bool:
            """Add hits of one score; True once ``limit`` hits are collected."""
            need = limit - len(found)
            for rank in ranks:
                if rank not in found:
                    found[rank] = (score, label)
                    need -= 1
                    if need == 0:
                        return True
            return False

        def group(
            *sources: tuple[Haystack | PrefixShards, str, bool, Matched],
        ) -> list[tuple[int, Matched]]:
            """Merge several equal-score sources in rank order, ``limit`` at most."""
            need = limit - len(found)
            best: dict[int, Matched] = {}
            for hay, needle, prefix, label in sources:
                got = 0
                for rank in self._members(hay.ranks(needle, prefix)):
                    if rank in found or rank in best:
                        continue
                    best[rank] = label
                    got += 1
                    if got >= need:
                        break
            return sorted(best.items())[:need]

        def add_merged(score: float, pairs: list[tuple[int, Matched]]) -> bool:
            for rank, label in pairs:
                found[rank] = (score, label)
            return len(found) >= limit

        done = False
        if code:
            done = add_group(SCORES["code_exact"], "code", self._by_code.get(code, ())) or add_group(
                SCORES["code_prefix"], "code", self._codes.ranks(code, True)
            )
        if not done:
            done = (
                add_group(SCORES["name_exact"], "name", self._by_name.get(text, ()))
                or add_group(SCORES["name_prefix"], "name", self._members(self._names.ranks(text, True)))
                or add_group(SCORES["name_substring"], "name", self._members(self._names.ranks(text, False)))
            )
        if not done and py:
            done = (
                add_group(SCORES["initials_prefix"], "initials", self._members(self._initials_p.ranks(py)))
                or add_group(
                    SCORES["initials_prefix_alt"], "initials", self._members(self._initials_alt_p.ranks(py))
                )
                or add_group(SCORES["pinyin_prefix"], "pinyin", self._members(self._full_p.ranks(py)))
                or add_group(SCORES["pinyin_prefix_alt"], "pinyin", self._members(self._full_alt_p.ranks(py)))
                or add_merged(
                    SCORES["pinyin_substring"],
                    group(
                        (self._initials, py, False, "initials"),
                        (self._suffixes_p, py, True, "pinyin"),
                    ),
                )
                or add_group(
                    SCORES["initials_substring_alt"],
                    "initials",
                    self._members(self._initials_alt.ranks(py, False)),
                )
            )
        if not done:
            sources: list[tuple[Haystack | PrefixShards, str, bool, Matched]] = [
                (self._keywords, text, False, "keyword")
            ]
            if py:
                sources.append((self._keyword_pinyin_p, py, True, "keyword"))
            done = add_merged(SCORES["keyword"], group(*sources))
        if not found:
            self._fuzzy(text, py, limit, found)

        ordered = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))
        return [SearchHit(self._entries[rank], score, label) for rank, (score, label) in ordered[:limit]]

    def _fuzzy(self, text: str, py: str | None, limit: int, found: dict[int, tuple[float, Matched]]) -> None:
        """Last resort: homophones of a Chinese query, then rapidfuzz ``partial_ratio``."""
        if py is None:
            syl = syllables(text, cached=False)
            if len(syl) >= 2 and not any(ch.isascii() and ch.isalnum() for ch in text):
                homophone = "".join(m for m, _ in syl)
                # Lazy scans, so the substring tier is only visited when needed.
                for hay in (self._full_p, self._suffixes_p):
                    for rank in self._members(hay.ranks(homophone)):
                        if rank not in found:
                            found[rank] = (SCORES["fuzzy_homophone"], "fuzzy")
                            if len(found) >= limit:
                                return
                if found:
                    return
            if sum(1 for ch in text if not ch.isascii()) < FUZZY_MIN_HANZI:
                return
            q, choices, owners, cutoff = (
                text,
                self._fuzzy_name_choices,
                self._fuzzy_name_ranks,
                FUZZY_CUTOFF_HANZI,
            )
        else:
            if len(py) < FUZZY_MIN_PINYIN:
                return
            q, choices, owners, cutoff = (
                py,
                self._fuzzy_pinyin_choices,
                self._fuzzy_pinyin_ranks,
                FUZZY_CUTOFF_PINYIN,
            )
        from rapidfuzz import fuzz, process

        for _choice, ratio, idx in process.extract(
            q, choices, scorer=fuzz.partial_ratio, processor=None, score_cutoff=cutoff, limit=limit
        ):
            score = round(SCORES["fuzzy_max"] * ratio / 100.0, 3)
            for rank in self._members(owners[idx]):
                if rank not in found:
                    found[rank] = (score, "fuzzy")


# --------------------------------------------------------------------------
# stored form (SearchIndex.to_state / from_state)

_HAYSTACKS = ("codes", "names", "initials", "initials_alt", "keywords")
_SHARDS = ("initials_p", "initials_alt_p", "full_p", "full_alt_p", "suffixes_p", "keyword_pinyin_p")


def _from_state(index: SearchIndex, state: Mapping[str, object]) -> SearchIndex:
    rows = state["entries"]
    if not isinstance(rows, list):
        raise ValueError("entries must be a list")
    entries: list[SearchEntry] = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 5:
            raise ValueError(f"malformed entry {row!r}")
        kind, code, name, department, keywords = row
        if kind not in ("matter", "bundle") or not all(isinstance(v, str) for v in (code, name, department)):
            raise ValueError(f"malformed entry {row!r}")
        check_strings(keywords)
        entries.append(SearchEntry(kind, code, name, department, tuple(keywords)))
    n = len(entries)
    index._entries = entries
    index._starts = check_starts(state["groups"], n)
    index._by_code = check_rank_map(state["by_code"], n)
    index._by_name = check_rank_map(state["by_name"], n)
    n_groups = len(index._starts) - 1
    haystacks, shards = state["haystacks"], state["shards"]
    if not isinstance(haystacks, dict) or not isinstance(shards, dict):
        raise ValueError("haystacks and shards must be objects")
    for name in _HAYSTACKS:
        setattr(index, "_" + name, Haystack.from_state(haystacks[name], n if name == "codes" else n_groups))
    for name in _SHARDS:
        setattr(index, "_" + name, PrefixShards.from_state(shards[name], n_groups))
    index._fuzzy_name_choices, index._fuzzy_name_ranks = check_choices(state["fuzzy_names"], n_groups)
    index._fuzzy_pinyin_choices, index._fuzzy_pinyin_ranks = check_choices(state["fuzzy_pinyin"], n_groups)
    return index
