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
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from typing import Literal

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

INDEX_FORMAT = "yichuang-search-index/2"
"""Version of :meth:`SearchIndex.to_state`; bump it whenever what the index computes or how
it is laid out changes, so stored indexes are rebuilt."""

Kind = Literal["matter", "bundle"]
Matched = Literal["code", "name", "pinyin", "initials", "keyword", "fuzzy"]

MAX_INITIALS_VARIANTS = 16
"""Initials strings indexed per name, the phrase-aware one included."""
MAX_PINYIN_VARIANTS = 6
"""Other-reading full-pinyin strings indexed per name (prefix tier only)."""

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

_SEP = "\x00"
_RE_SPACE_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")
_RE_PINYIN_DROP = re.compile(r"['’‘`´·・]+")
_RE_CODE_DROP = re.compile(r"[-_/\\]+")
_RE_ASCII_ALNUM = re.compile(r"[a-z0-9]+")


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
# normalisation


def _norm(text: str) -> str:
    """NFKC, lower case, no whitespace or control characters."""
    return _RE_SPACE_CONTROL.sub("", unicodedata.normalize("NFKC", text).lower())


def _pinyin_query(text_key: str) -> str | None:
    """The pinyin form of a normalised query, or None if it is not pinyin."""
    q = _RE_PINYIN_DROP.sub("", text_key).replace("ü", "v")
    return q if q and _RE_ASCII_ALNUM.fullmatch(q) else None


def _code_key(text_key: str) -> str:
    return _RE_CODE_DROP.sub("", text_key)


def normalize_query(query: str) -> str:
    """The normalised form used for name and keyword matching."""
    return _norm(query)


# --------------------------------------------------------------------------
# pinyin with caches (module level: reused by every index build)

# pypinyin (and its dictionaries, ~0.25 s to import) is only needed to *build* an index;
# a stored index is loaded and searched without it, so it is imported on first use.
Syllable = tuple[str, tuple[str, ...]]  # (phrase-aware reading, other readings)


@cache
def _han_run_re() -> re.Pattern[str]:
    from pypinyin.constants import RE_HANS

    return re.compile(RE_HANS.pattern.removeprefix("^").removesuffix("$"))


@cache
def _char_readings(ch: str) -> tuple[str, ...]:
    """All readings of one Han character, pypinyin's first reading first."""
    from pypinyin import Style, pinyin

    got = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    out: list[str] = []
    for r in got[0] if got else ():
        r = r.lower().replace("ü", "v")
        if r and _RE_ASCII_ALNUM.fullmatch(r) and r not in out:
            out.append(r)
    return tuple(out)


@cache
def _toneless(syllable: str) -> str:
    """``lǜ`` -> ``lv``, ``háng`` -> ``hang`` (pypinyin's NORMAL style)."""
    decomposed = unicodedata.normalize("NFD", syllable.strip().lower()).replace("u\u0308", "v")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 16)
def _word_mains(word: str) -> tuple[str, ...]:
    """Phrase-aware readings of one word of pypinyin's segmentation (cached: words repeat).

    Reads pypinyin's phrase and character dictionaries directly, as its default
    converter does; ``lazy_pinyin`` gives the same answer several times slower.
    """
    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    phrase = PHRASES_DICT.get(word) if len(word) > 1 else None
    if phrase is not None and len(phrase) == len(word):
        return tuple(_toneless(readings[0]) for readings in phrase)
    if len(word) > 1:
        # Not a dictionary phrase: let pypinyin decide (rare; it knows more rules).
        mains = lazy_pinyin(word, style=Style.NORMAL, errors="ignore")
        if len(mains) == len(word):
            return tuple(m.lower().replace("ü", "v") for m in mains)
    out: list[str] = []
    for ch in word:
        readings = PINYIN_DICT.get(ord(ch))
        out.append(_toneless(readings.split(",")[0]) if readings else "")
    return tuple(out)


def _han_run_syllables(run: str) -> tuple[Syllable, ...]:
    """Syllables of a run of Han characters, phrase-aware (pypinyin segments the run)."""
    from pypinyin.seg.simpleseg import seg as _pypinyin_seg

    out: list[Syllable] = []
    for word in _pypinyin_seg(run):
        for ch, main in zip(word, _word_mains(word)):
            main = main.lower().replace("ü", "v")
            readings = _char_readings(ch)
            if not main or not _RE_ASCII_ALNUM.fullmatch(main):
                if not readings:
                    continue
                main = readings[0]
            out.append((main, tuple(r for r in readings if r != main)))
    return tuple(out)


