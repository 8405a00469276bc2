"""Signed QR payloads: the platform tells a genuine receipt from a forged one.

Payload: ``<query_url>?n=<case number>&k=<key id>&s=<signature>`` where the signature is
Ed25519 over the UTF-8 bytes of ``"yc1:" + case_number`` (the prefix separates this use
of the key from any other), encoded base64url without padding (86 characters); ``k`` is
the first 6 bytes of SHA-256 of the raw public key, base64url (8 characters), so the
platform knows which workstation's key to check.  Without an office query URL the
payload is ``yc:?n=…&k=…&s=…``.

With ``audit.signature = sm2`` the receipt is signed with SM2 instead (GB/T 32918, SM3 digest,
the default signer id 1234567812345678 of GM/T 0009; gmalg, see the README): the signature is
r‖s (64 bytes, base64url, 86 characters as before), ``k`` is the first 6 bytes of SHA-256 of
the uncompressed public point (65 bytes), and ``a=sm2`` names the algorithm (no ``a``:
Ed25519, as every receipt printed before). The key's type decides how a signature is checked,
so ``a`` cannot make a verifier use another algorithm with a key.

Version 2 (``v=2``, every receipt printed since issue 16): the signature covers what the paper
promises, not only its number, so a genuine QR code moved onto another paper is refused. The
payload carries what it covers (:class:`Claim`)::

    <query_url>?n=NUMBER&v=2&t=r&m=MATTER&i=APPLICANT_ID&h=NAME&d=YYYYMMDD&e=YYYYMMDD[&a=sm2]&k=…&s=…

``t`` the document (r 受理回执, n 补正通知书, …: :data:`DOC_CODES`); ``m`` the matter's (or
bundle's) code; ``i`` the applicant's identifier *as printed* (a person's ID number masked
``320724********123X``, an enterprise's credit code whole); ``h`` an 8-character digest of the
applicant's name with the case number (the name is printed in full, but never put in a URL:
a verifier that holds the case checks it); ``d`` the date on the paper (受理日期, else the day it
was issued); ``e`` the promised completion date (承诺办结日期; absent when the paper has none).
The signature is over ``"yc2:" + "\n".join((n, t, m, i, h, d, e))``. Receipts without ``v``
(version 1) stay verifiable: their signature covers the case number only, and verifiers say so.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

DOMAIN = b"yc1:"
DOMAIN_V2 = b"yc2:"
NO_URL_PREFIX = "yc:"
VERSION = "2"  # what new receipts carry in ``v``


def _b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def _unb64(s: str) -> bytes:
    s = s.strip()
    pad = "=" * (-len(s) % 4)
    if "-" in s or "_" in s:
        return base64.urlsafe_b64decode(s + pad)
    return base64.b64decode(s + pad)


def message(case_number: str) -> bytes:
    return DOMAIN + case_number.encode("utf-8")


def key_id(raw_public: bytes) -> str:
    return _b64u(hashlib.sha256(raw_public).digest()[:6])


ED25519, SM2 = "ed25519", "sm2"
SM2_UID = b"1234567812345678"  # GM/T 0009's default signer id: what other SM2 verifiers assume

# --- what a version-2 signature covers ------------------------------------------------------------
DOC_CODES = {
    "receipt": "r",  # 受理回执
    "notice": "n",  # 补正材料通知书
    "refusal": "x",  # 不予受理通知书
    "pickup": "p",  # 领取凭证
    "handover": "h",
    "trip": "t",
    "test": "z",
}
DOC_KINDS = {v: k for k, v in DOC_CODES.items()}
COVERS_V1 = ("case",)
COVERS_V2 = ("case", "document", "matter", "applicant", "date", "due")
_DAY = re.compile(r"[0-9]{8}")
_DIGEST = re.compile(r"[A-Za-z0-9_-]{8}")
_LIMITS = {"n": 40, "m": 64, "i": 40}


def _clean_name(name: str) -> str:
    return unicodedata.normalize("NFC", " ".join((name or "").split()))


def name_digest(case_number: str, name: str) -> str:
    """8 base64url characters over the case number and the applicant's name (NFC, spaces
    folded): a verifier holding the case checks the name without the QR code carrying it."""
    raw = b"yc2-name\0" + case_number.encode("utf-8") + b"\0" + _clean_name(name).encode("utf-8")
    return _b64u(hashlib.sha256(raw).digest()[:6])


def _day(d: date | None) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}" if d else ""


def _parse_day(text: str) -> date:
    if not _DAY.fullmatch(text):
        raise ValueError(f"not a YYYYMMDD date: {text[:12]!r}")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


@dataclass(frozen=True)
class Claim:
    """What a version-2 receipt's signature covers, as its QR code carries it."""

    case: str
    document: str  # a key of DOC_CODES
    matter: str  # the matter's or bundle's code
    applicant: str  # the applicant's identifier as printed (masked for a person)
    name: str  # name_digest(case, applicant's name)
    date: str  # YYYYMMDD: the date on the paper
    due: str = ""  # YYYYMMDD: the promised completion date, "" when the paper has none

    @classmethod
    def of(
        cls,
        case_number: str,
        document: str,
        matter: str,
        applicant_printed: str,
        applicant_name: str,
        day: date,
        due: date | None = None,
    ) -> Claim:
        if document not in DOC_CODES:
            raise ValueError(f"unknown document {document!r}")
        return cls(
            case_number,
            document,
            matter or "",
            applicant_printed or "",
            name_digest(case_number, applicant_name),
            _day(day),
            _day(due),
        )

    def message(self) -> bytes:
        parts = (
            self.case,
            DOC_CODES[self.document],
            self.matter,
            self.applicant,
            self.name,
            self.date,
            self.due,
        )
        return DOMAIN_V2 + "\n".join(parts).encode("utf-8")

    def fields(self) -> list[tuple[str, str]]:
        out = [("n", self.case), ("v", VERSION), ("t", DOC_CODES[self.document]), ("m", self.matter)]
        out += [("i", self.applicant), ("h", self.name), ("d", self.date)]
        return out + ([("e", self.due)] if self.due else [])

    @property
    def day(self) -> date:
        return _parse_day(self.date)

    @property
    def due_day(self) -> date | None:
        return _parse_day(self.due) if self.due else None

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> Claim:
        """The claim a version-2 payload carries; ValueError when it is not one, or a field is
        malformed (no control characters anywhere: the message's fields are line-separated)."""
        if fields.get("v") != VERSION:
            raise ValueError("not a version-2 receipt")
        for key, value in fields.items():
            if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
                raise ValueError(f"control character in {key}")
            if len(value) > _LIMITS.get(key, 200):
                raise ValueError(f"{key} is too long")
        document = DOC_KINDS.get(fields.get("t", ""))
        if document is None:
            raise ValueError("unknown document")
        claim = cls(
            fields.get("n", ""),
            document,
            fields.get("m", ""),
            fields.get("i", ""),
            fields.get("h", ""),
            fields.get("d", ""),
            fields.get("e", ""),
        )
        if not claim.case or not _DIGEST.fullmatch(claim.name):
            raise ValueError("case number or name digest missing")
        claim.day  # noqa: B018  (validates)
        claim.due_day  # noqa: B018
        return claim

    def to_json(self) -> dict[str, str]:
        """For answers and screens: dates as YYYY-MM-DD."""
        return {
            "case": self.case,
            "document": self.document,
            "matter": self.matter,
            "applicant_id": self.applicant,
            "date": self.day.isoformat(),
            "due": self.due_day.isoformat() if self.due else "",
        }


