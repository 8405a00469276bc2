"""The 居民身份证 reader at the window (issue 17 §2) through the pilot: the app runs with
idcard.port set to a simulated reader on a pty pair (tests/idcard_sim.py), read with real
pyserial by the window's `idcard` job; a card laid on the reader fills the applicant at intake
and the collector at 出件; an expired card fills nothing; the status line says when the reader
is gone and when it is back."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from contextlib import asynccontextmanager

import pytest
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input

from app.ui.app import YichuangApp
from app.ui.screens.handover import HandoverScreen
from app.ui.screens.timeline import TimelineScreen
from app.ui.widgets.applicant_form import ApplicantForm
from app.ui.widgets.checklist_table import ChecklistTable
from app.ui.widgets.keys import KeysDialog
from devices.idcard import protocol as p
from tests.devices.cards import EXPIRED, FOREIGN_2017, FOREIGN_2023, HKMO, RARE_NAME, RESIDENT
from tests.idcard_sim import SimReader
from tests.operators.helpers import said
from tests.services.test_handover import decided_case
from tests.ui.test_handover_screen import bells
from tests.ui.test_intake_flow import PERSON_ID, SIZE, start, wait_for

EMPTY = {"kind": "person", "id_number": "", "name": "", "phone": "", "address": ""}


@asynccontextmanager
async def card_window(ws, *, opener=start, ready: bool = True, **sim_options):
    """The window with idcard.port on a simulated reader (tests/idcard_sim.py), opened on the
    screen ``opener(app, pilot)`` returns (intake by default); ``ready``: once the reader's job
    runs. Yields (sim, app, pilot, screen)."""
    with SimReader(**sim_options) as sim:
        ws.config.set("idcard.port", sim.path)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            screen = await opener(app, pilot)
            if ready:
                await wait_for(pilot, lambda: app.background.running("idcard"))
            yield sim, app, pilot, screen


def message(screen, selector: str = "#intake-message") -> str:
    return str(screen.query_one(selector).render())


def applicant(screen) -> dict[str, str]:
    return screen.query_one(ApplicantForm).values()


async def test_a_card_fills_the_applicant_and_moves_to_the_materials(ws):
    async with card_window(ws) as (sim, app, pilot, screen):
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
    async with card_window(ws, ready=False) as (sim, app, pilot, screen):
        sim.put(RARE_NAME)
        await wait_for(pilot, lambda: applicant(screen)["id_number"] != "")
        values = applicant(screen)
        assert values["name"] == "𠀀䶮" and values["name"] == RARE_NAME.name
        assert values["id_number"] == RARE_NAME.id_number
        assert values["address"] == RARE_NAME.address


async def test_an_expired_card_is_refused_with_its_date_and_fills_nothing(ws):
    async with card_window(ws, ready=False) as (sim, app, pilot, screen):
        rung = bells(app)
        sim.put(EXPIRED)
        await wait_for(pilot, lambda: "过期" in message(screen))
        assert EXPIRED.valid_to is not None and EXPIRED.valid_to.isoformat() in message(screen)
        assert rung
        values = applicant(screen)
        assert values["id_number"] == values["name"] == values["address"] == ""


async def test_the_status_line_says_when_the_reader_is_gone_and_back(ws):
    async with card_window(ws) as (sim, app, pilot, screen):
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


def at_handover(number: str):
    """card_window's opener: the 出件 screen of case ``number``."""
    return lambda app, pilot: open_handover(app, pilot, number)


async def test_handover_a_card_fills_the_collector(ws):
    number = decided_case(ws)
    async with card_window(ws, opener=at_handover(number), ready=False) as (
        sim,
        app,
        pilot,
        screen,
    ):
        sim.put(RESIDENT)
        collector = screen.query_one("#pickup-collector-id", Input)
        await wait_for(pilot, lambda: collector.value != "")
        assert collector.value == RESIDENT.id_number
        assert collector.has_focus
        assert screen.query_one("#pickup-agent-name", Input).value == ""
        assert "王䶮" in message(screen, "#pickup-message")


async def test_handover_agent_mode_the_card_is_the_agents(ws):
    number = decided_case(ws)
    async with card_window(ws, opener=at_handover(number), ready=False) as (
        sim,
        app,
        pilot,
        screen,
    ):
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
    async with card_window(ws, opener=at_handover(number), ready=False) as (
        sim,
        app,
        pilot,
        screen,
    ):
        sim.put(EXPIRED)
        await wait_for(pilot, lambda: "过期" in message(screen, "#pickup-message"))
        assert screen.query_one("#pickup-collector-id", Input).value == ""
        await asyncio.sleep(0)


