"""Window defects found in issue 7 (part 5), each through the pilot on a real store."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from app.messages import t
from app.services.cases import CaseService
from app.services.printing import PrintSpool
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseDetailScreen, CaseListScreen
from app.ui.screens.dialogs import ConfirmDialog, ReasonDialog
from app.ui.screens.intake import IntakeScreen
from app.ui.screens.print_queue import DocumentChoiceDialog
from tests.printing.listener import PrinterListener
from tests.ui.hostile import cell_shown, row_shown, shown
from tests.ui.test_intake_flow import SIZE, fill_applicant, pick, start, wait_for
from tests.ui.test_print_queue import accept


def screen_lines(app) -> list[str]:
    """The text of every line on the terminal, as the compositor paints it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def painted_in(app, widget) -> str:
    """What is painted in `widget`'s region, box lines dropped, wrapped lines joined again."""
    strips = app.screen._compositor.render_strips()
    r = widget.region
    rows = range(max(r.y, 0), min(r.bottom, len(strips)))
    text = "".join(strips[y].crop(r.x, r.right).text.strip(" │▊▎") for y in rows)
    return "".join(ch for ch in text if ch not in "╭╮╰╯─▔▁")


async def test_refusal_reason_error_is_visible(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pick(app, pilot, "kbld")
        await fill_applicant(app, pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press("enter")  # no reason
        await pilot.pause()
        error = app.screen.query_one("#reason-error")
        message = t("field.required", field=t("refuse.reason_field"))
        assert shown(error) == message
        assert error.display and error.region.height >= 1  # on screen, not only set
        assert any(message in line for line in screen_lines(app))


async def test_case_detail_follows_a_reprint_until_it_is_printed(ws):
    with PrinterListener("accept", delay=1.0) as printer:  # slow enough to be seen sending
        ws.config.set("printer.url", printer.url)
        decided = accept(ws, "吴一")
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            await wait_for(pilot, lambda: PrintSpool(ws).get(decided.job_id).state == "printed")
            number = decided.case.number
            await pilot.press("f8")
            await wait_for(pilot, lambda: isinstance(app.screen, CaseListScreen))
            table = app.screen.query_one(DataTable)
            await wait_for(pilot, lambda: table.row_count == 1)
            await pilot.press("f4", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail)
            detail = app.screen
            await pilot.press("f7")
            await wait_for(pilot, lambda: isinstance(app.screen, (ConfirmDialog, DocumentChoiceDialog)))
            if isinstance(app.screen, DocumentChoiceDialog):
                await pilot.press("1")
                await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("y")
            await wait_for(pilot, lambda: len(CaseService(ws).detail(number).jobs) == 2)
            reprint = CaseService(ws).detail(number).jobs[-1]
            assert reprint.reprint
            await wait_for(pilot, lambda: PrintSpool(ws).get(reprint.job_id).state == "printed")
            printed = f"{t('doc.receipt')}（{t('job.reprint')}）  {t('job.printed')}"

            # the open detail shows it printed, without being reopened
            await wait_for(pilot, lambda: printed in shown(detail.query_one("#case-detail")), timeout=10)
            assert app.screen is detail


async def test_marking_a_defective_material_received_drops_its_note(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kbld")
        item = screen.draft.marks[0].item
        await pilot.press("f4", "x")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
        app.screen.query_one("#reason-input", Input).value = "复印件不清晰"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        table = screen.query_one("#checklist", DataTable)
        assert cell_shown(table, "0", 0).strip() == f"{item.name} （复印件不清晰）"
        await pilot.press("up", "space")  # the applicant brought a good copy: received
        assert screen.draft.marks[0].status == "received"
        assert screen.draft.marks[0].note == ""
        assert row_shown(table, 0)[1].strip() == t("status.received")
        assert cell_shown(table, "0", 0).strip() == item.name


async def test_at_80x24_the_footer_offers_a_list_of_every_key(ws):
    from app.ui.widgets.keys import KeysDialog

    app = YichuangApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        await pilot.pause()
        help_keys = [k for k in screen.query("FooterKey") if k.action == "show_keys"]
        assert help_keys, "no key in the footer lists the others"
        region = help_keys[0].region
        assert region.width > 0 and region.right <= 80 and region.y == 23  # visible, bottom line
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, KeysDialog))
        table = app.screen.query_one("#keys-table", DataTable)
        rows = [row_shown(table, i) for i in range(table.row_count)]
        described = {description: keys for keys, description in rows}
        # the keys that do not fit the footer at 80 columns are all listed, with their text
        for key, message in [
            ("F10", "key.use_applicant"),
            ("F11", "key.kind"),
            ("F12", "key.print_queue"),
            ("^q", "key.quit"),
            ("^y", "key.sync"),
            ("F5", "key.accept"),
            ("space", "key.toggle"),  # the checklist's keys, shown on its hint line
        ]:
            assert key.lower() in described[t(message)].lower(), (key, described)
        assert all(description for _keys, description in rows)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))


async def test_bundle_panel_shows_every_matter(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kcg")
        await pilot.pause()
        matters = ws.catalogue.bundle_matters(screen.draft.subject_code)
        assert len(matters) == 7
        painted = painted_in(app, screen.query_one("#intake-left"))
        missing = [m.name for m in matters if f"{m.name}（{m.department}）" not in painted]
        assert missing == []


async def test_bundle_panel_scrolls_by_keyboard_on_a_small_screen(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        await pick(app, pilot, "kcg")
        matters = ws.catalogue.bundle_matters(screen.draft.subject_code)
        info = screen.query_one("#subject-info")
        await pilot.press("f2")
        for _ in range(4):  # Tab from the search reaches the panel
            await pilot.press("tab")
            if app.focused is info or info in app.focused.walk_children():
                break
        else:
            raise AssertionError(f"Tab never reaches the panel (stops at {app.focused})")
        seen = set()
        for _ in range(30):
            painted = painted_in(app, screen.query_one("#intake-left"))
            seen |= {m.name for m in matters if f"{m.name}（{m.department}）" in painted}
            await pilot.press("down")
        assert seen == {m.name for m in matters}
