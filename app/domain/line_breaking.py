"""Where a line of Chinese text on the screen may break (the usual rules, 中文排版的避头尾).

One rule for every widget that wraps text itself (the checklist's names, the bundle summary, the
key hints, the search placeholder):

- a bracketed part (（有限责任公司）, 《…》, “…”) is never broken, unless it alone is longer
  than a line;
- a line never starts with closing punctuation or a separator (）、，。· …): it stays with
  what it closes or separates;
- a line never ends with an opening bracket;
- Latin words and numbers (kcg, F10, 320724-YJS-001) are not split unless longer than a line;
- continuation lines hang: they are indented by ``hang`` cells (one matter a line, its tail
  under its text, not under its bullet).

Widths are terminal cells: East Asian wide and full-width characters take 2, combining marks 0,
the rest 1 (the terminal's count, not the printer's: printing.text counts ambiguous
characters as 2 for the paper).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

OPENING = "（([【《〈「『“‘〔［｛{"
CLOSING = "）)]】》〉」』”’〕］｝}"
# Never at the start of a line: closing brackets, punctuation that ends or separates, marks.
NO_START = frozenset(CLOSING + "，。、；：？！…‥·・～%,.;:!?" + "ー々〻")
NO_END = frozenset(OPENING)
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/.@:+#%")
ELLIPSIS = "…"


def char_cells(ch: str) -> int:
    """Cells a character takes on the terminal."""
    if ord(ch) < 0x7F:
        return 1 if ch >= " " else 0
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cells(text: str) -> int:
    return sum(char_cells(ch) for ch in text)


def _bracket_end(text: str, start: int) -> int:
    """Index just past the bracket opened at ``start`` (nested brackets counted), or -1."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _atoms(text: str) -> list[str]:
    """The text cut where a line may break; spaces are atoms of their own (dropped at a break)."""
    atoms: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == " ":
            j = i
            while j < len(text) and text[j] == " ":
                j += 1
        elif ch in OPENING and (end := _bracket_end(text, i)) != -1:
            j = end
        elif ch in _WORD:
            j = i
            while j < len(text) and text[j] in _WORD:
                j += 1
        else:
            j = i + 1
        atoms.append(text[i:j])
        i = j
    return _glue(atoms)


def _glue(atoms: list[str]) -> list[str]:
    """Join what must not be parted: closing marks to what precedes them (across a space: ' · '
    stays with the item before it), an opening bracket to what follows it."""
    out: list[str] = []
    for atom in atoms:
        if out and atom[0] in NO_START:
            if out[-1].isspace() and len(out) > 1:
                space = out.pop()
                out[-1] += space
            out[-1] += atom
        elif out and out[-1][-1] in NO_END and not out[-1].isspace():
            out[-1] += atom
        else:
            out.append(atom)
    return out


def _cut(cur: str, ch: str) -> int:
    """Where to cut ``cur`` before ``ch`` comes: as late as possible such that the next line
    does not start with a NO_START character (characters move down with it), else at the end."""
    for k in range(len(cur), 0, -1):
        head = (cur[k:] + ch).lstrip(" ")
        if head and head[0] not in NO_START and cur[:k].strip(" "):
            return k
    return len(cur)


def _split_long(atom: str, room: int, width: int) -> list[str]:
    """An atom longer than a line, cut by characters: the first piece fills ``room``, the next
    ``width`` each; a piece never starts with a NO_START character when it can be avoided."""
    pieces: list[str] = []
    cur, cur_w, limit = "", 0, room
    for ch in atom:
        w = char_cells(ch)
        if cur and cur_w + w > limit:
            k = _cut(cur, ch)
            pieces.append(cur[:k].rstrip(" "))
            cur = cur[k:].lstrip(" ")
            cur_w = cells(cur)
            limit = width
        if ch == " " and not cur:
            continue  # a space where the line breaks is dropped
        cur += ch
        cur_w += w
    pieces.append(cur)
    return pieces


def _fill(atoms: Sequence[str], width: int, hang: int) -> list[str]:
    hang = max(0, min(hang, width - 2))
    lines: list[str] = []
    cur, cur_w = "", 0

    def limit() -> int:
        return width if not lines else width - hang

    def flush() -> None:
        nonlocal cur, cur_w
        lines.append(cur.rstrip(" "))
        cur, cur_w = "", 0

    for atom in atoms:
        w = cells(atom)
        if atom.isspace():
            if cur:
                cur, cur_w = cur + atom, cur_w + w
            continue
        if cur_w + cells(atom.rstrip(" ")) <= limit():
            cur, cur_w = cur + atom, cur_w + w
            continue
        if cur.strip():
            flush()
        cur, cur_w = "", 0
        atom_w = cells(atom.rstrip(" "))
        if atom_w <= limit():
            cur, cur_w = atom, w
            continue
        *full, last = _split_long(atom.rstrip(" "), limit(), width - hang)
        for piece in full:
            cur = piece
            flush()
        cur, cur_w = last, cells(last)
        if atom.endswith(" "):
            cur, cur_w = cur + " ", cur_w + 1
    if cur.strip() or not lines:
        flush()
    return [line if i == 0 else " " * hang + line for i, line in enumerate(lines)]


def wrap(text: str, width: int, hang: int = 0) -> list[str]:
    """``text`` in lines of at most ``width`` cells (continuation lines indented by ``hang``).

    Spaces where a line breaks are dropped; an empty text gives one empty line.
    """
    if width < 2:
        raise ValueError("width must be at least 2 cells")
    return _fill(_atoms(text.strip(" ")), width, hang)


def wrap_items(items: Sequence[str], width: int, sep: str = " · ", hang: int = 0) -> list[str]:
    """Items joined by ``sep``, each kept whole on one line when it fits (a key hint such as
    'r 容缺' never parts), the separator ending a line rather than starting the next."""
    if width < 2:
        raise ValueError("width must be at least 2 cells")
    atoms: list[str] = []
    for i, item in enumerate(items):
        tail = sep if i + 1 < len(items) else ""
        whole = item + tail
        if cells(whole.rstrip(" ")) <= width - hang:
            atoms.append(whole)
        else:  # longer than a line: it wraps by the rule, its separator stays at its end
            parts = _atoms(item)
            parts[-1] += tail
            atoms.extend(parts)
    return _fill(atoms, width, hang)


def clip(text: str, width: int, max_lines: int, hang: int = 0) -> list[str]:
    """``wrap`` cut to ``max_lines``: the last line kept ends in an ellipsis when text was left."""
    lines = wrap(text, width, hang)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    room = width - (hang if max_lines > 1 else 0)
    body = last[hang:] if max_lines > 1 else last
    while body and cells(body) + cells(ELLIPSIS) > room:
        body = body[:-1]
    kept[-1] = (" " * hang if max_lines > 1 else "") + body.rstrip(" ") + ELLIPSIS
    return kept


def first_fitting(candidates: Sequence[str], width: int) -> str:
    """The first of ``candidates`` that fits ``width`` cells on one line; else the first line of
    the last one (cut where a line may break: never at an open bracket)."""
    for text in candidates:
        if cells(text) <= width:
            return text
    return wrap(candidates[-1], max(width, 2))[0] if candidates else ""
