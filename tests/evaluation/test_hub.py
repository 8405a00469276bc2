"""Ratings and follow-ups travel to a real hub process as case events (the outbox, one cycle):
stored with their payloads, the case's state untouched; a malformed rating is refused."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select

from app.services import evaluation as ev
from app.services.sync.cycle import run_cycle
from app.store.models import Case
from tests.hubs import OFFICE, WSID, make_workstation
from tests.sync.helpers import case_events, decoded, number, push

pytestmark = pytest.mark.slow  # a real hub process


def hub_case(hub, token: str, num: str) -> dict:
    r = httpx.get(f"{hub.url}/api/v1/cases/{num}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_ratings_and_follow_ups_reach_the_hub(tmp_path, sqlite_hub):
    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice", name="督查")
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=6, seed=5)
    with ws.store.read() as s:
        accepted = list(s.execute(select(Case.number).where(Case.state == "accepted")).scalars())
    assert len(accepted) >= 2
    bad, good = accepted[:2]
    f = ev.rate(ws, bad, "accepted", "very_dissatisfied", ["attitude"], "态度生硬").followup
    ev.close_followup(ws, f.id, "已约谈经办人并回访")
    ev.decline(ws, good, "accepted")
    assert run_cycle(ws).ok

    case = hub_case(hub, bo, bad)
    mine = [e for e in case["events"] if e["kind"].startswith(("evaluation.", "followup."))]
    assert [e["kind"] for e in mine] == ["evaluation.rated", "followup.opened", "followup.closed"]
    rated, opened, closed = (e["p"] for e in mine)
    assert rated["level"] == "very_dissatisfied" and rated["reasons"] == ["attitude"]
    assert rated["comment"] == "态度生硬" and rated["stage"] == "accepted"
    assert opened["followup"] == closed["followup"] == f.uid and opened["due"] == f.due_on.isoformat()
    assert closed["note"] == "已约谈经办人并回访"
    assert case["state"] == "accepted" and not case["conflicts"]
    declined = [e for e in hub_case(hub, bo, good)["events"] if e["kind"] == "evaluation.declined"]
    assert declined[0]["p"]["how"] == "declined"
    ws.close()


def test_the_hub_refuses_a_malformed_rating(sqlite_hub):
    hub = sqlite_hub
    token = hub.token("workstation", OFFICE, WSID)
    num = number(1)
    events = case_events(num)
    rating = {
        **events[0],
        "id": str(uuid.uuid4()),
        "kind": "evaluation.rated",
        "lc": 3,
        "p": {"stage": "accepted", "level": "superb", "reasons": []},
    }
    answer = decoded(push(hub.url, token, [*events, rating]))
    assert answer["ok"] == 2
    [refused] = answer["refused"]
    assert refused["id"] == rating["id"] and refused["code"] == "bad_payload"
    good = {
        **rating,
        "id": str(uuid.uuid4()),
        "p": {"stage": "accepted", "level": "satisfied", "reasons": []},
    }
    answer = decoded(push(hub.url, token, [good]))
    assert answer["ok"] == 1 and not answer["refused"]
