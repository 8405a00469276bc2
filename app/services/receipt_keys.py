"""This window's public keys, for the hub's admin to bind (issue 16 §3).

The hub trusts a window's receipt and bundle keys only when its admin bound them to the
window's token (`yichuang hub add-token --public-key`, `hub set-key`, the console's token page):
never the keys a window sends when it syncs. So enrolling a window is: run `yichuang keys` at
the window, give the admin what it prints (the keys and the exact command), the admin runs it.
`yichuang doctor` asks the hub (GET /api/v1/keys) whether what it bound is what this PC uses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from app.services.workstation import Workstation

ED25519_FILE = ("keys", "workstation.key")
SM2_FILE = ("keys", "workstation-sm2.key")


@dataclass(frozen=True)
class PublicKey:
    alg: str  # ed25519 | sm2
    key_id: str  # what receipts' QR codes name (k=)
    public_key: str  # standard base64: what the admin pastes
    signs_receipts: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "alg": self.alg,
            "key_id": self.key_id,
            "public_key": self.public_key,
            "signs_receipts": self.signs_receipts,
        }


def _sm2_in_use(ws: Workstation) -> bool:
    return str(ws.config.get("audit.signature")) == "sm2"


def public_keys(ws: Workstation, *, create: bool = True) -> list[PublicKey]:
    """The Ed25519 key (bundles; receipts unless SM2 signs them) and the SM2 key when receipts
    are signed with it (or its file exists). ``create``: make a missing key, as the first receipt
    would (`yichuang keys`); else only the keys on disk (`yichuang doctor` changes nothing)."""
    from printing.signing import Signer, Sm2Signer

    sm2 = _sm2_in_use(ws)
    out: list[PublicKey] = []
    ed_path = ws.config.data_dir.joinpath(*ED25519_FILE)
    if create or ed_path.exists():
        signer = ws.signer if create else Signer.load(ed_path)
        out.append(PublicKey(signer.alg, signer.key_id(), signer.public_key_b64(), not sm2))
    sm2_path = ws.config.data_dir.joinpath(*SM2_FILE)
    if (sm2 and create) or sm2_path.exists():
        signer = ws.qr_signer if sm2 and create else Sm2Signer.load(sm2_path)
        out.append(PublicKey(signer.alg, signer.key_id(), signer.public_key_b64(), sm2))
    return out


def token_id(ws: Workstation) -> str:
    """The id the hub lists this window's token by (`hub list-tokens`), "" without a token."""
    token = str(ws.config.get("hub.token") or "")
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16] if token else ""


def admin_command(ws: Workstation, keys: list[PublicKey]) -> list[str]:
    """The command the hub's admin runs to bind ``keys``: `hub set-key` on this window's token,
    or `hub add-token` for a window that has none yet."""
    flags = [part for k in keys for part in ("--public-key", k.public_key)]
    tid = token_id(ws)
    if tid:
        return ["yichuang", "hub", "set-key", tid, *flags]
    office, wsid = str(ws.config.get("office.code")), str(ws.config.get("workstation.id"))
    return [
        "yichuang",
        "hub",
        "add-token",
        "--role",
        "workstation",
        "--office",
        office,
        "--workstation",
        wsid,
        *flags,
    ]


@dataclass(frozen=True)
class KeyState:
    key: PublicKey
    state: str  # bound | missing | other
    bound: str = ""  # the key id the hub holds instead (state "other")


def compare(local: list[PublicKey], bound: list[dict]) -> list[KeyState]:
    """Each local key against what the hub's admin bound (keys not trusted by the hub count as
    not bound: a key registered on first use by an older hub vouches for nothing)."""
    trusted = {b["alg"]: b for b in bound if b.get("trusted", True)}
    out = []
    for k in local:
        b = trusted.get(k.alg)
        if b is None:
            out.append(KeyState(k, "missing"))
        elif b["public_key"] != k.public_key:
            out.append(KeyState(k, "other", str(b.get("key_id", ""))))
        else:
            out.append(KeyState(k, "bound"))
    return out
