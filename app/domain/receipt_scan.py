"""Recognise a scanned receipt: what a keyboard-wedge scanner typed into the window.

The 受理回执 carries the case number twice: as a CODE128 barcode (the bare number) and as a
QR code with a signed payload (printing/signing.py: ``<query url or yc:>?n=NUMBER&v=2&…&k=KEY&s=SIG``).
A scanner types either one, then Enter, into whatever has focus. :func:`recognise` tells
which of three it is — a genuine receipt, a bare case number, a forged or altered receipt —
or that the text is not a scan at all (ordinary typing). Pure: no UI, store or network; the
keys it trusts are passed in.

A genuine signature is not the whole check: :func:`claim_differs` compares what a version-2
receipt promises (document, matter, applicant, date) with what the case's record says was
issued, so a paper made with a stolen key for a real case is told apart. The window
(app.services.handover) and the hub (sync.hub.receipts) share it.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from app.domain.masking import mask_applicant_id
from app.domain.numbering import parse_case_number
from app.messages import t

if TYPE_CHECKING:
    from printing.signing import Claim

ScanKind = Literal["receipt", "number", "forged"]

# An AIM symbology identifier some scanners put first (]Q1 for QR, ]C0 for CODE128 …).
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
MAX_SCAN = 2048  # a receipt's QR payload is about 230 characters (version 2); longer is not one of ours


@dataclass(frozen=True)
class ReceiptScan:
    kind: ScanKind
    number: str  # the canonical case number ("" when a forged payload's number is unreadable)
    reason: str = ""  # forged: why it was refused (from the message catalogue)
    claim: Claim | None = None  # receipt: what a version-2 signature covers (None: version 1)

    @property
    def ok(self) -> bool:
        return self.kind != "forged"


def clean_scan(text: str) -> str:
    """What the scanner meant: no surrounding white space, control characters (prefix,
    suffix, GS separators) or AIM identifier; full-width forms folded (NFKC)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    text = text.strip()
    return _AIM_PREFIX.sub("", text, count=1).strip()


def _fields(payload: str) -> dict[str, str] | None:
    from printing.signing import parse_payload

    if "?" not in payload:
        return None
    try:
        return parse_payload(payload)
    except ValueError:
        return None


def looks_like_payload(text: str) -> bool:
    """True when ``text`` has the shape of a receipt's QR payload (signed or not)."""
    text = clean_scan(text)
    if len(text) > MAX_SCAN:
        return False
    fields = _fields(text)
    if not fields or "n" not in fields:
        return False
    from printing.signing import NO_URL_PREFIX

    return text.startswith(NO_URL_PREFIX) or "s" in fields or "k" in fields


def recognise(text: str, trusted_keys: list[str] | tuple[str, ...] = ()) -> ReceiptScan | None:
    """A scanned receipt in ``text``, or None when the text is not a scan.

    ``trusted_keys``: raw Ed25519 public keys (base64) whose signatures are accepted — the
    workstation's own and those of known workstations. A payload signed by no trusted key,
    with a signature that does not verify, an unreadable or altered number, or no signature
    at all is ``forged``: the caller refuses it loudly.
    """
    text = clean_scan(text)
    if not text or len(text) > MAX_SCAN:
        return None
    if "?" not in text:
        try:
            return ReceiptScan("number", str(parse_case_number(text)))
        except ValueError:
            return None
    if not looks_like_payload(text):
        return None
    from printing.signing import Claim, key_id, verify_payload

    fields = _fields(text) or {}
    raw_number = fields.get("n", "")
    try:
        number = str(parse_case_number(raw_number))
    except ValueError:
        return ReceiptScan("forged", "", t("scan.bad_number", number=raw_number[:40]))
    if number != raw_number:
        # The signature covers the number as printed; any other spelling was altered.
        return ReceiptScan("forged", number, t("scan.bad_signature", number=number))
    if not fields.get("s"):
        return ReceiptScan("forged", number, t("scan.unsigned", number=number))
    claim = None
    if "v" in fields:
        try:
            claim = Claim.from_fields(fields)
        except ValueError:  # a version this window does not know, or an altered field
            return ReceiptScan("forged", number, t("scan.bad_signature", number=number))
    keys = list(trusted_keys)
    if fields.get("k"):
        ids = {}
        for k in keys:
            try:
                ids[k] = key_id(base64.b64decode(k, validate=True))
            except ValueError:  # binascii.Error is one: a damaged key file entry
                continue
        keys = [k for k, kid in ids.items() if kid == fields["k"]]
        if not keys:
            return ReceiptScan("forged", number, t("scan.unknown_key", number=number, key=fields["k"][:12]))
    if any(verify_payload(text, k) for k in keys):
        return ReceiptScan("receipt", number, claim=claim)
    return ReceiptScan("forged", number, t("scan.bad_signature", number=number))