# --- the progress query (Ctrl+G): a card finds the person's cases -------------------------------
def case_of(ws, id_number: str, name: str) -> str:
    """A case accepted at the window for the applicant `id_number`."""
    from dataclasses import replace

    from app.services.intake import ApplicantInput, IntakeService

    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    draft = svc.new_draft("bundle", code)
    draft.marks = [replace(m, status="received") for m in draft.marks]
    draft.applicant = ApplicantInput("person", id_number, name)
    return svc.accept(draft).case.number


def rows(table) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_progress(app, pilot) -> TimelineScreen:
    await start(app, pilot)
    await wait_for(pilot, lambda: app.background.running("idcard"))
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: isinstance(app.screen, TimelineScreen) and app.screen.is_mounted)
    return app.screen  # type: ignore[return-value]


async def test_progress_query_a_card_finds_the_persons_cases(ws):
    older = case_of(ws, RESIDENT.id_number, RESIDENT.name)
    newer = case_of(ws, RESIDENT.id_number, RESIDENT.name)
    other = case_of(ws, PERSON_ID, "张秀英")
    async with card_window(ws, opener=open_progress, ready=False) as (sim, app, pilot, screen):
        sim.put(RESIDENT)
        cases = screen.query_one("#timeline-cases", DataTable)
        # the person's cases listed, the newest one's progress shown, the list focused
        await wait_for(pilot, lambda: screen.shown == newer and cases.has_focus)
        listed = rows(cases)
        assert [r[0] for r in listed] == [newer, older]
        assert other not in str(listed)
        head = str(screen.query_one("#timeline-head").render())
        assert "王䶮" in head and "共 2 件" in head
        assert RESIDENT.id_number not in head  # masked on screen, as everywhere
        assert rows(screen.query_one("#timeline-table", DataTable))  # the newest case's events
        # another of the person's cases: its progress with Enter (the card handed back first:
        # one lying on the reader for long can be read again under load, see the report)
        sim.remove()
        await pilot.press("down")
        await wait_for(pilot, lambda: cases.cursor_row == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.shown == older)
        # a typed number still works, and the list goes away
        find = screen.query_one("#timeline-find", Input)
        find.focus()
        find.value = other
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.shown == other and not cases.display)


async def test_progress_query_a_card_without_cases_says_so(ws):
    case_of(ws, PERSON_ID, "张秀英")
    async with card_window(ws, opener=open_progress, ready=False) as (sim, app, pilot, screen):
        sim.put(RESIDENT)
        head = screen.query_one("#timeline-head")
        await wait_for(pilot, lambda: "没有" in str(head.render()))
        assert "王䶮" in str(head.render()) and RESIDENT.id_number not in str(head.render())
        assert screen.shown is None and not screen.query_one("#timeline-cases").display


async def test_progress_query_an_expired_card_still_finds_the_cases(ws):
    """A query is no acceptance: the person who comes to renew an expired card asks too."""
    number = case_of(ws, EXPIRED.id_number, EXPIRED.name)
    async with card_window(ws, opener=open_progress, ready=False) as (sim, app, pilot, screen):
        sim.put(EXPIRED)
        await wait_for(pilot, lambda: screen.shown == number)


# --- a dialog on top ---------------------------------------------------------------------------
class IdDialog(ModalScreen[None]):
    """A dialog with an ID field (none of the window's dialogs has one yet): it takes the card."""

    def compose(self):
        yield Input(id="dialog-id")

    def card_presented(self, event) -> None:
        self.query_one("#dialog-id", Input).value = event.card.id_number


async def test_a_card_while_a_dialog_is_on_top_fills_nothing_beneath_and_says_so(ws):
    async with card_window(ws) as (sim, app, pilot, screen):
        notices = said(app)
        await pilot.press("f1")  # every key: a dialog over the intake
        await wait_for(pilot, lambda: isinstance(app.screen, KeysDialog))
        sim.put(RESIDENT)
        await wait_for(pilot, lambda: any("对话框" in n for n in notices))
        assert isinstance(app.screen, KeysDialog)  # the dialog stays, the card goes nowhere
        assert applicant(screen)["id_number"] == applicant(screen)["name"] == ""
        # closed, the card laid again: the intake takes it
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        sim.remove()
        await pilot.pause(0.5)  # the reader sees the card lifted (two "no card" answers)
        sim.put(RESIDENT)
        await wait_for(pilot, lambda: applicant(screen)["id_number"] == RESIDENT.id_number)


