"""Validation of free text a clerk types into a form field.

Text goes into the database, onto printed receipts (ESC/POS printers interpret
ESC 0x1B and GS 0x1D as commands) and to other systems, so invisible control
characters are refused: C0 and C1 controls (NUL, ESC, GS, DEL, ...), Unicode
format controls (category Cf: bidi overrides such as U+202E, zero-width
characters, BOM, soft hyphen), line/paragraph separators, lone surrogates and
Unicode noncharacters.

Everything else is allowed on purpose: CJK in every extension (rare name
characters such as 𠀾 U+2003E), full-width punctuation, the middle dot in
minority names (买买提·艾力), ideographic variation selectors, and code points
that this Python's Unicode database does not know yet (newer CJK extensions).
Text is not normalised (NFKC would change full-width punctuation and
compatibility ideographs in names); only leading/trailing whitespace is removed.
"""

from __future__ import annotations

import re
import unicodedata

from app.messages import t


class FieldError(ValueError):
    """A field value the clerk must correct; ``message`` is shown to them."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _is_forbidden(ch: str, multiline: bool) -> bool:
    if multiline and ch == "\n":
        return False
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        return True
    cp = ord(ch)
    # Noncharacters: U+FDD0..U+FDEF and the last two code points of every plane.
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def clean_text(
    value: str | None,
    field_label: str,
    *,
    required: bool,
    max_len: int,
    multiline: bool = False,
) -> str:
    """Return ``value`` stripped of surrounding whitespace, or raise FieldError.

    * empty (after stripping) and ``required`` -> "{label}不能为空";
      empty and optional -> ``""``;
    * any forbidden character -> "{label}含有不可见控制字符" (with its position);
    * longer than ``max_len`` code points -> "{label}不能超过{max_len}个字".

    With ``multiline=True`` line breaks are allowed (``\\r\\n``/``\\r`` become
    ``\\n``); tabs and other controls are still refused.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise TypeError(f"{field_label}: expected str, got {type(value).__name__}")
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    text = value.strip()
    if not text:
        if required:
            raise FieldError(field_label, t("field.required", field=field_label))
        return ""
    for index, ch in enumerate(text, start=1):
        if _is_forbidden(ch, multiline):
            raise FieldError(
                field_label,
                t("field.control_at", field=field_label, index=index, code=f"U+{ord(ch):04X}"),
            )
    if len(text) > max_len:
        raise FieldError(field_label, t("field.too_long_now", field=field_label, max=max_len, n=len(text)))
    return text


_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE_RE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")


def check_phone(text: str | None, field_label: str | None = None, *, required: bool = False) -> str:
    """Validate a phone number; return it normalised or raise FieldError.

    Accepted: a mobile number ``1[3-9]`` + 9 digits (spaces/hyphens between
    groups and a ``+86``/``86`` prefix are removed), or a landline
    ``0`` + 2–3 digit area code, optional ``-``, 7–8 digits.  Full-width digits
    are accepted.  Empty is allowed unless ``required``.
    """
    field_label = field_label or t("intake.phone")
    raw = unicodedata.normalize("NFKC", text or "")
    compact = "".join(raw.split())
    if not compact:
        if required:
            raise FieldError(field_label, t("field.required", field=field_label))
        return ""
    if _LANDLINE_RE.fullmatch(compact):
        return compact
    mobile = compact.replace("-", "")
    if mobile.startswith("+86"):
        mobile = mobile[3:]
    elif mobile.startswith("86") and len(mobile) == 13:
        mobile = mobile[2:]
    if _MOBILE_RE.fullmatch(mobile):
        return mobile
    raise FieldError(
        field_label,
        t("field.phone_format", field=field_label),
    )


# Bidi embeddings, overrides and isolates reorder what follows them on a terminal line.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _escape(ch: str) -> str:
    cp = ord(ch)
    return f"\\x{cp:02x}" if cp <= 0xFF else f"\\u{cp:04x}"


def visible(text: str, *, single_line: bool = False) -> str:
    """``text`` safe to write to a terminal: controls shown as escapes (ESC -> ``\\x1b``).

    Stored text may come from elsewhere (sync, an imported file, an old version); a terminal
    would obey ESC sequences, C1 controls (U+009B is CSI) and bidi overrides in it. Line
    breaks and tabs stay unless ``single_line`` (a table cell), where they are escaped too.
    """
    keep = "" if single_line else "\n\t"
    return "".join(
        _escape(ch) if (unicodedata.category(ch) == "Cc" and ch not in keep) or ch in _BIDI else ch
        for ch in text
    )
