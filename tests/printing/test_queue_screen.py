"""The print-queue screen (F12) with a job the printer did not confirm, through the pilot:
it is listed as unfinished, is never resent on its own, and the clerk decides: F5 sends it
again after a Y/N question, F6 records that the paper came out."""

from __future__ import annotations

from textual.widgets import DataTable

from app.services.printing import PrintSpool
from app.ui.app import YichuangApp
from app.ui.screens.dialogs import ConfirmDialog
from app.ui.screens.print_queue import PrintQueueScreen
from tests.printing.listener import PrinterListener
from tests.printing.test_cli_print import accepted_case
from tests.ui.test_intake_flow import SIZE, start, wait_for


def only_job(ws):
    [(job, _)] = [(j, n) for j, n in PrintSpool(ws).jobs()]
    return job


async def test_unconfirmed_job_waits_for_the_clerks_decision(ws):
    ws.config.set("printer.answer_timeout", "0.3")
    with PrinterListener("deaf") as printer:
        ws.config.set("printer.url", printer.url)
        number = accepted_case(ws)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            await wait_for(pilot, lambda: only_job(ws).state == "unconfirmed")
            for _ in range(3):  # the window's passes leave it alone
                app.kick_spool()
                await pilot.pause(0.2)
            assert printer.connections == 1 and only_job(ws).attempts == 1
            await wait_for(pilot, lambda: "打印待确认1件" in app.status_text)
            await pilot.press("f12")
            await wait_for(pilot, lambda: isinstance(app.screen, PrintQueueScreen) and app.screen.loaded)
            screen = app.screen
            shown = {b.binding.key for b in screen.active_bindings.values() if b.binding.show}
            assert {"f5", "f6"} <= shown
            table = screen.query_one(DataTable)
            assert table.row_count == 1  # unfinished: it needs the clerk
            row = table.get_row_at(0)
            assert row[0] == number and row[3] == "已发送待确认" and "未应答" in str(row[5])
            # F5: asks first (another send may print a second copy); N keeps it as it is
            await pilot.press("f5")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("n")
            await wait_for(pilot, lambda: app.screen is screen)
            assert printer.connections == 1
            # the printer works again; the clerk resends: the same job, printed
            printer.set_mode("accept")
            await pilot.press("f5")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("y")
            await wait_for(pilot, lambda: only_job(ws).state == "printed")
            await printer.jobs_soon(1)
            await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 0)
    assert len(PrintSpool(ws).jobs()) == 1


async def test_f6_records_that_the_paper_came_out(ws):
    ws.config.set("printer.answer_timeout", "0.3")
    with PrinterListener("accept", answer=False) as printer:
        ws.config.set("printer.url", printer.url)
        accepted_case(ws)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            await wait_for(pilot, lambda: only_job(ws).state == "unconfirmed")
            await pilot.press("f12")
            await wait_for(pilot, lambda: isinstance(app.screen, PrintQueueScreen) and app.screen.loaded)
            screen = app.screen
            await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 1)
            await pilot.press("f6")
            await wait_for(pilot, lambda: only_job(ws).state == "printed")
            await wait_for(pilot, lambda: screen.query_one(DataTable).row_count == 0)
    assert len(printer.jobs) == 1


async def test_a_reload_that_arrives_after_the_screen_closed_keeps_the_window(ws):
    """A spool pass that ends while the window closes reloads the queue screen being taken
    down (app.ui.jobs._spool_done); its worker then asked the detached screen for the app in
    its thread: NoActiveAppError, WorkerFailed, the window crashed (the full run's flake)."""
    with PrinterListener("accept") as printer:
        ws.config.set("printer.url", printer.url)
        accepted_case(ws)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            await wait_for(pilot, lambda: only_job(ws).state == "printed")
            await pilot.press("f12")
            await wait_for(pilot, lambda: isinstance(app.screen, PrintQueueScreen) and app.screen.loaded)
            screen = app.screen
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is not screen and not screen.is_attached)
            loaded = screen.loaded
            screen.reload()  # what a spool pass ending just then asks of it
            await pilot.pause(0.5)
            assert app._exception is None and app.is_running
            assert screen.loaded == loaded  # a screen that is gone is not drawn
