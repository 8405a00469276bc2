"""统一窗口出件 through the pilot: a receipt scanned with a keyboard-wedge scanner (keys at
5 ms each, then Enter) opens the case wherever the clerk is; the handover prints the 领取凭证
on a real TCP printer; a forged QR is refused with the bell."""

from __future__ import annotations

import asyncio
import json
import time

from sqlalchemy import select
from textual import events
from textual.keys import _character_to_key
from textual.widgets import DataTable, Input

from app.services.cases import CaseService
from app.services.printing import PrintSpool
from app.store.models import CaseEvent
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseDetailScreen
from app.ui.screens.handover import HandoverScreen
from app.ui.screens.intake import IntakeScreen
from printing.signing import Signer
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper
from tests.services.test_handover import AGENT_ID, APPLICANT_ID, decided_case
from tests.ui.test_intake_flow import SIZE, start, type_text, wait_for

WEDGE = 0.005  # seconds per character: a keyboard-wedge scanner


async def wedge(app, pilot, text: str, per_char: float = WEDGE) -> None:
    """Type `text` and Enter as a scanner does: key events at its pace, no waiting for the UI.

    Each key carries its scheduled time, as a terminal's reader thread stamps the bytes it
    reads: this coroutine shares the app's loop, and on a loaded PC its sleeps run long, which
    made the scanner's burst look like typing (CI: the scan opened no case)."""
    loop = asyncio.get_running_loop()
    start, stamp = loop.time(), time.monotonic()
    for i, ch in enumerate([*text, "\r"]):
        delay = start + i * per_char - loop.time()
        await asyncio.sleep(delay if delay > 0 else 0)
        key = "enter" if ch == "\r" else ch if ch.isalnum() else _character_to_key(ch)
        event = events.Key(key, ch)
        event.time = stamp + i * per_char
        app._driver.send_message(event)
    await pilot.pause(0.2)


def bells(app) -> list[int]:
    rung: list[int] = []
    ring = app.bell

    def counted() -> None:
        rung.append(1)
        ring()

    app.bell = counted
    return rung


def delivered_events(ws, number: str) -> list[dict]:
    with ws.store.read() as s:
        rows = s.execute(
            select(CaseEvent).where(CaseEvent.case_number == number, CaseEvent.kind == "case.delivered")
        ).scalars()
        return [json.loads(e.payload_json) for e in rows]


async def test_scanned_receipt_opens_the_handover_and_prints_the_voucher(ws):
    number = decided_case(ws)
    payload = ws.signer.payload(number, str(ws.config.get("office.query_url")))
    with PrinterListener("accept") as printer:
        ws.config.set("printer.url", printer.url)
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            search = app.screen.query_one("#search-input", Input)
            assert search.has_focus
            await wedge(app, pilot, payload)
            await wait_for(
                pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.case is not None
            )
            screen = app.screen
            assert screen.case.number == number
            assert isinstance(app.screen_stack[-2], IntakeScreen) and search.value == ""  # no search for it
            assert screen.query_one("#pickup-collector-id", Input).has_focus
            await type_text(pilot, APPLICANT_ID)
            await pilot.press("f5")
            await wait_for(pilot, lambda: screen.case is None and not screen.busy)
            try:
                jobs = await printer.jobs_soon(1, timeout=60)  # a print, not a speed, is asserted
            except AssertionError as exc:  # say where the voucher stands (a busy PC's run)
                spool = [
                    (j.doc_kind, j.printer_url, j.state, j.attempts, j.last_error)
                    for j in PrintSpool(ws).jobs()
                ]
                raise AssertionError(f"{exc}; spool {spool}; jobs {app.background.status()}") from None
            paper = read_paper(jobs[0], ws.config.get("printer.profile"))
            assert delivered_events(ws, number) == [
                {
                    "method": "window",
                    "collector": {"role": "applicant", "name": "张秀英", "id_number": APPLICANT_ID},
                    "outcome": "completed",
                }
            ]
            table = screen.query_one("#pickup-table", DataTable)
            await wait_for(pilot, lambda: table.row_count == 0)  # handed out: off the list
    assert "领取凭证" in paper.text and number in paper.text and "领取人：张秀英" in paper.text
    assert APPLICANT_ID not in paper.text and paper.cut
    assert CaseService(ws).get(number).state == "delivered"


async def test_forged_and_altered_receipts_are_refused_loudly(ws):
    number = decided_case(ws)
    forged = Signer.from_seed(b"\x07" * 32).payload(number)
    genuine = ws.signer.payload(number)
    altered = genuine.replace(number[-6:], number[-6:-1] + ("0" if number[-1] != "0" else "1"))
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start(app, pilot)
        rung = bells(app)
        for text, words in ((forged, "未知的密钥"), (altered, "伪造")):
            await wedge(app, pilot, text)
            await wait_for(pilot, lambda w=words: any(w in n.message for n in app._notifications))
            assert isinstance(app.screen, IntakeScreen)
            assert app.screen.query_one("#search-input", Input).value == ""
        assert len(rung) == 2
        notes = [n for n in app._notifications if "拒绝" in n.message]
        assert notes and all(n.severity == "error" for n in notes)
    assert delivered_events(ws, number) == []


async def test_a_scan_while_the_checklist_has_focus_changes_no_mark(ws):
    """The payload's letters (o, r, x, -) are the checklist's keys: a scan must not act on them."""
    number = decided_case(ws, "case.in_review")
    payload = ws.signer.payload(number)
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        await pilot.press("f2")
        await type_text(pilot, "kcg")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.draft is not None)
        await pilot.press("f4")
        # keys as fast as a scanner's that end without Enter are no scan: none is lost
        copies = screen.draft.marks[0].handed_copies
        for _ in range(2):
            app._driver.send_message(events.Key("plus", "+"))
            await asyncio.sleep(WEDGE)
        await wait_for(pilot, lambda: screen.draft.marks[0].handed_copies == copies + 2)
        before = [(m.status, m.form, m.copies) for m in screen.draft.marks]
        await wedge(app, pilot, payload)
        await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen))
        assert app.screen.number == number  # not ready for pickup: its detail opens
        assert [(m.status, m.form, m.copies) for m in screen.draft.marks] == before


async def test_agent_collects_from_the_pickup_list_and_a_wrong_id_is_refused(ws):
    number = decided_case(ws, "case.denied")
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        rung = bells(app)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen))
        screen = app.screen
        table = screen.query_one("#pickup-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        await type_text(pilot, "张秀英")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.case is not None)
        # the wrong person: refused at the field, nothing recorded
        await type_text(pilot, AGENT_ID)
        await pilot.press("f5")
        await wait_for(pilot, lambda: rung)
        message = str(screen.query_one("#pickup-message").render())
        assert "与申请人不符" in message
        assert screen.query_one("#pickup-collector-id", Input).has_class("-invalid")
        assert delivered_events(ws, number) == []
        # an agent with the applicant's written authorisation
        await pilot.press("f4")
        assert screen.query_one("#pickup-agent-name", Input).has_focus
        screen.query_one("#pickup-agent-name", Input).value = "王五"  # IME text arrives committed
        screen.query_one("#pickup-authorisation", Input).value = "张秀英书面委托 WT-0042"
        await pilot.press("f5")
        await wait_for(pilot, lambda: delivered_events(ws, number) != [])
    (payload,) = delivered_events(ws, number)
    assert payload["collector"] == {
        "role": "agent",
        "name": "王五",
        "id_number": AGENT_ID,
        "authorisation": "张秀英书面委托 WT-0042",
    }
    assert payload["outcome"] == "denied"
