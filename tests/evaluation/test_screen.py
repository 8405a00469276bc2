"""好差评 through the pilot: after 受理 the rating screen comes up by itself and the applicant
rates with the number keys; after 出件 too; Ctrl+E for the last case; Esc is a decline,
recorded; the follow-up screen flags the overdue one and closes it only with a note."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import DataTable

from app.services import evaluation as ev
from app.ui.app import YichuangApp
from app.ui.screens.dialogs import DocumentDialog, ReasonDialog
from app.ui.screens.evaluation import RatingScreen
from app.ui.screens.followups import FollowupScreen
from app.ui.screens.handover import HandoverScreen
from tests.evaluation.helpers import accepted_case
from tests.services.test_handover import APPLICANT_ID, decided_case
from tests.ui.test_intake_flow import SIZE, fill_applicant, pick, start, tick_all, type_text, wait_for


async def test_accept_then_the_applicant_rates_dissatisfied_with_reasons(ws, clock):
    clock.value = datetime(2026, 9, 30, 10, 0)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kcg")
        await fill_applicant(app, pilot)
        await tick_all(app, pilot, len(screen.draft.marks))
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        await pilot.press("enter")  # the receipt read: the screen turns to the applicant
        await wait_for(pilot, lambda: isinstance(app.screen, RatingScreen))
        rating = app.screen
        number = ev.last_case(ws)[0]
        assert rating.number == number and rating.stage == "accepted"
        await pilot.press("enter")  # nothing chosen yet: nothing happens
        assert isinstance(app.screen, RatingScreen) and rating.level is None
        await pilot.press("4")  # 不满意
        assert rating.level == "dissatisfied"
        await pilot.press("2", "6")  # 办理速度慢, 等候时间长
        await pilot.press("tab")
        await type_text(pilot, "tai man")
        await pilot.press("enter")
        await wait_for(pilot, lambda: ev.rating_of(ws, number, "accepted") is not None)
        await wait_for(pilot, lambda: not isinstance(app.screen, RatingScreen))
    row = ev.rating_of(ws, number, "accepted")
    assert row.level == "dissatisfied" and row.source == "window"
    assert row.reasons_json == '["slow", "wait_long"]' and row.comment == "tai man"
    [f] = ev.followups(ws)
    assert f["case"] == number and f["due_on"] == "2026-10-13"


async def test_escape_on_the_rating_screen_records_a_decline(ws):
    number = accepted_case(ws)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+e")  # the last case this window decided
        await wait_for(pilot, lambda: isinstance(app.screen, RatingScreen))
        await pilot.press("1")
        await pilot.press("escape")  # back to the levels
        assert app.screen.level is None
        await pilot.press("escape")  # declined
        await wait_for(pilot, lambda: ev.rating_of(ws, number, "accepted") is not None)
        await pilot.press("ctrl+e")  # a decline can still be turned into a rating
        await wait_for(pilot, lambda: isinstance(app.screen, RatingScreen))
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: ev.rating_of(ws, number, "accepted").level == "very_satisfied")
        await wait_for(pilot, lambda: not isinstance(app.screen, RatingScreen))
        await pilot.press("ctrl+e")  # rated: not asked again
        await pilot.pause(0.5)
        assert not isinstance(app.screen, RatingScreen)
    kinds = [e.kind for e in _events(ws, number)]
    assert kinds[-2:] == ["evaluation.declined", "evaluation.rated"]


async def test_handover_then_the_collector_rates(ws):
    number = decided_case(ws)
    ev.rate(ws, number, "accepted", "satisfied")
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen))
        app.screen.open_case(number)
        await wait_for(pilot, lambda: app.screen.case is not None)
        await type_text(pilot, APPLICANT_ID)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, RatingScreen))
        assert app.screen.stage == "delivered"
        await pilot.press("2", "enter")
        await wait_for(pilot, lambda: ev.rating_of(ws, number, "delivered") is not None)
    assert ev.rating_of(ws, number, "delivered").level == "satisfied"


async def test_prompt_off_asks_only_on_ctrl_e(ws):
    ws.config.set("evaluation.prompt", "off")
    ws.config.save()  # the sync worker reads the settings file again
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kcg")
        await fill_applicant(app, pilot)
        await tick_all(app, pilot, len(screen.draft.marks))
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert app.screen is screen
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, RatingScreen))


async def test_followup_screen_flags_overdue_and_closes_only_with_a_note(ws, clock):
    clock.value = datetime(2026, 9, 30, 10, 0)
    number = accepted_case(ws)
    fid = ev.rate(ws, number, "accepted", "very_dissatisfied", ["attitude"]).followup.id
    clock.value = datetime(2026, 10, 15, 10, 0)  # two working days past 13 Oct
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await wait_for(pilot, lambda: "超期" in app.status_text)  # flagged on the status line
        await pilot.press("ctrl+f")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, FollowupScreen) and app.screen.query_one(DataTable).row_count == 1,
        )
        screen = app.screen
        cells = [str(c) for c in screen.query_one(DataTable).get_row_at(0)]
        assert (
            cells[0] == str(fid) and cells[1] == number and "已超期" in cells and "超期 2 个工作日" in cells
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press("enter")  # empty: refused at the field, the dialog stays
        assert isinstance(app.screen, ReasonDialog)
        await type_text(pilot, "yi hui fang")
        await pilot.press("enter")
        await wait_for(pilot, lambda: ev.followups(ws) == [])
        await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 0)
    [closed] = ev.followups(ws, include_closed=True)
    assert closed["note"] == "yi hui fang" and closed["state"] == "closed"


def _events(ws, number):
    from sqlalchemy import select

    from app.store.models import CaseEvent

    with ws.store.read() as s:
        return list(
            s.execute(
                select(CaseEvent).where(CaseEvent.case_number == number).order_by(CaseEvent.id)
            ).scalars()
        )
