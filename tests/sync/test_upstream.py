"""A county hub forwards province-level cases to the provincial hub, with the same protocol."""

from __future__ import annotations

import time

import pytest

from tests.hubs import HubProcess
from tests.sync.helpers import case_events, decide, get, number, push

pytestmark = pytest.mark.slow


def wait_for(fn, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_province_level_cases_reach_the_province_and_its_decisions_come_back(tmp_path):
    province = HubProcess(tmp_path / "province").start()
    up_token = province.token("hub", "320724", name="灌南县平台")
    p_bo = province.token("backoffice", name="省文旅厅")
    county = HubProcess(
        tmp_path / "county", extra=("--upstream", province.url), env={"YICHUANG_UPSTREAM_TOKEN": up_token}
    ).start()
    try:
        ws_tok, c_bo = county.token("workstation", "320724100", "01"), county.token("backoffice")
        prov_case, county_case = number(1), number(2)
        push(
            county.url,
            ws_tok,
            case_events(prov_case, subject="320000-WL-0001")
            + case_events(county_case, subject="320724-CG-0001"),
        )
        assert wait_for(lambda: get(province.url, p_bo, f"/api/v1/cases/{prov_case}").status_code == 200)
        assert (
            get(province.url, p_bo, f"/api/v1/cases/{county_case}").status_code == 404
        )  # stays in the county
        assert get(county.url, c_bo, f"/api/v1/cases/{prov_case}").json()["level"] == "province"
        assert (
            decide(province.url, p_bo, prov_case, "case.completed", result="旅行社业务经营许可证").status_code
            == 201
        )
        assert wait_for(
            lambda: get(county.url, c_bo, f"/api/v1/cases/{prov_case}").json()["state"] == "completed"
        )
        # and down to the window, exactly once, with the province's author
        page = get(county.url, ws_tok, "/api/v1/sync/pull", after=0)
        import json

        events = json.loads(page.content)["events"]
        assert [(e["case"], e["kind"], e["by"]) for e in events] == [
            (prov_case, "case.completed", "backoffice:省文旅厅")
        ]
        # the forwarded events are not sent back up, and nothing is forwarded twice
        time.sleep(3)
        st = province.store()
        assert st.counts()["events"] == 3
        st.close()
    finally:
        county.stop()
        province.stop()


def test_the_forwarder_outlives_a_failure_of_its_own_store(tmp_path):
    """The county's store locked by another process past its busy timeout (a real lock on the
    real file): the cycle fails with sqlite3's OperationalError, not a SyncError. The forwarder
    used to die there for good; it must log, back off and carry on once the lock is gone."""
    import sqlite3

    from sync.hub.serve import Forwarder
    from sync.hub.store import open_hub

    province = HubProcess(tmp_path / "province").start()
    county = open_hub(tmp_path / "county")
    lock = sqlite3.connect(tmp_path / "county" / "hub.db", timeout=1, check_same_thread=False)
    try:
        up_token = province.token("hub", "320724", name="灌南县平台")
        lock.execute("BEGIN EXCLUSIVE")  # every write of the county's store now waits, then fails
        fwd = Forwarder(county, province.url, up_token, interval=0.2)
        fwd.start()
        failed = wait_for(lambda: fwd.last_error, timeout=60)
        assert "locked" in failed and fwd.is_alive()
        lock.rollback()
        assert wait_for(lambda: fwd.last_error == "", timeout=60) and fwd.is_alive()
        fwd.stop.set()
        fwd.join(10)
        assert not fwd.is_alive()
    finally:
        lock.close()
        county.close()
        province.stop()
