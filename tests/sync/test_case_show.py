"""What the clerk reads after sync (issue 11): `case show` flags an overruled withdrawal and
names back-office actors; `sync status` lists the scans still waiting."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services.sync import actions
from app.services.sync.cycle import run_cycle
from app.store.models import Case
from tests.hubs import OFFICE, WSID, make_workstation, ycli
from tests.sync.helpers import decide


def _accepted(ws) -> list[str]:
    with ws.store.read() as s:
        return sorted(s.execute(select(Case.number).where(Case.state == "accepted")).scalars())


@pytest.mark.slow
def test_case_show_flags_a_superseded_withdrawal_and_names_the_back_office(tmp_path, sqlite_hub):
    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice", name="李审批")
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=8, seed=11)
    assert run_cycle(ws).ok
    clash = _accepted(ws)[0]
    actions.withdraw(ws, clash, "申请人撤回")  # neither side sees the other's event
    assert decide(hub.url, bo, clash, "case.completed").status_code == 201
    assert run_cycle(ws).ok
    ws.close()
    out = ycli("case", "show", clash, "--data-dir", str(tmp_path / "ws")).stdout
    lines = out.splitlines()
    withdrawn = [ln for ln in lines if "撤回" in ln and ":" in ln]
    completed = [ln for ln in lines if "办结" in ln and ":" in ln and "已办结" not in ln]
    assert withdrawn and "未生效" in withdrawn[0], out
    assert completed and "未生效" not in completed[0], out
    assert "（后台）" in completed[0] and not completed[0].rstrip().endswith("@"), out
    assert not any(ln.rstrip().endswith("@") for ln in lines), out


def test_sync_status_lists_waiting_attachments(tmp_path):
    ws = make_workstation(tmp_path / "ws", "", "", cases=2)
    number = _accepted(ws)[0] if _accepted(ws) else None
    with ws.store.read() as s:
        number = number or s.execute(select(Case.number)).scalars().first()
    scan = tmp_path / "营业执照.pdf"
    scan.write_bytes(b"%PDF-1.4 scan" * 1000)
    sha = actions.attach(ws, number, scan)
    ws.close()
    out = ycli("sync", "status", "--data-dir", str(tmp_path / "ws")).stdout
    line = next((ln for ln in out.splitlines() if sha[:12] in ln), "")
    assert number in line and "营业执照.pdf" in line and "0/13000" in line, out
    doc = ycli("sync", "status", "--json", "--data-dir", str(tmp_path / "ws")).stdout
    assert sha in doc


def test_attaching_a_scan_to_an_unknown_case_saves_nothing(tmp_path):
    ws = make_workstation(tmp_path / "ws", "", "", cases=1)
    ws.close()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4" * 100)
    bad = "320724100-01-261120-0999-X"
    r = ycli("sync", "attach", bad, str(scan), "--data-dir", str(tmp_path / "ws"), check=False)
    assert r.returncode == 1 and bad in r.stderr and "Traceback" not in r.stderr, r.stderr
    doc = ycli("sync", "status", "--json", "--data-dir", str(tmp_path / "ws")).stdout
    assert '"attachments_waiting": 0' in doc and '"attachments": []' in doc, doc


@pytest.mark.slow
async def test_case_screen_names_the_back_office_and_flags_the_overruled_withdrawal(tmp_path, sqlite_hub):
    """The window's case screen says what `case show` says: it used to print `李审批@`."""
    from app.ui.app import YichuangApp
    from app.ui.screens.cases import CaseDetailScreen
    from tests.ui.test_intake_flow import SIZE, start, wait_for

    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice", name="李审批")
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=8, seed=11)
    assert run_cycle(ws).ok
    clash = _accepted(ws)[0]
    actions.withdraw(ws, clash, "申请人撤回")
    assert decide(hub.url, bo, clash, "case.completed").status_code == 201
    assert run_cycle(ws).ok
    app = YichuangApp(ws)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            app.push_screen(CaseDetailScreen(clash))
            await wait_for(pilot, lambda: isinstance(app.screen, CaseDetailScreen) and app.screen.detail)
            text = str(app.screen.query_one("#case-detail").render())
    finally:
        ws.close()
    lines = text.splitlines()
    completed = [ln for ln in lines if "办结" in ln and "已办结" not in ln and ":" in ln]
    withdrawn = [ln for ln in lines if "撤回" in ln and ":" in ln]
    assert completed and "李审批（后台）" in completed[0] and "未生效" not in completed[0], text
    assert withdrawn and "未生效" in withdrawn[0], text
    assert not any(ln.rstrip().endswith("@") for ln in lines), text
