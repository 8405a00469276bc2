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
from tests.security.accounts_helpers import (
    HUB_PASSWORD,
    answer,
    hub_accounts,
    hub_ok,
    post_changes,
    window_cli,
)

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


def test_a_supervisors_change_at_a_window_goes_through_and_reaches_the_other_window(hub, tmp_path):
    hub_ok(hub, "add-operator", "zhuren", "--role", "supervisor", "--office", OFFICE, password=HUB_PASSWORD)
    hub_ok(hub, "add-operator", "county", "--role", "supervisor", password=HUB_PASSWORD)
    ws1 = make_workstation(tmp_path / "ws1", hub.url, hub.token("workstation", OFFICE, WSID))
    ws2 = make_workstation(tmp_path / "ws2", hub.url, hub.token("workstation", OFFICE, "02"), wsid="02")
    try:
        synced(ws1)
        synced(ws2)
        boss = operators.login(ws1, "zhuren", HUB_PASSWORD)
        assert boss.key is not None  # derived at login, in memory only
        # a supervisor adds a clerk: up to the hub, down to the other window
        operators.add_operator(ws1, "李娜", "clerk", "clerk-pass-1", actor=boss)
        synced(ws1)
        up = hub_accounts(hub)["李娜"]
        assert (up["role"], up["office"], up["disabled"], up["has_key"]) == ("clerk", OFFICE, False, True)
        synced(ws2)
        assert operators.login(ws2, "李娜", "clerk-pass-1").role == "clerk"
        # resets her password
        operators.set_password(ws1, "李娜", "clerk-pass-2", actor=boss)
        synced(ws1)
        synced(ws2)
        assert operators.login(ws2, "李娜", "clerk-pass-2").name == "李娜"
        # the clerk changes her own password at the other window
        li = operators.login(ws2, "李娜", "clerk-pass-2")
        operators.set_password(ws2, "李娜", "clerk-pass-3", actor=li)
        synced(ws2)
        synced(ws1)
        assert operators.login(ws1, "李娜", "clerk-pass-3").name == "李娜"
        # the supervisor changes their own password: the old one signs the new key
        operators.set_password(ws1, "zhuren", "boss-pass-22", actor=boss)
        synced(ws1)
        synced(ws2)
        assert operators.login(ws2, "zhuren", "boss-pass-22").role == "supervisor"
        boss = operators.login(ws1, "zhuren", "boss-pass-22")
        # what the rule refuses is refused at the window already, and nothing goes up
        refusals = [
            lambda: operators.add_operator(ws1, "sup2", "supervisor", "sup2-pass-1", actor=boss),
            lambda: operators.add_operator(ws1, "adm2", "admin", "adm2-pass-1", actor=boss),
            lambda: operators.set_password(ws1, "county", "county-pass-2", actor=boss),
            lambda: operators.disable_operator(ws1, "county", actor=boss),
            lambda: operators.add_operator(ws1, "wang", "courier", "wang-pass-1", actor=li),  # a clerk
            lambda: operators.add_operator(ws1, "wang", "courier", "wang-pass-1", actor="cli:root"),
        ]
        for attempt in refusals:
            with pytest.raises(operators.OperatorError):
                attempt()
        assert operators.pending_changes(ws1) == []
        # the supervisor disables the clerk: refused at the other window after its sync
        assert operators.disable_operator(ws1, "李娜", actor=boss)
        synced(ws1)
        assert hub_accounts(hub)["李娜"]["disabled"]
        synced(ws2)
        with pytest.raises(operators.OperatorError):
            operators.login(ws2, "李娜", "clerk-pass-3")
        assert set(hub_accounts(hub)) == {"zhuren", "county", "李娜"}
    finally:
        ws1.close()
        ws2.close()


