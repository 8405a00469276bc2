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
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

DOMAIN = b"yc1:"
NO_URL_PREFIX = "yc:"


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
        """base64url signature (no padding) over ``"yc1:" + case_number``."""
        return _b64u(self._key.sign(message(case_number)))

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
        return cls(secret)

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
        """base64url of r ‖ s (32 bytes each) over ``"yc1:" + case_number``."""
        r, s = self._sm2.sign(message(case_number))
        return _b64u(r.rjust(32, b"\0") + s.rjust(32, b"\0"))

    def payload(self, case_number: str, query_url: str = "") -> str:
        return qr_payload(case_number, query_url, self)


def qr_payload(case_number: str, query_url: str = "", signer: Signer | Sm2Signer | None = None) -> str:
    """The QR content for a case; unsigned (``n`` only) when there is no signer."""
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
    """True when ``payload`` carries a valid signature by that key over its case number
    (Ed25519 or SM2, by the key's type; a payload naming another algorithm is refused)."""
    try:
        fields = parse_payload(payload)
        case = fields["n"]
        sig = _unb64(fields["s"])
        raw = _unb64(public_key_b64)
        if "k" in fields and fields["k"] != key_id(raw):
            return False
        alg = key_alg(raw)
        if fields.get("a", ED25519) != alg:
            return False
        if alg == ED25519:
            Ed25519PublicKey.from_public_bytes(raw).verify(sig, message(case))
            return True
        if alg == SM2 and len(sig) == 64:
            import gmalg

            return bool(gmalg.SM2(pk=raw, uid=SM2_UID).verify(message(case), sig[:32], sig[32:]))
        return False
    except (KeyError, ValueError, InvalidSignature):
        return False
    except Exception as exc:  # gmalg's own errors (a point off the curve and the like)
        if type(exc).__module__.startswith("gmalg"):
            return False
        raise
