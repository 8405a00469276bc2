"""Issue 16 §3 at the window: a receipt scanned with a keyboard-wedge scanner (the Textual pilot,
keys at a scanner's pace) is refused with the bell when its QR code was moved from another
paper, or signed — even with this window's own key — over what the case's record never issued."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import select
from textual.widgets import Input

from app.store.models import PrintJob
from app.ui.app import YichuangApp
from app.ui.screens.handover import HandoverScreen
from app.ui.screens.intake import IntakeScreen
from printing.signing import Claim, receipt_payload
from tests.printing.paper import read_paper
from tests.security.test_receipts_forgery import with_fields
from tests.services.test_handover import decided_case
from tests.ui.test_handover_screen import bells, delivered_events, wedge
from tests.ui.test_intake_flow import SIZE, start, wait_for


def printed_qr(ws, number: str) -> str:
    """The QR payload of the 受理回执 the window stored for printing when it accepted the case."""
    with ws.store.read() as s:
        jobs = list(s.execute(select(PrintJob).where(PrintJob.doc_kind == "receipt")).scalars())
    papers = [read_paper(j.data, j.profile) for j in jobs]
    [payload] = [p.qr[0] for p in papers if number in p.qr[0]]
    return payload


async def test_a_moved_or_rewritten_qr_code_is_refused_when_scanned(ws):
    mine = decided_case(ws)
    other = decided_case(ws, kind="enterprise")
    genuine, theirs = printed_qr(ws, mine), printed_qr(ws, other)
    fo = dict(parse_qsl(urlsplit(theirs).query))
    moved = with_fields(genuine, i=fo["i"], h=fo["h"])  # the other paper's applicant, this signature
    fa = dict(parse_qsl(urlsplit(genuine).query))
    # this window's own key over another applicant for this case: a key thief's paper
    thief = receipt_payload(
        Claim.of(mine, "receipt", fa["m"], fo["i"], "泰州某某便利店有限公司", date.fromisoformat(
            f"{fa['d'][:4]}-{fa['d'][4:6]}-{fa['d'][6:]}")),
        str(ws.config.get("office.query_url")),
        ws.qr_signer,
    )  # fmt: skip
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start(app, pilot)
        rung = bells(app)
        for text, words in ((moved, "伪造"), (thief, "申请人")):
            await wedge(app, pilot, text)
            await wait_for(pilot, lambda w=words: any(w in n.message for n in app._notifications))
            assert isinstance(app.screen, IntakeScreen)
            assert app.screen.query_one("#search-input", Input).value == ""
        assert len(rung) == 2
        # the genuine paper opens the handover
        await wedge(app, pilot, genuine)
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.case is not None)
        assert app.screen.case.number == mine
    assert delivered_events(ws, mine) == []
