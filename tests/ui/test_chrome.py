"""The window's chrome (issue 21 "things in the wrong place", issue 18 "the window"): status line,
footer, rating screen, dialogs, case list, empty tables, sync titles and F1 — each read off the
real window (Textual pilot) on a real store seeded as for the snapshots."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from app.messages import t
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseListScreen
from app.ui.screens.evaluation import RatingScreen
from app.ui.screens.handover import HandoverScreen
from app.ui.screens.login import LockScreen, LoginScreen
from app.ui.screens.print_queue import PrintQueueScreen
from app.ui.screens.sync_screen import SyncScreen
from app.ui.widgets.keys import KeyFooter
from app.ui.widgets.status_bar import StatusBar
from tests.snapshots import test_screens as shots
from tests.ui.test_defects import screen_lines
from tests.ui.test_intake_flow import wait_for

OPERATOR, PASSWORD, home = shots.OPERATOR, shots.PASSWORD, shots.home
seeded, window = shots.seeded, shots.window  # the snapshots' store: seeded once, copied per test
SIZES = [
    pytest.param((80, 24), id="80x24"),
    pytest.param((120, 40), id="120x40"),
    pytest.param((160, 48), id="160x48"),
]


def footer_keys(screen) -> list:
    return [k for k in screen.query_one(KeyFooter).query("FooterKey") if k.display]


def text_of(app) -> str:
    return "\n".join(screen_lines(app))


async def up(app, pilot) -> None:
    """The window is up: panes, index and catalogue (without waiting for a print pass)."""
    from app.ui.screens.intake import IntakeScreen

    await wait_for(
        pilot,
        lambda: (
            any(isinstance(s, IntakeScreen) and s.panes_ready for s in app.screen_stack)
            and app.index is not None
            and "事项清单" in app.status_line().plain
        ),
        timeout=60,
    )


async def open_print_queue(app, pilot) -> None:
    await home(app, pilot)
    await pilot.press("f12")
    await wait_for(pilot, lambda: isinstance(app.screen, PrintQueueScreen) and app.screen.loaded)


# --- the status line -------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_status_line_is_at_the_bottom_of_the_print_queue(window, size):
    app = YichuangApp(window)
    async with app.run_test(size=size) as pilot:
        await open_print_queue(app, pilot)
        await pilot.pause(0.2)
        bar = app.screen.query_one(StatusBar)
        footer = app.screen.query_one(KeyFooter)
        assert bar.region.bottom == footer.region.y == size[1] - 1  # right above the footer


@pytest.mark.parametrize("size", SIZES)
async def test_status_line_shows_every_part_whole(window, size, tmp_path):
    """A configured hub that does not answer: the line holds the demo's clerk, the catalogue
    and the sync state (in full, or short with Ctrl+Y for the error); none of it is cut."""
    from app.services.printing import PrintSpool

    for job, _number in PrintSpool(window).jobs(active_only=True):
        PrintSpool(window).cancel(job.job_id)
    window.config.set("hub.url", "http://127.0.0.1:9")
    window.config.set("hub.token", "yc1_" + "x" * 40)
    app = YichuangApp(window)
    async with app.run_test(size=size) as pilot:
        await wait_for(
            pilot,
            lambda: (
                "上次出错" in (line := app.status_line().plain) and "事项清单" in line and "值班人员" in line
            ),
            timeout=60,
        )
        await pilot.pause(0.3)
        shown = "".join(line.strip() for line in screen_lines(app)).replace(" ", "")

        def whole(text) -> bool:  # every piece of a part's form is on the screen, uncut
            pieces = [p.replace(" ", "") for p in text.plain.replace("│", "·").split("·")]
            return all(p in shown for p in pieces if p)

        for part, full, short in app.status_forms():  # in full, or its short form (issue 21)
            assert whole(full) or whole(short), (part, screen_lines(app)[-4:])


def test_last_sync_time_is_spaced():
    from app.services.sync.runner import SyncStatus

    s = SyncStatus(True, True, 0, 0, "2026-12-06T00:59:00+00:00", "", None)
    last = next(p for p, _ in s.parts() if p.startswith("上次同步"))
    assert last.startswith("上次同步 ") and last[5].isdigit()


# --- the footer (issue 18) -------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_footer_puts_f2_to_f9_first_and_cuts_no_label(window, size):
    app = YichuangApp(window)
    async with app.run_test(size=size) as pilot:
        await home(app, pilot)
        await pilot.pause(0.3)
        keys = footer_keys(app.screen)
        shown = [k.key for k in keys]
        assert shown[0] == "f1"
        assert shown[1:9] == [f"f{n}" for n in range(2, 10)], shown
        width = app.screen.query_one(KeyFooter).region.right
        for k in keys:
            assert k.region.right <= width, (k.key, k.region, width)
        line = screen_lines(app)[-1]
        for k in keys:  # every label shown whole
            assert f"{k.key_display} {k.description}" in line, (k.key, line)


# --- the lock screen and the login ---------------------------------------------------------
async def _locked(app, pilot) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
    login = app.screen
    login.query_one("#login-name", Input).value = OPERATOR
    login.query_one("#login-password", Input).value = PASSWORD
    login.query_one("#login-password", Input).focus()
    await pilot.press("enter")
    await home(app, pilot)
    await pilot.press("ctrl+l")
    await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
    await pilot.pause(0.2)


def centred(app, box) -> bool:
    w, h = app.size
    r = box.region
    left, right = r.x, w - r.right
    top, bottom = r.y, (h - 1) - r.bottom  # the footer's line below
    return abs(left - right) <= 1 and abs(top - bottom) <= 1


@pytest.mark.parametrize("size", SIZES)
async def test_lock_and_login_dialogs_are_centred(window, size):
    from app.services.operators import add_operator

    add_operator(window, OPERATOR, "clerk", PASSWORD, actor="test")
    app = YichuangApp(window)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await pilot.pause(0.2)
        assert centred(app, app.screen.query_one(".login-box"))
        await _locked(app, pilot)
        assert centred(app, app.screen.query_one(".login-box"))
        field = app.screen.query_one("#lock-password", Input)
        assert field.placeholder == f"{OPERATOR}的密码"
        assert f"{OPERATOR}的密码" in text_of(app)


# --- the rating screen faces the applicant ---------------------------------------------------
async def _rating(app, pilot) -> None:
    await home(app, pilot)
    await pilot.press("ctrl+e")
    await wait_for(pilot, lambda: isinstance(app.screen, RatingScreen))
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", SIZES)
async def test_rating_footer_shows_only_the_applicants_keys(window, size):
    app = YichuangApp(window)
    async with app.run_test(size=size) as pilot:
        await _rating(app, pilot)
        await wait_for(pilot, lambda: len(footer_keys(app.screen)) > 0)  # composed after the first frame
        shown = [(k.key_display, k.description) for k in footer_keys(app.screen)]
        assert [d for d, _ in shown] == ["1–5", "0", "esc"], shown
        line = screen_lines(app)[-1]
        for bad in ("^q", "f12", "^y", "f1 "):
            assert bad not in line


def _bg(widget):
    return widget.styles.background


@pytest.mark.parametrize("size", SIZES)
async def test_rating_digits_sit_in_their_bars_and_levels_differ(window, size):
    from textual.widgets import Digits

    app = YichuangApp(window)
    async with app.run_test(size=size) as pilot:
        await _rating(app, pilot)
        colours = []
        for i in range(1, 6):
            row = app.screen.query_one(f"#rating-level-{i}")
            digit, label = row.query_one(Digits), row.query_one(".rating-label", Static)
            strips = app.screen._compositor.render_strips()
            # the digit's cells are painted on the bar's colour
            dseg = [s for s in strips[digit.region.y].crop(digit.region.x, digit.region.right)]
            lseg = [s for s in strips[label.region.y].crop(label.region.x, label.region.right)]
            bar = lseg[0].style.bgcolor
            assert all(s.style.bgcolor == bar for s in dseg), (i, dseg, bar)
            assert digit.region.x >= row.region.x and digit.region.right <= row.region.right
            colours.append(bar.get_truecolor())
        (r1, g1, b1), (r2, g2, b2) = colours[0], colours[1]
        assert abs(r1 - r2) + abs(g1 - g2) + abs(b1 - b2) >= 120, colours[:2]  # 非常满意 vs 满意


# --- the case list -------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_case_list_shows_the_state_before_the_long_columns(window, size):
    app = YichuangApp(window)
    async with app.run_test(size=size) as pilot:
        await home(app, pilot)
        await pilot.press("f8")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, CaseListScreen) and app.screen.query_one(DataTable).row_count > 0,
        )
        await pilot.pause(0.2)
        table = app.screen.query_one(DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels.index(t("cases.col_state")) < labels.index(t("cases.col_applicant"))
        assert labels.index(t("cases.col_state")) < labels.index(t("cases.col_subject"))
        header = screen_lines(app)[table.region.y]
        assert t("cases.col_state") in header
        assert t("cases.col_subject") in header


# --- empty tables say so -------------------------------------------------------------------
async def test_empty_tables_say_they_are_empty(window):
    from app.services.printing import PrintSpool

    for job, _number in PrintSpool(window).jobs(active_only=True):
        PrintSpool(window).cancel(job.job_id)
    app = YichuangApp(window)
    async with app.run_test(size=(80, 24)) as pilot:
        await up(app, pilot)
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, PrintQueueScreen) and app.screen.loaded)
        await pilot.pause(0.2)
        assert t("queue.empty") in text_of(app)
        await pilot.press("escape", "ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen))
        await wait_for(pilot, lambda: t("pickup.table_empty") in text_of(app))
        await pilot.press("escape", "ctrl+y")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.status is not None)
        await pilot.pause(0.2)
        shown = text_of(app)
        for key in ("sync.empty_refused", "sync.empty_conflicts", "sync.empty_ready"):
            assert t(key) in shown, key


async def test_sync_title_that_needs_action_stands_out(window):
    app = YichuangApp(window)
    async with app.run_test(size=(120, 40)) as pilot:
        await home(app, pilot)
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.status is not None)
        await pilot.pause(0.2)
        titles = {w.id: w for w in app.screen.query(".sync-section")}
        waiting = titles["sync-title-waiting"]  # the seeded store has records waiting
        quiet = [w for k, w in titles.items() if k != "sync-title-waiting"]
        assert quiet and all(w.rich_style != waiting.rich_style for w in quiet)
        page_title = app.screen.query_one("#sync-summary")
        assert all(w.rich_style != page_title.rich_style for w in quiet)


# --- F1 ------------------------------------------------------------------------------------
async def test_f1_lists_keys_grouped_in_key_order_with_the_checklist_keys(window):
    app = YichuangApp(window)
    async with app.run_test(size=(120, 40)) as pilot:
        await home(app, pilot)
        await pilot.press("f1")
        await pilot.pause(0.3)
        table = app.screen.query_one("#keys-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        keys = [r[0] for r in rows]
        for k in ("Space", "o", "r", "x"):
            assert any(k in cell.split(" / ") for cell in keys), (k, keys)
        groups: list[list[str]] = []
        for key, _what in rows:
            if not key:  # a group's heading row: no key
                groups.append([])
            else:
                groups[-1].append(key)
        assert len(groups) >= 3 and rows[0][0] == "", rows
        for members in groups:  # in key order: F-keys by number first, then the others
            fkeys = [k for k in members if k.startswith("f") and k[1:].isdigit()]
            assert members[: len(fkeys)] == sorted(fkeys, key=lambda k: int(k[1:])), members
        screen_group = groups[0]
        assert screen_group[:8] == [f"f{n}" for n in range(2, 10)], screen_group