class Signer:
    """The workstation's Ed25519 key."""

    alg = ED25519

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key

    @classmethod
    def generate(cls) -> Signer:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> Signer:
        """A key from 32 raw private bytes (tests, key escrow)."""
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def load(cls, path: str | Path) -> Signer:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path}: not an Ed25519 private key")
        return cls(key)

    def _write_tmp(self, path: Path) -> Path:
        pem = self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, pem)
            os.fsync(fd)
        finally:
            os.close(fd)
        return tmp

    def save(self, path: str | Path) -> None:
        """Write the private key as PKCS#8 PEM, readable by the owner only (atomic)."""
        path = Path(path)
        os.replace(self._write_tmp(path), path)

    @classmethod
    def load_or_create(cls, path: str | Path) -> Signer:
        """The key at ``path``, generated there first if there is none.

        Safe when two processes (the window and a CLI command) start at once: the new key
        is linked into place only if no key exists, and everyone then loads the one on
        disk, so no receipt is ever signed with a key that was not kept.
        """
        path = Path(path)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = cls.generate()._write_tmp(path)
            try:
                os.link(tmp, path)  # fails if another process won: its key is the one
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        return cls.load(path)

    def public_raw(self) -> bytes:
        return self._key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def public_key_b64(self) -> str:
        """The raw 32-byte public key, standard base64 (what the platform stores)."""
        return base64.b64encode(self.public_raw()).decode("ascii")

    def key_id(self) -> str:
        return key_id(self.public_raw())

    def sign(self, case_number: str) -> str:
        """base64url signature (no padding) over ``"yc1:" + case_number`` (version 1)."""
        return self.sign_message(message(case_number))

    def sign_message(self, msg: bytes) -> str:
        return _b64u(self._key.sign(msg))

    def payload(self, case_number: str, query_url: str = "") -> str:
        return qr_payload(case_number, query_url, self)


