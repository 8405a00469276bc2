"""Cases decided at the window (F5, F6 in the real app) reach the hub as the same case rows.

The app runs through Textual's pilot on a real store; its own background sync worker pushes
to a real hub process on 127.0.0.1. The hub's row for each case must match the window's:
state, uid, applicant, and every event with its payload as the intake service wrote it.
"""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import select

from app.domain import case_state
from app.services.sync import outbox
from app.store.models import Case, CaseEvent
from app.ui.app import YichuangApp
from app.ui.screens.dialogs import DocumentDialog, ReasonDialog
from tests.hubs import OFFICE, WSID, make_workstation
from tests.ui.test_intake_flow import PERSON_ID, SIZE, fill_applicant, pick, start, tick_all, wait_for

pytestmark = pytest.mark.slow  # a real hub process


def hub_case(hub, token: str, number: str) -> dict | None:
    r = httpx.get(f"{hub.url}/api/v1/cases/{number}", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    return r.json() if r.status_code == 200 else None


def local_cases(ws) -> list[tuple[Case, list[CaseEvent]]]:
    with ws.store.read() as s:
        cases = list(s.exec(select(Case).order_by(Case.id)).scalars())
        return [
            (
                c,
                list(
                    s.exec(
                        select(CaseEvent).where(CaseEvent.case_id == c.id).order_by(CaseEvent.id)
                    ).scalars()
                ),
            )
            for c in cases
        ]


async def test_cases_accepted_and_notified_at_the_window_reach_the_hub(tmp_path, hub, clock):
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice")
    ws = make_workstation(tmp_path / "ws", hub.url, token, clock=clock)
    ws.config.set("evaluation.prompt", "off")  # only the intake's events here (好差评: tests/evaluation)
    ws.config.save()
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot)
        # 受理 (F5) of 开餐馆 with one material tolerated (容缺, r): the receipt promises a date.
        await pick(app, pilot, "kcg")
        marks = screen.draft.marks
        tol = next(i for i, m in enumerate(marks) if m.item.required and m.item.tolerable)
        await fill_applicant(app, pilot)
        await pilot.press("f4")
        for i in range(len(marks)):
            await pilot.press(*(("r", "down") if i == tol else ("space",)))
        assert screen.draft.marks[tol].status == "tolerated"
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        await pilot.press("enter")
        # 一次性告知 (F6): the same applicant, now under another name, two materials missing.
        await pick(app, pilot, "kcg")
        await fill_applicant(app, pilot, name="张秀英（代）")
        await tick_all(app, pilot, len(screen.draft.marks) - 2)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
        await pilot.press("enter")
        made = local_cases(ws)
        assert [c.state for c, _ in made] == ["accepted", "correction"]
        # The window's own sync worker pushes them; wait for the hub to hold every event.
        await wait_for(
            pilot,
            lambda: all(
                (h := hub_case(hub, bo, c.number)) is not None and len(h["events"]) == len(evs)
                for c, evs in made
            ),
            timeout=60,
        )
    accepted, notified = made[0][0], made[1][0]
    assert accepted.tolerated_until is not None and accepted.due_date is not None
    for case, events in made:
        row = hub_case(hub, bo, case.number)
        assert row["state"] == case.state
        assert row["uid"] == case.uid
        assert (row["office"], row["workstation"]) == (OFFICE, WSID)
        assert row["applicant"] == {
            "kind": case.applicant_kind,
            "name": case.applicant_name,
            "id_number": case.applicant_id_number,
            "id_type": "resident",  # derived from the number (a foreigner's card says so)
        }
        assert [(e["id"], e["kind"], e["p"]) for e in row["events"]] == [
            (e.event_id, e.kind, json.loads(e.payload_json)) for e in events
        ]
        with ws.store.read() as s:
            assert case_state.derive(outbox.case_events(s, case.id)).state == row["state"]
    assert hub_case(hub, bo, notified.number)["applicant"]["name"] == "张秀英（代）"
    assert hub_case(hub, bo, accepted.number)["applicant"]["name"] == "张秀英"
    assert accepted.applicant_id_number == PERSON_ID
    decision = hub_case(hub, bo, accepted.number)["events"][-1]
    assert decision["kind"] == "case.accepted"
    p = decision["p"]
    assert p["accepted_on"] == "2026-11-20" == str(accepted.accepted_on)
    assert p["due_date"] == str(accepted.due_date)
    assert p["due_provisional"] is False
    assert p["tolerated_until"] == str(accepted.tolerated_until)
    assert [m["s"] for m in p["marks"]].count("tolerated") == 1
    notice = hub_case(hub, bo, notified.number)["events"][-1]
    assert notice["kind"] == "case.notified" and notice["p"]["state"] == "correction"
    assert [m["s"] for m in notice["p"]["marks"]].count("missing") >= 2
    ws.close()
