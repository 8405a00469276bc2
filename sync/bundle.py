"""Bundles: everything unsent, in one signed and compressed file carried on a USB stick.

Layout::

    b"YCBUNDLE1\\n"  +  8-byte big-endian header length  +  header (JSON)  +  body (zstd JSON)

The header names the office, workstation, event count, the body's sha256, the token id
(first 16 hex digits of sha256(token)) and two signatures over ``canonical(header without
hmac/signature) + b"\\n" + body``:

* ``hmac``: HMAC-SHA256 keyed with sha256(token) — binds the bundle to the token; since the
  hub stores exactly that hash, it is not enough on its own;
* ``signature``: Ed25519 by the workstation's key (printing.signing.Signer), with
  ``public_key``: the hub checks it against the key its admin bound to the workstation's token
  (``hub add-token --public-key``, ``hub set-key``, the console's token page; never by first
  use), so neither a copy of the hub's token table nor the token alone can forge a bundle.

Version 2 (issue 16 §5) seals the body to the hub's X25519 bundle key (sync.sealing: an
ephemeral key agreement, ChaCha20-Poly1305 in chunks) before it is hashed and signed; the
header names that key's fingerprint in ``sealed_to``, so a hub holding another key says so
before it tries anything. Version 1 (a plain zstd body) is still read.

Any change to any byte makes one of the checks fail and the bundle is refused whole.
Importing applies events by event_id exactly once (a bundle imported twice, or whose
events also arrived online, duplicates nothing).
"""

from __future__ import annotations

import hashlib
import json
import struct
from typing import Any

from app.messages import t

MAGIC = b"YCBUNDLE1\n"
VERSIONS = (1, 2)  # 2: the body is sealed to the hub's bundle key
MAX_HEADER = 64 * 1024
AUTH_FIELDS = ("hmac", "signature")


class BundleError(ValueError):
    """A refused bundle: ``str()`` is English; ``key``/``fields`` name the message catalogue's
    text (app.messages) for the commands that show it to people."""

    def __init__(self, message: str, key: str = "", **fields: object) -> None:
        super().__init__(message)
        self.key = key
        self.fields = fields
        self.text = t(key, **fields) if key else message  # what a person reads


def _canonical(header: dict[str, Any]) -> bytes:
    clean = {k: v for k, v in header.items() if k not in AUTH_FIELDS}
    return json.dumps(clean, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_bundle(data: bytes) -> tuple[dict[str, Any], bytes]:
    """(header, body) after checking the layout and the body hash; BundleError otherwise."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise BundleError("not a yichuang bundle", "hub.bundle_not_bundle")
    (n,) = struct.unpack(">Q", data[len(MAGIC) : len(MAGIC) + 8])
    if n > MAX_HEADER or len(MAGIC) + 8 + n > len(data):
        raise BundleError("bundle header is damaged", "hub.bundle_damaged")
    start = len(MAGIC) + 8
    try:
        header = json.loads(data[start : start + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError("bundle header is damaged", "hub.bundle_damaged") from None
    if not isinstance(header, dict) or type(header.get("v")) is not int or header["v"] not in VERSIONS:
        raise BundleError("unknown bundle version", "hub.bundle_version")
    body = data[start + n :]
    if hashlib.sha256(body).hexdigest() != header.get("body_sha256"):
        raise BundleError("bundle body does not match its hash (damaged or altered)", "hub.bundle_hash")
    return header, body


def pack(header: dict[str, Any], body: bytes) -> bytes:
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    return MAGIC + struct.pack(">Q", len(head)) + head + body


def signed_part(header: dict[str, Any], body: bytes) -> bytes:
    """What both signatures cover."""
    return _canonical(header) + b"\n" + body