async def test_a_dialog_with_an_id_field_takes_the_card(ws):
    async with card_window(ws) as (sim, app, pilot, screen):
        dialog = IdDialog()
        app.push_screen(dialog)
        await wait_for(pilot, lambda: app.screen is dialog and dialog.is_mounted)
        sim.put(RESIDENT)
        field = dialog.query_one("#dialog-id", Input)
        await wait_for(pilot, lambda: field.value == RESIDENT.id_number)
        assert applicant(screen)["id_number"] == ""


# --- the simulator's other modes at intake: untouched or filled right, a notice, no crash ------
async def test_a_slow_reader_still_fills_the_applicant(ws):
    async with card_window(ws, ready=False, mode="slow", slow_delay=0.3) as (sim, app, pilot, screen):
        sim.put(RESIDENT)
        await wait_for(pilot, lambda: applicant(screen)["id_number"] == RESIDENT.id_number, timeout=30)
        assert applicant(screen)["name"] == RESIDENT.name
        assert applicant(screen)["address"] == RESIDENT.address


async def test_a_reader_speaking_noise_fills_nothing_and_the_status_line_says_so(ws):
    async with card_window(ws, ready=False, mode="garbage") as (sim, app, pilot, screen):
        sim.put(RESIDENT)
        await wait_for(pilot, lambda: "读卡器无响应" in app.status_text, timeout=30)
        assert applicant(screen) == EMPTY and app.is_running
        # the reader answers properly again: it recovers by itself and the card is read
        sim.mode = "normal"
        await wait_for(pilot, lambda: "读卡器已恢复" in app.status_text, timeout=30)
        await wait_for(pilot, lambda: applicant(screen)["id_number"] == RESIDENT.id_number)


@pytest.mark.parametrize("mode", ["bad_checksum", "truncated"])
async def test_a_broken_card_frame_fills_nothing_then_the_card_reads(ws, mode):
    """A READ reply with a wrong checksum or cut short is never half-used: nothing is filled
    (the reader itself answers, so the status line stays quiet) until a read comes whole."""
    async with card_window(ws, mode=mode) as (sim, app, pilot, screen):
        sim.put(RESIDENT)
        await wait_for(pilot, lambda: sim.commands.count(p.READ) >= 2, timeout=30)
        assert applicant(screen) == EMPTY and app.is_running
        sim.mode = "normal"
        await wait_for(pilot, lambda: applicant(screen)["id_number"] == RESIDENT.id_number)
        assert applicant(screen)["name"] == RESIDENT.name


async def test_a_card_lifted_mid_read_fills_nothing_then_reads_when_laid_again(ws):
    async with card_window(ws, mode="removed") as (sim, app, pilot, screen):
        sim.put(RESIDENT)  # lifted while the reader reads it (READ answers 41)
        await wait_for(pilot, lambda: p.READ in sim.commands and not sim.cards)
        await pilot.pause(0.5)
        assert applicant(screen)["id_number"] == applicant(screen)["name"] == ""
        assert "读卡器无响应" not in app.status_text  # one failed read: the reader is fine
        sim.mode = "normal"
        sim.put(RESIDENT)
        await wait_for(pilot, lambda: applicant(screen)["id_number"] == RESIDENT.id_number)


async def test_a_foreigners_permanent_residence_card_is_named_as_such_at_intake(ws):
    async with card_window(ws, ready=False) as (sim, app, pilot, screen):
        sim.put(FOREIGN_2017)
        await wait_for(pilot, lambda: applicant(screen)["id_number"] != "")
        assert applicant(screen)["id_number"] == FOREIGN_2017.id_number
        assert applicant(screen)["name"] == "约翰"
        assert "外国人永久居留身份证" in message(screen)
        assert "居民身份证" not in message(screen).replace("外国人永久居留身份证", "")


