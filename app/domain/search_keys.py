"""What the search index holds for a name: normalisation and pinyin readings (app.domain.search).

Queries and names get the same normalisation (NFKC, lower case, no whitespace or control
characters); a name's keys are its code, its name, its initials and full pinyin (phrase-aware,
then other readings of 多音字) and its keywords. pypinyin (~0.25 s to import) is imported on
first use only: a stored index is searched without it. The ranking and the tiers are described
in app.domain.search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Protocol

MAX_INITIALS_VARIANTS = 16
"""Initials strings indexed per name, the phrase-aware one included."""
MAX_PINYIN_VARIANTS = 6
"""Other-reading full-pinyin strings indexed per name (prefix tier only)."""

_RE_SPACE_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")
RE_PINYIN_DROP = re.compile(r"['’‘`´·・]+")
_RE_CODE_DROP = re.compile(r"[-_/\\]+")
_RE_ASCII_ALNUM = re.compile(r"[a-z0-9]+")


class Indexed(Protocol):
    """What a name's keys are computed from (app.domain.search.SearchEntry)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def keywords(self) -> tuple[str, ...]: ...


# --------------------------------------------------------------------------
# normalisation


def norm(text: str) -> str:
    """NFKC, lower case, no whitespace or control characters."""
    return _RE_SPACE_CONTROL.sub("", unicodedata.normalize("NFKC", text).lower())


def pinyin_query(text_key: str) -> str | None:
    """The pinyin form of a normalised query, or None if it is not pinyin."""
    q = RE_PINYIN_DROP.sub("", text_key).replace("ü", "v")
    return q if q and _RE_ASCII_ALNUM.fullmatch(q) else None


def code_key(text_key: str) -> str:
    return _RE_CODE_DROP.sub("", text_key)


def normalize_query(query: str) -> str:
    """The normalised form used for name and keyword matching."""
    return norm(query)


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


def syllables(text_key: str, cached: bool = True) -> list[Syllable]:
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
class Keys:
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


def keys_of(entry: Indexed) -> Keys:
    """What the index holds for one entry (a SearchEntry: code, name, keywords)."""
    name = norm(entry.name)
    syl = syllables(name)
    full = "".join(m for m, _ in syl)
    offsets: list[int] = []
    pos = 0
    for main, _ in syl:
        offsets.append(pos)
        pos += len(main)
    initials = _initials_variants(syl, MAX_INITIALS_VARIANTS) if syl else [""]
    keywords = tuple(k for k in (norm(k) for k in entry.keywords) if k)
    kw_pinyin: list[str] = []
    for kw in keywords:
        ks = syllables(kw)
        if ks:
            kw_pinyin.append("".join(m for m, _ in ks))
            kw_pinyin.append("".join(m[0] for m, _ in ks))
    return Keys(
        code=code_key(norm(entry.code)),
        name=name,
        initials=initials[0],
        initials_alt=tuple(initials[1:]),
        full=full,
        full_alt=tuple(_pinyin_variants(full, offsets, syl, MAX_PINYIN_VARIANTS)),
        suffixes=tuple(full[off:] for off in offsets[1:]),
        keywords=keywords,
        keyword_pinyin=tuple(dict.fromkeys(kw_pinyin)),
    )
