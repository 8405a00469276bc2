"""The case page's 状态 line says a case's state once (issue 18: `待补正（待补正）`).

The console adds the queue's stage to the state in brackets (已受理（新受理）, 已受理（补正后返回）);
a case the back office sent to 补正 is 待补正 in both, and read 待补正（待补正）. A stage that
says what the state says is not repeated. The window and the CLI, after the same 补正 is synced,
name the state once too. A real hub process, read with httpx; a real workstation store and CLI."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.messages import t
from app.services.sync.cycle import run_cycle
from sync.hub import console_queries as cq
from sync.hub.schema import case_t
from tests.console.test_queue_and_case_views import _decide, _rows, _session
from tests.hubs import OFFICE, ROOT, WSID, make_workstation

pytestmark = pytest.mark.slow  # a hub process


def _state_line(client, number: str) -> str:
    page = client.get(f"/cases/{number}").text
    m = re.search(r'<dd id="case-state">(.*?)</dd>', page, re.S)
    assert m, page[:2000]
    return html.unescape(m.group(1)).strip()


def test_a_correction_case_names_its_state_once(tmp_path: Path, console_hub):
    hub = console_hub
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=12, seed=5)
    try:
        assert run_cycle(ws).ok
        st = hub.store()
        try:
            depts = sorted(cq.departments(st))
        finally:
            st.close()
        hub.add_user("全能", "backoffice", depts=depts)
        client = _session(hub, "全能")
        new, corrected = _rows(hub, case_t.c.state == "accepted")[:2]
        # the stage still shows where it adds something
        assert _state_line(client, new.number) == f"{t('state.accepted')}（{t('console.stage_new')}）"

        st = hub.store()
        try:
            key = cq.case_sheet(st, corrected.number).checklist[0]["key"]
        finally:
            st.close()
        _decide(hub, corrected.number, "correction", "请补交原件", [(key, "复印件不清晰")])
        assert _state_line(client, corrected.number) == t("state.correction")  # was 待补正（待补正）
        client.close()

        # the window and the CLI, once the 补正 is synced: the state named once
        assert run_cycle(ws).ok
        twice = f"{t('state.correction')}（{t('state.correction')}）"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("YICHUANG_DATA_DIR", None)
        for args in (["case", "show", corrected.number], ["case", "list"]):
            r = subprocess.run(
                [sys.executable, "-m", "app", *args, "--data-dir", str(ws.config.data_dir)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert r.returncode == 0, r.stderr
            assert t("state.correction") in r.stdout and twice not in r.stdout, r.stdout
    finally:
        ws.close()
