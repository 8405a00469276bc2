"""Scans arrive on screen and are assigned by keyboard (Textual pilot, real inbox, real store)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from app.services.cases import CaseService
from app.services.scans import list_scans, scans_of_case
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseDetailScreen
from app.ui.screens.dialogs import DocumentDialog
from app.ui.screens.scans import ScansScreen
from app.ui.widgets.checklist_table import ChecklistTable
from tests.services import scan_samples as samples
from tests.ui.test_intake_flow import SIZE, fill_applicant, pick, start, wait_for

MATTER = "320724-SCJG-0002"


@pytest.fixture
def inbox(ws, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    ws.config.set("scanner.inbox", str(folder))
    return folder


def _rows(app) -> int:
    return (
        app.screen.query_one("#scans-table", DataTable).row_count
        if isinstance(app.screen, ScansScreen)
        else -1
    )


async def test_a_scan_appears_and_is_assigned_to_a_material_of_the_intake(ws, inbox):
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await wait_for(pilot, lambda: app.scan_feed is not None and app.scan_feed.inbox is not None)
        await pick(app, pilot, MATTER)
        await fill_applicant(app, pilot)
        table = screen.query_one(ChecklistTable)
        n = len(table.marks)
        await pilot.press("f4")
        await pilot.press("down")
        for _ in range(n - 1):  # every material but the first by hand
            await pilot.press("space")
        assert table.marks[0].status == "missing"

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ScansScreen))
        assert _rows(app) == 0
        data = samples.jpeg(seed=7)
        (inbox / "营业执照.jpg").write_bytes(data)  # the scanner saves: the row arrives by itself
        await wait_for(pilot, lambda: _rows(app) == 1)
        scans = app.screen.query_one("#scans-table", DataTable)
        assert scans.get_row_at(0)[0].plain == "营业执照.jpg" and scans.get_row_at(0)[2] == "1页"
        await wait_for(pilot, lambda: "▀" in str(app.screen.query_one("#scans-preview").render()))
        await pilot.press("enter")  # the scan: on to the materials
        await pilot.press("enter")  # the first material
        await wait_for(pilot, lambda: _rows(app) == 0)
        assert table.marks[0].status == "received"  # a material with a scan is received
        first = table.marks[0].item
        await pilot.press("escape")
        assert screen.scan_holds and list_scans(ws)[0].state == "unassigned"  # no case number yet

        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        [case] = CaseService(ws).list()
        await wait_for(pilot, lambda: list_scans(ws)[0].state == "assigned")
        scan = list_scans(ws)[0]
        assert (scan.case_number, scan.material_key, scan.sha256) == (
            case.number,
            first.key,
            samples.sha(data),
        )
        kinds = [e.kind for e in CaseService(ws).detail(case.number).events]
        assert "attachment.added" in kinds


async def test_a_scan_is_assigned_on_a_case_opened_from_the_list(ws, inbox):
    from app.services.intake import IntakeService
    from tests.services.test_intake import applicant, receive_all

    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("matter", MATTER))
    draft.applicant = applicant()
    case = svc.accept(draft).case
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await wait_for(pilot, lambda: app.scan_feed is not None and app.scan_feed.inbox is not None)
        samples.write(inbox / "a.pdf", samples.pdf(pages=3))
        samples.write(inbox / "cut.pdf", samples.pdf(pages=3)[:-500])
        await wait_for(pilot, lambda: len(list_scans(ws)) == 2)
        await wait_for(pilot, lambda: "扫描件待分配 1" in app.status_text)
        app.push_screen(CaseDetailScreen(case.number))
        await wait_for(
            pilot, lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail is not None
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _rows(app) == 1)  # the refused one is not offered
        mats = app.screen.query_one("#scans-materials", DataTable)
        await pilot.press("f4")
        await pilot.press("down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: scans_of_case(ws, case.number) != [])
        [scan] = scans_of_case(ws, case.number)
        item = CaseService(ws).detail(case.number).marks[1].item
        assert scan.material_key == item.key and scan.pages == 3
        await wait_for(pilot, lambda: str(mats.get_row_at(1)[0]) == "电子件")
