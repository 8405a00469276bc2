"""Courier scans through the real service on a real SQLite file."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.services.cases import CaseService
from app.services.courier import CourierService, ScanInput
from app.store.models import CaseEvent, CourierScan, PrintJob
from tests.courier.helpers import accept_cases, bad_check, waybill


class Ticks:
    """A monotonic clock the test moves (the repeat window is one second)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 2.0  # scans two seconds apart unless a test says otherwise
        return self.now


def counts(ws) -> tuple[int, int]:
    with ws.store.read() as s:
        scans = len(list(s.execute(select(CourierScan.id)).scalars()))
        events = len(list(s.execute(select(CaseEvent.id).where(CaseEvent.kind.like("courier.%"))).scalars()))
    return scans, events


def test_pickup_transit_delivered_each_a_scan_and_an_event(ws):
    [number] = accept_cases(ws, 1)
    svc = CourierService(ws, clock=Ticks())
    trip = svc.open_trip()
    wb = waybill(1)
    got = svc.record(trip, ScanInput(wb, "pickup", case=number))
    assert got.code == "recorded" and got.case_number == number
    assert svc.record(trip, ScanInput(wb, "transit")).code == "recorded"
    got = svc.record(trip, ScanInput(wb, "delivered", recipient="张秀英", recipient_is_applicant=True))
    assert got.code == "recorded"
    assert counts(ws) == (3, 3)
    detail = CaseService(ws).detail(number)
    kinds = [e.kind for e in detail.events]
    assert kinds[-3:] == ["courier.pickup", "courier.transit", "courier.delivered"]
    last = json.loads(detail.events[-1].payload_json)
    assert last["waybill"] == wb and last["recipient"] == "张秀英" and last["recipient_is_applicant"] is True
    assert detail.case.state == "accepted"  # courier steps track the item, not the decision


def test_refusals_save_nothing_and_say_why(ws):
    [number] = accept_cases(ws, 1)
    svc = CourierService(ws, clock=Ticks())
    trip = svc.open_trip()
    assert svc.record(trip, ScanInput(bad_check(2), "pickup", case=number)).code == "invalid"
    assert svc.record(trip, ScanInput(waybill(2), "pickup")).code == "need_case"
    assert svc.record(trip, ScanInput(waybill(2), "pickup", case="320724100-01-261120-0099-X")).code in (
        "unknown_case",
        "invalid",
    )
    assert svc.record(trip, ScanInput(waybill(3), "delivered", recipient="张三")).code == "unknown_waybill"
    assert svc.record(trip, ScanInput(waybill(2), "failed", reason="no_answer")).code == "unknown_waybill"
    assert counts(ws) == (0, 0)
    assert svc.record(trip, ScanInput(waybill(2), "pickup", case=number)).code == "recorded"
    again = svc.record(trip, ScanInput(waybill(2), "pickup", case=number))
    assert again.code == "repeat" and waybill(2) in again.message
    assert svc.record(trip, ScanInput(waybill(2), "failed")).code == "invalid"  # no reason
    other = svc.open_trip()
    assert svc.record(other, ScanInput(waybill(2), "pickup", case=number)).code == "step_order"
    assert counts(ws) == (1, 1)


def test_a_repeat_within_a_second_is_one_scan_with_a_notice(ws):
    [number] = accept_cases(ws, 1)
    times = iter([10.0, 10.3, 11.0, 13.0])
    svc = CourierService(ws, clock=lambda: next(times))
    trip = svc.open_trip()
    wb = waybill(4)
    assert svc.record(trip, ScanInput(wb, "pickup", case=number)).code == "recorded"
    echo = svc.record(trip, ScanInput(wb, "pickup", case=number))
    assert echo.code == "echo" and echo.ok
    assert svc.record(trip, ScanInput(wb, "pickup", case=number)).code == "echo"  # 0.7 s after the echo
    assert svc.record(trip, ScanInput(wb, "pickup", case=number)).code == "repeat"  # 2 s later: loud
    assert counts(ws) == (1, 1)


def test_a_refused_scan_may_be_scanned_again_at_once(ws):
    [number] = accept_cases(ws, 1)
    times = iter([10.0, 10.2])
    svc = CourierService(ws, clock=lambda: next(times))
    trip = svc.open_trip()
    assert svc.record(trip, ScanInput(waybill(6), "pickup")).code == "need_case"
    assert svc.record(trip, ScanInput(waybill(6), "pickup", case=number)).code == "recorded"


def test_a_waybill_assigned_at_the_window_needs_no_case_at_pickup(ws):
    [number, other] = accept_cases(ws, 2)
    svc = CourierService(ws, clock=Ticks())
    assert svc.assign(number, waybill(5)).code == "recorded"
    trip = svc.open_trip()
    assert svc.record(trip, ScanInput(waybill(5), "pickup", case=other)).code == "other_case"
    got = svc.record(trip, ScanInput(waybill(5), "pickup"))
    assert got.code == "recorded" and got.case_number == number


def test_the_trip_slip_lists_every_waybill_with_case_and_step(ws):
    numbers = accept_cases(ws, 2)
    svc = CourierService(ws, clock=Ticks())
    trip = svc.open_trip()
    for i, n in enumerate(numbers):
        svc.record(trip, ScanInput(waybill(10 + i), "pickup", case=n))
    job = svc.print_slip(trip)
    with ws.store.read() as s:
        stored = s.execute(select(PrintJob).where(PrintJob.job_id == job.job_id)).scalars().one()
    assert stored.doc_kind == "trip" and stored.state == "queued"
    for i, n in enumerate(numbers):
        assert waybill(10 + i) in stored.text and n in stored.text
    assert "合计" in stored.text and "2件" in stored.text
    assert [d["waybill"] for d in svc.scans()] == [waybill(10), waybill(11)]
