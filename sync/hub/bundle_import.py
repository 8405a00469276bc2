"""`yichuang hub import-bundle`: apply a bundle carried from a workstation, exactly once.

The whole bundle is checked (layout, hash, token HMAC, Ed25519 signature, content) before
anything is applied; then it is applied in one transaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path
from typing import Any

from sync import protocol
from sync.bundle import BundleError, read_bundle, signed_part

__all__ = ["BundleError", "import_bundle", "verify"]


def verify(header: dict[str, Any], body: bytes, token_hash: str) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    signed = signed_part(header, body)
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
