"""The thin app (issue 19 §4): the window's keys come from one registry, its background jobs
from one supervisor, and a decision reaches the window through one message."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from app.domain.roles import ACTIONS
from app.messages import MESSAGES, t
from app.services.sync.runner import SyncRunner
from app.ui import app as ui_app
from app.ui.app import YichuangApp
from app.ui.screens.dialogs import DocumentDialog
from app.ui.screens.evaluation import RatingScreen
from app.ui.screens.registry import WINDOW, Entry
from app.ui.widgets.keys import KeyFooter
from tests.operators.helpers import footer_keys, log_in, make_operators, said
from tests.ui.test_intake_flow import SIZE, fill_applicant, pick, start, tick_all, wait_for


# --- the registry ------------------------------------------------------------------------------
def test_the_windows_keys_are_the_registry_in_the_footers_order():
    bindings = [b for b in YichuangApp.BINDINGS if isinstance(b, Binding)]
    assert [b.key for b in bindings[:2]] == ["f1", "ctrl+q"]
    assert [(b.key, b.action, b.description) for b in bindings[2:]] == [
        (e.key, e.action, t(e.label)) for e in WINDOW
    ]
    assert len({e.key for e in WINDOW}) == len(WINDOW) and len({e.name for e in WINDOW}) == len(WINDOW)
    for e in WINDOW:
        assert e.label in MESSAGES
        if e.gate is not None:
            assert e.gate in ACTIONS and f"action.{e.gate}" in MESSAGES  # the refusal names it
        if e.screen:
            assert issubclass(e.screen_class(), Screen), e
    # the twelve navigation methods are gone: one action opens every screen of the table
    assert not [n for n in vars(YichuangApp) if n.startswith("action_") and n not in _APP_ACTIONS]


_APP_ACTIONS = {"action_open", "action_lock", "action_evaluate", "action_show_keys", "action_quit_safely"}


class HelloScreen(Screen):
    """A screen the window does not have: all it takes is this class and one registry line."""

    BINDINGS = [Binding("escape", "app.pop_screen", "back")]

    def compose(self) -> ComposeResult:
        yield Static(Text("hello"), id="hello")
        yield KeyFooter()


HELLO = Entry("hello", "ctrl+n", "key.progress", "cases", f"{__name__}:HelloScreen")


class WindowWithHello(YichuangApp):
    CSS_PATH = str(Path(ui_app.__file__).parent / YichuangApp.CSS_PATH)
    KEYS = (*YichuangApp.KEYS, HELLO)  # the registry, one line longer
    BINDINGS = [HELLO.binding()]


async def test_a_new_screen_is_one_registry_line(ws):
    """Key, footer, role gate and refusal come with the line: the demo clerk (who may see
    cases) opens it; a courier (who may not) neither sees the key nor opens the screen."""
    app = WindowWithHello(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert "ctrl+n" in footer_keys(app)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, HelloScreen))
        await pilot.press("ctrl+n")  # not over itself
        await pilot.pause()
        assert sum(isinstance(s, HelloScreen) for s in app.screen_stack) == 1

    make_operators(ws, ("post1", "courier"))
    app = WindowWithHello(ws)
    async with app.run_test(size=SIZE) as pilot:
        messages = said(app)
        await log_in(app, pilot, "post1")
        await wait_for(pilot, lambda: app.screen.id == "courier")
        assert "ctrl+n" not in footer_keys(app)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not isinstance(app.screen, HelloScreen)
        refusal = t("role.refused", role=t("role.courier"), action=t("action.cases"))
        assert refusal in messages


# --- the status line ------------------------------------------------------------------------------
async def test_the_status_lines_parts_keep_their_places_whichever_comes_first(ws):
    """The parts used to stand in the order their jobs first answered (a race between the
    catalogue, the printer and the sync on every start)."""
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.set_status("backup", "BACKUP-PART")
        app.set_status("scanner", "SCANNER-PART")
        line = app.status_line().plain
        assert line.index("SCANNER-PART") < line.index("BACKUP-PART")
        assert line.index(t("status.demo", name=ws.clerk)) < line.index("SCANNER-PART")


# --- the supervisor -----------------------------------------------------------------------------
async def test_the_supervisor_knows_its_jobs_restarts_them_and_stops_them(ws, tmp_path, monkeypatch):
    real = SyncRunner.run_forever
    calls = []

    def ends_the_first_time(self, *a, **kw):  # a fault escaping the loop (a bug, say)
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the loop ends")
        return real(self, *a, **kw)

    monkeypatch.setattr(SyncRunner, "run_forever", ends_the_first_time)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    ws.config.set("backup.dir", str(blocker / "sub"))
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        bg = app.background
        await wait_for(pilot, lambda: len(calls) >= 2 and bg.status()["sync"] == "running", timeout=30)
        assert bg.jobs["sync"].restarts >= 1
        await wait_for(pilot, lambda: bg.status()["catalogue"] == "done")
        assert bg.status()["index"] == "done" and bg.status()["store"] == "done"
        # a job that fails says so (status and status line) and the window goes on
        bg.start("backup")
        await wait_for(pilot, lambda: bg.status()["backup"].startswith("failed: "), timeout=30)
        assert "自动备份失败" in app.status_text and app.is_running
        ws.config.set("backup.dir", str(tmp_path / "daily"))
        bg.start("backup")
        await wait_for(pilot, lambda: bg.status()["backup"] == "done", timeout=60)
        assert "自动备份失败" not in app.status_text
        runner = app.sync_runner
    # the window closed: the sync loop was told to stop and nothing starts again
    assert runner.stopping.is_set() and bg.stopping
    assert bg.status()["sync"] == "stopped"


# --- reactions: one call per decision --------------------------------------------------------
async def test_an_accept_reaches_the_window_as_one_case_changed(ws, monkeypatch):
    """The intake service runs the reactions of its decision once, after commit
    (app.services.reactions.after_commit: spool, sync, the rating); the screen shows the
    receipt and the rating waits for it to close."""
    from app.services import reactions as service_reactions

    seen = []
    after_commit = service_reactions.after_commit

    def recorded(ws_, window, change):
        seen.append((change.number, change.kind))
        return after_commit(ws_, window, change)

    monkeypatch.setattr(service_reactions, "after_commit", recorded)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kcg")
        await fill_applicant(app, pilot)
        await tick_all(app, pilot, len(screen.draft.marks))
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        await wait_for(pilot, lambda: len(seen) == 1)
        number, kind = seen[0]
        assert kind == "case.accepted" and number in app.screen.headline
        await pilot.pause(0.5)
        assert isinstance(app.screen, DocumentDialog)  # the rating does not cover the receipt
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, RatingScreen))
        assert app.screen.number == number
        assert seen == [(number, "case.accepted")]


@pytest.mark.parametrize("kind", ["case.accepted", "case.notified", "case.refused", "case.delivered"])
def test_every_kind_of_change_has_its_reactions(kind):
    from app.services.reactions import AFTER_COMMIT, RATING_STAGE

    steps = AFTER_COMMIT[kind]
    assert steps[:2] == ("print", "sync")  # the document just queued, the new event
    assert ("rating" in steps) == (kind in RATING_STAGE)
