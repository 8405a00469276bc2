"""Text rules for the paper: neutralising control bytes, display width, wrapping."""

from __future__ import annotations

import unicodedata

# Characters that become a plain space (layout whitespace in user data).
_SPACE_LIKE = {"\t", "\n", "\r", "\x0b", "\x0c", "\u2028", "\u2029", "\x85"}


def sanitize(text: str) -> str:
    """Neutralise everything that could reach a printer as a command or reorder text.

    C0 controls (U+0000–U+001F), DEL and C1 controls (U+0080–U+009F) are removed (line
    breaks and tabs become a space), as are Unicode format characters (category Cf: bidi
    overrides, zero-width joiners …) and unpaired surrogates.  What is left is printable.
    """
    out: list[str] = []
    for ch in text:
        if ch in _SPACE_LIKE:
            out.append(" ")
            continue
        o = ord(ch)
        if o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Cs", "Co", "Cn"):
            continue
        out.append(ch)
    return "".join(out)


def char_width(ch: str) -> int:
    """Columns a character takes on the paper: 1 for half-width, 2 for full-width.

    East Asian Wide/Fullwidth and Ambiguous characters are full-width: a Chinese printer
    prints every two-byte GB character (including ·, °, Greek) in a 24-dot cell.
    Combining marks take no column.
    """
    o = ord(ch)
    if o < 0x80:
        return 1
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1


def str_width(text: str) -> int:
    return sum(char_width(c) for c in text)


_NO_BREAK_BEFORE = set("，。、；：？！）》」』】〕”’%,.;:!?)]}·")
_NO_BREAK_AFTER = set("（《「『【〔“‘([{")
_BRACKETS = {"（": "）", "(": ")", "【": "】", "《": "》", "「": "」"}


# complexity: the line-breaking rules by character class, in one place
def wrap(text: str, width: int, indent: int = 0) -> list[str]:  # noqa: C901
    """Wrap to ``width`` columns counting double-width characters.

    Latin words (runs of ASCII letters and digits) are not split unless longer than a
    line; CJK text breaks between any two characters, but closing punctuation is never
    put at the start of a line (it is pulled back onto the previous one only when that
    still fits, else the last character moves down with it).  Continuation lines are
    prefixed by ``indent`` spaces.  An empty text gives one empty line.
    """
    if width <= 0:
        raise ValueError("width must be positive")
    text = text.rstrip()
    if not text:
        return [""]
    tokens: list[str] = []
    buf = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isascii() and (ch.isalnum() or ch in "-_/.@:"):
            buf += ch
            i += 1
            continue
        if buf:
            tokens.append(buf)
            buf = ""
        if ch in _BRACKETS:
            # A short bracketed group such as （推定） stays on one line.
            close = text.find(_BRACKETS[ch], i + 1)
            if close != -1 and str_width(text[i : close + 1]) <= 10:
                tokens.append(text[i : close + 1])
                i = close + 1
                continue
        tokens.append(ch)
        i += 1
    if buf:
        tokens.append(buf)

    lines: list[str] = []
    cur = ""
    cur_w = 0

    def flush() -> None:
        nonlocal cur, cur_w
        carry = ""
        # An opening bracket never ends a line: it moves down.
        while cur and cur[-1] in _NO_BREAK_AFTER and cur.strip() != cur[-1]:
            carry = cur[-1] + carry
            cur = cur[:-1]
        lines.append(cur.rstrip())
        cur = " " * indent + carry
        cur_w = str_width(cur)

    for tok in tokens:
        tw = str_width(tok)
        if cur_w + tw <= width:
            cur += tok
            cur_w += tw
            continue
        if tok == " ":
            flush()
            continue
        if (
            tok[0] in _NO_BREAK_BEFORE
            and len(tok) == 1
            and len(cur.strip()) > 1
            and indent + char_width(cur[-1]) + tw <= width
        ):
            # Closing punctuation never starts a line: the last character goes with it.
            last = cur[-1]
            cur = cur[:-1]
            cur_w -= char_width(last)
            flush()
            cur += last + tok
            cur_w += char_width(last) + tw
            continue
        if indent + tw <= width and cur.strip():
            flush()
            cur += tok
            cur_w += tw
            continue
        # Longer than a line: split by characters.
        for ch in tok:
            cw = char_width(ch)
            if cur_w + cw > width and cur.strip():
                flush()
            cur += ch
            cur_w += cw
    if cur.strip() or not lines:
        lines.append(cur.rstrip())
    return [piece for ln in lines for piece in _hard_split(ln, width)]


def _hard_split(line: str, width: int) -> list[str]:
    """Safety net: cut a line that still exceeds ``width`` (never expected)."""
    if str_width(line) <= width:
        return [line]
    out, cur, w = [], "", 0
    for ch in line:
        cw = char_width(ch)
        if w + cw > width:
            out.append(cur)
            cur, w = "", 0
        cur += ch
        w += cw
    out.append(cur)
    return out


def pad_right(text: str, width: int) -> str:
    return text + " " * max(0, width - str_width(text))


def two_columns(left: str, right: str, width: int, indent: int = 2) -> list[str]:
    """``left`` wrapped on the left, ``right`` right-aligned on the last line (or below)."""
    rw = str_width(right)
    if rw >= width:
        return wrap(left, width, indent) + wrap(right, width)
    lines = wrap(left, width, indent)
    last = lines[-1]
    if str_width(last) + 1 + rw <= width:
        lines[-1] = last + " " * (width - str_width(last) - rw) + right
    else:
        lines.append(" " * (width - rw) + right)
    return lines
