"""The case list (F8) searches as the clerk types, a search per keystroke in a thread: the list
always answers the text in the box, whatever order the searches finish in (found by trying it:
an ID typed fast, as a card reader or a scanner does, sometimes showed "0 found")."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import DataTable, Input, Static

from app.messages import t
from app.services.demo import seed_cases
from app.store.models import Case
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseListScreen
from tests.ui.test_intake_flow import SIZE, start, wait_for


async def test_an_older_search_finishing_last_does_not_replace_the_list(ws):
    seed_cases(ws, 3, seed=3, days=1)
    with ws.store.read() as s:
        number = s.execute(select(Case.number)).scalars().first()
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseListScreen))
        screen = app.screen
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        await pilot.press(*number)  # typed fast: a search per key
        found = t("cases.today") + " · " + t("cases.found", count=1)
        title = screen.query_one("#cases-title", Static)
        await wait_for(pilot, lambda: str(title.render()) == found and table.row_count == 1)
        assert screen.query_one("#cases-find", Input).value == number
        # the answer of a search made before the last key arrives now, late: it is dropped
        screen._show([], number[:-1], screen._loads - 1)
        await pilot.pause(0.2)
        assert table.row_count == 1 and str(title.render()) == found
        assert str(table.get_row_at(0)[0]) == number
