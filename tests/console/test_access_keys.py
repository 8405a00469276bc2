"""Every console page gives each access key to one control only (issues 18 and 21: the queue,
the workstations and the case page's way back all had `w`; the queue's search had `s`, as 统计)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from app.services.cases import CaseService
from app.services.sync.cycle import run_cycle
from tests.console.test_guard import _session
from tests.hubs import OFFICE, SCJG, WSID, XZSP, make_workstation

pytestmark = pytest.mark.slow  # a hub process


def test_no_page_gives_one_access_key_to_two_controls(tmp_path: Path, console_hub):
    hub = console_hub
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=4, seed=5)
    number = next(c.number for c in CaseService(ws).list() if c.state == "accepted")
    assert run_cycle(ws).ok
    ws.close()
    hub.add_user("管理员", "admin", depts=(SCJG, XZSP))
    client = _session(hub, "管理员")
    pages = ["/console/", "/console/queue", f"/console/cases/{number}", "/console/workstations",
             "/console/stats", "/console/users", "/console/tokens"]  # fmt: skip
    seen_anywhere: set[str] = set()
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        keys = Counter(k.lower() for k in re.findall(r'accesskey="([^"]*)"', r.text))
        assert keys, path
        assert [k for k, n in keys.items() if n > 1] == [], (path, keys)
        seen_anywhere |= set(keys)
    assert {"w", "s"} <= seen_anywhere  # the queue and the statistics keep theirs
