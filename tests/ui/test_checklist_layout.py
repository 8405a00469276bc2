"""Issue 21 "The checklist (申请材料)" and "Text that wraps badly", issue 18 "The window" (End/Home):
what a clerk reads on the intake screen, read off the screen (the compositor's painted lines) of
the real window through the pilot, at the sizes the issue names."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from app.domain.line_breaking import NO_START
from app.domain.search import SearchIndex
from app.messages import t
from app.services.catalogue_files import search_entries
from app.ui.app import YichuangApp
from app.ui.screens.dialogs import ReasonDialog
from app.ui.screens.intake import IntakeScreen
from app.ui.widgets.checklist_table import ChecklistTable
from app.ui.widgets.subject_search import SubjectSearch
from forms.loader import load_demo_catalogue
from tests.ui.test_intake_flow import pick, start, wait_for

KCG_LONGEST = "排水户内部排水管网、专用检测井、排放口位置和口径的图纸及说明"


def strips(app):
    return app.screen._compositor.render_strips()


def column_x(table, label: str) -> tuple[int, int]:
    """Screen x range of the column headed `label` (its cell padding included)."""
    x = table.content_region.x - int(table.scroll_x)
    for column in table.ordered_columns:
        w = column.get_render_width(table)
        if column.label.plain.strip() == label:
            return x, x + w
        x += w
    raise AssertionError(f"no column {label!r}: {[c.label.plain for c in table.ordered_columns]}")


def rows_on_screen(app, table) -> list[str]:
    """The material names the table shows, as painted: a row's wrapped lines joined again; a row
    starts on the line where its status is painted."""
    lines = strips(app)
    region = table.content_region
    name_x = column_x(table, t("intake.col_name"))
    status_x = column_x(table, t("intake.col_status"))
    rows: list[str] = []
    for y in range(region.y + 1, region.bottom):  # the header line first
        name = lines[y].crop(max(name_x[0], region.x), min(name_x[1], region.right)).text.strip()
        status = lines[y].crop(max(status_x[0], region.x), min(status_x[1], region.right)).text.strip()
        if status:
            rows.append(name)
        elif rows and name:
            rows[-1] += name
    return rows


async def every_row_seen(app, pilot, table) -> list[str]:
    """Walk the cursor over every row; what each position of the table showed."""
    table.focus()
    await pilot.press("home")
    await pilot.pause()
    seen = rows_on_screen(app, table)
    for _ in range(len(table.marks)):
        await pilot.press("down")
        await pilot.pause()
        seen += rows_on_screen(app, table)
    return seen


async def kcg(app, pilot) -> ChecklistTable:
    screen = await start(app, pilot)
    await pick(app, pilot, "开餐馆")
    await wait_for(pilot, lambda: screen.draft is not None)
    await pilot.pause(0.2)
    return screen.query_one(ChecklistTable)


def painted(app, widget) -> list[str]:
    r = widget.region
    lines = strips(app)
    return [lines[y].crop(r.x, r.right).text.rstrip() for y in range(max(r.y, 0), min(r.bottom, len(lines)))]


async def test_every_material_name_of_kcg_reads_in_full_at_120x40(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await kcg(app, pilot)
        names = [m.item.name for m in table.marks]
        assert KCG_LONGEST in names
        seen = set(await every_row_seen(app, pilot, table))
        assert [n for n in names if n not in seen] == []
        assert table.max_scroll_x == 0 and not table.show_horizontal_scrollbar


async def test_at_160x48_every_name_is_on_one_line(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=(160, 48)) as pilot:
        table = await kcg(app, pilot)
        assert all(row.height == 1 for row in table.ordered_rows)
        seen = set(await every_row_seen(app, pilot, table))
        assert {m.item.name for m in table.marks} <= seen


async def test_at_80x24_every_name_shows_its_first_10_characters(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await kcg(app, pilot)
        seen = await every_row_seen(app, pilot, table)
        short = [m.item.name for m in table.marks if not any(s.startswith(m.item.name[:10]) for s in seen)]
        assert short == []
        assert table.max_scroll_x == 0 and not table.show_horizontal_scrollbar


async def test_the_focused_material_is_shown_in_full_under_the_table(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await kcg(app, pilot)
        table.focus()
        row = next(i for i, m in enumerate(table.marks) if m.item.name == KCG_LONGEST)
        table.move_cursor(row=row)
        await pilot.pause()
        detail = app.screen.query_one("#checklist-detail")
        assert detail.region.y >= table.region.bottom
        assert KCG_LONGEST in "".join(line.strip() for line in painted(app, detail))


async def test_end_and_home_go_to_the_last_and_first_row_never_sideways(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await kcg(app, pilot)
        await pilot.press("f4", "end")
        await pilot.pause()
        last = len(table.marks) - 1
        assert table.cursor_row == last and table.scroll_x == 0
        assert table.marks[last].item.name[:10] in "".join(rows_on_screen(app, table))
        await pilot.press("space")  # acts on the row the clerk sees
        assert table.marks[last].status == "received"
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_x == 0
        await pilot.press("space")
        assert table.marks[0].status == "received"


def painted_styles(app, table, row: int, label: str) -> set:
    """The (colour, background) pairs the column `label` of `row` is painted in."""
    lines = strips(app)
    x0, x1 = column_x(table, label)
    y = table.content_region.y + 1 + sum(r.height for r in table.ordered_rows[:row]) - int(table.scroll_y)
    return {
        (seg.style.color, seg.style.bgcolor)
        for seg in lines[y].crop(x0, x1)
        if seg.text.strip() and seg.style
    }


def status_colour(app, table, row: int):
    """The (colour, background) the status of `row` is painted in (the cursor is elsewhere)."""
    lines = strips(app)
    x0, x1 = column_x(table, t("intake.col_status"))
    y = table.content_region.y + 1 + sum(r.height for r in table.ordered_rows[:row]) - int(table.scroll_y)
    styles = {
        (seg.style.color, seg.style.bgcolor)
        for seg in lines[y].crop(x0, x1)
        if seg.text.strip() and seg.style
    }
    assert len(styles) == 1, styles
    return styles.pop()


async def test_a_long_defective_note_is_read_in_full_and_never_widens_the_table(ws):
    note = "复印件不清晰，" * 30 + "请重新提交"
    app = YichuangApp(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await kcg(app, pilot)
        await pilot.press("f4", "x")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
        app.screen.query_one("#reason-input", Input).value = note
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen))
        await pilot.pause()
        assert table.marks[0].status == "defective" and table.cursor_row == 1
        assert table.max_scroll_x == 0 and table.scroll_x == 0
        await pilot.press("up")
        await pilot.pause()
        detail = "".join(line.strip() for line in painted(app, app.screen.query_one("#checklist-detail")))
        assert table.marks[0].item.name in detail and note in detail
        # 不符 is not painted like 未收
        await pilot.press("end")
        await pilot.pause()
        await pilot.press("home")
        table.move_cursor(row=5)
        await pilot.pause()
        (defective, marked), (missing, _) = status_colour(app, table, 0), status_colour(app, table, 1)
        assert defective != missing
        # a look of its own, not only another hue of text: its own background in the row
        assert {marked} != {bg for _colour, bg in painted_styles(app, table, 0, t("intake.col_name"))}


async def test_hints_and_the_bundle_summary_never_start_a_line_with_a_separator(ws):
    app = YichuangApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await kcg(app, pilot)
        screen = app.screen
        keys = [line.strip() for line in painted(app, screen.query_one("#checklist-keys")) if line.strip()]
        info = screen.query_one("#subject-info")
        # the lines it paints at its width (the panel scrolls on a small screen: all of them)
        lines = [line for line, _style in info.lines(info.content_size.width)]
        assert info.content_size.width <= 32 and len(lines) == info.virtual_region.height
        assert any(line.startswith("  ") for line in lines)  # a long matter hangs under its text
        for line in keys + lines:
            bullet = line in lines and line.startswith("· ") and line[2:].strip()  # a matter's own
            assert bullet or line[0] not in NO_START, (line, keys, lines)
        for item in ("r " + t("key.tolerate"), "x " + t("key.defective"), "o " + t("key.form")):
            assert any(item in line for line in keys), (item, keys)
        joined = "".join(lines)
        for matter in ws.catalogue.bundle_matters(screen.draft.subject_code):
            assert f"·{matter.name}（{matter.department}）" in joined.replace(" ", "")


async def test_the_search_placeholder_is_never_cut_at_an_open_bracket(ws):
    app = YichuangApp(ws)
    for size in ((80, 24), (160, 48)):
        async with app.run_test(size=size) as pilot:
            await start(app, pilot)
            field = app.screen.query_one("#search-input", Input)
            shown = "".join(painted(app, field)).strip(" ▊▎▔▁")
            assert shown in (t("intake.search_placeholder"), t("intake.search_placeholder_short")), shown
        app = YichuangApp(ws)


class IndexFirst(App):
    """The index was loaded before the search was mounted (a login, then the intake screen)."""

    def __init__(self) -> None:
        super().__init__()
        self.index = SearchIndex(search_entries(load_demo_catalogue()))

    def compose(self) -> ComposeResult:
        yield SubjectSearch(id="subject-search")


async def test_the_loading_hint_goes_when_the_index_was_loaded_first():
    app = IndexFirst()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        hint = app.query_one("#search-hint", Static).render()
        assert str(hint) == "", hint
        app.query_one("#search-input", Input).focus()
        await pilot.press("k", "c", "g")
        await pilot.pause()
        prompt = app.query_one("#search-results").get_option_at_index(0).prompt
        assert Text.from_markup(str(prompt)).plain.startswith("开餐馆")


async def test_the_returning_applicant_offer_keeps_its_key_whole(ws):
    """The offer wraps by the rule: （F10 使用） stays whole wherever the line ends."""
    address = "江苏省泰州市兴化市昭阳街道英武路8号"
    app = YichuangApp(ws)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(app, pilot)
        form = screen.query_one("#applicant-form")
        field = screen.query_one("#applicant-returning")
        for n in range(4, len(address) + 1):  # the line ends at every place of the offer
            offer = t("intake.returning", name="张秀英", phone="138****5678", address=address[:n])
            form.show_returning(offer)
            await pilot.pause()
            lines = [line.strip() for line in painted(app, field) if line.strip()]
            assert "".join(lines).replace(" ", "") == offer.replace(" ", "")
            assert any("（F10 使用）" in line for line in lines), lines
            assert all(line[0] not in NO_START for line in lines), lines
