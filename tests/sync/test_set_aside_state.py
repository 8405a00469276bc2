"""`yichuang sync set-aside` refreshes the case's state (issue 18 leftover). A set-aside event is
left out of the case's fold (it will never reach the platform), so the state the window shows
(case list, case show, the screens: case_record) is re-derived in the same transaction; `sync
retry` puts the event back and re-derives it again. Before, the case kept showing the state of
the event that was set aside, and `audit verify` named the case. A real hub process refuses a
real withdrawal (a reason longer than the hub accepts, saved by a window of an older version:
this one refuses it before saving); the commands run as processes."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.services.sync import outbox
from app.services.sync.cycle import run_cycle
from app.services.sync.window_events import new_event
from app.store import audit
from app.store.models import Case, CaseEvent
from tests.hubs import OFFICE, WSID, make_workstation, ycli


def listed(data: str) -> dict[str, str]:
    doc = json.loads(ycli("case", "list", "--json", "--data-dir", data).stdout)
    items = doc["items"] if isinstance(doc, dict) else doc
    return {c["number"]: c["state"] for c in items}


def test_set_aside_and_retry_refresh_the_cases_state(tmp_path, sqlite_hub):
    hub = sqlite_hub
    token = hub.token("workstation", OFFICE, WSID)
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=4, seed=5)
    data = str(tmp_path / "ws")
    assert run_cycle(ws).ok
    accepted = sorted(n for n, st in listed(data).items() if st == "accepted")
    number = accepted[0]
    # this window refuses a reason longer than the hub accepts, and saves nothing
    long_reason = "申请人撤回。" * 400
    r = ycli("sync", "withdraw", number, "--reason", long_reason, "--data-dir", data, check=False)
    assert r.returncode != 0 and "过长" in r.stdout + r.stderr and "2400" in r.stdout + r.stderr
    assert listed(data)[number] == "accepted"
    # a window of an older version took it (the same rows its record() wrote): refused at the hub
    with ws.store.write() as s:
        case = s.execute(select(Case).where(Case.number == number)).scalar_one()
        audit.add(s, new_event(ws, case, "case.withdrawn", {"reason": long_reason}, ws.utcnow()))
        s.flush()
        outbox.refresh_case(s, case, ws.utcnow())
    assert listed(data)[number] == "withdrawn"
    rep = run_cycle(ws)
    assert [r["code"] for r in rep.refused] == ["bad_payload"]
    with ws.store.read() as s:
        event_id = s.execute(
            select(CaseEvent.event_id).where(
                CaseEvent.case_number == number, CaseEvent.kind == "case.withdrawn"
            )
        ).scalar_one()

    ycli("sync", "set-aside", event_id, "--data-dir", data)
    # the withdrawal will never reach the platform: the case is what it was before it
    assert listed(data)[number] == "accepted"
    with ws.store.read() as s:
        assert s.execute(select(Case.state).where(Case.number == number)).scalar_one() == "accepted"
    shown = ycli("case", "show", number, "--data-dir", data).stdout.splitlines()
    assert shown[0].endswith("受理"), shown[0]  # the state line: the number and its state
    # the timeline keeps the withdrawal, marked as counting for nothing
    (line,) = [x for x in shown if "撤回" in x and "〔" in x]
    assert "〔未生效：已搁置，未上报平台〕" in line
    status = ycli("sync", "status", "--data-dir", data).stdout
    assert "已搁置" in status and number in status
    verify = ycli("audit", "verify", "--data-dir", data, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # sent again (after the cause was fixed at the hub): the withdrawal counts again
    ycli("sync", "retry", event_id, "--data-dir", data)
    assert listed(data)[number] == "withdrawn"
    verify = ycli("audit", "verify", "--data-dir", data, check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    ws.close()