_cached_han_run_syllables = lru_cache(maxsize=1 << 16)(_han_run_syllables)


def _syllables(text_key: str, cached: bool = True) -> list[Syllable]:
    """Syllables of a normalised text: one per Han character, one per ASCII letter
    or digit; anything else is skipped.  ``cached`` is for catalogue text (runs
    repeat); queries are converted without filling the cache."""
    convert = _cached_han_run_syllables if cached else _han_run_syllables
    out: list[Syllable] = []
    pos = 0
    for m in _han_run_re().finditer(text_key):
        if m.start() > pos:
            out.extend((ch, ()) for ch in text_key[pos : m.start()] if ch.isascii() and ch.isalnum())
        out.extend(convert(m.group()))
        pos = m.end()
    out.extend((ch, ()) for ch in text_key[pos:] if ch.isascii() and ch.isalnum())
    return out


def _initials_variants(syl: Sequence[Syllable], cap: int) -> list[str]:
    """Initials strings: the phrase-aware one, then 1, 2, ... characters read otherwise."""
    options: list[str] = []
    for main, alts in syl:
        opts = main[0]
        for alt in alts:
            if alt[0] not in opts:
                opts += alt[0]
        options.append(opts)
    base = "".join(o[0] for o in options)
    out = [base]
    varying = [(i, o[1:]) for i, o in enumerate(options) if len(o) > 1]
    frontier: list[tuple[str, int]] = [(base, -1)]
    while frontier and len(out) < cap:
        nxt: list[tuple[str, int]] = []
        for text, last in frontier:
            for k in range(last + 1, len(varying)):
                i, others = varying[k]
                for alt in others:
                    changed = text[:i] + alt + text[i + 1 :]
                    out.append(changed)
                    if len(out) >= cap:
                        return out
                    nxt.append((changed, k))
        frontier = nxt
    return out


def _pinyin_variants(full: str, offsets: Sequence[int], syl: Sequence[Syllable], cap: int) -> list[str]:
    """Full pinyin with exactly one character read otherwise, ``cap`` at most."""
    out: list[str] = []
    for (main, alts), off in zip(syl, offsets):
        for alt in alts:
            out.append(full[:off] + alt + full[off + len(main) :])
            if len(out) >= cap:
                return out
    return out


@dataclass(frozen=True)
class _Keys:
    """Everything indexed for one entry."""

    code: str
    name: str
    initials: str
    initials_alt: tuple[str, ...]
    full: str
    full_alt: tuple[str, ...]
    suffixes: tuple[str, ...]
    keywords: tuple[str, ...]
    keyword_pinyin: tuple[str, ...]


def _keys(entry: SearchEntry) -> _Keys:
    name = _norm(entry.name)
    syl = _syllables(name)
    full = "".join(m for m, _ in syl)
    offsets: list[int] = []
    pos = 0
    for main, _ in syl:
        offsets.append(pos)
        pos += len(main)
    initials = _initials_variants(syl, MAX_INITIALS_VARIANTS) if syl else [""]
    keywords = tuple(k for k in (_norm(k) for k in entry.keywords) if k)
    kw_pinyin: list[str] = []
    for kw in keywords:
        ks = _syllables(kw)
        if ks:
            kw_pinyin.append("".join(m for m, _ in ks))
            kw_pinyin.append("".join(m[0] for m, _ in ks))
    return _Keys(
        code=_code_key(_norm(entry.code)),
        name=name,
        initials=initials[0],
        initials_alt=tuple(initials[1:]),
        full=full,
        full_alt=tuple(_pinyin_variants(full, offsets, syl, MAX_PINYIN_VARIANTS)),
        suffixes=tuple(full[off:] for off in offsets[1:]),
        keywords=keywords,
        keyword_pinyin=tuple(dict.fromkeys(kw_pinyin)),
    )


# --------------------------------------------------------------------------
# haystacks


class _Haystack:
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
    def from_state(cls, state: object, entries: int) -> _Haystack:
        """A haystack saved by :meth:`state`, checked so that a search cannot go wrong."""
        if not isinstance(state, list) or len(state) != 3:
            raise ValueError("a haystack is [text, starts, owners]")
        text, starts, owners = state
        if not isinstance(text, str):
            raise ValueError("haystack text must be a string")
        _check_ints(starts, 0, len(text))
        if not starts or starts[0] != 0 or starts[-1] != len(text) or starts != sorted(starts):
            raise ValueError("haystack starts must rise from 0 to the text's length")
        if owners is None:
            if len(starts) != entries + 1:
                raise ValueError("a haystack needs one segment per entry")
        else:
            _check_ints(owners, 0, entries - 1)
            if len(owners) != len(starts) - 1:
                raise ValueError("a shard needs one owner per segment")
        hay = cls.__new__(cls)
        hay.text, hay.starts, hay.owners = text, starts, owners
        return hay

    @classmethod
    def of(cls, per_entry: Iterable[Iterable[str]]) -> _Haystack:
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


