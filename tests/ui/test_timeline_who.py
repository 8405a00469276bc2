"""Ctrl+G names who wrote each event as the case's timeline does everywhere (issue 18: it read
`王芳 @ backoffice:王芳`)."""

from __future__ import annotations

from sqlalchemy import select

from app.services.demo import seed_cases
from app.store.models import Case
from app.ui.app import YichuangApp
from app.ui.screens.timeline import TimelineScreen
from tests.sync.test_sync_screen import _pull
from tests.ui.test_intake_flow import SIZE, start, wait_for


async def timeline_rows(ws, number: str) -> list[list[str]]:
    """The Ctrl+G timeline of case ``number`` as the window shows it, row by row."""
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, TimelineScreen))
        screen = app.screen
        screen.query_one("#timeline-find").value = number
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.shown == number)
        table = screen.query_one("#timeline-table")
        return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_a_back_office_decision_reads_name_and_back_office(ws):
    seed_cases(ws, 3, seed=2, days=2)
    with ws.store.read() as s:
        case = next(c for c in s.execute(select(Case).where(Case.state == "accepted")).scalars())
    _pull(ws, case.number, "case.completed", 9)
    rows = await timeline_rows(ws, case.number)
    done = next(row for row in rows if row[1] == "办结")
    assert done[2] == "张科长（后台）", rows
    accepted = next(row for row in rows if row[1] == "受理")
    assert "@" in accepted[2] and " @ " not in accepted[2], accepted  # clerk@window, as `case show`
