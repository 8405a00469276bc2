"""Masking of personal data (个人信息保护法): what screens, paper and exports show by default.

One rule set for the window, the hub's console and every export, so a number masked in one
place is masked the same way everywhere. Masking never fails: text that is not an ID or a
phone number is masked by length so nothing leaks because a clerk typed it oddly.
"""

from __future__ import annotations

import re

MASK = "*"


def mask_id(value: str | None) -> str:
    """居民身份证号码 / 统一社会信用代码 / other identifiers: keep the first 6 (the area, or the
    registration authority) and the last 4, hide the rest: 320724********123X."""
    s = (value or "").strip()
    if not s:
        return ""
    if len(s) <= 4:
        return MASK * len(s)
    if len(s) <= 10:
        return s[:1] + MASK * (len(s) - 3) + s[-2:]
    return s[:6] + MASK * (len(s) - 10) + s[-4:]


_MOBILE = re.compile(r"^(\+?86[- ]?)?1\d{10}$")


def mask_phone(value: str | None) -> str:
    """Mobile 13812345678 -> 138****5678; landlines keep the area code and the last 2."""
    s = (value or "").strip()
    if not s:
        return ""
    digits = re.sub(r"\D", "", s)
    if _MOBILE.match(s.replace(" ", "").replace("-", "")) and len(digits) >= 11:
        d = digits[-11:]
        return d[:3] + MASK * 4 + d[-4:]
    if len(digits) <= 4:
        return MASK * len(digits)
    return digits[:3] + MASK * (len(digits) - 5) + digits[-2:]


def mask_name(value: str | None) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧阳**: for lists that do not need the full name (exports)."""
    s = (value or "").strip()
    if len(s) <= 1:
        return s
    keep = 2 if len(s) >= 4 else 1
    return s[:keep] + MASK * (len(s) - keep)
