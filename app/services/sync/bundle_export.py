"""`yichuang sync export-bundle`: everything unsent, signed and compressed, for a USB stick.

The file format is sync.bundle's; the hub's side is sync.hub.bundle_import.
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

from app.services.sync import outbox
from app.store.sync_models import SyncAttachment
from sync import protocol
from sync.bundle import BundleError, pack, signed_part

__all__ = ["BundleError", "export_bundle"]


def export_bundle(ws, target: Path) -> dict[str, int]:
    """Write every unsent event (and pending scan) of this workstation to `target`."""

    token = str(ws.config.get("hub.token") or "")
    if not token:
        from app.messages import t

        raise BundleError(t("sync.err_bundle_no_token"))
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
    signed = signed_part(header, body)
    header["hmac"] = hmac.new(bytes.fromhex(token_hash), signed, hashlib.sha256).hexdigest()
    header["signature"] = base64.b64encode(signer._key.sign(signed)).decode("ascii")
    target = Path(target)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(pack(header, body))
    tmp.replace(target)
    return {"events": len(events), "attachments": len(files), "bytes": target.stat().st_size}
