"""The copies of a handed-in material (+ and - on the checklist) stay within 1..99, the width of
their column (found by trying it: + pressed 120 times showed "12" for 120 copies and the receipt
printed 101 copies)."""

from __future__ import annotations

from app.ui.widgets.checklist_table import MAX_COPIES
from tests.ui.test_intake_flow import SIZE, pick, start, wait_for


async def test_copies_stop_at_the_columns_width_and_at_one(ws):
    from app.ui.app import YichuangApp

    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kcg")
        await wait_for(pilot, lambda: screen.draft is not None)
        await pilot.press("f4")
        await pilot.press(*["plus"] * (MAX_COPIES + 21))
        await wait_for(pilot, lambda: screen.draft.marks[0].handed_copies == MAX_COPIES)
        await pilot.press(*["minus"] * 20)
        await wait_for(pilot, lambda: screen.draft.marks[0].handed_copies == MAX_COPIES - 20)
        await pilot.press(*["minus"] * (MAX_COPIES + 5))
        await wait_for(pilot, lambda: screen.draft.marks[0].handed_copies == 1)
