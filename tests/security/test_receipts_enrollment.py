"""Issue 16 §3: who binds a window's receipt keys. The hub's admin only (`yichuang hub add-token
--public-key`, `hub set-key`, the console's token page: tests/security/test_receipts_console.py);
a window's token cannot, however it tries. The window prints what the admin needs
(`yichuang keys`) and `yichuang doctor` says whether the hub holds it. Real hub processes on
SQLite and PostgreSQL, the real CLI in child processes, a real window data dir."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from alembic import command
from sqlalchemy import create_engine, text

from printing.signing import Claim, Signer, Sm2Signer, receipt_payload
from sync.hub.migrations.env_config import alembic_config
from sync.hub.store import hash_token
from tests.hubs import OFFICE, WSID, HubProcess, make_workstation, ycli
from tests.security.test_receipts_forgery import print_receipt, sync, verdict
from tests.sync.helpers import get, push
from tests.sync.helpers import number as case_number

pytestmark = pytest.mark.slow  # real hub processes


def hub_cli(hub, *args: str, check: bool = True):
    db = ["--db", hub.db_url] if hub.db_url else []
    return ycli("hub", *args, "--data-dir", str(hub.data_dir), *db, check=check)


def tokens(hub) -> dict[str, dict]:
    rows = json.loads(hub_cli(hub, "list-tokens", "--json").stdout)
    return {r["id"]: r for r in rows}


def findings(data: Path) -> dict[str, dict]:
    r = ycli("doctor", "--json", "--data-dir", str(data), check=False)
    return {f["key"]: f for f in json.loads(r.stdout)["findings"]}


def test_the_admin_binds_a_windows_keys_and_a_window_token_cannot(tmp_path: Path, hub):
    data = tmp_path / "ws"
    r = hub_cli(hub, "add-token", "--role", "workstation", "--office", OFFICE, "--workstation", WSID)
    token = r.stdout.strip().splitlines()[-1]
    tid = hash_token(token)[:16]
    ws = make_workstation(data, hub.url, token)
    ws.config.set("audit.signature", "sm2")  # receipts in SM2: both keys to bind
    ws.config.save()
    ws.close()

    # the window says what to bind, and the exact command for the admin
    shown = json.loads(ycli("keys", "--json", "--data-dir", str(data)).stdout)
    assert shown["token_id"] == tid and [k["alg"] for k in shown["keys"]] == ["ed25519", "sm2"]
    assert [k["signs_receipts"] for k in shown["keys"]] == [False, True]
    assert shown["admin_command"][:4] == ["yichuang", "hub", "set-key", tid]
    text = ycli("keys", "--data-dir", str(data)).stdout
    assert all(k["public_key"] in text and k["key_id"] in text for k in shown["keys"])
    assert f"yichuang hub set-key {tid} --public-key" in text
    assert findings(data)["keys.missing"]["level"] == "warning"

    # the window's token tries every way it has: its pushes bring keys, /api/v1/keys is
    # read-only, the console refuses bearer tokens
    attacker = Sm2Signer.generate()
    assert (
        push(
            hub.url, token, [], headers={"X-Yichuang-Qr-Key": f"sm2:{attacker.public_key_b64()}"}
        ).status_code
        == 200
    )
    sync(data)  # the window's own sync sends its keys too
    auth = {"Authorization": f"Bearer {token}"}
    body = {"token_id": tid, "public_keys": attacker.public_key_b64()}
    assert httpx.post(hub.url + "/api/v1/keys", headers=auth, json=body).status_code == 405
    r = httpx.post(hub.url + "/console/tokens/keys", headers=auth, data=body)
    assert r.status_code == 401
    assert get(hub.url, token, "/api/v1/keys").json()["keys"] == []
    assert get(hub.url, hub.token("backoffice"), "/api/v1/keys").status_code == 403
    assert tokens(hub)[tid]["keys"] == []

    # the admin runs what the window printed
    cmd = shown["admin_command"]
    out = hub_cli(hub, *cmd[2:]).stdout
    assert all(k["key_id"] in out for k in shown["keys"]), out
    row = tokens(hub)[tid]
    assert [(k["alg"], k["public_key"], k["origin"], k["trusted"]) for k in row["keys"]] == [
        (k["alg"], k["public_key"], "admin", True) for k in shown["keys"]
    ]
    table = hub_cli(hub, "list-tokens").stdout
    assert f"ed25519:{shown['keys'][0]['key_id']}" in table and f"sm2:{shown['keys'][1]['key_id']}" in table
    assert [k["key_id"] for k in get(hub.url, token, "/api/v1/keys").json()["keys"]] == [
        k["key_id"] for k in shown["keys"]
    ]
    assert findings(data)["keys.bound"]["level"] == "ok"
    ws = make_workstation(data, hub.url, token)
    number, payload = print_receipt(ws, "张秀英", "开餐馆")
    ws.close()
    sync(data)
    assert verdict(hub, hub.token("backoffice"), payload)["valid"] is True

    # a bound key is not replaced (a new key means a new token), nor bound twice in one go
    other = Signer.generate().public_key_b64()
    r = hub_cli(hub, "set-key", tid, "--public-key", other, check=False)
    assert r.returncode == 1 and "--replace" in r.stderr
    assert tokens(hub)[tid]["keys"][0]["public_key"] == shown["keys"][0]["public_key"]
    r = hub_cli(hub, "set-key", tid, "--public-key", other, "--public-key", other, check=False)
    assert r.returncode == 1
    # keys only for windows, only well-formed ones
    bo = hub_cli(hub, "add-token", "--role", "backoffice").stdout.strip().splitlines()[-1]
    r = hub_cli(hub, "set-key", hash_token(bo)[:16], "--public-key", other, check=False)
    assert r.returncode == 1 and "工作站" in r.stderr
    for bad in ("bm90IGEga2V5", "!!!", Signer.generate().public_key_b64()[:-4]):
        before = len(tokens(hub))
        r = hub_cli(hub, "add-token", "--role", "workstation", "--office", OFFICE, "--workstation", "09",
                    "--public-key", bad, check=False)  # fmt: skip
        assert r.returncode == 1 and "--public-key" in r.stderr
        assert len(tokens(hub)) == before  # no token made

    # a window whose PC is replaced: a new token with the new key; the old key still vouches
    # for what it signed up to the day it was revoked, not for a paper dated later
    new = Signer.generate()
    r = hub_cli(hub, "add-token", "--role", "workstation", "--office", OFFICE, "--workstation", WSID,
                "--replace", "--public-key", new.public_key_b64())  # fmt: skip
    assert f"ed25519 公钥 {new.key_id()}" in r.stdout
    bo = hub.token("backoffice")
    assert verdict(hub, bo, payload)["valid"] is True  # printed before the replacement
    old_sm2 = Sm2Signer.load(data / "keys" / "workstation-sm2.key")
    fields = dict(parse_qsl(urlsplit(payload).query))
    later = Claim.of(number, "receipt", fields["m"], fields["i"], "张秀英", date.today() + timedelta(days=2))
    assert verdict(hub, bo, receipt_payload(later, "", old_sm2))["reason"] == "key_revoked"


def test_keys_an_older_hub_took_on_first_use_vouch_for_nothing_until_the_admin_binds_them(
    tmp_path: Path, hub_db
):
    """A hub upgraded from before issue 16 kept the keys windows sent first (maybe an
    attacker's): after migration h0010 they are listed as unconfirmed and trusted for nothing —
    no receipt, no bundle — until the admin binds them."""
    hub = HubProcess(tmp_path / "hub", hub_db)
    st = hub.store()  # a hub at head, taken back to h0007 (before h0010), as an older hub left it
    st.close()
    url = hub_db or f"sqlite:///{tmp_path / 'hub' / 'hub.db'}"
    engine = create_engine(url)
    with engine.begin() as c:
        command.downgrade(alembic_config(c), "h0007")
    window, planted = Signer.generate(), Sm2Signer.generate()
    token = "yc1_" + "w" * 43
    th = hashlib.sha256(token.encode()).hexdigest()
    with engine.begin() as c:  # what the older hub wrote: keys taken on first use
        c.execute(
            text(
                "INSERT INTO hub_token (hash, role, office, ws, name, public_key, created_at, expires_at,"
                " revoked_at, last_used_at) VALUES (:h, 'workstation', :o, :w, '', :k, '2026-01-01', '', '', '')"
            ),
            {"h": th, "o": OFFICE, "w": WSID, "k": window.public_key_b64()},
        )
        c.execute(
            text(
                "INSERT INTO hub_qr_key (token_hash, alg, office, ws, key_id, public_key, registered_at)"
                " VALUES (:h, 'sm2', :o, :w, :i, :k, '2026-01-01')"
            ),
            {"h": th, "o": OFFICE, "w": WSID, "i": planted.key_id(), "k": planted.public_key_b64()},
        )
    engine.dispose()
    hub.start()  # migrates to head
    try:
        bo = hub.token("backoffice")
        row = tokens(hub)[th[:16]]
        assert [(k["alg"], k["origin"], k["trusted"]) for k in row["keys"]] == [
            ("ed25519", "first_use", False),
            ("sm2", "first_use", False),
        ]
        assert row["public_key"] == ""
        data = tmp_path / "ws"
        ws = make_workstation(data, hub.url, token)
        ws.signer  # noqa: B018  (the window's key file: the one the old hub took)
        window.save(data / "keys" / "workstation.key")
        ws.close()
        ws = make_workstation(data, hub.url, token)
        number, payload = print_receipt(ws, "张秀英", "开餐馆")
        ws.close()
        sync(data)
        assert verdict(hub, bo, payload)["reason"] == "unconfirmed_key"
        ghost = Claim.of(case_number(777, day=date(2026, 11, 21)), "receipt", "x", "", "", date(2026, 11, 21))
        assert verdict(hub, bo, receipt_payload(ghost, "", planted))["reason"] == "unconfirmed_key"
        assert findings(data)["keys.missing"]["level"] == "warning"
        bundle = tmp_path / "b.ycb"
        ycli("sync", "export-bundle", str(bundle), "--data-dir", str(data))
        r = hub_cli(hub, "import-bundle", str(bundle), check=False)
        assert r.returncode == 1 and "hub set-key" in r.stderr
        # the admin binds the window's key (the same one): trusted from now on; the planted SM2
        # key is replaced by binding the window's own, or stays untrusted
        hub_cli(hub, "set-key", th[:16], "--public-key", window.public_key_b64())
        assert verdict(hub, bo, payload)["valid"] is True
        assert hub_cli(hub, "import-bundle", str(bundle)).returncode == 0
        row = tokens(hub)[th[:16]]
        assert [(k["alg"], k["origin"]) for k in row["keys"]] == [("ed25519", "admin"), ("sm2", "first_use")]
        replacement = Sm2Signer.generate()
        hub_cli(hub, "set-key", th[:16], "--public-key", replacement.public_key_b64())
        row = tokens(hub)[th[:16]]
        assert [(k["alg"], k["key_id"], k["trusted"]) for k in row["keys"]][1] == (
            "sm2",
            replacement.key_id(),
            True,
        )
    finally:
        hub.stop()
