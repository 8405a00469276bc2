"""Sealed files: what an encrypted store writes outside itself (issue 16 §5).

Used by the window for its backups and printed documents (a key derived from the store's key)
and for bundles (a key agreed with the hub's X25519 public key: a sealed box), and by the hub
to open bundles with its private key. Only `cryptography` primitives; no home-made cipher.

The stream: ChaCha20-Poly1305 over chunks of at most ``chunk`` bytes, the STREAM construction
(Hoang, Reyhanitabar, Rogaway, Vizár 2015): nonce = 7 random bytes ‖ 4-byte chunk counter ‖
a last-chunk flag, each chunk authenticated with the same associated data (the header). A
chunk changed, dropped, moved or cut off, or a wrong key, fails at once; memory stays at one
chunk whatever the file's size.

A sealed file::

    b"YCSEAL1\\n" + 4-byte big-endian header length + header (JSON) + chunks

The header is not secret (key derivation parameters, nonce prefix, chunk size, purpose) and
is the chunks' associated data, so changing it fails the first chunk too.

Key derivation: a raw 256-bit key (the keyring's) through HKDF-SHA256 with a random salt and
the purpose as info; a passphrase through scrypt (n=2^15, r=8, p=1: 32 MiB, ~0.1 s) first,
since a passphrase can be guessed; an X25519 agreement (ephemeral key ‖ recipient key as
salt) through HKDF.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import struct
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"YCSEAL1\n"
CHUNK = 1 << 20
TAG = 16
MAX_HEADER = 16 * 1024
MAX_CHUNK = 16 << 20
SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}
ALG = "chacha20poly1305-stream"


class SealError(ValueError):
    """A sealed file cannot be opened. ``code``: ``wrong_key`` (the key does not open it, or it
    was altered: an AEAD cannot tell the two apart), ``damaged`` (not a sealed file's layout,
    cut short), ``unknown`` (a format this program does not know)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64(text: Any, size: int | None = None) -> bytes:
    try:
        raw = base64.b64decode(str(text), validate=True)
    except ValueError:
        raise SealError("damaged", "a sealed header field is not base64") from None
    if size is not None and len(raw) != size:
        raise SealError("damaged", "a sealed header field has the wrong length")
    return raw


def is_sealed(head: bytes) -> bool:
    return head.startswith(MAGIC)


def file_is_sealed(path) -> bool:
    try:
        with open(path, "rb") as fh:
            return is_sealed(fh.read(len(MAGIC)))
    except OSError:
        return False


# --- keys --------------------------------------------------------------------------------------------
def hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def secret_kdf(secret: str, raw: bool, purpose: str, salt: bytes | None = None) -> tuple[bytes, dict]:
    """A 32-byte key for `purpose` from a store key (`raw`: 64 hex digits; else a passphrase),
    and the header fields that let the same key derive it again."""
    salt = salt if salt is not None else os.urandom(16)
    info = b"yichuang/" + purpose.encode("ascii")
    if raw:
        try:
            ikm = bytes.fromhex(secret)
        except ValueError:
            raise SealError("wrong_key", "the key is not a raw key") from None
        return hkdf(ikm, salt, info), {"kdf": "hkdf-sha256", "salt": b64(salt)}
    master = Scrypt(salt=salt, length=32, **SCRYPT).derive(secret.encode("utf-8"))
    return hkdf(master, salt, info), {"kdf": "scrypt", "salt": b64(salt), **SCRYPT}


def secret_key_for(header: dict, secret: str, raw: bool) -> bytes:
    """The key `header` was sealed with, derived again from a store key."""
    kdf = header.get("kdf")
    if kdf not in ("hkdf-sha256", "scrypt"):
        raise SealError("unknown", f"unknown key derivation {kdf!r}")
    if (kdf == "hkdf-sha256") != raw:
        # sealed with a keyring key and given a passphrase (or the other way): not this key
        raise SealError("wrong_key", "the key is not the one this file was sealed with")
    if kdf == "scrypt" and {k: header.get(k) for k in SCRYPT} != SCRYPT:
        raise SealError("unknown", "unknown scrypt parameters")
    return secret_kdf(secret, raw, str(header.get("purpose", "")), unb64(header.get("salt"), 16))[0]


