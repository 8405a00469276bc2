"""Login, lockout and the screen lock through the pilot, on a real store."""

from __future__ import annotations

import json

from sqlalchemy import select
from textual.widgets import Input

from app.messages import t
from app.services.cases import CaseService
from app.store.models import CaseEvent
from app.ui.app import YichuangApp
from app.ui.screens.dialogs import DocumentDialog
from app.ui.screens.intake import IntakeScreen
from app.ui.screens.login import LockScreen, LoginScreen
from tests.operators.helpers import PASSWORD, footer_keys, log_in, make_operators, unlock
from tests.operators.test_roles_ui import ready
from tests.ui.test_intake_flow import SIZE, fill_applicant, pick, tick_all, wait_for


def message(app) -> str:
    screen = app.screen
    field = "#login-message" if isinstance(screen, LoginScreen) else "#lock-message"
    return str(screen.query_one(field).render())


async def test_login_comes_first_and_the_operator_acts_on_events_and_receipt(ws):
    make_operators(ws, ("李娜", "clerk"))
    ws.config.set("workstation.clerk", "值班人员")
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert not any(isinstance(s, IntakeScreen) for s in app.screen_stack)  # nothing behind it
        assert "f12" not in footer_keys(app) and "ctrl+y" not in footer_keys(app)
        await pilot.press("f12")  # the window's keys do nothing before login
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await log_in(app, pilot, "李娜", "wrong-pass-1")
        assert isinstance(app.screen, LoginScreen)
        assert t("login.wrong_left", left=4) in message(app)
        await log_in(app, pilot, "李娜")
        await ready(app, pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert "李娜" in str(screen.query_one("#intake-header").render())
        assert t("status.operator", name="李娜", role=t("role.clerk")) in app.status_line().plain
        await pick(app, pilot, "kcg")
        await fill_applicant(app, pilot)
        await tick_all(app, pilot, len(screen.draft.marks))
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        [case] = CaseService(ws).list()
        assert case.clerk == "李娜"
        with ws.store.read() as s:
            actors = {e.actor for e in s.execute(select(CaseEvent)).scalars()}
        assert actors == {"李娜"}  # never the configured clerk
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(ws.config.prints_dir.glob("*.bin")))
        receipt = next(ws.config.prints_dir.glob("*.bin")).read_bytes()
        assert "李娜".encode("gb18030") in receipt and "值班人员".encode("gb18030") not in receipt


async def test_five_wrong_passwords_lock_the_account_even_with_the_right_one_after(ws):
    make_operators(ws, ("wang", "clerk"))
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await log_in(app, pilot, "wang", "not-the-password-1")
        assert "wang" in message(app) and t("login.locked", name="wang", until="")[:8] in message(app)
        await log_in(app, pilot, "wang")  # the right password, but locked
        assert isinstance(app.screen, LoginScreen)
        assert t("login.locked", name="wang", until="")[:8] in message(app)
    # the lock is in the store: a new window refuses too
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "wang")
        assert isinstance(app.screen, LoginScreen)


async def test_idle_lock_and_unlock_keep_the_half_typed_intake(ws):
    make_operators(ws, ("李娜", "clerk"), ("zhou", "clerk"))
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "李娜")
        await ready(app, pilot)
        screen = app.screen
        await pick(app, pilot, "kcg")
        await fill_applicant(app, pilot, "张秀英")
        await tick_all(app, pilot, 3)
        marks = list(screen.draft.marks)
        fields = {f.id: f.value for f in screen.query(Input)}
        assert fields["applicant-name"] == "张秀英"
        # the window reads ui.lock_after as it runs (set only now: on a loaded machine the
        # login and the typing above may take seconds between keys)
        assert app.screen is screen  # the default 600 s have not passed
        ws.config.set("ui.lock_after", "1")
        # pushed (on the stack) comes before composed: wait for the lock screen's own widgets
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, LockScreen) and bool(app.screen.query("#lock-body")),
            timeout=40,  # a bound, as for the login: a loaded machine takes seconds per step
        )
        ws.config.set("ui.lock_after", "600")
        assert "李娜" in str(app.screen.query_one("#lock-body").render())
        # nothing of the session answers while locked
        for key in ("f5", "f12", "ctrl+y", "ctrl+o"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, LockScreen)
        assert CaseService(ws).list() == []
        # another operator's password does not open this session
        await unlock(app, pilot, PASSWORD.replace("1", "2"))
        assert isinstance(app.screen, LockScreen)
        await unlock(app, pilot)
        assert app.screen is screen
        assert {f.id: f.value for f in screen.query(Input)} == fields
        assert list(screen.query_one("#checklist").marks) == marks
        assert screen.draft is not None and screen.draft.subject_code
        assert ws.operator.name == "李娜"
        # Ctrl+L locks at once; the intake is still there after
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        await unlock(app, pilot)
        assert app.screen is screen and screen.query_one("#applicant-name", Input).value == "张秀英"


async def test_the_lock_screen_is_only_for_the_session_operator(ws):
    """Another operator at the lock screen cannot take the session over: only the locked
    operator's password is asked for, and another's is refused."""
    make_operators(ws, ("李娜", "clerk"))
    make_operators(ws, ("zhou", "supervisor"), password="zhou-pass-22")
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "李娜")
        await ready(app, pilot)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        assert not app.screen.query("#login-name")  # no name to type: the session is 李娜's
        await unlock(app, pilot, "zhou-pass-22")
        assert isinstance(app.screen, LockScreen) and ws.operator.name == "李娜"
        assert t("login.wrong_left", left=4) in message(app)


def test_events_name_the_operator_not_the_configured_clerk(ws):
    """Below the UI: every writer takes the actor from the session (courier scans too)."""
    from app.services.demo import seed_cases
    from app.services.operators import Session

    ws.operator = Session("赵六", "clerk")
    seed_cases(ws, 3, seed=3, days=2)
    with ws.store.read() as s:
        events = list(s.execute(select(CaseEvent)).scalars())
    assert events and {e.actor for e in events} == {"赵六"}
    assert {json.loads(e.payload_json).get("clerk") for e in events if e.kind == "case.accepted"} <= {
        "赵六",
        None,
    }