def test_a_clerks_own_key_raises_nobody_and_a_signed_change_cannot_be_altered_or_replayed(
    sqlite_hub, tmp_path
):
    """The attacker is a clerk of the office who knows their own password (so holds a key
    the hub accepts) and the window's token."""
    from app.domain import accounts

    hub = sqlite_hub
    hub_ok(hub, "add-operator", "zhuren", "--role", "supervisor", "--office", OFFICE, password=HUB_PASSWORD)
    hub_ok(hub, "add-operator", "clerk1", "--role", "clerk", "--office", OFFICE, password="clerk-pass-1")
    token = hub.token("workstation", OFFICE, WSID)
    ws = make_workstation(tmp_path / "ws", hub.url, token)
    try:
        synced(ws)
        me = operators.login(ws, "clerk1", "clerk-pass-1")
        evil_key, _ = accounts.new_key(ATTACKER_PASSWORD)

        def signed(op: str, name: str, **fields) -> dict:
            ch = _change(op, name, actor="clerk1", **fields)
            ch.setdefault("role", "")
            ch.setdefault("key", "")
            return {**ch, "sig": accounts.sign(me.key, ch)}

        before = hub_accounts(hub)
        tries = [
            signed("passwd", "zhuren", key=evil_key),
            signed("disable", "zhuren"),
            signed("add", "evil-admin", role="admin", key=evil_key),
            signed("add", "evil-clerk", role="clerk", key=evil_key),  # a clerk manages nobody
        ]
        results = answer(post_changes(hub, token, tries))["results"]
        assert [(r["status"], r.get("code")) for r in results] == [
            ("refused", "not_allowed"),
            ("refused", "not_allowed"),
            ("refused", "not_allowed"),
            ("refused", "not_allowed"),
        ]
        assert hub_accounts(hub) == before
        # a real signed change of the supervisor, then altered: another role, another target
        boss = operators.login(ws, "zhuren", HUB_PASSWORD)
        operators.add_operator(ws, "wang", "courier", "wang-pass-11", actor=boss)
        real = operators.pending_changes(ws)[0]
        synced(ws)
        assert hub_accounts(hub)["wang"]["role"] == "courier"
        altered = [
            {**real, "id": str(uuid.uuid4()), "name": "wang2", "role": "admin"},
            {**real, "id": str(uuid.uuid4()), "office": "320724101"},
            {**real, "id": str(uuid.uuid4()), "name": "wang3"},  # the id is signed too
        ]
        results = answer(post_changes(hub, token, altered))["results"]
        assert [r.get("code") for r in results] == ["bad_signature"] * 3
        # the same change again: applied once (dup), nothing changes
        rev = hub_accounts(hub)["wang"]["rev"]
        results = answer(post_changes(hub, token, [real]))["results"]
        assert results == [{"id": real["id"], "status": "dup"}]
        assert hub_accounts(hub)["wang"]["rev"] == rev
        # another office's window cannot use it either
        other = hub.token("workstation", "320724101", "01")
        again = {**real, "id": str(uuid.uuid4())}
        results = answer(post_changes(hub, other, [again]))["results"]
        assert results[0]["status"] == "refused"
    finally:
        ws.close()


def test_a_change_the_hub_refuses_is_undone_at_the_window_and_said(sqlite_hub, tmp_path, caplog):
    """The supervisor was disabled at the hub while this window was offline: the window let
    them add a clerk (its copy still said enabled); the hub refuses it, the window disables the
    clerk it made, says why (report, log, operator list), and no other window gets the clerk."""
    hub = sqlite_hub
    hub_ok(hub, "add-operator", "zhuren", "--role", "supervisor", "--office", OFFICE, password=HUB_PASSWORD)
    ws1 = make_workstation(tmp_path / "ws1", hub.url, hub.token("workstation", OFFICE, WSID))
    ws2 = make_workstation(tmp_path / "ws2", hub.url, hub.token("workstation", OFFICE, "02"), wsid="02")
    try:
        synced(ws1)
        boss = operators.login(ws1, "zhuren", HUB_PASSWORD)
        hub_ok(hub, "disable-operator", "zhuren")
        operators.add_operator(ws1, "wang", "courier", "wang-pass-11", actor=boss)
        assert operators.login(ws1, "wang", "wang-pass-11").role == "courier"  # until the hub answers
        with caplog.at_level("WARNING", logger="yichuang.sync"):
            rep = run_cycle(ws1)
        assert rep.error is None, rep.error
        assert [(r["name"], r["op"], r["code"]) for r in rep.operators_refused] == [
            ("wang", "add", "actor_disabled")
        ]
        assert any("wang" in m and "actor_disabled" in m for m in caplog.messages)
        with pytest.raises(operators.OperatorError):
            operators.login(ws1, "wang", "wang-pass-11")
        rows = {r["name"]: r for r in operators.list_operators(ws1)}
        assert rows["wang"]["disabled"] and rows["wang"]["refused"].startswith("actor_disabled")
        assert rows["zhuren"]["disabled"]  # the hub's disable came down with the same sync
        assert [r["code"] for r in operators.refused_changes(ws1)] == ["actor_disabled"]
        # and `sync status` says it, in words
        r = window_cli(tmp_path / "ws1", "sync", "status")
        assert r.returncode == 0, r.stderr
        assert "平台拒绝了账号变更（添加 wang，操作人 zhuren）：签名的操作员已停用" in r.stdout
        synced(ws2)
        assert "wang" not in {r["name"] for r in operators.list_operators(ws2)}
        assert "wang" not in hub_accounts(hub)
    finally:
        ws1.close()
        ws2.close()