# --- what the case's record says was issued ----------------------------------------------------
# The decision events whose papers carry a QR code, and the paper each one printed.
DECISION_DOCUMENTS: Mapping[str, str] = {
    "case.accepted": "receipt",
    "case.notified": "notice",
    "case.refused": "refusal",
}


@dataclass(frozen=True)
class Issued:
    """A paper the case's record says was issued, from its decision event (the applicant as
    that event carried it: a reprint prints the same)."""

    document: str
    days: frozenset[str]  # YYYYMMDD dates the paper may carry
    applicant_kind: str
    applicant_id: str
    applicant_name: str


def _ymd(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def issued_paper(
    kind: str, at: datetime | str, payload: Mapping[str, Any], local_day: date | None = None
) -> Issued | None:
    """The paper a decision event issued, or None for any other event.

    Its date: a receipt's 受理日期 (``accepted_on`` in the event); any other paper's day of
    issue — ``local_day`` where the caller knows the window's day (the window itself), else
    the event's UTC day and the days either side (the hub does not know the window's zone)."""
    document = DECISION_DOCUMENTS.get(kind)
    if document is None:
        return None
    days: set[str] = set()
    accepted = payload.get("accepted_on") if document == "receipt" else None
    if isinstance(accepted, str):
        try:
            days.add(_ymd(date.fromisoformat(accepted)))
        except ValueError:
            pass
    if not days:
        if local_day is not None:
            days.add(_ymd(local_day))
        else:
            when = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
            days.update(_ymd(when.date() + timedelta(days=n)) for n in (-1, 0, 1))
    a = payload.get("applicant")
    a = a if isinstance(a, Mapping) else {}
    return Issued(
        document,
        frozenset(days),
        str(a.get("kind", "") or "person"),
        str(a.get("id_number", "") or ""),
        str(a.get("name", "") or ""),
    )


def claim_differs(claim: Claim, matter: str, issued: Iterable[Issued]) -> list[str]:
    """What a genuinely signed version-2 claim says that the case's record does not: any of
    "matter", "document" (no such paper was issued for the case), "applicant", "date".
    Empty: the paper is one the record says was issued. The promised completion date is not
    compared (a 补正 pause moves it, and a reprint prints the moved one); it is shown."""
    from printing.signing import name_digest

    out: list[str] = []
    if claim.matter != matter:
        out.append("matter")
    if claim.document not in DECISION_DOCUMENTS.values():
        return out  # other papers (an office's own template) are checked by their matter only
    papers = [p for p in issued if p.document == claim.document]
    if not papers:
        return out + ["document"]
    same = [
        p
        for p in papers
        if mask_applicant_id(p.applicant_id, p.applicant_kind) == claim.applicant
        and name_digest(claim.case, p.applicant_name) == claim.name
    ]
    if not same:
        out.append("applicant")
    if not any(claim.date in p.days for p in same or papers):
        out.append("date")
    return out
