"""The courier screen through Textual's pilot: a wedge scanner's bursts, on a real store."""

from __future__ import annotations

import random

from sqlalchemy import func, select
from textual.widgets import Input

from app.services.courier import RECORDED
from app.store.models import CaseEvent, CourierScan, PrintJob
from app.ui.app import YichuangApp
from app.ui.screens.courier import CourierScreen
from tests.courier.helpers import accept_cases, bad_check, waybill
from tests.courier.wedge import wedge
from tests.ui.test_intake_flow import SIZE, wait_for


async def open_courier(ws, pilot, app) -> CourierScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, CourierScreen) and app.screen.trip is not None)
    return app.screen


def plan_200(numbers: list[str], seed: int = 12) -> tuple[list[str], dict]:
    """200 scans: case receipts, good waybills, bad check digits, echoes, late repeats, prefixes."""
    rng = random.Random(seed)
    scans: list[str] = []
    want = {"good": [], "bad": [], "echo": [], "repeat": []}
    serial = 1000
    while len(scans) < 200:
        if len(scans) % 40 == 0:
            scans.append(numbers[(len(scans) // 40) % len(numbers)])  # a receipt's barcode
            continue
        roll = rng.random()
        if roll < 0.12:
            code = bad_check(serial)
            serial += 1
            scans.append(code)
            want["bad"].append(code)
        elif roll < 0.22 and want["good"] and want["good"][-1] in scans[-1]:
            code = want["good"][-1]
            scans.append(code)  # the scanner sent it twice: an echo right after it
            want["echo"].append(code)
        elif roll < 0.28 and len(want["good"]) > 40:
            code = want["good"][rng.randrange(0, len(want["good"]) - 35)]  # seconds later: loud
            scans.append(code)
            want["repeat"].append(code)
        else:
            code = waybill(serial)
            serial += 1
            prefix = rng.choice(["", "", "]C1", "EMS:", "*"])
            scans.append(prefix + code + ("#" if prefix == "*" else ""))
            want["good"].append(code)
    return scans, want


async def test_200_scans_at_5_ms_a_character_each_good_one_recorded_once(ws):
    numbers = accept_cases(ws, 3)
    scans, want = plan_200(numbers)
    app = YichuangApp(ws, start="courier")
    bells: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        app.bell = lambda: bells.append(1)  # counted, still what the screen calls
        screen = await open_courier(ws, pilot, app)
        # one schedule for the whole run: keys pile up when the app is busy, as in a terminal
        await wedge(app, "".join(code + "\r" for code in scans), 0.005)
        await wait_for(pilot, lambda: len(screen.outcomes) == len(scans), timeout=60)
        assert screen.query_one("#courier-scan", Input).value == ""
        by_code = [o.code for o in screen.outcomes]
        recorded = [o.waybill for o in screen.outcomes if o.code == RECORDED]
        assert recorded == want["good"]
        assert by_code.count("echo") == len(want["echo"])
        assert by_code.count("repeat") == len(want["repeat"])
        invalid = [o for o in screen.outcomes if o.code == "invalid"]
        assert [o.waybill for o in invalid] == want["bad"]
        assert all("校验位" in o.message for o in invalid)
        assert len(bells) == len(want["bad"]) + len(want["repeat"])
        assert screen.query_one("#courier-message").has_class("bad") == (
            screen.outcomes[-1].code == "invalid"
        )
    with ws.store.read() as s:
        rows = list(s.execute(select(CourierScan.waybill)).scalars())
        events = s.execute(select(func.count()).where(CaseEvent.kind == "courier.pickup")).scalar()
    assert sorted(rows) == sorted(want["good"]) and len(rows) == len(set(rows))
    assert events == len(want["good"])


async def test_bad_scan_is_loud_delivered_needs_a_recipient_and_f8_prints_the_slip(ws):
    [number] = accept_cases(ws, 1)
    app = YichuangApp(ws, start="courier")
    bells: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        app.bell = lambda: bells.append(1)
        screen = await open_courier(ws, pilot, app)
        await wedge(app, waybill(7) + "\r")  # no case chosen yet
        await wait_for(pilot, lambda: len(screen.outcomes) == 1)
        assert screen.outcomes[0].code == "need_case" and bells == [1]
        assert screen.query_one("#courier-message").has_class("bad")
        await wedge(app, number + "\r" + waybill(7) + "\r")
        await wait_for(pilot, lambda: len(screen.outcomes) == 3)
        assert screen.outcomes[-1].code == RECORDED
        await pilot.press("f4")  # delivered
        await wedge(app, waybill(7) + "\r")
        await wait_for(pilot, lambda: len(screen.outcomes) == 4)
        assert screen.outcomes[-1].code == "invalid" and "收件人" in screen.outcomes[-1].message
        screen.query_one("#courier-recipient", Input).value = "张秀英"
        await wedge(app, waybill(7) + "\r")
        await wait_for(pilot, lambda: len(screen.outcomes) == 5)
        assert screen.outcomes[-1].code == RECORDED
        first_trip = screen.trip.id
        await pilot.press("f8")
        await wait_for(pilot, lambda: screen.trip.id != first_trip)
    with ws.store.read() as s:
        job = s.execute(select(PrintJob).where(PrintJob.doc_kind == "trip")).scalars().one()
    assert waybill(7) in job.text and number in job.text and "已妥投" in job.text


async def test_tab_terminated_scans_and_a_mistyped_number_between(ws):
    [number] = accept_cases(ws, 1)
    ws.config.set("courier.terminator", "tab")
    app = YichuangApp(ws, start="courier")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_courier(ws, pilot, app)
        await wedge(
            app, f"{number}\t]C1{waybill(8)}\t{waybill(9)[:-3]}X{waybill(9)[-2:]}\t{waybill(9)}\t", 0.001
        )
        await wait_for(pilot, lambda: len(screen.outcomes) == 4)
        assert [o.code for o in screen.outcomes] == ["case_set", RECORDED, "invalid", RECORDED]
        assert screen.query_one("#courier-scan", Input).value == ""
        assert app.focused is screen.query_one("#courier-scan", Input)
