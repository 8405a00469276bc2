"""Bundles: everything unsent, in one signed and compressed file carried on a USB stick.

Layout::

    b"YCBUNDLE1\\n"  +  8-byte big-endian header length  +  header (JSON)  +  body (zstd JSON)

The header names the office, workstation, event count, the body's sha256, the token id
(first 16 hex digits of sha256(token)) and two signatures over ``canonical(header without
hmac/signature) + b"\\n" + body``:

* ``hmac``: HMAC-SHA256 keyed with sha256(token) — the hub stores exactly that hash, so it
  can check that the bundle comes from the holder of that workstation's token;
* ``signature``: Ed25519 by the workstation's key (printing.signing.Signer), with
  ``public_key``: tamper evidence that also names the machine.

Any change to any byte makes one of the checks fail and the bundle is refused whole.
Importing applies events by event_id exactly once (a bundle imported twice, or whose
events also arrived online, duplicates nothing).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import zstandard

from sync import protocol

MAGIC = b"YCBUNDLE1\n"
MAX_HEADER = 64 * 1024
AUTH_FIELDS = ("hmac", "signature")


class BundleError(ValueError):
    pass


def _canonical(header: dict[str, Any]) -> bytes:
    clean = {k: v for k, v in header.items() if k not in AUTH_FIELDS}
    return json.dumps(clean, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def export_bundle(ws, target: Path) -> dict[str, int]:
    """Write every unsent event (and pending scan) of this workstation to `target`."""
    from sqlalchemy import select

    from sync import local
    from sync.models import SyncAttachment

    token = str(ws.config.get("hub.token") or "")
    if not token:
        raise BundleError(
            "hub.token is not set: the bundle is signed with it (yichuang config set hub.token TOKEN)"
        )
    events = local.next_batch(ws.store, max_events=10**9, max_bytes=1 << 62)
    with ws.store.read() as s:
        atts = list(s.execute(select(SyncAttachment).where(SyncAttachment.state == "pending")).scalars())
    files = []
    for a in atts:
        data = Path(a.path).read_bytes()
        files.append(
            {
                "sha256": a.sha256,
                "case": a.case_number,
                "name": a.name,
                "data": base64.b64encode(data).decode("ascii"),
            }
        )
    body = zstandard.ZstdCompressor(level=15).compress(
        protocol.dumps({"events": events, "attachments": files})
    )
    signer = ws.signer
    token_hash = hashlib.sha256(token.encode("utf-8")).hexdigest()
    header: dict[str, Any] = {
        "v": 1,
        "office": ws.office_code,
        "ws": ws.workstation_id,
        "events": len(events),
        "attachments": len(files),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "token_id": token_hash[:16],
        "public_key": signer.public_key_b64(),
    }
    signed = _canonical(header) + b"\n" + body
    header["hmac"] = hmac.new(bytes.fromhex(token_hash), signed, hashlib.sha256).hexdigest()
    header["signature"] = base64.b64encode(signer._key.sign(signed)).decode("ascii")
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    target = Path(target)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(MAGIC + struct.pack(">Q", len(head)) + head + body)
    tmp.replace(target)
    return {"events": len(events), "attachments": len(files), "bytes": target.stat().st_size}


def read_bundle(data: bytes) -> tuple[dict[str, Any], bytes]:
    """(header, body) after checking the layout and the body hash; BundleError otherwise."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise BundleError("not a yichuang bundle")
    (n,) = struct.unpack(">Q", data[len(MAGIC) : len(MAGIC) + 8])
    if n > MAX_HEADER or len(MAGIC) + 8 + n > len(data):
        raise BundleError("bundle header is damaged")
    start = len(MAGIC) + 8
    try:
        header = json.loads(data[start : start + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError("bundle header is damaged") from None
    if not isinstance(header, dict) or header.get("v") != 1:
        raise BundleError("unknown bundle version")
    body = data[start + n :]
    if hashlib.sha256(body).hexdigest() != header.get("body_sha256"):
        raise BundleError("bundle body does not match its hash (damaged or altered)")
    return header, body


def verify(header: dict[str, Any], body: bytes, token_hash: str) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    signed = _canonical(header) + b"\n" + body
    want = hmac.new(bytes.fromhex(token_hash), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, str(header.get("hmac", ""))):
        raise BundleError("bundle is not signed by that workstation's token (altered?)")
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(header["public_key"]))
        key.verify(base64.b64decode(header["signature"]), signed)
    except (KeyError, ValueError, InvalidSignature):
        raise BundleError("bundle signature is not valid (altered?)") from None


def import_bundle(hub, data_dir: Path, source: Path) -> dict[str, Any]:
    """Check the whole bundle, then apply it in one transaction; refused whole if anything is off."""
    header, body = read_bundle(Path(source).read_bytes())
    token_id = str(header.get("token_id", ""))
    if len(token_id) != 16:
        raise BundleError("bundle names no token")
    candidates = [
        p
        for p in hub.principal_by_hash_prefix(token_id)
        if p.role == "workstation" and p.office == header.get("office") and p.ws == header.get("ws")
    ]
    if not candidates:
        raise BundleError(
            f"no workstation token {token_id} for {header.get('office')}/{header.get('ws')} here"
        )
    who = candidates[0]
    verify(header, body, who.token_hash)
    try:
        doc = protocol.loads(protocol.decompress(body, limit=1 << 31))
        events = [protocol.parse_event(e) for e in doc["events"]]
        files = doc.get("attachments", [])
    except (protocol.ProtocolError, KeyError, TypeError) as exc:
        raise BundleError(f"bundle content is malformed: {exc}") from None
    blobs = Path(data_dir) / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    stored = 0
    for f in files:
        raw = base64.b64decode(f["data"])
        if hashlib.sha256(raw).hexdigest() != f["sha256"]:
            raise BundleError(f"attachment {f['sha256'][:12]} does not match its hash")
    result = hub.push(who, events, via=f"bundle:{who.identity}")
    for f in files:
        raw = base64.b64decode(f["data"])
        path = blobs / f["sha256"]
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(raw)
            tmp.replace(path)
        hub.create_attachment(f["sha256"], len(raw), str(f.get("case", ""))[:40])
        hub.set_attachment_offset(f["sha256"], len(raw), True)
        stored += 1
    return {
        "applied": result.applied,
        "duplicate": result.duplicate,
        "refused": result.refused,
        "attachments": stored,
        "office": header.get("office"),
        "ws": header.get("ws"),
    }