class _PrefixShards:
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
        self.shards = {first: _Haystack(segs, owners) for first, (segs, owners) in buckets.items()}

    def state(self) -> dict[str, list[object]]:
        return {first: hay.state() for first, hay in self.shards.items()}

    @classmethod
    def from_state(cls, state: object, entries: int) -> _PrefixShards:
        if not isinstance(state, dict):
            raise ValueError("prefix shards are an object")
        shards = cls.__new__(cls)
        shards.shards = {}
        for first, hay in state.items():
            found = _Haystack.from_state(hay, entries)
            if found.owners is None or len(first) != 1:
                raise ValueError("a shard is keyed by one character and names its owners")
            shards.shards[first] = found
        return shards

    def ranks(self, needle: str, prefix: bool = True) -> Iterator[int]:
        if not prefix:  # pragma: no cover - programming error
            raise ValueError("_PrefixShards only answers prefix searches")
        shard = self.shards.get(needle[:1])
        return shard.ranks(needle, True) if shard is not None else iter(())


# --------------------------------------------------------------------------
# the index


class SearchIndex:
    """Immutable search index over matters and bundles; safe to share between threads."""

    def __init__(self, entries: Iterable[SearchEntry]) -> None:
        """Build the index: converts every name and keyword to pinyin (pypinyin)."""
        self._setup([(entry, _keys(entry)) for entry in entries])

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
            "by_code": self._by_code,
            "by_name": self._by_name,
            "haystacks": {name: getattr(self, "_" + name).state() for name in _HAYSTACKS},
            "shards": {name: getattr(self, "_" + name).state() for name in _SHARDS},
            "fuzzy_names": [self._fuzzy_name_choices, self._fuzzy_name_ranks],
            "fuzzy_pinyin": [self._fuzzy_pinyin_choices, self._fuzzy_pinyin_ranks],
        }

    def _setup(self, keyed: list[tuple[SearchEntry, _Keys]]) -> None:
        keyed.sort(key=lambda ek: (ek[0].kind != "bundle", len(ek[1].name), ek[1].code, ek[1].name))
        self._entries: list[SearchEntry] = [e for e, _ in keyed]
        keys = [k for _, k in keyed]
        self._by_code: dict[str, list[int]] = {}
        self._by_name: dict[str, list[int]] = {}
        for rank, k in enumerate(keys):
            if k.code:
                self._by_code.setdefault(k.code, []).append(rank)
            if k.name:
                self._by_name.setdefault(k.name, []).append(rank)
        self._codes = _Haystack.of((k.code,) for k in keys)
        self._names = _Haystack.of((k.name,) for k in keys)
        self._initials = _Haystack.of((k.initials,) for k in keys)  # substring
        self._initials_alt = _Haystack.of(k.initials_alt for k in keys)  # substring
        self._initials_p = _PrefixShards((k.initials,) for k in keys)
        self._initials_alt_p = _PrefixShards(k.initials_alt for k in keys)
        self._full_p = _PrefixShards((k.full,) for k in keys)
        self._full_alt_p = _PrefixShards(k.full_alt for k in keys)
        self._suffixes_p = _PrefixShards(k.suffixes for k in keys)
        self._keywords = _Haystack.of(k.keywords for k in keys)
        self._keyword_pinyin_p = _PrefixShards(k.keyword_pinyin for k in keys)
        self._fuzzy_name_choices, self._fuzzy_name_ranks = _dedupe(k.name[:FUZZY_NAME_CHARS] for k in keys)
        self._fuzzy_pinyin_choices, self._fuzzy_pinyin_ranks = _dedupe(
            k.full[:FUZZY_PINYIN_CHARS] for k in keys
        )

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
        text = _norm(query)
        if not text:
            return []
        py = _pinyin_query(text)
        if py is not None:  # a pinyin-like query: apostrophes are syllable marks everywhere
            text = _RE_PINYIN_DROP.sub("", text)
        code = _code_key(text)

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
            *sources: tuple[_Haystack | _PrefixShards, str, bool, Matched],
        ) -> list[tuple[int, Matched]]:
            """Merge several equal-score sources in rank order, ``limit`` at most."""
            need = limit - len(found)
            best: dict[int, Matched] = {}
            for hay, needle, prefix, label in sources:
                got = 0
                for rank in hay.ranks(needle, prefix):
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
                or add_group(SCORES["name_prefix"], "name", self._names.ranks(text, True))
                or add_group(SCORES["name_substring"], "name", self._names.ranks(text, False))
            )
        if not done and py:
            done = (
                add_group(SCORES["initials_prefix"], "initials", self._initials_p.ranks(py))
                or add_group(SCORES["initials_prefix_alt"], "initials", self._initials_alt_p.ranks(py))
                or add_group(SCORES["pinyin_prefix"], "pinyin", self._full_p.ranks(py))
                or add_group(SCORES["pinyin_prefix_alt"], "pinyin", self._full_alt_p.ranks(py))
                or add_merged(
                    SCORES["pinyin_substring"],
                    group(
                        (self._initials, py, False, "initials"),
                        (self._suffixes_p, py, True, "pinyin"),
                    ),
                )
                or add_group(
                    SCORES["initials_substring_alt"], "initials", self._initials_alt.ranks(py, False)
                )
            )
        if not done:
            sources: list[tuple[_Haystack | _PrefixShards, str, bool, Matched]] = [
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
            syl = _syllables(text, cached=False)
            if len(syl) >= 2 and not any(ch.isascii() and ch.isalnum() for ch in text):
                homophone = "".join(m for m, _ in syl)
                # Lazy scans, so the substring tier is only visited when needed.
                for hay in (self._full_p, self._suffixes_p):
                    for rank in hay.ranks(homophone):
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
            for rank in owners[idx]:
                if rank not in found:
                    found[rank] = (score, "fuzzy")


def _dedupe(keys: Iterable[str]) -> tuple[list[str], list[list[int]]]:
    """Unique non-empty keys in first-seen order and the ranks holding each."""
    where: dict[str, list[int]] = {}
    for rank, key in enumerate(keys):
        if key:
            where.setdefault(key, []).append(rank)
    return list(where), list(where.values())


# --------------------------------------------------------------------------
# stored form (SearchIndex.to_state / from_state)

_HAYSTACKS = ("codes", "names", "initials", "initials_alt", "keywords")
_SHARDS = ("initials_p", "initials_alt_p", "full_p", "full_alt_p", "suffixes_p", "keyword_pinyin_p")


def _check_ints(value: object, lo: int, hi: int) -> None:
    if not isinstance(value, list):
        raise ValueError("expected a list of integers")
    if value:  # C-level passes: this runs over every offset of a large index
        if set(map(type, value)) != {int}:
            raise ValueError("expected a list of integers")
        if min(value) < lo or max(value) > hi:
            raise ValueError(f"integers out of range {lo}..{hi}")


def _check_strings(value: object) -> None:
    if not isinstance(value, list) or (value and set(map(type, value)) != {str}):
        raise ValueError("expected a list of strings")


def _check_rank_map(value: object, entries: int) -> dict[str, list[int]]:
    if not isinstance(value, dict):
        raise ValueError("expected an object of ranks")
    for ranks in value.values():
        _check_ints(ranks, 0, entries - 1)
    return value


def _check_choices(value: object, entries: int) -> tuple[list[str], list[list[int]]]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("fuzzy choices are [choices, ranks]")
    choices, owners = value
    _check_strings(choices)
    if not isinstance(owners, list) or len(owners) != len(choices):
        raise ValueError("fuzzy choices need their ranks")
    for ranks in owners:
        _check_ints(ranks, 0, entries - 1)
    return choices, owners


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
        _check_strings(keywords)
        entries.append(SearchEntry(kind, code, name, department, tuple(keywords)))
    n = len(entries)
    index._entries = entries
    index._by_code = _check_rank_map(state["by_code"], n)
    index._by_name = _check_rank_map(state["by_name"], n)
    haystacks, shards = state["haystacks"], state["shards"]
    if not isinstance(haystacks, dict) or not isinstance(shards, dict):
        raise ValueError("haystacks and shards must be objects")
    for name in _HAYSTACKS:
        setattr(index, "_" + name, _Haystack.from_state(haystacks[name], n))
    for name in _SHARDS:
        setattr(index, "_" + name, _PrefixShards.from_state(shards[name], n))
    index._fuzzy_name_choices, index._fuzzy_name_ranks = _check_choices(state["fuzzy_names"], n)
    index._fuzzy_pinyin_choices, index._fuzzy_pinyin_ranks = _check_choices(state["fuzzy_pinyin"], n)
    return index
