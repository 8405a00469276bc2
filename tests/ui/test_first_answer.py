"""The clerk's first answer: typed at once, answered from the stored index, with neither
pypinyin nor SQLAlchemy loaded by then (the real `yichuang` in a pseudo-terminal)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList, Static

from app.cli import _window_args, build_parser, cmd_run
from app.domain.search import SearchIndex
from app.messages import t
from app.services.catalogue_files import search_entries
from app.ui.widgets.subject_search import SubjectSearch
from forms.loader import load_demo_catalogue
from tests.bench.bench_first_answer import first_answer
from tests.ptys import PtyProgram

ROOT = Path(__file__).resolve().parents[2]


def test_kcg_typed_at_spawn_is_answered_before_pypinyin_or_sqlalchemy_load(tmp_path: Path) -> None:
    probe = tmp_path / "probe.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("YICHUANG_")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", FIRST_ANSWER_PROBE=str(probe))
    cmd = [sys.executable, "-m", "tests.ui.first_answer_probe", "--data-dir", str(tmp_path / "data")]
    term = PtyProgram(cmd, env, rows=48, cols=160, controlling_tty=True, keys=b"kcg")
    try:
        term.expect("开餐馆", 60.0)  # 开餐馆 reached the terminal
        # it may already be the answer to "k": wait until the probe has recorded "kcg" too
        term.wait_for(lambda: probe.exists() and '"kcg"' in probe.read_text(encoding="utf-8"), 30.0)
    finally:
        term.kill()
    answers = [json.loads(line) for line in probe.read_text(encoding="utf-8").splitlines()]
    assert answers[0]["loaded"] == [], f"imported before the first answer: {answers[0]['loaded']}"
    kcg = [a for a in answers if a["query"] == "kcg"]
    assert kcg[0]["hits"][0] == "开餐馆"
    assert kcg[0]["loaded"] == []


def test_kcg_and_enter_typed_at_spawn_choose_the_bundle(tmp_path: Path) -> None:
    """Enter may come before the applicant and checklist panes are mounted: the choice waits
    for them (it crashed the window with NoMatches)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("YICHUANG_")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color")
    cmd = [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data")]
    chosen = t("intake.selected", kind=t("intake.bundle"), name="开餐馆", code="320724-YJS-001")
    first_answer(cmd, chosen, env, keys=b"kcg\r")


def test_kcg_and_enter_typed_at_spawn_on_a_cooked_terminal_choose_the_bundle(tmp_path: Path) -> None:
    """A terminal is in cooked mode until the window takes it: an Enter typed that early reaches
    the window as LF (ctrl+j), which Textual's Input does not submit on. It is Enter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("YICHUANG_")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color")
    cmd = [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data")]
    chosen = t("intake.selected", kind=t("intake.bundle"), name="开餐馆", code="320724-YJS-001")
    term = PtyProgram(cmd, env, rows=48, cols=160, controlling_tty=True, keys=b"kcg\r", cooked=True)
    try:
        term.expect(chosen, 60.0)
    finally:
        term.kill()


class SearchOnly(App):
    def compose(self) -> ComposeResult:
        yield SubjectSearch(id="subject-search")


async def test_a_query_typed_before_the_index_is_answered_when_it_arrives() -> None:
    app = SearchOnly()
    async with app.run_test(size=(120, 30)) as pilot:
        app.query_one("#search-input", Input).focus()
        await pilot.press("k", "c", "g")
        results = app.query_one("#search-results", OptionList)
        assert results.option_count == 0
        assert "载入" in str(app.query_one("#search-hint", Static).render())
        app.query_one(SubjectSearch).set_index(SearchIndex(search_entries(load_demo_catalogue())))
        await pilot.pause()
        assert results.option_count > 0
        assert str(results.get_option_at_index(0).prompt).startswith("开餐馆")
        assert str(app.query_one("#search-hint", Static).render()) == ""


async def test_enter_before_the_index_chooses_the_first_answer_when_it_arrives() -> None:
    """`kcg⏎` typed before the index is loaded: the Enter is kept, not lost."""
    chosen: list[tuple[str, str]] = []

    class Watch(SearchOnly):
        def on_subject_search_chosen(self, message: SubjectSearch.Chosen) -> None:
            chosen.append((message.kind, message.code))

    app = Watch()
    async with app.run_test(size=(120, 30)) as pilot:
        app.query_one("#search-input", Input).focus()
        await pilot.press("k", "c", "g", "enter")
        assert chosen == []
        app.query_one(SubjectSearch).set_index(SearchIndex(search_entries(load_demo_catalogue())))
        await pilot.pause()
        assert chosen == [("bundle", "320724-YJS-001")]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["run"],
        ["--data-dir", "d"],
        ["--data-dir=d"],
        ["run", "--data-dir", "d"],
        ["--data-dir", "d", "run"],
    ],
)
def test_the_window_fast_path_parses_as_the_full_parser(argv: list[str]) -> None:
    """`yichuang [--data-dir DIR] [run]` skips building every sub-command's parser; it must
    mean exactly what the full parser makes of it."""
    fast = _window_args(argv)
    full = build_parser().parse_args(argv)
    assert fast is not None
    assert (fast.data_dir, fast.func) == (full.data_dir, getattr(full, "func", cmd_run))


@pytest.mark.parametrize(
    "argv",
    [
        ["--data-dir", "run"],
        ["run", "run"],
        ["--help"],
        ["--version"],
        ["case", "list"],
        ["--data-dir", "-x"],
    ],
)
def test_everything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert _window_args(argv) is None


async def test_keys_pressed_before_the_panes_are_mounted_do_not_crash(ws) -> None:
    from app.ui.app import YichuangApp
    from app.ui.screens.intake import IntakeScreen

    app = YichuangApp(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        assert isinstance(screen, IntakeScreen) and not screen.panes_ready
        await pilot.press("f3", "f4", "f5", "f6", "f7", "f9", "f10", "f11")
        for _ in range(100):
            if screen.panes_ready:
                break
            await pilot.pause(0.05)
        assert screen.panes_ready
        assert app.screen is screen  # no dialog was opened for a half-built screen


async def test_the_cycle_collector_paused_for_start_up_runs_again_once_started(ws) -> None:
    """`yichuang` pauses the garbage collector while starting; the window must switch it
    back on, or a day of work would keep every reference cycle."""
    import gc

    from app.ui.app import YichuangApp

    gc.disable()  # as cli.cmd_run does
    try:
        app = YichuangApp(ws)
        async with app.run_test(size=(160, 48)) as pilot:
            for _ in range(200):
                if "store" in ws.__dict__ and app.index is not None:
                    break
                await pilot.pause(0.05)
            assert app.index is not None
            assert gc.isenabled()
    finally:
        gc.enable()