class Sm2Signer:
    """A workstation's SM2 key for receipts (``audit.signature = sm2``): same interface as Signer.

    The key file holds the 32-byte private scalar in hex on its first line (gmalg has no
    PKCS#8); it is written like the Ed25519 key: owner-only, atomic, never replaced.
    """

    alg = SM2

    def __init__(self, secret: bytes) -> None:
        import gmalg

        if len(secret) != 32:
            raise ValueError("an SM2 private key is 32 bytes")
        self._secret = secret
        self._public = gmalg.SM2(sk=secret).generate_pk(secret)  # 0x04 ‖ x ‖ y
        self._sm2 = gmalg.SM2(sk=secret, pk=self._public, uid=SM2_UID)

    @classmethod
    def generate(cls) -> Sm2Signer:
        import gmalg

        secret, _public = gmalg.SM2().generate_keypair()
        # gmalg gives the scalar's bytes without leading zeros (31 bytes about 1 time in 256):
        # the key is the same number in 32 bytes
        return cls(secret.rjust(32, b"\x00"))

    @classmethod
    def load(cls, path: str | Path) -> Sm2Signer:
        try:
            line = Path(path).read_text(encoding="ascii").split("\n", 1)[0].strip()
            return cls(bytes.fromhex(line))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValueError(f"{path}: not an SM2 private key ({exc})") from None

    def _write_tmp(self, path: Path) -> Path:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(
                fd, (self._secret.hex() + "\n# yichuang SM2 private key (receipts' QR codes)\n").encode()
            )
            os.fsync(fd)
        finally:
            os.close(fd)
        return tmp

    load_or_create = classmethod(Signer.load_or_create.__func__)  # type: ignore[attr-defined]

    def public_raw(self) -> bytes:
        return self._public

    def public_key_b64(self) -> str:
        """The uncompressed public point (65 bytes), standard base64 (what the platform stores)."""
        return base64.b64encode(self._public).decode("ascii")

    def key_id(self) -> str:
        return key_id(self._public)

    def sign(self, case_number: str) -> str:
        """base64url of r ‖ s (32 bytes each) over ``"yc1:" + case_number`` (version 1)."""
        return self.sign_message(message(case_number))

    def sign_message(self, msg: bytes) -> str:
        r, s = self._sm2.sign(msg)
        return _b64u(r.rjust(32, b"\0") + s.rjust(32, b"\0"))

    def payload(self, case_number: str, query_url: str = "") -> str:
        return qr_payload(case_number, query_url, self)


def receipt_payload(claim: Claim, query_url: str = "", signer: Signer | Sm2Signer | None = None) -> str:
    """The version-2 QR content of a paper: what it promises, signed; unsigned (``n`` only)
    when there is no signer (a preview without a key)."""
    if signer is None:
        return qr_payload(claim.case, query_url, None)
    base = query_url.strip() or NO_URL_PREFIX
    sep = "&" if "?" in base else "?"
    parts = [f"{k}={quote(v, safe='-._~*')}" for k, v in claim.fields()]
    if signer.alg != ED25519:
        parts.append(f"a={signer.alg}")
    parts.append(f"k={signer.key_id()}")
    parts.append(f"s={signer.sign_message(claim.message())}")
    return base + sep + "&".join(parts)


def payload_claim(payload: str) -> Claim | None:
    """The claim of a version-2 payload; None for version 1 (ValueError for a malformed v2)."""
    fields = parse_payload(payload)
    if "v" not in fields:
        return None
    return Claim.from_fields(fields)


def qr_payload(case_number: str, query_url: str = "", signer: Signer | Sm2Signer | None = None) -> str:
    """A version-1 QR content for a case (its number only: what receipts carried before
    version 2, kept for tests and verifiers); unsigned (``n`` only) when there is no signer."""
    base = query_url.strip() or NO_URL_PREFIX
    sep = "&" if "?" in base else "?"
    parts = [f"n={quote(case_number, safe='-._~')}"]
    if signer is not None:
        if signer.alg != ED25519:
            parts.append(f"a={signer.alg}")
        parts.append(f"k={signer.key_id()}")
        parts.append(f"s={signer.sign(case_number)}")
    return base + sep + "&".join(parts)


def parse_payload(payload: str) -> dict[str, str]:
    query = urlsplit(payload).query if "?" in payload else ""
    return dict(parse_qsl(query, keep_blank_values=True))


def key_alg(raw_public: bytes) -> str:
    """ED25519 for a raw 32-byte key, SM2 for an uncompressed point (65 bytes), else ""."""
    if len(raw_public) == 32:
        return ED25519
    if len(raw_public) == 65 and raw_public[0] == 4:
        return SM2
    return ""


def verify_payload(payload: str, public_key_b64: str) -> bool:
    """True when ``payload`` carries a valid signature by that key over what it claims: its case
    number (version 1) or its whole :class:`Claim` (version 2). Ed25519 or SM2, by the key's
    type; a payload naming another algorithm, or a version this code does not know, is refused."""
    try:
        fields = parse_payload(payload)
        case = fields["n"]
        msg = message(case) if "v" not in fields else Claim.from_fields(fields).message()
        sig = _unb64(fields["s"])
        raw = _unb64(public_key_b64)
        if "k" in fields and fields["k"] != key_id(raw):
            return False
        alg = key_alg(raw)
        if fields.get("a", ED25519) != alg:
            return False
        if alg == ED25519:
            Ed25519PublicKey.from_public_bytes(raw).verify(sig, msg)
            return True
        if alg == SM2 and len(sig) == 64:
            import gmalg

            return bool(gmalg.SM2(pk=raw, uid=SM2_UID).verify(msg, sig[:32], sig[32:]))
        return False
    except (KeyError, ValueError, InvalidSignature):
        return False
    except Exception as exc:  # gmalg's own errors (a point off the curve and the like)
        if type(exc).__module__.startswith("gmalg"):
            return False
        raise
