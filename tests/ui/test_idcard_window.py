"""The 居民身份证 reader at the window (issue 17 §2) through the pilot: the app runs with
idcard.port set to a simulated reader on a pty pair (tests/idcard_sim.py), read with real
pyserial by the window's `idcard` job; a card laid on the reader fills the applicant at intake
and the collector at 出件; an expired card fills nothing; the status line says when the reader
is gone and when it is back."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

from app.ui.app import YichuangApp
from app.ui.screens.handover import HandoverScreen
from app.ui.widgets.applicant_form import ApplicantForm
from app.ui.widgets.checklist_table import ChecklistTable
from tests.devices.cards import EXPIRED, RARE_NAME, RESIDENT
from tests.idcard_sim import SimReader
from tests.services.test_handover import decided_case
from tests.ui.test_handover_screen import bells
from tests.ui.test_intake_flow import SIZE, start, wait_for


def message(screen, selector: str = "#intake-message") -> str:
    return str(screen.query_one(selector).render())


def applicant(screen) -> dict[str, str]:
    return screen.query_one(ApplicantForm).values()


async def test_a_card_fills_the_applicant_and_moves_to_the_materials(ws):
    with SimReader() as sim:
        ws.config.set("idcard.port", sim.path)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(app, pilot)
            await wait_for(pilot, lambda: app.background.running("idcard"))
            app.screen.query_one("#applicant-phone", Input).value = "13800000000"  # typed before
            sim.put(RESIDENT)
            checklist = screen.query_one(ChecklistTable)
            # filled at once, focused a message later (focus() is deferred): wait for both
            await wait_for(pilot, lambda: applicant(screen)["id_number"] != "" and checklist.has_focus)
            assert applicant(screen) == {
                "kind": "person",
                "id_number": "320724198503170045",
                "name": "王䶮",
                "phone": "13800000000",
                "address": "江苏省连云港市灌南县新安镇人民路1号",
            }
            assert "王䶮" in message(screen) and "照片不保存" in message(screen)
            # the card still lies there: one read, not one per poll
            screen.query_one(ApplicantForm).clear()
            await pilot.pause(1.0)
            assert applicant(screen)["id_number"] == "" and applicant(screen)["name"] == ""


async def test_a_rare_character_name_comes_through_exactly(ws):
    with SimReader() as sim:
        ws.config.set("idcard.port", sim.path)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(app, pilot)
            sim.put(RARE_NAME)
            await wait_for(pilot, lambda: applicant(screen)["id_number"] != "")
            values = applicant(screen)
            assert values["name"] == "𠀀䶮" and values["name"] == RARE_NAME.name
            assert values["id_number"] == RARE_NAME.id_number
            assert values["address"] == RARE_NAME.address


async def test_an_expired_card_is_refused_with_its_date_and_fills_nothing(ws):
    with SimReader() as sim:
        ws.config.set("idcard.port", sim.path)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(app, pilot)
            rung = bells(app)
            sim.put(EXPIRED)
            await wait_for(pilot, lambda: "过期" in message(screen))
            assert EXPIRED.valid_to is not None and EXPIRED.valid_to.isoformat() in message(screen)
            assert rung
            values = applicant(screen)
            assert values["id_number"] == values["name"] == values["address"] == ""


async def test_the_status_line_says_when_the_reader_is_gone_and_back(ws):
    with SimReader() as sim:
        ws.config.set("idcard.port", sim.path)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(app, pilot)
            await wait_for(pilot, lambda: app.background.running("idcard"))
            await pilot.pause(0.5)
            sim.unplug()
            await wait_for(pilot, lambda: "读卡器无响应" in app.status_text)
            sim.replug()
            await wait_for(pilot, lambda: "读卡器已恢复" in app.status_text)
            sim.put(RESIDENT)  # and it reads again
            await wait_for(pilot, lambda: applicant(screen)["id_number"] == RESIDENT.id_number)


async def test_no_reader_configured_no_job(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.pause(0.3)
        assert not app.background.running("idcard")


async def open_handover(app, pilot, number: str) -> HandoverScreen:
    await start(app, pilot)
    app.push_screen(HandoverScreen(number))
    await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.case is not None)
    return app.screen  # type: ignore[return-value]


async def test_handover_a_card_fills_the_collector(ws):
    number = decided_case(ws)
    with SimReader() as sim:
        ws.config.set("idcard.port", sim.path)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_handover(app, pilot, number)
            sim.put(RESIDENT)
            collector = screen.query_one("#pickup-collector-id", Input)
            await wait_for(pilot, lambda: collector.value != "")
            assert collector.value == RESIDENT.id_number
            assert collector.has_focus
            assert screen.query_one("#pickup-agent-name", Input).value == ""
            assert "王䶮" in message(screen, "#pickup-message")


async def test_handover_agent_mode_the_card_is_the_agents(ws):
    number = decided_case(ws)
    with SimReader() as sim:
        ws.config.set("idcard.port", sim.path)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_handover(app, pilot, number)
            await pilot.press("f4")  # 代领
            await wait_for(pilot, lambda: screen.agent)
            sim.put(RARE_NAME)
            collector = screen.query_one("#pickup-collector-id", Input)
            authorisation = screen.query_one("#pickup-authorisation", Input)
            # the fields are filled at once, the focus moves a message later (Textual's focus()
            # is deferred): wait for both, the state the clerk sees
            await wait_for(pilot, lambda: collector.value != "" and authorisation.has_focus)
            assert collector.value == RARE_NAME.id_number
            assert screen.query_one("#pickup-agent-name", Input).value == "𠀀䶮"


async def test_handover_an_expired_card_fills_nothing(ws):
    number = decided_case(ws)
    with SimReader() as sim:
        ws.config.set("idcard.port", sim.path)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_handover(app, pilot, number)
            sim.put(EXPIRED)
            await wait_for(pilot, lambda: "过期" in message(screen, "#pickup-message"))
            assert screen.query_one("#pickup-collector-id", Input).value == ""
            await asyncio.sleep(0)
