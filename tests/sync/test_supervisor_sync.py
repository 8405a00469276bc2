"""超期预警 follows the back office: a 办结 decided at the real hub reaches the open supervisor's
view through the window's own sync worker, and the view reloads itself (no key pressed)."""

from __future__ import annotations

from textual.widgets import DataTable

from app.ui.app import YichuangApp
from app.ui.screens.stats import StatsScreen
from tests.hubs import OFFICE, WSID, make_workstation
from tests.sync.helpers import decide
from tests.ui.test_intake_flow import SIZE, start, wait_for


async def test_a_completed_case_leaves_the_deadlines_when_sync_brings_it(tmp_path, sqlite_hub):
    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice", name="市场监管局")
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=12, seed=11)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await wait_for(pilot, lambda: "待上传0条" in app.status_text, timeout=60)  # all at the hub
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.loads >= 1)
        screen = app.screen
        before = screen.view.deadlines
        assert before.open_cases > 0
        number = before.cases[0].number
        loads = screen.loads
        assert decide(hub.url, bo, number, "case.completed", result="许可证").status_code == 201
        app.kick_sync()
        await wait_for(
            pilot,
            lambda: screen.loads > loads and screen.view.deadlines.open_cases < before.open_cases,
            timeout=60,
        )
        after = screen.view.deadlines
        assert after.open_cases == before.open_cases - 1
        assert number not in {w.number for w in after.cases}
        table = screen.query_one("#supervisor-deadline-table", DataTable)
        assert number not in {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
