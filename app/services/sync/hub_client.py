"""The workstation's client of its hub: the URL and token from the settings, the system's CAs
(or a private CA bundle), and the headers that say which keys this window signs with."""

from __future__ import annotations

import os
from typing import Any

from app.services.workstation import Workstation
from sync.transport import HubClient


def client_for(ws: Workstation) -> HubClient:
    verify: Any = True  # the system's CAs; TLS verification is never switched off
    ca = os.environ.get("YICHUANG_HUB_CA")  # a private CA bundle for the county's certificate
    if ca:
        import ssl

        verify = ssl.create_default_context(cafile=ca)
    # every push says which keys this window signs with; the hub never registers them (its admin
    # binds keys: `yichuang keys` prints them for that), pulls do not carry them
    return HubClient(
        str(ws.config.get("hub.url") or ""),
        str(ws.config.get("hub.token") or ""),
        verify=verify,
        push_headers={"X-Yichuang-Key": ws.signer.public_key_b64(), **_qr_key_header(ws)},
    )


def _qr_key_header(ws: Workstation) -> dict[str, str]:
    """The receipts' SM2 key, when they are signed with SM2: informative (the hub checks those
    receipts against the SM2 key its admin bound, never this one)."""
    qr = ws.qr_signer
    return {"X-Yichuang-Qr-Key": f"{qr.alg}:{qr.public_key_b64()}"} if qr is not ws.signer else {}
