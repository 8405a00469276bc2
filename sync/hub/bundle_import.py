"""`yichuang hub import-bundle`: apply a bundle carried from a workstation, exactly once.

The whole bundle is checked (layout, hash, token HMAC, Ed25519 signature, content) before
anything is applied; then it is applied in one transaction. The Ed25519 signature is checked
against the key the hub's admin bound to the workstation's token (add-token --public-key,
hub set-key or the console's token page; never one a window sent: sync.hub.receipts).
A sealed bundle (v2) is opened with the hub's bundle key (sync.hub.bundle_key) after its
signatures are checked; one sealed to another key is refused, naming both fingerprints.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
from pathlib import Path
from typing import Any

from app.private_files import make_private_dir, write_private
from sync import protocol
from sync.bundle import BundleError, read_bundle, signed_part

__all__ = ["BundleError", "import_bundle", "verify"]


MAX_BUNDLE_FILE = 1 << 30  # a bundle on a USB stick
MAX_BUNDLE_DECODED = 1 << 30  # its body, decompressed
MAX_BUNDLE_RATIO = 64  # events and scans compress far less than this; a bomb far more
MIN_BUNDLE_DECODED = 64 * 1024 * 1024


def verify(header: dict[str, Any], body: bytes, token_hash: str, public_key: str) -> None:
    """The bundle's signatures: the token's HMAC, and the Ed25519 signature by the key the hub's
    admin bound for this workstation (a copy of the hub's token table cannot make that one)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    signed = signed_part(header, body)
    want = hmac.new(bytes.fromhex(token_hash), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, str(header.get("hmac", ""))):
        raise BundleError("bundle is not signed by that workstation's token (altered?)", "hub.bundle_hmac")
    if not public_key:
        raise BundleError(
            "the hub's admin has bound no public key for this workstation: run `yichuang keys` at "
            "the window, then `yichuang hub set-key` here",
            "hub.bundle_no_key",
        )
    if str(header.get("public_key", "")) != public_key:
        raise BundleError(
            "bundle is signed by another key than the one registered for this workstation",
            "hub.bundle_other_key",
        )
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(base64.b64decode(header["signature"]), signed)
    except (KeyError, ValueError, InvalidSignature):
        raise BundleError("bundle signature is not valid (altered?)", "hub.bundle_signature") from None


def _unseal(data_dir: Path, header: dict[str, Any], body: bytes) -> bytes:
    """The body of a sealed bundle, opened with this hub's bundle key."""
    from sync import sealing
    from sync.hub.bundle_key import load_or_create

    mine = load_or_create(data_dir)
    try:
        raw = io.BytesIO(body)
        sealed = sealing.read_header(raw)
        to = str(sealed.get("to", ""))
        if to != mine.fingerprint or str(header.get("sealed_to", "")) != to:
            raise BundleError(
                f"bundle is sealed to another hub key ({to[:16]}); this hub's key is {mine.fingerprint}",
                "hub.bundle_other_hub_key",
                theirs=to[:16],
                mine=mine.fingerprint,
            )
        if sealed.get("purpose") != "bundle":
            raise sealing.SealError("damaged", "not a bundle body")
        reader = sealing.SealReader(raw, sealing.box_key_for(sealed, mine.private), sealed)
        return sealing.read_all(reader, MAX_BUNDLE_FILE)
    except sealing.SealError as exc:
        raise BundleError(
            f"sealed bundle cannot be opened: {exc}", "hub.bundle_unseal", error=str(exc)
        ) from None


def _body_limit(body: bytes) -> int:
    return min(MAX_BUNDLE_DECODED, max(MIN_BUNDLE_DECODED, MAX_BUNDLE_RATIO * len(body)))


def import_bundle(hub, data_dir: Path, source: Path) -> dict[str, Any]:
    """Check the whole bundle, then apply it in one transaction; refused whole if anything is off."""
    source = Path(source)
    if source.stat().st_size > MAX_BUNDLE_FILE:
        raise BundleError(
            f"bundle is larger than {MAX_BUNDLE_FILE} bytes", "hub.bundle_too_big", max=MAX_BUNDLE_FILE
        )
    header, body = read_bundle(source.read_bytes())
    token_id = str(header.get("token_id", ""))
    if len(token_id) != 16:
        raise BundleError("bundle names no token", "hub.bundle_no_token")
    candidates = [
        p
        for p in hub.principal_by_hash_prefix(token_id)
        if p.role == "workstation" and p.office == header.get("office") and p.ws == header.get("ws")
    ]
    if not candidates:
        scope = f"{header.get('office')}/{header.get('ws')}"
        raise BundleError(
            f"no live workstation token {token_id} for {scope} here",
            "hub.bundle_unknown_token",
            id=token_id,
            scope=scope,
        )
    who = candidates[0]
    verify(header, body, who.token_hash, who.public_key)
    if header["v"] == 2:
        body = _unseal(Path(data_dir), header, body)
    try:
        # measured first without keeping anything: a bomb is refused with memory flat
        protocol.decompressed_size(body, _body_limit(body))
        doc = protocol.loads(protocol.decompress(body, limit=_body_limit(body)))
        events = [protocol.parse_event(e) for e in doc["events"]]
        files = doc.get("attachments", [])
        for f in files:
            if not (isinstance(f, dict) and protocol.is_sha256(f.get("sha256", ""))):
                raise protocol.ProtocolError("an attachment has no sha256")
    except protocol.ProtocolError as exc:
        if exc.status == 413:
            limit = _body_limit(body)
            raise BundleError(
                f"bundle body decompresses to more than {limit} bytes", "hub.bundle_bomb", max=limit
            ) from None
        raise BundleError(f"bundle content refused: {exc}", "hub.bundle_content", error=str(exc)) from None
    except (KeyError, TypeError) as exc:
        raise BundleError(
            f"bundle content is malformed: {exc}", "hub.bundle_content", error=repr(exc)
        ) from None
    from sync.hub.store import blob_dir

    blobs = make_private_dir(blob_dir(Path(data_dir)))
    stored = 0
    for f in files:
        raw = base64.b64decode(f["data"])
        if hashlib.sha256(raw).hexdigest() != f["sha256"]:
            raise BundleError(
                f"attachment {f['sha256'][:12]} does not match its hash",
                "hub.bundle_attachment",
                sha=f["sha256"][:12],
            )
    result = hub.push(who, events, via=f"bundle:{who.identity}")
    for f in files:
        raw = base64.b64decode(f["data"])
        path = blobs / f["sha256"]
        if not path.exists():
            write_private(path, raw)
        hub.create_attachment(f["sha256"], len(raw), str(f.get("case", ""))[:40], who.office)
        hub.set_attachment_offset(f["sha256"], who.office, len(raw), True)
        stored += 1
    return {
        "applied": result.applied,
        "duplicate": result.duplicate,
        "refused": result.refused,
        "attachments": stored,
        "office": header.get("office"),
        "ws": header.get("ws"),
    }