# --- the simulator's fault modes at 出件: never a half-read collector, then the card reads ----
@pytest.mark.parametrize("mode", ["slow", "garbage", "bad_checksum", "truncated", "removed"])
async def test_handover_a_faulty_read_never_fills_half_a_collector(ws, mode):
    number = decided_case(ws)
    async with card_window(ws, opener=at_handover(number), mode=mode, slow_delay=0.3) as (
        sim,
        app,
        pilot,
        screen,
    ):
        collector = screen.query_one("#pickup-collector-id", Input)
        sim.put(RESIDENT)
        if mode != "slow":  # the faulty exchange happened: nothing of it reached the field
            await wait_for(pilot, lambda: p.READ in sim.commands or "读卡器无响应" in app.status_text, 30)
            await pilot.pause(0.3)
            assert collector.value == "" and app.is_running
            sim.mode = "normal"
            if not sim.cards:  # lifted mid-read: laid again
                sim.put(RESIDENT)
        await wait_for(pilot, lambda: collector.value != "", timeout=30)
        assert collector.value == RESIDENT.id_number
        assert screen.query_one("#pickup-agent-name", Input).value == ""


# --- a failed read says so (issue 17, left from s23): nothing filled, nothing touched ----------
TYPED = {"kind": "person", "id_number": "", "name": "王五", "phone": "13800000000", "address": "东街1号"}


@pytest.mark.parametrize("mode", ["bad_checksum", "truncated", "removed", "garbage"])
async def test_a_failed_read_tells_the_clerk_and_touches_no_field(ws, mode):
    """A card laid on the reader whose read fails (a READ reply with a wrong checksum, cut short,
    the card lifted mid-read, the reader speaking noise) fills nothing, leaves what the clerk
    typed alone, and says so on the screen: 读卡失败，请重新放卡 (noise: the reader does not
    answer, on the status line)."""
    from app.messages import t
    from tests.ui.test_defects import screen_lines

    async with card_window(ws, mode=mode) as (sim, app, pilot, screen):
        form = screen.query_one(ApplicantForm)
        form.fill(**{k: v for k, v in TYPED.items()})
        form.query_one("#applicant-phone", Input).focus()
        await pilot.pause(0.1)
        sim.put(RESIDENT)
        notice = t("idcard.reader_lost", reason="") if mode == "garbage" else t("window.idcard_read_failed")
        if mode == "garbage":
            await wait_for(pilot, lambda: notice in app.status_text, timeout=30)
        else:
            await wait_for(pilot, lambda: notice in message(screen), timeout=30)
            await wait_for(pilot, lambda: any(notice in line for line in screen_lines(app)))
        assert applicant(screen) == TYPED
        assert app.focused is form.query_one("#applicant-phone", Input)
        assert app.is_running
        # the card read whole: it fills as usual
        sim.mode = "normal"
        if not sim.cards:
            sim.put(RESIDENT)
        await wait_for(pilot, lambda: applicant(screen)["id_number"] == RESIDENT.id_number, timeout=30)


# --- a foreigner's or a 港澳台 resident's card is an applicant's identity (issue 17, s23 left) ---
HKMO_VALID = dataclasses.replace(HKMO, valid_to=dt.date(2035, 1, 1))  # the sample expired in 2025


@pytest.mark.parametrize(
    "card, doc_type",
    [
        pytest.param(FOREIGN_2017, "foreign_permanent", id="foreign-2017"),
        pytest.param(FOREIGN_2023, "foreign_permanent", id="foreign-2023"),
        pytest.param(HKMO_VALID, "hkmotw_residence", id="hkmo-residence"),
    ],
)
async def test_a_card_that_is_no_resident_id_is_accepted_at_f5(ws, card, doc_type):
    """F5 refused a 外国人永久居留身份证 read off the reader (intake took only a 居民身份证 or a
    credit code); the case is accepted with the number as read, and names the document."""
    from app.domain.identifiers import person_id_type
    from app.services.cases import CaseService
    from app.ui.screens.dialogs import DocumentDialog
    from tests.ui.test_intake_flow import pick, tick_all

    async with card_window(ws) as (sim, app, pilot, screen):
        await pick(app, pilot, "kcg")
        await wait_for(pilot, lambda: screen.draft is not None)
        sim.put(card)
        await wait_for(pilot, lambda: applicant(screen)["id_number"] == card.id_number, timeout=30)
        await tick_all(app, pilot, len(screen.draft.marks))
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog), timeout=30)
        [case] = CaseService(ws).list()
        assert case.applicant_id_number == card.id_number and case.applicant_name == card.name
        assert person_id_type(case.applicant_id_number) == doc_type
