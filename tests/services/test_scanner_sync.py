"""A scan taken from the inbox and assigned at the window reaches a real hub: its bytes by the
resumable attachment protocol (tus), its event with the material in the case's timeline."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from app.services.cases import CaseService
from app.services.scans import assign
from app.services.sync.cycle import run_cycle
from app.store.models import Case
from tests.hubs import OFFICE, WSID, HubProcess, make_workstation
from tests.services import scan_samples as samples
from tests.services.test_scanner_assign import _taken

pytestmark = pytest.mark.slow


def test_an_assigned_scan_reaches_the_hub_with_its_material(tmp_path):
    hub = HubProcess(tmp_path / "hub").start()
    try:
        token = hub.token("workstation", OFFICE, WSID)
        ws = make_workstation(tmp_path / "ws", hub.url, token, cases=1)
        folder = tmp_path / "inbox"
        folder.mkdir()
        with ws.store.read() as s:
            number = s.execute(select(Case.number)).scalars().first()
        data = samples.pdf(pages=3, pad=300_000)  # several upload chunks
        scan = _taken(ws, folder, "营业执照.pdf", data)
        item = CaseService(ws).detail(number).marks[0].item
        assign(ws, scan.id, number, item.key)
        rep = run_cycle(ws)
        assert rep.ok and rep.attachments == 1, rep
        headers = {"Authorization": f"Bearer {token}"}
        got = httpx.get(f"{hub.url}/api/v1/files/{samples.sha(data)}", headers=headers, timeout=30)
        assert got.status_code == 200 and got.content == data
        case = httpx.get(f"{hub.url}/api/v1/cases/{number}", headers=headers, timeout=30).json()
        added = [e for e in case["events"] if e["kind"] == "attachment.added"]
        assert len(added) == 1, case
        payload = added[0].get("payload") or added[0].get("p")
        assert payload["material"] == item.key and payload["sha256"] == samples.sha(data)
        ws.close()
    finally:
        hub.stop()
