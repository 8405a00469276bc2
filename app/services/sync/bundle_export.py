"""`yichuang sync export-bundle`: everything unsent, signed and compressed, for a USB stick.

The file format is sync.bundle's; the hub's side is sync.hub.bundle_import.

Sealing (issue 16 §5): when the window knows the hub's bundle key (learned at sync, or set at
enrolment with `yichuang sync hub-key`), the body is sealed to it (format v2), on a plain
store too: a bundle travels on a USB stick. An encrypted store with no hub key refuses to
export (names, ID numbers and phones would leave it in clear); a plain store without one
writes the plain format v1, which older hubs read, and says so.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import zstandard
from sqlalchemy import select

from app.private_files import write_private
from app.services import sealed_files
from app.services.sync import outbox
from app.services.workstation import Workstation
from app.store.sync_models import SyncAttachment
from sync import protocol, sealing
from sync.bundle import BundleError, pack, signed_part

__all__ = ["BundleError", "export_bundle"]


def export_bundle(ws: Workstation, target: Path) -> dict[str, Any]:
    """Write every unsent event (and pending scan) of this workstation to `target`."""

    from app.messages import t

    token = str(ws.config.get("hub.token") or "")
    if not token:
        raise BundleError(t("sync.err_bundle_no_token"))
    hub_key = sealed_files.hub_key(ws.store)
    if not hub_key and ws.config.get("store.encrypted"):
        raise BundleError(t("sealed.bundle_no_hub_key"))
    events = outbox.next_batch(ws.store, max_events=10**9, max_bytes=1 << 62)
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
    sealed_to = ""
    if hub_key:
        key, fields = sealing.box_key_to(sealing.public_key_raw(hub_key), "bundle")
        body = sealing.seal_bytes(key, sealing.new_header("bundle", fields), body)
        sealed_to = fields["to"]
    signer = ws.signer
    token_hash = hashlib.sha256(token.encode("utf-8")).hexdigest()
    header: dict[str, Any] = {
        "v": 2 if sealed_to else 1,
        "office": ws.office_code,
        "ws": ws.workstation_id,
        "events": len(events),
        "attachments": len(files),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "token_id": token_hash[:16],
        "public_key": signer.public_key_b64(),
        **({"sealed_to": sealed_to} if sealed_to else {}),
    }
    signed = signed_part(header, body)
    header["hmac"] = hmac.new(bytes.fromhex(token_hash), signed, hashlib.sha256).hexdigest()
    header["signature"] = base64.b64encode(signer._key.sign(signed)).decode("ascii")
    target = Path(target)
    write_private(target, pack(header, body))
    return {
        "events": len(events),
        "attachments": len(files),
        "bytes": target.stat().st_size,
        "sealed_to": sealed_to,
    }
