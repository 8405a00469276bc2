"""The whole window flow through Textual's pilot, on a real store and a real dir:// printer."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input

from app.domain.identifiers import ric_check_char
from app.services.cases import CaseService
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseDetailScreen, CaseListScreen
from app.ui.screens.dialogs import DocumentDialog, ReasonDialog
from app.ui.screens.evaluation import RatingScreen
from app.ui.screens.intake import IntakeScreen

ID17 = "32072419880512004"
PERSON_ID = ID17 + ric_check_char(ID17)
SIZE = (160, 50)


async def wait_for(pilot, predicate, timeout: float = 15.0) -> None:
    """Let workers run until `predicate()` holds (thread workers finish in real time)."""
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("timed out waiting for the UI")
        await pilot.pause(0.05)


async def start(app, pilot):
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, IntakeScreen)
            and app.screen.panes_ready
            and app.index is not None
            and "store" in app.ws.__dict__
        ),
    )
    return app.screen


async def type_text(pilot, text: str) -> None:
    # Chinese arrives from the input method as committed characters: press them one by one.
    for ch in text:
        await pilot.press(ch if ch.isascii() and ch.isalnum() else ch)


async def fill_applicant(app, pilot, name: str = "张秀英") -> None:
    screen = app.screen
    screen.query_one("#applicant-id_number", Input).focus()
    await type_text(pilot, PERSON_ID)
    await pilot.press("tab")
    screen.query_one("#applicant-name", Input).value = name  # IME text arrives committed
    screen.query_one("#applicant-phone", Input).focus()
    await type_text(pilot, "13812345678")


async def pick(app, pilot, query: str) -> None:
    await pilot.press("f2")
    await type_text(pilot, query)
    await pilot.press("enter")
    await pilot.pause()


async def tick_all(app, pilot, n: int) -> None:
    await pilot.press("f4")
    for _ in range(n):
        await pilot.press("space")


async def test_first_screen_is_intake_with_search_focused(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        assert app.focused is screen.query_one("#search-input", Input)
        footer_keys = {key for key, b in screen.active_bindings.items() if b.binding.show}
        assert {"f5", "f6", "f7", "f8"} <= set(footer_keys)


async def test_accept_kcg_by_pinyin_initials_prints_and_lists(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kcg")
        assert screen.draft is not None and screen.draft.subject_kind == "bundle"
        assert ws.catalogue.bundle(screen.draft.subject_code).name == "开餐馆"
        n = len(screen.draft.marks)
        assert 24 <= n <= 28
        await fill_applicant(app, pilot)
        await tick_all(app, pilot, n)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        dialog = app.screen
        assert "已受理" in dialog.headline
        [case] = CaseService(ws).list()
        assert case.number in dialog.headline and case.state == "accepted"
        assert case.subject_name == "开餐馆" and case.applicant_name == "张秀英"
        await pilot.press("enter")
        # 好差评: the screen turns to the applicant, who rates 非常满意 (1) and submits
        await wait_for(pilot, lambda: isinstance(app.screen, RatingScreen))
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        # the print job reaches the dir:// printer
        await wait_for(pilot, lambda: any(ws.config.prints_dir.glob("*.bin")))
        data = next(ws.config.prints_dir.glob("*.bin")).read_bytes()
        assert case.number.encode() in data
        assert "张秀英".encode("gb18030") in data
        # the case is in today's list
        await pilot.press("f8")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, CaseListScreen) and app.screen.query_one(DataTable).row_count == 1,
        )
        table = app.screen.query_one(DataTable)
        assert table.get_row_at(0)[0] == case.number


async def test_accept_single_matter_found_by_chinese(ws):
    matter = next(m for m in ws.catalogue.matters.values() if "食品经营" in m.name)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pilot.press("f2")
        screen.query_one("#search-input", Input).value = matter.name
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.draft.subject_kind == "matter" and screen.draft.subject_code == matter.code
        await fill_applicant(app, pilot, "李明")
        await tick_all(app, pilot, len(screen.draft.marks))
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        [case] = CaseService(ws).list()
        assert case.subject_code == matter.code and case.due_date is not None


async def test_accept_blocked_until_materials_complete(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kcg")
        await fill_applicant(app, pilot)
        await pilot.press("f5")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, DocumentDialog)
        assert CaseService(ws).list() == []
        assert app.focused is screen.query_one("#checklist")


async def test_invalid_id_shows_message_at_field_and_saves_nothing(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kbld")
        screen.query_one("#applicant-id_number", Input).focus()
        wrong = PERSON_ID[:-1] + ("1" if PERSON_ID[-1] != "1" else "2")
        await type_text(pilot, wrong)
        await pilot.pause()
        error = str(screen.query_one("#error-id_number").render())
        assert "校验" in error
        await tick_all(app, pilot, len(screen.draft.marks))
        await pilot.press("f5")
        await pilot.pause(0.2)
        assert CaseService(ws).list() == []
        assert "不能为空" in str(screen.query_one("#error-name").render())


async def test_notify_then_resume_and_accept(ws, clock):
    from datetime import datetime

    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kcg")
        n = len(screen.draft.marks)
        await fill_applicant(app, pilot)
        await tick_all(app, pilot, n - 2)  # the last two stay missing
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press("enter")  # no remarks
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        [case] = CaseService(ws).list()
        assert case.state == "correction"
        notice = CaseService(ws).detail(case.number).jobs[-1]
        assert notice.doc_kind == "notice"
        await pilot.press("enter")

        clock.value = datetime(2026, 11, 24, 9, 0)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await pilot.press("f3")  # all cases, not only today's
        await wait_for(pilot, lambda: app.screen.query_one(DataTable).row_count == 1)
        await pilot.press("f4", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        screen = app.screen
        assert screen.draft.case_number == case.number
        for _ in range(n - 2):
            await pilot.press("down")
        await pilot.press("space", "space")
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        again = CaseService(ws).get(case.number)
        assert again.state == "accepted" and again.accepted_on == date(2026, 11, 24)
        assert [j.doc_kind for j in CaseService(ws).detail(case.number).jobs] == ["notice", "receipt"]


async def test_refuse_asks_for_a_reason(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pick(app, pilot, "kbld")
        await fill_applicant(app, pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press("enter")  # empty reason: refused with a message, dialog stays
        assert isinstance(app.screen, ReasonDialog)
        assert "不能为空" in str(app.screen.query_one("#reason-error").render())
        app.screen.query_one("#reason-input", Input).value = "申请事项不属于本机关职权范围"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        [case] = CaseService(ws).list()
        assert case.state == "refused" and "职权" in case.reason


async def test_quit_and_changing_the_matter_ask_before_losing_work(ws):
    from app.ui.screens.dialogs import ConfirmDialog

    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kcg")
        await tick_all(app, pilot, 3)
        # another matter: the marks would be lost, so the window asks; Enter keeps them
        await pick(app, pilot, "kbld")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        assert ws.catalogue.bundle(screen.draft.subject_code).name == "开餐馆"
        assert sum(m.status == "received" for m in screen.draft.marks) == 3
        # Ctrl+Q with an intake in progress asks too; N keeps the window open
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        assert app.is_running
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await pilot.pause(0.2)
        assert not app.is_running


async def test_defective_material_asks_why_and_the_notice_lists_it(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kbld")
        n = len(screen.draft.marks)
        await fill_applicant(app, pilot)
        await tick_all(app, pilot, n)
        await pilot.press("x")  # the cursor stayed on the last material: not acceptable
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
        app.screen.query_one("#reason-input", Input).value = "复印件不清晰"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        last = screen.draft.marks[-1]
        assert last.status == "defective" and last.note == "复印件不清晰"
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        [case] = CaseService(ws).list()
        notice = CaseService(ws).detail(case.number).jobs[-1]
        assert notice.doc_kind == "notice" and "复印件不清晰" in notice.text


async def a_matter_and_a_person(app, pilot, screen) -> None:
    """A matter chosen (kbld), a valid ID typed and a name given (as an IME commits it)."""
    await pick(app, pilot, "kbld")
    screen.query_one("#applicant-id_number", Input).focus()
    await type_text(pilot, PERSON_ID)
    screen.query_one("#applicant-name", Input).value = "王伟"


async def test_a_fields_message_goes_once_the_field_is_edited(ws):
    """Found by trying the window: a wrong phone's message and 请先更正申请人信息 stayed on the
    screen after the phone was corrected, until the next F5."""
    from app.messages import t
    from app.ui.widgets.checklist_pane import ChecklistPane

    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await a_matter_and_a_person(app, pilot, screen)
        phone = screen.query_one("#applicant-phone", Input)
        phone.value = "abc123"
        await tick_all(app, pilot, len(screen.draft.marks))
        await pilot.press("f5")
        error = screen.query_one("#error-phone")
        await wait_for(pilot, lambda: error.display)
        assert "电话" in str(error.render())
        pane = screen.query_one(ChecklistPane)
        assert pane.said == t("decide.fix_applicant")
        phone.focus()
        await pilot.press("ctrl+u")  # the phone cleared: what the message was about is gone
        await type_text(pilot, "13812345678")
        await wait_for(pilot, lambda: not error.display and pane.said == "")
        assert not phone.has_class("-invalid")
        assert CaseService(ws).list() == []  # nothing was saved meanwhile
        await pilot.press("f5")  # checked again: now accepted
        await wait_for(pilot, lambda: len(CaseService(ws).list()) == 1)


async def test_a_pasted_address_too_long_is_kept_whole_and_refused_with_a_message(ws):
    """Found by trying the window: a 313-character address pasted was cut at 200 without a word;
    now it is kept as pasted and F5 says at the field how long it may be, saving nothing."""
    from textual import events

    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await a_matter_and_a_person(app, pilot, screen)
        address = screen.query_one("#applicant-address", Input)
        address.focus()
        pasted = "江苏省灌南县新安镇人民路" * 26 + "[/]"
        assert len(pasted) > 300
        address.post_message(events.Paste(pasted))
        await wait_for(pilot, lambda: address.value == pasted)
        await tick_all(app, pilot, len(screen.draft.marks))
        await pilot.press("f5")
        error = screen.query_one("#error-address")
        await wait_for(pilot, lambda: error.display)
        assert str(error.render()) == f"联系地址不能超过200个字（当前{len(pasted)}个）"
        assert CaseService(ws).list() == []
