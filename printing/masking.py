"""How an identity number shows on paper, screens and exports: the one rule (个人信息保护法).

It lives here, at the bottom, because the receipt printer must mask whatever a caller hands it
and printing imports no app module; app.domain.masking re-exports it with the rest of the
masking rules (phones, names, records, secrets), and every other caller imports it from there.
"""

from __future__ import annotations

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


def mask_applicant_id(value: str | None, kind: str = "person") -> str:
    """An applicant's identifier as screens, paper and exports show it.

    A person's 居民身份证号码 is masked (mask_id). An enterprise's 统一社会信用代码 stays whole:
    it is public registry data (printed on the business licence, listed in the national
    enterprise credit register), and the back office matches enterprises by it.
    """
    s = "".join((value or "").split())
    return s if kind == "enterprise" else mask_id(s)
