"""What each kind of case event may carry: one payload schema per kind, in plain Python.

The hub checks every event it is sent against the schema of its kind (a window's push, a county
hub's forward, a back office's decision) before anything is stored, and refuses the event
(``bad_payload``) with the first problem found. The fields a schema names are checked for type
and size; a field it does not name is let through (a newer window may add one), except
``applicant``: only the kinds that record the applicant carry it (:data:`APPLICANT_KINDS`).

Readers of what an older hub already stored use :func:`compact_marks` and :func:`is_sha256`,
which keep only what is well formed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Final

from app.domain import lifecycle

# The intake decisions record the applicant as the window took them in: at first intake, and
# again when the applicant comes back (补正) with corrected details. No other kind changes who
# the applicant of a case is, nor the office's record of an applicant.
APPLICANT_KINDS: Final = frozenset(
    {lifecycle.EVENT_NOTIFIED, lifecycle.EVENT_ACCEPTED, lifecycle.EVENT_REFUSED}
)
APPLICANT_FIELDS: Final = {"name": 200, "phone": 40, "address": 300}  # field -> longest
MARK_STATUSES: Final = ("missing", "received", "tolerated", "defective")
MAX_MARKS: Final = 500
MAX_TEXT: Final = 2000
MAX_ATTACHMENT: Final = 512 * 1024 * 1024  # as sync.protocol.MAX_ATTACHMENT

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_ID_RE = re.compile(r"^[0-9A-Za-z]{1,20}$")

Check = Callable[[Any], str]  # "" when the value is acceptable, else what is wrong with it


def is_sha256(value: Any) -> bool:
    return isinstance(value, str) and bool(_SHA_RE.match(value))


# --- field checks ------------------------------------------------------------------------------------------
def text(max_len: int = MAX_TEXT, *, required: bool = False, choices: tuple[str, ...] = ()) -> Check:
    def check(v: Any) -> str:
        if not isinstance(v, str):
            return "must be text"
        if required and not v:
            return "must not be empty"
        if len(v) > max_len:
            return f"must be at most {max_len} characters"
        if choices and v not in choices:
            return f"must be one of {', '.join(choices)}"
        return ""

    return check


def integer(low: int, high: int) -> Check:
    def check(v: Any) -> str:
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            return f"must be an integer {low}..{high}"
        return ""

    return check


def boolean(v: Any) -> str:
    return "" if isinstance(v, bool) else "must be true or false"


def iso_date(v: Any) -> str:
    if v is None:
        return ""
    try:
        date.fromisoformat(v)
    except (TypeError, ValueError):
        return "must be a date YYYY-MM-DD"
    return "" if len(v) == 10 else "must be a date YYYY-MM-DD"


def optional(check: Check) -> Check:
    return lambda v: "" if v is None else check(v)


def obj(fields: Mapping[str, Check], required: tuple[str, ...] = ()) -> Check:
    def check(v: Any) -> str:
        if not isinstance(v, dict):
            return "must be an object"
        return _fields(v, fields, required)

    return check


def items(of: Check, max_items: int) -> Check:
    def check(v: Any) -> str:
        if not isinstance(v, list):
            return "must be a list"
        if len(v) > max_items:
            return f"must have at most {max_items} entries"
        for i, x in enumerate(v):
            problem = of(x)
            if problem:
                return f"[{i}] {problem}"
        return ""

    return check


def _fields(p: Mapping[str, Any], fields: Mapping[str, Check], required: tuple[str, ...]) -> str:
    for name in required:
        if name not in p:
            return f"{name} is required"
    for name, check in fields.items():
        if name in p:
            problem = check(p[name])
            if problem:
                return f"{name} {problem}"
    return ""


# --- the schemas -------------------------------------------------------------------------------------------
APPLICANT: Final = obj(
    {
        "kind": text(12, required=True, choices=("person", "enterprise")),
        "id_number": lambda v: (
            "" if isinstance(v, str) and _ID_RE.match(v) else "must be 1..20 letters or digits"
        ),
        **{name: text(n) for name, n in APPLICANT_FIELDS.items()},
    },
    required=("kind", "id_number"),
)


def _mark(m: Any) -> str:
    """One compact mark (app.domain.intake.Mark.to_compact). Written out, not composed of the
    checks above: a batch of 5,000 decisions carries some 100,000 of them."""
    if type(m) is not dict:
        return "must be an object"
    k = m.get("k")
    if type(k) is not str or not 0 < len(k) <= 64:
        return "k must be text of 1..64 characters"
    if "s" in m and m["s"] not in MARK_STATUSES:
        return f"s must be one of {', '.join(MARK_STATUSES)}"
    f, c, n = m.get("f", ""), m.get("c", 0), m.get("n", "")
    if type(f) is not str or len(f) > 16:
        return "f must be text of at most 16 characters"
    if type(c) is not int or not 0 <= c <= 999:
        return "c must be an integer 0..999"
    if type(n) is not str or len(n) > 200:
        return "n must be text of at most 200 characters"
    return ""


MARK: Final = _mark
_DECISION = {  # what a window's intake decision records
    "state": text(16, choices=lifecycle.STATES),
    "applicant": APPLICANT,
    "marks": items(MARK, MAX_MARKS),
    "reason": text(),
    "revision": integer(1, 1_000_000),
    "accepted_on": iso_date,
    "due_date": iso_date,
    "tolerated_until": iso_date,
    "due_provisional": boolean,
}
_BACKOFFICE = {"reason": text(), "remarks": text()}
_COURIER = {
    "waybill": text(40, required=True),
    "carrier": text(40),
    "trip": text(64),
    "recipient": text(100),
    "recipient_is_applicant": boolean,
    "reason": text(64),
}

SCHEMAS: Final[Mapping[str, tuple[Mapping[str, Check], tuple[str, ...]]]] = {
    lifecycle.EVENT_CREATED: (
        {
            "uid": text(64, required=True),
            "subject_kind": text(10, choices=("matter", "bundle")),
            "subject_code": text(64),
            "subject_name": text(200),
            "catalogue_version": text(64),
            "promised_days": optional(integer(0, 36500)),
            "legal_days": optional(integer(0, 36500)),
        },
        ("uid",),
    ),
    lifecycle.EVENT_NOTIFIED: (_DECISION, ()),
    lifecycle.EVENT_ACCEPTED: (_DECISION, ()),
    lifecycle.EVENT_REFUSED: (_DECISION, ()),
    lifecycle.EVENT_IN_REVIEW: (_BACKOFFICE, ()),
    lifecycle.EVENT_CORRECTION_REQUESTED: (
        {
            **_BACKOFFICE,
            "materials": items(
                obj({"k": text(64, required=True), "name": text(200), "note": text(200)}), 500
            ),
        },
        (),
    ),
    lifecycle.EVENT_COMPLETED: (_BACKOFFICE, ()),
    lifecycle.EVENT_DENIED: (_BACKOFFICE, ()),
    lifecycle.EVENT_DELIVERED: (
        {
            "method": text(10, choices=("window", "ems")),
            "tracking": text(40),
            "outcome": text(16, choices=(lifecycle.COMPLETED, lifecycle.DENIED)),
            "collector": obj(
                {
                    "role": text(16, choices=("applicant", "agent")),
                    "name": text(200),
                    "id_number": text(20),
                    "authorisation": text(200),
                }
            ),
        },
        (),
    ),
    lifecycle.EVENT_WITHDRAWN: ({"reason": text()}, ()),
    lifecycle.EVENT_ATTACHMENT_ADDED: (
        {
            "sha256": lambda v: "" if is_sha256(v) else "must be 64 lower-case hex digits",
            "size": integer(0, MAX_ATTACHMENT),
            "name": text(255),
            "material": text(200),
            "material_key": text(64),
        },
        ("sha256",),
    ),
    lifecycle.EVENT_NOTE: ({"text": text(), "remarks": text()}, ()),
    lifecycle.EVENT_UNMASKED: ({"fields": items(text(32), 10), "screen": text(64)}, ()),
    **{kind: (_COURIER, ("waybill",)) for kind in lifecycle.COURIER_KINDS},
}


def payload_problem(kind: str, p: Mapping[str, Any]) -> str:
    """Why the payload ``p`` of an event of ``kind`` is not acceptable ("" when it is)."""
    if not isinstance(p, dict):
        return f"{kind}: the payload must be an object"
    if "applicant" in p and kind not in APPLICANT_KINDS:
        return f"{kind} does not carry an applicant (only {', '.join(sorted(APPLICANT_KINDS))} do)"
    if kind in lifecycle.EVALUATION_KINDS:
        from app.domain.evaluation import payload_problem as evaluation_problem

        return evaluation_problem(kind, p)
    fields, required = SCHEMAS.get(kind, ({}, ()))
    problem = _fields(p, fields, required)
    return f"{kind}: {problem}" if problem else ""


# --- reading what is already stored ------------------------------------------------------------------------
def compact_marks(value: Any) -> list[dict[str, Any]]:
    """The well-formed compact marks of a stored decision (app.domain.intake.Mark.to_compact);
    anything else (text, numbers, a mark without its key) is left out."""
    if not isinstance(value, list):
        return []
    return [m for m in value if not MARK(m)]