def fingerprint(public_raw: bytes) -> str:
    """A recipient key's short name: 16 hex digits of SHA-256 of the raw public key."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def public_key_raw(text: str) -> bytes:
    """A 32-byte X25519 public key from base64; ValueError when it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise ValueError("not base64") from None
    if len(raw) != 32:
        raise ValueError("an X25519 public key is 32 bytes")
    X25519PublicKey.from_public_bytes(raw)
    return raw


def box_key_to(recipient_raw: bytes, purpose: str) -> tuple[bytes, dict]:
    """A sealed box's key for the holder of `recipient_raw`'s private key: an ephemeral X25519
    agreement. Returns the key and the header fields the recipient needs."""
    eph = X25519PrivateKey.generate()
    epk = eph.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient_raw))
    key = hkdf(shared, epk + recipient_raw, b"yichuang/" + purpose.encode("ascii"))
    return key, {"kdf": "x25519-hkdf-sha256", "epk": b64(epk), "to": fingerprint(recipient_raw)}


def box_key_for(header: dict, private: X25519PrivateKey) -> bytes:
    """The key of a sealed box, for the recipient (the caller checked header['to'] is its key)."""
    if header.get("kdf") != "x25519-hkdf-sha256":
        raise SealError("unknown", f"unknown key agreement {header.get('kdf')!r}")
    epk = unb64(header.get("epk"), 32)
    mine = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = private.exchange(X25519PublicKey.from_public_bytes(epk))
    return hkdf(shared, epk + mine, b"yichuang/" + str(header.get("purpose", "")).encode("ascii"))


# --- the stream --------------------------------------------------------------------------------------
def key_check(key: bytes) -> str:
    """8 bytes that tell a wrong key from a damaged file at once (an HMAC of a constant: it
    reveals nothing of a 256-bit key)."""
    return b64(hmac.new(key, b"yichuang/seal-check", hashlib.sha256).digest()[:8])


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= 1 << 32:
        raise SealError("damaged", "too many chunks")
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def new_header(purpose: str, key_fields: dict, **extra: Any) -> dict:
    return {
        "v": 1,
        "alg": ALG,
        "purpose": purpose,
        "chunk": CHUNK,
        "nonce": b64(os.urandom(7)),
        **key_fields,
        **extra,
    }


def header_bytes(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


class SealWriter(io.RawIOBase):
    """A write-only file: what is written to it goes to `raw` sealed. ``close()`` writes the
    last chunk (without it the reader refuses the file as cut short); `raw` stays open."""

    def __init__(self, raw: BinaryIO, key: bytes, header: dict) -> None:
        header = {**header, "check": key_check(key)}
        self.header = header
        self.raw, self.aead = raw, ChaCha20Poly1305(key)
        self.aad = header_bytes(header)
        self.prefix = unb64(header["nonce"], 7)
        self.chunk = int(header["chunk"])
        self.counter = 0
        self.buf = bytearray()
        raw.write(MAGIC + struct.pack(">I", len(self.aad)) + self.aad)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        n = len(view)
        if self.buf:
            room = self.chunk - len(self.buf)
            self.buf += view[:room]
            view = view[room:]
            if not view:
                return n  # a full buffer may still be the last chunk: kept until more comes
            self._emit(bytes(self.buf), last=False)
            self.buf.clear()
        while len(view) > self.chunk:  # at least one byte stays: the last chunk is flagged
            self._emit(view[: self.chunk], last=False)
            view = view[self.chunk :]
        self.buf += view
        return n

    def _emit(self, plain: bytes | memoryview, last: bool) -> None:
        self.raw.write(self.aead.encrypt(_nonce(self.prefix, self.counter, last), plain, self.aad))
        self.counter += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self.buf), last=True)
            self.buf.clear()
            self.raw.flush()
        super().close()


