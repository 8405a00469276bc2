"""Masking of personal data (个人信息保护法): what screens, paper and exports show by default.

One rule set for the window, the hub's console and every export, so a number masked in one
place is masked the same way everywhere. Masking never fails: text that is not an ID or a
phone number is masked by length so nothing leaks because a clerk typed it oddly.

Which to use:
- one number: mask_applicant_id(value, kind) (a credit code stays whole), mask_phone(value);
- a row, an event payload, a JSON document (exports such as `yichuang export cases`, CLI
  output): mask_record(obj) masks every id_number / collector_id / phone key, however deep;
  app.services.cases.case_to_dict(case) is already masked (unmasked=True only where the
  task needs the full numbers);
- secrets (hub.token, passwords, the store's key): register_secret() where they enter the
  process, redact() on any text that leaves it, mask_secret() to show one.
"""

from __future__ import annotations

import re
from typing import Any

# How an identity number is shown lives beside the paper that must show it masked: printing
# imports no app module, so the rule sits there and this module (the one place every other
# caller imports masking from) re-exports it.
from printing.masking import MASK, mask_applicant_id, mask_id

__all__ = [
    "MASK",
    "mask_id",
    "mask_phone",
    "mask_name",
    "mask_applicant_id",
    "mask_record",
    "ID_KEYS",
    "PHONE_KEYS",
    "mask_secret",
    "register_secret",
    "redact",
]


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


# Keys under which events, documents and exports carry personal numbers.
ID_KEYS = frozenset({"id_number", "collector_id", "applicant_id", "applicant_id_number"})
PHONE_KEYS = frozenset({"phone", "applicant_phone"})


def mask_record(value: Any, kind: str | None = None) -> Any:
    """A copy of a JSON-like value (event payloads, case dicts) with every ID number and phone
    number masked, however deep. `kind` is the applicant kind where the dict says it ("kind" /
    "applicant_kind"), so an enterprise's credit code stays whole like everywhere else."""
    if isinstance(value, dict):
        here = value.get("kind", value.get("applicant_kind", kind))
        here = here if here in ("person", "enterprise") else kind
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k in ID_KEYS and isinstance(v, str):
                # A collector is always a person (the applicant or an agent with an ID card).
                out[k] = mask_applicant_id(v, "person" if k == "collector_id" else (here or "person"))
            elif k in PHONE_KEYS and isinstance(v, str):
                out[k] = mask_phone(v)
            else:
                out[k] = mask_record(v, here)
        return out
    if isinstance(value, list | tuple):
        return [mask_record(v, kind) for v in value]
    return value


# --- secrets: hub.token, passwords, the store's key -------------------------------------------
def mask_secret(value: str) -> str:
    """First 4 characters and ****; a short secret shows nothing of itself ("" stays "")."""
    if not value:
        return ""
    return (value[:4] if len(value) >= 12 else "") + "****"


_SECRETS: set[str] = set()


def register_secret(value: str | None) -> None:
    """Make `value` one that redact() hides: called where a secret enters the process (the
    config's hub.token, a typed password or passphrase, the store's key)."""
    if value and len(value) >= 4:
        _SECRETS.add(str(value))


def redact(text: str) -> str:
    """`text` with every registered secret replaced by its masked form (logs, crash logs,
    tracebacks, error lines): whatever formatted it, the secret itself never gets out."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, mask_secret(secret))
    return text
