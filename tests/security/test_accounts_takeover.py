"""Issue 16 §2: accounts cannot be taken over with a window's token.

A real hub process (SQLite and PostgreSQL) and windows on real stores. The attacker holds one
window's token and nothing else: no operator's password. Every change they push is refused,
the hub's accounts stay as they were, and no window of the office takes anything from it at
its next sync. A legitimate change made at a window by a logged-in supervisor goes through and
reaches the other window of the office.
"""

from __future__ import annotations

import base64
import os
import uuid
from datetime import UTC, datetime

import pytest

from app.domain.passwords import hash_password
from app.services import operators
from app.services.sync.cycle import run_cycle
from tests.hubs import OFFICE, WSID, make_workstation
from tests.security.accounts_helpers import HUB_PASSWORD, answer, hub_accounts, hub_ok, post_changes

ATTACKER_PASSWORD = "attacker-pass-1"


def synced(ws) -> None:
    rep = run_cycle(ws)
    assert rep.error is None, rep.error


def _attacker_key() -> str:
    """A key string of the windows' format whose private half the attacker holds (no password
    of anyone needed to make one)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    pub = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def b64(b: bytes) -> str:
        return base64.b64encode(b).decode().rstrip("=")

    return f"$ed25519-argon2id$v=19$m=65536,t=8,p=2${b64(os.urandom(16))}${b64(pub)}"


def _change(op: str, name: str, **fields) -> dict:
    return {
        "v": 1,
        "id": str(uuid.uuid4()),
        "op": op,
        "name": name,
        "office": OFFICE,
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        **fields,
    }


def _takeover(evil_hash: str, evil_key: str, **claim) -> list[dict]:
    """The sequence of the issue: reset the supervisor's password (also a county-wide one),
    disable the admin, add an admin and a supervisor."""
    new = {"hash": evil_hash, "key": evil_key}
    return [
        _change("passwd", "zhuren", **new, **claim),
        _change("passwd", "county", **new, **claim),
        _change("disable", "guanli", **claim),
        _change("add", "evil-admin", role="admin", **new, **claim),
        _change("add", "evil-sup", role="supervisor", **new, **claim),
        _change("add", "evil-clerk", role="clerk", **new, **claim),
    ]


def test_the_takeover_sequence_with_only_a_window_token_is_refused_and_reaches_no_window(hub, tmp_path):
    hub_ok(hub, "add-operator", "zhuren", "--role", "supervisor", "--office", OFFICE, password=HUB_PASSWORD)
    hub_ok(hub, "add-operator", "guanli", "--role", "admin", "--office", OFFICE, password=HUB_PASSWORD)
    hub_ok(hub, "add-operator", "county", "--role", "supervisor", password=HUB_PASSWORD)  # every office
    token = hub.token("workstation", OFFICE, WSID)
    ws2 = make_workstation(tmp_path / "ws2", hub.url, hub.token("workstation", OFFICE, "02"), wsid="02")
    try:
        synced(ws2)  # the other window of the office knows the accounts before the attack
        before = hub_accounts(hub)
        evil_hash, evil_key = hash_password(ATTACKER_PASSWORD), _attacker_key()
        forged_sig = base64.b64encode(os.urandom(64)).decode()
        batches = [
            _takeover(evil_hash, evil_key),  # as windows sent them until now: no proof at all
            _takeover(evil_hash, evil_key, actor="zhuren"),  # naming the supervisor as the actor
            _takeover(evil_hash, evil_key, actor="zhuren", sig=forged_sig),  # with a forged signature
        ]
        for batch in batches:
            r = post_changes(hub, token, batch)
            assert r.status_code == 200, r.text
            results = answer(r)["results"]
            assert [x["status"] for x in results] == ["refused"] * len(batch), results
        # nothing changed at the hub
        assert hub_accounts(hub) == before
        # and the other window takes nothing from it at its next sync
        synced(ws2)
        names = {a["name"]: a for a in operators.list_operators(ws2)}
        assert set(names) == {"zhuren", "guanli", "county"}
        assert not names["guanli"]["disabled"]
        for name in ("zhuren", "county"):
            assert operators.login(ws2, name, HUB_PASSWORD).role == "supervisor"
        assert operators.login(ws2, "guanli", HUB_PASSWORD).role == "admin"
        with pytest.raises(operators.OperatorError):
            operators.login(ws2, "evil-admin", ATTACKER_PASSWORD)
    finally:
        ws2.close()
