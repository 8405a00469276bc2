"""A handover at the window reaches a real hub: the back office completes a case, the window
hands it out (`yichuang case handover` as a real process), sync carries the event up and
`GET /api/v1/cases/{number}` shows it with the collector — and the state 已出件 on both sides."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.cases import CaseService
from app.services.sync.cycle import run_cycle
from tests.hubs import OFFICE, WSID, make_workstation, ycli
from tests.printing.listener import PrinterListener
from tests.sync.helpers import decide, get

pytestmark = pytest.mark.slow  # a real hub process


def test_handover_event_reaches_the_hub(tmp_path: Path, sqlite_hub):
    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice", name="市场监管局")
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=12, seed=5)
    assert run_cycle(ws).ok
    cases = CaseService(ws).list()
    accepted = sorted(c.number for c in cases if c.state == "accepted" and c.applicant_kind == "person")
    number = accepted[0]
    assert decide(hub.url, bo, number, "case.completed", result="食品经营许可证").status_code == 201
    assert run_cycle(ws).ok
    case = CaseService(ws).get(number)
    assert case.state == "completed"
    ws.close()
    with PrinterListener("accept") as printer:
        r = ycli(
            "case",
            "handover",
            number,
            "--collector-id",
            case.applicant_id_number,
            "--printer",
            printer.url,
            "--data-dir",
            str(tmp_path / "ws"),
        )
        assert "已出件" in r.stdout
        assert printer.wait_jobs(1)
    ws = make_workstation(tmp_path / "ws", hub.url, token)
    rep = run_cycle(ws)
    assert rep.ok and rep.left == 0
    doc = get(hub.url, bo, f"/api/v1/cases/{number}").json()
    assert doc["state"] == "delivered"
    (delivered,) = [e for e in doc["events"] if e["kind"] == "case.delivered"]
    assert delivered["p"] == {
        "method": "window",
        "collector": {
            "role": "applicant",
            "name": case.applicant_name,
            "id_number": case.applicant_id_number,
        },
        "outcome": "completed",
    }
    assert delivered["by"] == f"{OFFICE}/{WSID}" or delivered["ws"] == WSID
    ws.close()
