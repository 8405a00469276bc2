"""The print-queue screen and reprints from the case detail, through Textual's pilot, on a
real store and real loopback printers."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import DataTable

from app.domain.identifiers import ric_check_char
from app.services.intake import ApplicantInput, IntakeService
from app.services.printing import PrintSpool
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseDetailScreen
from app.ui.screens.dialogs import ConfirmDialog, DocumentDialog
from app.ui.screens.print_queue import PrintQueueScreen
from tests.printing.listener import PrinterListener
from tests.ui.test_intake_flow import SIZE, start, wait_for

ID17 = "32072419900307123"


def accept(ws, name: str):
    svc = IntakeService(ws)
    code = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开便利店")
    draft = svc.new_draft("bundle", code)
    draft.marks = [replace(m, status="received") for m in draft.marks]
    draft.applicant = ApplicantInput("person", ID17 + ric_check_char(ID17), name)
    return svc.accept(draft)


def state(ws, job_id: str) -> str:
    return PrintSpool(ws).get(job_id).state


async def test_print_queue_shows_failures_and_resends_cancels_previews(ws):
    with PrinterListener("refuse") as printer:
        ws.config.set("printer.url", printer.url)
        first = accept(ws, "吴一")
        second = accept(ws, "吴二")
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)

            def tried() -> bool:
                if not app.background.running("spool"):
                    app.kick_spool()
                return all(PrintSpool(ws).get(d.job_id).attempts >= 1 for d in (first, second))

            await wait_for(pilot, tried)
            # both failed; the clock stands still, so their retries are not due: stable
            await wait_for(pilot, lambda: "打印失败2件" in app.status_text)
            assert "refused" in app.status_text
            await pilot.press("f12")
            await wait_for(pilot, lambda: isinstance(app.screen, PrintQueueScreen) and app.screen.loaded)
            screen = app.screen
            shown = {b.binding.key for b in screen.active_bindings.values() if b.binding.show}
            assert {"escape", "f3", "f5", "f7", "f8", "f9", "f12"} <= shown
            table = screen.query_one(DataTable)
            assert table.row_count == 2
            row = table.get_row_at(0)  # newest first
            assert row[0] == second.case.number and row[1] == "受理回执" and row[3] == "待重试"
            assert str(row[2]) == printer.url and int(row[4]) >= 1 and str(row[5]).startswith("refused")
            # preview: the text of the document
            await pilot.press("f7")
            await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
            assert "吴二" in app.screen.text and second.case.number in app.screen.text
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, PrintQueueScreen))
            # cancel the newest, after a confirmation
            await pilot.press("f8")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("y")
            await wait_for(pilot, lambda: state(ws, second.job_id) == "cancelled")
            await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 1)
            # the printer is switched on: resend the other now
            printer.set_mode("accept")
            await pilot.press("f5")
            await wait_for(pilot, lambda: state(ws, first.job_id) == "printed")
            [data] = await printer.jobs_soon(1)
            assert data == PrintSpool(ws).get(first.job_id).data
            await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 0)
            await wait_for(pilot, lambda: "打印失败" not in app.status_text)
            # all jobs, printed and cancelled, are still listed
            await pilot.press("f3")
            await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 2)
            states = {screen.query_one(DataTable).get_row_at(i)[3] for i in range(2)}
            assert states == {"已打印", "已取消"}
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, PrintQueueScreen))
    assert len(printer.jobs) == 1  # the cancelled one never printed


async def test_case_detail_reprints_and_shows_the_document(ws):
    decision = accept(ws, "郑九")
    number = decision.case.number
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await wait_for(pilot, lambda: state(ws, decision.job_id) == "sent")
        app.push_screen(CaseDetailScreen(number))
        await wait_for(
            pilot, lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail is not None
        )
        detail = app.screen
        shown = {b.binding.key for b in detail.active_bindings.values() if b.binding.show}
        assert {"f7", "f9"} <= shown
        assert detail.documents == ["receipt"]
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        assert "受理回执" in app.screen.text and "郑九" in app.screen.text
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")

        def reprinted():
            jobs = [j for j, _ in PrintSpool(ws).jobs() if j.reprint]
            return jobs and jobs[0].state == "sent" and jobs[0]

        await wait_for(pilot, reprinted)
        job = reprinted()
        assert "【补打 2026-11-20 09:30】" in job.text
        assert (ws.config.prints_dir / f"{job.job_id}.bin").read_bytes() == job.data
        await wait_for(pilot, lambda: "补打" in str(detail.query_one("#case-detail").render()))
