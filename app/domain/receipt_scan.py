"""Recognise a scanned receipt: what a keyboard-wedge scanner typed into the window.

The 受理回执 carries the case number twice: as a CODE128 barcode (the bare number) and as a
QR code with a signed payload (printing/signing.py: ``<query url or yc:>?n=NUMBER&k=KEY&s=SIG``).
A scanner types either one, then Enter, into whatever has focus. :func:`recognise` tells
which of three it is — a genuine receipt, a bare case number, a forged or altered receipt —
or that the text is not a scan at all (ordinary typing). Pure: no UI, store or network; the
keys it trusts are passed in.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from app.domain.numbering import parse_case_number
from app.messages import t

ScanKind = Literal["receipt", "number", "forged"]

# An AIM symbology identifier some scanners put first (]Q1 for QR, ]C0 for CODE128 …).
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
MAX_SCAN = 2048  # a receipt's QR payload is about 150 characters; longer is not one of ours


@dataclass(frozen=True)
class ReceiptScan:
    kind: ScanKind
    number: str  # the canonical case number ("" when a forged payload's number is unreadable)
    reason: str = ""  # forged: why it was refused (from the message catalogue)

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
    from printing.signing import key_id, verify_payload

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
        return ReceiptScan("receipt", number)
    return ReceiptScan("forged", number, t("scan.bad_signature", number=number))
