"""Roles through the pilot: every screen and action of the window, for every role.

A key a role may use opens its screen (or acts) and is in the footer; a key it may not use
is not in the footer, changes nothing, and the window says why (bell and a message)."""

from __future__ import annotations

import pytest

from app.domain.roles import PERMISSIONS, ROLES
from app.messages import t
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseDetailScreen, CaseListScreen
from app.ui.screens.courier import CourierScreen
from app.ui.screens.followups import FollowupScreen
from app.ui.screens.handover import HandoverScreen
from app.ui.screens.intake import IntakeScreen
from app.ui.screens.print_queue import PrintQueueScreen
from app.ui.screens.scans import ScansScreen
from app.ui.screens.stats import StatsScreen
from app.ui.screens.sync_screen import SyncScreen
from app.ui.screens.timeline import TimelineScreen
from tests.operators.helpers import footer_keys, log_in, make_operators, said
from tests.ui.test_intake_flow import SIZE, wait_for

# the window's keys: (key, the action it needs, the screen it opens)
APP_KEYS = [
    ("f12", "print_queue", PrintQueueScreen),
    ("ctrl+y", "sync", SyncScreen),
    ("ctrl+s", "scans", ScansScreen),
    ("ctrl+t", "courier", CourierScreen),
    ("ctrl+g", "progress", TimelineScreen),
    ("ctrl+o", "pickup", HandoverScreen),
    ("ctrl+r", "supervisor_view", StatsScreen),
    ("ctrl+f", "followup_close", FollowupScreen),
]
INTAKE_KEYS = [("f5", "intake"), ("f6", "intake"), ("f7", "intake"), ("f9", "intake"), ("f8", "cases")]


async def ready(app, pilot) -> None:
    await wait_for(
        pilot,
        lambda: (
            any(isinstance(s, IntakeScreen) and s.panes_ready for s in app.screen_stack)
            and "store" in app.ws.__dict__
            and app.index is not None
        ),
        timeout=40,  # the store opens after the first answer; slow on a loaded machine
    )


async def home(app, pilot) -> None:
    while not isinstance(app.screen, IntakeScreen):
        app.pop_screen()
        await pilot.pause()


def refusal(role: str, action: str) -> str:
    return t("role.refused", role=t(f"role.{role}"), action=t(f"action.{action}"))


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_sees_and_uses_only_its_screens_and_actions(ws, role):
    make_operators(ws, ("op1", role))
    granted = PERMISSIONS[role]
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        messages = said(app)
        await log_in(app, pilot, "op1")
        await ready(app, pilot)
        if "intake" not in granted and "courier" in granted:
            assert isinstance(app.screen, CourierScreen)  # the courier's own screen comes first
        await home(app, pilot)
        intake = app.screen
        # the intake screen's decisions and keys
        assert intake.query_one("#intake-body").display == ("intake" in granted)
        keys = footer_keys(app)
        for key, action in INTAKE_KEYS:
            del messages[:]
            assert (key in keys) == (action in granted), (role, key)
            await pilot.press(key)
            await pilot.pause()
            if action in granted:
                assert refusal(role, action) not in messages
                if key == "f8":
                    await wait_for(pilot, lambda: isinstance(app.screen, CaseListScreen))
            else:
                assert refusal(role, action) in messages, (role, key, messages)
                assert app.screen is intake
            await home(app, pilot)
        # the window's screens
        for key, action, screen_type in APP_KEYS:
            del messages[:]
            assert (key in footer_keys(app)) == (action in granted), (role, key)
            await pilot.press(key)
            if action in granted:
                await wait_for(pilot, lambda st=screen_type: isinstance(app.screen, st))
                assert refusal(role, action) not in messages
            else:
                await pilot.pause()
                assert app.screen is intake, (role, key)
                assert refusal(role, action) in messages, (role, key, messages)
            await home(app, pilot)


async def test_case_detail_offers_resume_only_to_roles_that_take_cases(ws):
    """F6 (resume a case awaiting correction) is an intake decision: the admin may read the
    case and reprint (F7), never resume it."""
    from app.services.cases import CaseService
    from app.services.demo import seed_cases

    seed_cases(ws, 30, seed=5, days=3)
    waiting = next(c for c in CaseService(ws).list() if c.state == "correction")
    make_operators(ws, ("admin1", "admin"), ("sup1", "supervisor"))
    for name, role, may_resume in (("admin1", "admin", False), ("sup1", "supervisor", True)):
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            messages = said(app)
            await log_in(app, pilot, name)
            await ready(app, pilot)
            app.push_screen(CaseDetailScreen(waiting.number))
            await wait_for(pilot, lambda a=app: isinstance(a.screen, CaseDetailScreen) and a.screen.detail)
            assert "f7" in footer_keys(app)
            assert ("f6" in footer_keys(app)) == may_resume
            if not may_resume:
                await pilot.press("f6")
                await pilot.pause()
                assert isinstance(app.screen, CaseDetailScreen)
                assert refusal(role, "intake") in messages
        ws.operator = None


async def test_demo_without_accounts_keeps_the_demo_clerk_and_says_so(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, IntakeScreen)  # no login screen
        line = app.status_line().plain
        assert t("status.demo", name=ws.config.get("workstation.clerk")) in line
        assert ws.operator is None and ws.clerk == ws.config.get("workstation.clerk")
        assert "ctrl+l" not in footer_keys(app)  # nobody to unlock it