def test_an_account_made_before_keys_logs_in_but_gets_a_key_only_from_the_hub(sqlite_hub, tmp_path):
    """Migration: an account with only an argon2id hash (made before h0009) still logs in at
    the windows, but cannot sign a change (the window cannot prove its password to the hub: the
    hash is on every window of the office), until the hub's admin resets its password."""
    from sqlalchemy import insert

    from sync.hub.operator_store import _next_rev, operator_t

    hub = sqlite_hub
    st = hub.store()
    try:
        with st.tx() as c:
            c.execute(
                insert(operator_t).values(
                    name="old",
                    role="supervisor",
                    password_hash=hash_password(HUB_PASSWORD),
                    public_key="",
                    disabled=False,
                    office=OFFICE,
                    rev=_next_rev(c),  # as the hub's add-operator did before keys
                    created_at="2026-11-01T00:00:00Z",
                    updated_at="2026-11-01T00:00:00Z",
                    updated_by="hub:before-keys",
                )
            )
    finally:
        st.close()
    assert hub_ok(hub, "list-operators").splitlines() == [
        f"old\t窗口负责人\t{OFFICE}\t启用\t无密钥（请在平台重设密码）"
    ]
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID))
    try:
        synced(ws)
        old = operators.login(ws, "old", HUB_PASSWORD)
        assert old.role == "supervisor" and old.key is None
        with pytest.raises(operators.OperatorError) as exc:
            operators.set_password(ws, "old", "self-made-1", actor=old)
        assert "passwd-operator" in str(exc.value)
        with pytest.raises(operators.OperatorError):
            operators.add_operator(ws, "x", "clerk", "x-pass-111", actor=old)
        hub_ok(hub, "passwd-operator", "old", password="fresh-pass-1")
        assert hub_accounts(hub)["old"]["has_key"]
        synced(ws)
        old = operators.login(ws, "old", "fresh-pass-1")
        assert old.key is not None
        operators.add_operator(ws, "x", "clerk", "x-pass-111", actor=old)
        synced(ws)
        assert hub_accounts(hub)["x"]["office"] == OFFICE
    finally:
        ws.close()


async def test_the_window_says_on_screen_that_the_hub_refused_an_account_change(sqlite_hub, tmp_path):
    """The running window's own sync brings the refusal: a message on screen names the change
    and the reason, and the clerk it made cannot log in."""
    from app.ui.app import YichuangApp
    from tests.operators.helpers import log_in, said
    from tests.operators.test_roles_ui import ready
    from tests.ui.test_intake_flow import SIZE, wait_for

    hub = sqlite_hub
    hub_ok(hub, "add-operator", "zhuren", "--role", "supervisor", "--office", OFFICE, password=HUB_PASSWORD)
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID))
    try:
        synced(ws)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            shown = said(app)
            await log_in(app, pilot, "zhuren", HUB_PASSWORD)
            await ready(app, pilot)
            await wait_for(pilot, lambda: app.sync_runner is not None)
            hub_ok(hub, "disable-operator", "zhuren")  # meanwhile, at the hub
            operators.add_operator(ws, "wang", "courier", "wang-pass-11", actor=ws.operator)
            app.kick_sync()
            await wait_for(pilot, lambda: any("平台拒绝了账号变更" in m for m in shown), timeout=60)
            line = next(m for m in shown if "平台拒绝了账号变更" in m)
            assert "wang" in line and "签名的操作员已停用" in line
        with pytest.raises(operators.OperatorError):
            operators.login(ws, "wang", "wang-pass-11")
    finally:
        ws.close()