def read_header(raw: BinaryIO) -> dict:
    """The header of the sealed file `raw` is positioned at (its start); SealError if none."""
    head = raw.read(len(MAGIC) + 4)
    if not is_sealed(head) or len(head) < len(MAGIC) + 4:
        raise SealError("damaged", "not a sealed file")
    (n,) = struct.unpack(">I", head[len(MAGIC) :])
    if n > MAX_HEADER:
        raise SealError("damaged", "sealed header too large")
    body = raw.read(n)
    try:
        header = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SealError("damaged", "sealed header is damaged") from None
    if not isinstance(header, dict) or header.get("v") != 1 or header.get("alg") != ALG:
        raise SealError("unknown", "unknown sealed format")
    chunk = header.get("chunk")
    if not isinstance(chunk, int) or not 1 <= chunk <= MAX_CHUNK or header_bytes(header) != body:
        raise SealError("damaged", "sealed header is damaged")
    return header


class SealReader(io.RawIOBase):
    """A read-only file over the sealed stream in `raw` (after its header): each chunk is
    checked before any of its bytes are given out; a missing last chunk is an error."""

    def __init__(self, raw: BinaryIO, key: bytes, header: dict) -> None:
        if not hmac.compare_digest(str(header.get("check", "")), key_check(key)):
            raise SealError("wrong_key", "the key does not open this file")
        self.raw, self.aead = raw, ChaCha20Poly1305(key)
        self.aad = header_bytes(header)
        self.prefix = unb64(header["nonce"], 7)
        self.size = int(header["chunk"]) + TAG
        self.counter = 0
        self.buf = b""
        self.pos = 0
        self.done = False
        self.ahead = b""  # the byte read to learn whether a full block was the last one

    def readable(self) -> bool:
        return True

    def _take(self, n: int) -> bytes:
        data, self.ahead = self.ahead[:n], self.ahead[n:]
        return data + _read_exactly(self.raw, n - len(data)) if len(data) < n else data

    def _next(self) -> None:
        block = self._take(self.size)
        if len(block) < TAG:
            raise SealError("damaged", "sealed file is cut short")
        self.ahead = self._take(1) if len(block) == self.size else b""
        last = not self.ahead
        try:
            self.buf = self.aead.decrypt(_nonce(self.prefix, self.counter, last), block, self.aad)
        except InvalidTag:
            raise SealError("damaged", "sealed file is damaged, altered or cut short") from None
        self.pos = 0
        self.counter += 1
        self.done = last

    def readinto(self, b) -> int:
        while self.pos >= len(self.buf):
            if self.done:
                return 0
            self._next()
        n = min(len(b), len(self.buf) - self.pos)
        b[:n] = memoryview(self.buf)[self.pos : self.pos + n]
        self.pos += n
        return n


def _read_exactly(raw: BinaryIO, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        piece = raw.read(n - got)
        if not piece:
            break
        parts.append(piece)
        got += len(piece)
    return b"".join(parts)


def read_all(reader: io.RawIOBase, limit: int) -> bytes:
    """Everything `reader` gives, refusing more than `limit` bytes (SealError)."""
    out = bytearray()
    while chunk := reader.read(CHUNK):
        out += chunk
        if len(out) > limit:
            raise SealError("damaged", f"sealed content is larger than {limit} bytes")
    return bytes(out)


def seal_bytes(key: bytes, header: dict, data: bytes) -> bytes:
    out = io.BytesIO()
    w = SealWriter(out, key, header)
    w.write(data)
    w.close()
    return out.getvalue()


def open_bytes(blob: bytes, key_for) -> tuple[dict, bytes]:
    """(header, plaintext) of the sealed `blob`; `key_for(header)` gives the key."""
    raw = io.BytesIO(blob)
    header = read_header(raw)
    reader = SealReader(raw, key_for(header), header)
    return header, read_all(reader, len(blob))
