"""SVG snapshots of the window's main screens at 80×24 and 160×48 (pytest-textual-snapshot).

Each snapshot is the real window (YichuangApp) on a real store, seeded once per module with a
fixed seed and a fixed clock, then copied for each test; the pictures are taken once the
background work has settled (store open, catalogue and index loaded, first sync cycle and
print pass done), with the text cursor's blink stopped: nothing in them depends on timing.

They record the screens as they are, defects included (see README "Tests");
a change that alters a screen on purpose regenerates them (README "Tests"):
    .venv/bin/pytest tests/snapshots --snapshot-update
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from app.domain.identifiers import ric_check_char
from app.messages import t
from app.services.workstation import open_workstation
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseListScreen
from app.ui.screens.courier import CourierScreen
from app.ui.screens.evaluation import RatingScreen
from app.ui.screens.handover import HandoverScreen
from app.ui.screens.intake import IntakeScreen
from app.ui.screens.login import LockScreen, LoginScreen
from app.ui.screens.print_queue import PrintQueueScreen
from app.ui.screens.sync_screen import SyncScreen
from tests.conftest import Clock
from tests.ui.test_intake_flow import type_text, wait_for

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
# The checklist's layout (issue 21): the names first, wrapped within their rows, at every size.
INTAKE_SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((120, 40), id="120x40"),
    pytest.param((160, 48), id="160x48"),
]
NOW = datetime(2026, 11, 20, 9, 30)  # a Friday
REFUSING_PRINTER = "tcp://127.0.0.1:9"  # nothing listens there: every job fails the same way
ID17 = "32072419880512004"
OPERATOR, PASSWORD = "李娜", "window-pass-1"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A data dir with 30 cases over three days and two receipts waiting for the printer."""
    from app.services.demo import seed_cases
    from app.services.intake import ApplicantInput, IntakeService

    data = tmp_path_factory.mktemp("snapshots") / "data"
    ws = open_workstation(data, clock=Clock(NOW))
    ws.config.set("printer.url", REFUSING_PRINTER)
    ws.config.save()
    seed_cases(ws, 30, seed=5, days=3)
    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    for name in ("吴一", "吴二"):
        draft = svc.new_draft("bundle", code)
        draft.marks = [replace(m, status="received") for m in draft.marks]
        draft.applicant = ApplicantInput("person", ID17 + ric_check_char(ID17), name)
        svc.accept(draft)
    ws.close()
    return data


@pytest.fixture
def window(seeded: Path, tmp_path: Path):
    """A fresh copy of the seeded data dir, opened at the fixed time."""
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    ws = open_workstation(data, clock=Clock(NOW))
    yield ws
    ws.close()


def settled(app) -> bool:
    """Everything the start-up runs has shown its result on the status line (no hub is set:
    the sync part stays empty)."""
    line = app.status_line().plain
    return (
        any(isinstance(s, IntakeScreen) and s.panes_ready for s in app.screen_stack)
        and "store" in app.ws.__dict__
        and app.index is not None
        and app.sync_runner is not None
        and "事项清单" in line
        and "打印失败2件" in line  # both receipts tried once; the clock stands still: no retry is due
    )


async def still(app, pilot) -> None:
    """No blinking cursor, no pending refresh: the picture is the same whenever it is taken."""
    for field in app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause(0.1)


def shoot(snap_compare, ws, size, steps) -> None:
    app = YichuangApp(ws)

    async def run_before(pilot) -> None:
        await steps(app, pilot)
        await still(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def listed(screen, title: str) -> bool:
    """The screen's list has been loaded (its title says how many, or that there are none)."""
    return str(screen.query_one(title, Static).content) != t("pickup.title")


async def home(app, pilot) -> None:
    try:
        await wait_for(pilot, lambda: settled(app), timeout=60)
    except AssertionError:
        raise AssertionError(f"not settled: {app.status_line().plain!r} {app.screen_stack}") from None


@pytest.mark.parametrize("size", INTAKE_SIZES)
def test_intake_with_a_bundle_chosen(snap_compare, window, size):
    async def steps(app, pilot):
        await home(app, pilot)
        await pilot.press("f2")
        await type_text(pilot, "开餐馆")
        await wait_for(pilot, lambda: app.screen.query_one("#search-input", Input).value == "开餐馆")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.draft is not None)

    shoot(snap_compare, window, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_case_list(snap_compare, window, size):
    async def steps(app, pilot):
        await home(app, pilot)
        await pilot.press("f8")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, CaseListScreen) and app.screen.query_one(DataTable).row_count > 0,
        )

    shoot(snap_compare, window, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_print_queue(snap_compare, window, size):
    async def steps(app, pilot):
        await home(app, pilot)
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, PrintQueueScreen) and app.screen.loaded)

    shoot(snap_compare, window, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_sync_screen(snap_compare, window, size):
    async def steps(app, pilot):
        await home(app, pilot)
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.status is not None)

    shoot(snap_compare, window, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_rating_screen(snap_compare, window, size):
    async def steps(app, pilot):
        await home(app, pilot)
        await pilot.press("ctrl+e")  # the last case this window decided
        await wait_for(pilot, lambda: isinstance(app.screen, RatingScreen))

    shoot(snap_compare, window, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_login_screen(snap_compare, window, size):
    from app.services.operators import add_operator

    add_operator(window, OPERATOR, "clerk", PASSWORD, actor="test")

    async def steps(app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await pilot.pause(0.3)

    shoot(snap_compare, window, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_lock_screen(snap_compare, window, size):
    from app.services.operators import add_operator

    add_operator(window, OPERATOR, "clerk", PASSWORD, actor="test")

    async def steps(app, pilot):
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        login = app.screen
        login.query_one("#login-name", Input).value = OPERATOR
        login.query_one("#login-password", Input).value = PASSWORD
        login.query_one("#login-password", Input).focus()
        await pilot.press("enter")
        await home(app, pilot)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))

    shoot(snap_compare, window, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_courier_screen(snap_compare, window, size):
    async def steps(app, pilot):
        await home(app, pilot)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, CourierScreen))
        await pilot.pause(0.3)

    shoot(snap_compare, window, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_pickup_screen(snap_compare, window, size):
    async def steps(app, pilot):
        await home(app, pilot)
        await pilot.press("ctrl+o")
        await wait_for(
            pilot, lambda: isinstance(app.screen, HandoverScreen) and listed(app.screen, "#pickup-title")
        )

    shoot(snap_compare, window, size, steps)
