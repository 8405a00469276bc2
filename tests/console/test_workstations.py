"""§4 The workstations page, with real workstations (real stores, real sync cycles) and a real
hub process, read in a real browser."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.services.sync.cycle import run_cycle
from tests.browsers import login, shot
from tests.conftest import Clock
from tests.hubs import OFFICE, make_workstation


def row(page, key: str):
    r = page.locator(f"tr[data-ws='{key}']")
    return {
        name: r.locator(f".{name}").inner_text()
        for name in ("events-waiting", "scans-waiting", "skew", "refused", "cases", "last-sync", "token")
    } | {"text": r.inner_text(), "class": r.get_attribute("class") or ""}


def test_the_workstations_page_shows_what_each_window_reported_and_what_the_hub_refused(
    console_hub, page, tmp_path
):
    console_hub.add_user("王芳")
    # window 01: in step with the hub, everything sent
    good = make_workstation(
        tmp_path / "ws01", console_hub.url, console_hub.token("workstation", OFFICE, "01"), cases=4
    )
    good.config.set("office.name", "新集镇便民服务中心")
    good.config.set("workstation.window", "1号窗口")
    good.config.save()
    assert run_cycle(good).ok
    # window 02: its clock runs three minutes ahead and it holds a token of window 03, so the hub
    # refuses what it claims to have written (not_your_workstation)
    ahead = Clock(datetime.now() + timedelta(minutes=3))
    wrong = make_workstation(
        tmp_path / "ws02",
        console_hub.url,
        console_hub.token("workstation", OFFICE, "03"),
        cases=2,
        wsid="02",
        clock=ahead,
    )
    rep = run_cycle(wrong)
    assert rep.refused and {r["code"] for r in rep.refused} <= {"not_your_workstation", "blocked"}
    ahead.value = datetime.now() + timedelta(minutes=3)
    run_cycle(wrong)  # its report now names the refused events as still waiting
    login(page, console_hub, "王芳")
    page.click("text=工作站")
    page.wait_for_url("**/console/workstations")
    shot(page, "workstations")
    a = row(page, f"{OFFICE}/01")
    assert "新集镇便民服务中心" in a["text"] and "1号窗口" in a["text"]
    assert a["events-waiting"] == "0" and a["scans-waiting"] == "0" and a["refused"] == "0"
    assert a["cases"] == "4" and a["token"] == "有效"
    assert a["skew"].endswith("秒") and "分" not in a["skew"]  # same clock as the hub
    assert a["last-sync"].startswith(datetime.now().strftime("%Y-%m-%d"))
    assert a["class"] == ""
    b = row(page, f"{OFFICE}/03")
    n_refused = int(b["refused"])
    assert n_refused == len(rep.refused) > 0
    assert int(b["events-waiting"]) == n_refused  # refused events wait at the window
    assert b["skew"].startswith("+2 分") or b["skew"].startswith("+3 分")
    assert b["class"] == "bad"
    # the refused events, one by one, with the hub's reason
    page.click(f"tr[data-ws='{OFFICE}/03'] a")
    assert page.locator("#refused tbody tr").count() == n_refused
    assert "not_your_workstation" in page.locator("#refused").inner_text()
    # nothing forwarded upward here: no upstream, no province-level case
    page.goto(console_hub.console("/workstations"))
    assert page.locator("#fwd-upstream").inner_text() == "未配置（本平台不向上转发）"
    assert page.locator("#fwd-backlog").inner_text() == "0"


def test_pending_events_count_down_as_they_arrive(console_hub, page, tmp_path):
    console_hub.add_user("王芳")
    ws = make_workstation(
        tmp_path / "ws", console_hub.url, console_hub.token("workstation", OFFICE, "01"), cases=3
    )
    assert run_cycle(ws).ok  # reports its 3+ events waiting, then sends them
    login(page, console_hub, "王芳")
    page.goto(console_hub.console("/workstations"))
    assert row(page, f"{OFFICE}/01")["events-waiting"] == "0"


def test_the_forwarding_backlog_grows_while_the_province_cannot_be_reached(tmp_path, page):
    from tests.hubs import ConsoleHub
    from tests.sync.helpers import case_events, number, push
    from tests.sync.pg import free_port

    dead = f"http://127.0.0.1:{free_port()}"  # nobody listens: every forwarding attempt fails
    hub = ConsoleHub(
        tmp_path / "county", extra=("--upstream", dead), env={"YICHUANG_UPSTREAM_TOKEN": "yc1_x"}
    ).start()
    try:
        hub.add_user("王芳")
        token = hub.token("workstation", OFFICE, "01")
        province_case, county_case = number(1), number(2)
        events = case_events(province_case, subject="320000-WL-0001") + case_events(
            county_case, subject="320724-CG-0001"
        )
        assert push(hub.url, token, events).json()["ok"] == 4
        login(page, hub, "王芳")
        page.goto(hub.console("/workstations"))
        assert page.locator("#fwd-upstream").inner_text() == dead
        assert page.locator("#fwd-backlog").inner_text() == "2"  # the province-level case's two events
        assert page.locator("#fwd-province-cases").inner_text() == "1"
        page.wait_for_timeout(500)
        for _ in range(40):  # the forwarder's first attempt has failed by now, or soon
            page.goto(hub.console("/workstations"))
            if page.locator("#fwd dd.error").count():
                break
            page.wait_for_timeout(250)
        assert page.locator("#fwd dd.error").count() == 1
        shot(page, "forwarding-backlog")
    finally:
        hub.stop()


def test_a_window_whose_audit_chain_broke_is_flagged_on_the_workstations_page(console_hub, page, tmp_path):
    """A row changed with sqlite3 before sync: the hub keeps the events, marks the chain broken,
    and the back office sees it on the workstations page (the same state as GET
    /api/v1/workstations), the clean window beside it intact."""
    import sqlite3

    console_hub.add_user("王芳")
    clean = make_workstation(
        tmp_path / "ws01", console_hub.url, console_hub.token("workstation", OFFICE, "01"), cases=2
    )
    from app.services.workstation import open_workstation

    token02 = console_hub.token("workstation", OFFICE, "02")
    make_workstation(tmp_path / "ws02", console_hub.url, token02, cases=2, wsid="02").close()
    con = sqlite3.connect(tmp_path / "ws02" / "yichuang.db")
    with con:
        con.execute("update case_event set actor = '他人' where id = (select min(id) + 1 from case_event)")
    con.close()
    tampered = open_workstation(tmp_path / "ws02")
    assert run_cycle(clean).ok and run_cycle(tampered).ok  # accepted all the same
    login(page, console_hub, "王芳")
    page.goto(console_hub.console("/workstations"))
    ok, broken = page.locator(f"tr[data-ws='{OFFICE}/01']"), page.locator(f"tr[data-ws='{OFFICE}/02']")
    assert ok.locator(".chain").inner_text() == "完整"
    assert broken.locator(".chain").inner_text().startswith("已断裂")
    assert "自第 2 条起" in broken.locator(".chain").inner_text()
    assert broken.get_attribute("class") == "bad"
