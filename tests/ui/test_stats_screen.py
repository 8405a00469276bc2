"""The supervisor's view (Ctrl+R) through the pilot: the figures of the hand-counted set of
cases on screen, bars and the sparkline drawn, keys switch the breakdown, data never markup."""

from __future__ import annotations

from textual.widgets import DataTable, Sparkline, Static

from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseDetailScreen
from app.ui.screens.stats import BarChart, StatsScreen, evaluation_text
from tests.services.test_stats import NOT_OURS, Window, seeded  # noqa: F401  (the fixture)
from tests.ui.test_intake_flow import SIZE, start, wait_for

MARKUP = "[bold red]不予[/bold red]受理"


def text_of(widget) -> str:
    return str(widget.render())


async def test_ctrl_r_shows_the_figures_charts_and_deadlines(ws, clock, seeded):  # noqa: F811
    w = Window(ws, clock)
    w.at("2026-11-20", "丙", hour=10).refuse(5, "matter", "320724-SW-0003", MARKUP)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.loads == 1)
        screen = app.screen
        await pilot.pause()
        totals = text_of(screen.query_one("#supervisor-totals", Static))
        # this month: 11 cases, 6 accepted, 2 notified, 4 refused; 一次办结率 4/6
        assert "新案 11 · 受理 6 · 一次性告知 2 · 不予受理 4" in totals
        assert "一次办结率 66.7%" in totals and "容缺率 16.7%" in totals
        assert "新案 5 · 受理 1 · 一次性告知 0 · 不予受理 4" in totals  # today
        spark = screen.query_one("#supervisor-trend", Sparkline)
        assert len(spark.data) == 30 and spark.data[-1] == 5.0
        bars = screen.query_one("#supervisor-bars", BarChart)
        assert bars.rows[:2] == [("个人所得税纳税记录开具", 4), ("开餐馆", 4)] and "█" in bars.render().plain
        assert "按事项" in text_of(screen.query_one("#supervisor-bars-label", Static))
        refusals = screen.query_one("#supervisor-refusals", BarChart)
        assert refusals.rows[0] == (NOT_OURS, 2)
        assert "[bold red]不予[/bold red]" in refusals.render().plain  # shown as typed, never as markup
        table = screen.query_one("#supervisor-deadline-table", DataTable)
        assert table.row_count == 7
        assert "超期 15 个工作日" in str(table.get_row_at(0)[4])
        assert "已超期 5 件 · 今日到期 1 件 · 即将到期 1 件" in text_of(
            screen.query_one("#supervisor-deadlines")
        )
        assert "评价数：0" in text_of(screen.query_one("#supervisor-evaluation"))

        await pilot.press("f3")
        assert "按部门" in text_of(screen.query_one("#supervisor-bars-label", Static))
        assert bars.rows[0] == ("市场监管局", 8)
        await pilot.press("f3", "f3")
        assert bars.rows == [("甲", 6), ("乙", 5), ("丙", 1)]
        await pilot.press("f2")  # today
        assert "今日" in text_of(screen.query_one("#supervisor-bars-label", Static))
        assert bars.rows == [("甲", 3), ("丙", 1), ("乙", 1)]  # ties by name

        w.at("2026-11-20", "丙", hour=10).accept(6, "matter", "320724-SCJG-0004")
        await pilot.press("f5")
        await wait_for(pilot, lambda: screen.loads == 2)
        assert "新案 6 · 受理 2" in text_of(screen.query_one("#supervisor-totals", Static))
        table.focus()
        await pilot.press("enter")  # the longest overdue case opens
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        assert app.screen.number == seeded["b"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


def test_the_evaluation_panel_reads_the_ratings_in_words(ws, seeded):  # noqa: F811
    """Real ratings through the evaluation service, shown in the catalogue's words (the panel
    used to print the summary's raw keys, e.g. ``followups_open``)."""
    from datetime import date

    from sqlalchemy import select

    from app.services import evaluation
    from app.store.models import Case

    with ws.store.read() as s:
        accepted = list(s.execute(select(Case.number).where(Case.state == "accepted")).scalars())[:2]
    assert len(accepted) == 2
    evaluation.rate(ws, accepted[0], "accepted", "satisfied")
    evaluation.rate(ws, accepted[1], "accepted", "very_dissatisfied", ["attitude"])
    summary = evaluation.summary(ws.store, date(2000, 1, 1), date(2100, 1, 1), today=ws.today())
    lines = evaluation_text(summary).plain.splitlines()
    assert lines[0].startswith("评价数：2") and "满意 1" in lines[0] and "非常不满意 1" in lines[0], lines
    assert lines[1] == "好评率：50.0%", lines
    assert lines[3] == "差评整改：新开 1　待整改 1　超期 0　已整改 0", lines
    assert not any("_" in line for line in lines), lines


async def test_the_view_fits_the_smallest_terminal(ws, seeded):  # noqa: F811
    app = YichuangApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.loads == 1)
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#supervisor-bars", BarChart).size.width >= 20
        await pilot.press("f1")  # the keys of the view, listed
        await pilot.pause()
        keys = " ".join(d for _k, d in app.screen.rows)
        assert "今日/本月" in keys and "切换维度" in keys and "刷新" in keys
