"""Screens show ID and phone numbers masked; F10 on the case detail shows them in full and
records who looked (an audited case.unmasked event), and leaving masks them again. Through
Textual's pilot on a real store."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import DataTable, Input

from app.services.cases import CaseService
from app.store.models import Case, CaseEvent
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseDetailScreen, CaseListScreen
from app.ui.screens.dialogs import DocumentDialog
from app.ui.screens.handover import HandoverScreen
from app.ui.screens.intake import IntakeScreen
from tests.privacy.common import MASKED_ID, MASKED_PHONE, NAME, PERSON_ID, PHONE, accept_case
from tests.services.test_handover import APPLICANT_ID, decided_case
from tests.ui.test_defects import screen_lines
from tests.ui.test_intake_flow import SIZE, start, type_text, wait_for


def on_screen(app) -> str:
    return "\n".join(screen_lines(app))


def unmask_events(ws, number: str) -> list[CaseEvent]:
    with ws.store.read() as s:
        return list(
            s.execute(
                select(CaseEvent).where(CaseEvent.case_number == number, CaseEvent.kind == "case.unmasked")
            ).scalars()
        )


def case_row(ws, number: str) -> tuple:
    with ws.store.read() as s:
        c = s.execute(select(Case).where(Case.number == number)).scalars().one()
        return c.state, c.revision, c.updated_at, c.reason


async def open_detail(app, pilot, number: str) -> CaseDetailScreen:
    await pilot.press("f8")
    await wait_for(pilot, lambda: isinstance(app.screen, CaseListScreen))
    table = app.screen.query_one(DataTable)
    await wait_for(pilot, lambda: table.row_count >= 1)
    await pilot.press("f4", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail)
    await wait_for(pilot, lambda: MASKED_ID in on_screen(app))
    return app.screen


async def test_case_detail_masks_and_f10_unmasks_with_an_audited_event(ws):
    ws.config.set("workstation.clerk", "李娜")
    number = accept_case(ws).case.number
    before = case_row(ws, number)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        detail = await open_detail(app, pilot, number)
        text = on_screen(app)
        assert NAME in text and MASKED_ID in text and MASKED_PHONE in text
        assert PERSON_ID not in text and PHONE not in text
        assert unmask_events(ws, number) == []

        await pilot.press("f10")
        await wait_for(pilot, lambda: PERSON_ID in on_screen(app))
        assert PHONE in on_screen(app)
        [event] = unmask_events(ws, number)
        assert event.actor == "李娜" and event.workstation_id == ws.workstation_id
        assert case_row(ws, number) == before  # recorded, and the case is as it was
        # the event is in the outbox like any other: it goes to the hub
        assert event.event_id in {w["event_id"] for w in outbox_waiting(ws)}

        await pilot.press("f10")  # F10 again: masked, nothing more recorded
        await wait_for(pilot, lambda: PERSON_ID not in on_screen(app))
        assert MASKED_ID in on_screen(app) and len(unmask_events(ws, number)) == 1

        await pilot.press("f10")
        await wait_for(pilot, lambda: PERSON_ID in on_screen(app))
        await pilot.press("f9")  # another screen over it: the numbers go away
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        assert PERSON_ID not in on_screen(app) and not detail.unmasked
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail)
        await wait_for(pilot, lambda: MASKED_ID in on_screen(app))
        assert PERSON_ID not in on_screen(app)

        await pilot.press("f10")
        await wait_for(pilot, lambda: PERSON_ID in on_screen(app))
        await pilot.press("escape")  # leaving the case
        await wait_for(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail)
        await wait_for(pilot, lambda: MASKED_ID in on_screen(app))
        assert PERSON_ID not in on_screen(app) and PHONE not in on_screen(app)
    assert len(unmask_events(ws, number)) == 3
    assert case_row(ws, number) == before
    timeline = CaseService(ws).detail(number).events
    assert [e.kind for e in timeline].count("case.unmasked") == 3


def outbox_waiting(ws) -> list[dict]:
    from app.services.sync import actions

    return actions.waiting(ws.store)


async def test_pickup_and_returning_applicant_show_masked_numbers(ws):
    accept_case(ws)  # a returning applicant with a phone number
    number = decided_case(ws)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        # the intake form: the ID the clerk types is shown in full (the task needs it), the
        # returning applicant's saved phone is offered masked
        app.screen.query_one("#applicant-id_number", Input).focus()
        await type_text(pilot, PERSON_ID)
        await pilot.press("tab")
        await wait_for(pilot, lambda: NAME in on_screen(app))
        assert MASKED_PHONE in on_screen(app) and PHONE not in on_screen(app)
        assert isinstance(app.screen, IntakeScreen)

        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen))
        app.screen.open_case(number)
        await wait_for(pilot, lambda: app.screen.case is not None)
        await wait_for(pilot, lambda: "张秀英" in on_screen(app))
        text = on_screen(app)
        assert APPLICANT_ID[:6] + "*" * 8 + APPLICANT_ID[-4:] in text and APPLICANT_ID not in text


def test_the_unmask_record_reaches_the_hub(tmp_path):
    from app.services.cases import record_unmask
    from app.services.sync.runner import SyncRunner
    from tests.hubs import HubProcess, make_workstation

    hub = HubProcess(tmp_path / "hub").start()
    try:
        ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", "320724100", "01"))
        number = accept_case(ws).case.number
        before = case_row(ws, number)
        record_unmask(ws, number, screen="case_detail")
        report = SyncRunner(ws).cycle()
        assert report.ok, report.error
        assert outbox_waiting(ws) == [] and SyncRunner(ws).status().refused == []
        assert case_row(ws, number)[:2] == before[:2]  # state and revision as they were
        ws.close()
        st = hub.store()
        try:
            from sync.hub.store import event_t

            with st.engine.connect() as c:
                rows = c.execute(
                    select(event_t.c.kind, event_t.c.actor).where(event_t.c.case_number == number)
                )
                kinds = {kind: actor for kind, actor in rows}
        finally:
            st.close()
        assert kinds.get("case.unmasked") == ws.clerk
    finally:
        hub.stop()
