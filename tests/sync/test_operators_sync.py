"""Operator accounts between a window and a real hub process on 127.0.0.1.

Accounts made at the hub (`yichuang hub add-operator`) come down at the next sync and log in
with no link at all; an account disabled at the hub is refused after the next sync; accounts
made or changed at the window go up; the hub is the authority when both made the same name.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app.services import operators
from app.services.sync.cycle import run_cycle
from tests.hubs import OFFICE, ROOT, WSID, make_workstation, ycli

HUB_PASSWORD = "county-pass-9"


def hub_cli(hub, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    """`yichuang hub ...` in a child process, the password (if any) on standard input."""
    return subprocess.run(
        [sys.executable, "-m", "app", "hub", *args, "--data-dir", str(hub.data_dir)],
        cwd=ROOT,
        input=password + "\n" if password is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
    )


def hub_accounts(hub) -> dict[str, dict]:
    r = hub_cli(hub, "list-operators", "--json")
    assert r.returncode == 0, r.stderr
    return {a["name"]: a for a in json.loads(r.stdout)}


def synced(ws) -> None:
    rep = run_cycle(ws)
    assert rep.error is None, rep.error


def test_hub_account_comes_down_logs_in_offline_and_is_refused_once_disabled(sqlite_hub, tmp_path):
    hub = sqlite_hub
    r = hub_cli(hub, "add-operator", "陈静", "--role", "clerk", "--office", OFFICE, password=HUB_PASSWORD)
    assert r.returncode == 0, r.stderr
    r = hub_cli(
        hub, "add-operator", "other", "--role", "clerk", "--office", "320724101", password=HUB_PASSWORD
    )
    assert r.returncode == 0, r.stderr
    r = hub_cli(hub, "add-operator", "county", "--role", "supervisor", password=HUB_PASSWORD)  # every office
    assert r.returncode == 0, r.stderr
    assert "$argon2" not in hub_cli(hub, "list-operators", "--json").stdout  # never a hash
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID))
    try:
        with pytest.raises(operators.OperatorError):
            operators.login(ws, "陈静", HUB_PASSWORD)  # not known here before a sync
        synced(ws)
        names = {a["name"]: a for a in operators.list_operators(ws)}
        assert set(names) == {"陈静", "county"}  # not another office's account
        assert names["陈静"]["synced"] and names["county"]["role"] == "supervisor"
        hub.stop()  # no link at all: the last known credentials
        session = operators.login(ws, "陈静", HUB_PASSWORD)
        assert session.name == "陈静" and session.role == "clerk"
        with pytest.raises(operators.OperatorError):
            operators.login(ws, "陈静", "wrong-pass-1")
        # disabled at the hub: still known here until the next sync, refused after it
        r = hub_cli(hub, "disable-operator", "陈静")
        assert r.returncode == 0, r.stderr
        hub.start()
        synced(ws)
        with pytest.raises(operators.OperatorError) as exc:
            operators.login(ws, "陈静", HUB_PASSWORD)
        assert "停用" in str(exc.value)
        assert operators.check_still_allowed(ws, session) == "login.disabled"  # the open session too
        assert operators.login(ws, "county", HUB_PASSWORD).role == "supervisor"
    finally:
        ws.close()


def test_window_accounts_go_up_and_reach_the_other_windows_of_the_office(sqlite_hub, tmp_path):
    """Changes signed by the office's supervisor (made at the hub, logged in at the window);
    the takeover attempts are in tests/security/test_accounts_takeover.py."""
    hub = sqlite_hub
    r = hub_cli(
        hub, "add-operator", "主任", "--role", "supervisor", "--office", OFFICE, password=HUB_PASSWORD
    )
    assert r.returncode == 0, r.stderr
    ws = make_workstation(tmp_path / "ws1", hub.url, hub.token("workstation", OFFICE, WSID))
    ws2 = make_workstation(tmp_path / "ws2", hub.url, hub.token("workstation", OFFICE, "02"), wsid="02")
    try:
        synced(ws)
        boss = operators.login(ws, "主任", HUB_PASSWORD)
        operators.add_operator(ws, "赵敏", "courier", "courier-pass-1", actor=boss)
        synced(ws)
        up = hub_accounts(hub)["赵敏"]
        assert up["role"] == "courier" and up["office"] == OFFICE and not up["disabled"]
        assert all(r["synced"] for r in operators.list_operators(ws))
        synced(ws2)
        assert operators.login(ws2, "赵敏", "courier-pass-1").role == "courier"
        # a new password and a disable made at one window reach the other
        operators.set_password(ws, "赵敏", "courier-pass-2", actor=boss)
        synced(ws)
        synced(ws2)
        assert operators.login(ws2, "赵敏", "courier-pass-2").name == "赵敏"
        operators.disable_operator(ws, "赵敏", actor=boss)
        synced(ws)
        assert hub_accounts(hub)["赵敏"]["disabled"]
        synced(ws2)
        with pytest.raises(operators.OperatorError):
            operators.login(ws2, "赵敏", "courier-pass-2")
        # the same change sent again (a lost answer) is applied once
        synced(ws)
        assert hub_accounts(hub)["赵敏"]["disabled"]
    finally:
        ws.close()
        ws2.close()


def test_the_hub_wins_when_a_window_adds_a_name_the_hub_already_has(sqlite_hub, tmp_path):
    hub = sqlite_hub
    r = hub_cli(hub, "add-operator", "li", "--role", "supervisor", "--office", OFFICE, password=HUB_PASSWORD)
    assert r.returncode == 0, r.stderr
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID))
    try:
        # the first account of a store with none needs no login: offline, before a sync
        operators.add_operator(ws, "li", "clerk", "local-pass-1", actor="test")
        rep = run_cycle(ws)  # unsigned: refused, and the window's "li" is disabled at once
        assert [r["code"] for r in rep.operators_refused] == ["unsigned"]
        synced(ws)  # the refusal restarted the account pull: the hub's "li" is here now
        assert operators.login(ws, "li", HUB_PASSWORD).role == "supervisor"
        with pytest.raises(operators.OperatorError):
            operators.login(ws, "li", "local-pass-1")
        assert hub_accounts(hub)["li"]["role"] == "supervisor"
    finally:
        ws.close()


def test_hub_operator_commands_report_errors(sqlite_hub):
    hub = sqlite_hub
    assert hub_cli(hub, "add-operator", "a b", "--role", "clerk", password=HUB_PASSWORD).returncode == 1
    assert hub_cli(hub, "add-operator", "x", "--role", "clerk", password="short").returncode == 1
    assert hub_cli(hub, "add-operator", "x", "--role", "boss", password=HUB_PASSWORD).returncode == 2
    r = hub_cli(hub, "add-operator", "x", "--role", "clerk")  # no password on stdin
    assert r.returncode == 1 and "密码" in r.stderr
    assert hub_cli(hub, "add-operator", "x", "--role", "clerk", password=HUB_PASSWORD).returncode == 0
    r = hub_cli(hub, "add-operator", "x", "--role", "clerk", password=HUB_PASSWORD)
    assert r.returncode == 1 and "已存在" in r.stderr
    r = hub_cli(hub, "disable-operator", "nobody")
    assert r.returncode == 1 and "nobody" in r.stderr
    assert ycli("hub", "list-operators", "--data-dir", str(hub.data_dir)).stdout.startswith("x\t")


async def test_an_open_session_disabled_at_the_hub_is_locked_at_the_next_sync(sqlite_hub, tmp_path):
    """The window's own sync worker brings the disable down; the screen locks and the lock
    screen refuses the account."""
    from app.ui.app import YichuangApp
    from app.ui.screens.login import LockScreen
    from tests.operators.helpers import log_in, unlock
    from tests.operators.test_roles_ui import ready
    from tests.ui.test_intake_flow import SIZE, wait_for

    hub = sqlite_hub
    r = hub_cli(hub, "add-operator", "陈静", "--role", "clerk", "--office", OFFICE, password=HUB_PASSWORD)
    assert r.returncode == 0, r.stderr
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID))
    try:
        synced(ws)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            await log_in(app, pilot, "陈静", HUB_PASSWORD)
            await ready(app, pilot)
            await wait_for(pilot, lambda: app.sync_runner is not None)
            assert not isinstance(app.screen, LockScreen)
            r = hub_cli(hub, "disable-operator", "陈静")
            assert r.returncode == 0, r.stderr
            app.kick_sync()
            await wait_for(pilot, lambda: isinstance(app.screen, LockScreen), timeout=60)
            await unlock(app, pilot, HUB_PASSWORD)
            assert isinstance(app.screen, LockScreen)
            assert "停用" in str(app.screen.query_one("#lock-message").render())
    finally:
        ws.close()
