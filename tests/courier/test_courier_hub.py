"""Courier steps travel to a real hub as case events and come back in the case's timeline."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from app.services.courier import CourierService, ScanInput
from app.services.sync.cycle import run_cycle
from app.store.models import Case
from app.ui.app import YichuangApp
from app.ui.screens.timeline import TimelineScreen
from tests.courier.helpers import waybill
from tests.hubs import OFFICE, WSID, make_workstation
from tests.sync.helpers import decide
from tests.ui.test_intake_flow import SIZE, wait_for

pytestmark = pytest.mark.slow  # a real hub process


async def test_courier_events_reach_the_hub_and_the_timeline(tmp_path, sqlite_hub):
    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice", name="李审批")
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=3, seed=5)
    with ws.store.read() as s:
        number = s.execute(select(Case.number).where(Case.state == "accepted")).scalars().first()
    assert number
    svc = CourierService(ws)
    trip = svc.open_trip("cli")
    steps = [
        ScanInput(waybill(31), "pickup", case=number),
        ScanInput(waybill(31), "transit"),
        ScanInput(waybill(31), "failed", reason="no_answer"),
        ScanInput(waybill(31), "delivered", recipient="张秀英", recipient_is_applicant=True),
    ]
    for inp in steps:
        assert svc.record(trip, inp).code == "recorded"
    assert run_cycle(ws).ok
    r = httpx.get(f"{hub.url}/api/v1/cases/{number}", headers={"Authorization": f"Bearer {bo}"}, timeout=5)
    assert r.status_code == 200
    events = r.json()["events"]
    courier = [e for e in events if e["kind"].startswith("courier.")]
    assert [e["kind"] for e in courier] == [
        "courier.pickup",
        "courier.transit",
        "courier.failed",
        "courier.delivered",
    ]
    assert all(e["p"]["waybill"] == waybill(31) for e in courier)
    assert courier[-1]["p"]["recipient"] == "张秀英" and courier[2]["p"]["reason"] == "no_answer"
    assert r.json()["state"] == "accepted" and not r.json()["conflicts"]

    # the back office decides; the window pulls it; the progress query shows it all, with who
    assert decide(hub.url, bo, number, "case.completed").status_code == 201
    assert run_cycle(ws).ok
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "store" in ws.__dict__)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, TimelineScreen))
        screen = app.screen
        screen.query_one("#timeline-find").value = number.lower()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.shown == number)
        table = screen.query_one("#timeline-table")
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
    what = [row[1] for row in rows]
    assert what[:2] == ["建立案件", "受理"]
    assert ["揽收", "在途", "投递失败", "妥投", "办结"] == [
        w for w in what if w in ("揽收", "在途", "投递失败", "妥投", "办结")
    ]
    done = next(row for row in rows if row[1] == "办结")
    assert "李审批" in done[2] or "backoffice" in done[2], done
    delivered = next(row for row in rows if row[1] == "妥投")
    assert waybill(31) in delivered[3] and "张秀英" in delivered[3]
    ws.close()
