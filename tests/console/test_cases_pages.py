"""Queue and case pages in Debian chromium against a real hub process with cases a real
workstation synced: who may see a case and its scans, bad input, and the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.messages import t
from app.services.cases import CaseService
from app.services.sync import attachments
from app.services.sync.cycle import run_cycle
from sync.hub import console_queries as cq
from tests.browsers import login
from tests.hubs import OFFICE, WSID, make_workstation

pytestmark = pytest.mark.slow  # a hub process and a browser


@pytest.fixture
def synced(tmp_path: Path, console_hub):
    hub = console_hub
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=14, seed=5)
    accepted = sorted(c.number for c in CaseService(ws).list() if c.state == "accepted")
    number = accepted[0]
    jpeg = tmp_path / "scan.jpg"
    from PIL import Image

    Image.new("RGB", (300, 200), "gray").save(jpeg, "JPEG")
    sha = attachments.add(ws, number, jpeg, name="身份证.jpg")
    assert run_cycle(ws).ok
    st = hub.store()
    try:
        depts = {n: sorted(cq.departments_of(st, "", *_subject(st, n))) for n in accepted}
        all_depts = set(cq.departments(st))
    finally:
        st.close()
    ws.close()
    return hub, accepted, depts, all_depts, sha


def _subject(store, number: str) -> tuple[str, str]:
    case = cq.case_sheet(store, number).case
    return case["subject_kind"], case["subject_code"]


def test_other_departments_see_neither_the_case_nor_its_scan(synced, page):
    hub, accepted, depts, all_depts, sha = synced
    number = accepted[0]
    stranger = sorted(all_depts - set(depts[number]))[0]
    hub.add_user("乙", depts=(stranger,))
    login(page, hub, "乙")
    r = page.goto(hub.console(f"/cases/{number}"))
    assert r.status == 404
    assert page.request.get(hub.console(f"/cases/{number}/scans/{sha}")).status == 404
    r = page.goto(hub.console(f"/queue?department={depts[number][0]}"))
    assert r.status == 403
    page.goto(hub.console("/queue"))
    assert page.locator(f"tr[data-number='{number}']").count() == 0


def test_a_scan_is_served_only_through_its_own_case(synced, page):
    hub, accepted, depts, _all, sha = synced
    number = accepted[0]
    other = accepted[1]
    hub.add_user("甲", depts=sorted({*depts[number], *depts[other]}))  # may see both cases
    login(page, hub, "甲")
    ok = page.request.get(hub.console(f"/cases/{number}/scans/{sha}"))
    assert ok.status == 200 and ok.headers["content-type"] == "image/jpeg"
    assert ok.headers["x-content-type-options"] == "nosniff"
    assert page.goto(hub.console(f"/cases/{other}")).status == 200
    assert page.request.get(hub.console(f"/cases/{other}/scans/{sha}")).status == 404
    assert page.request.get(hub.console(f"/cases/{number}/scans/{'0' * 64}")).status == 404


def test_deny_without_a_reason_gets_a_message_and_saves_nothing(synced, page):
    hub, accepted, depts, _all, _sha = synced
    number = accepted[1]
    hub.add_user("甲", depts=depts[number])
    login(page, hub, "甲")
    page.goto(hub.console(f"/cases/{number}"))
    rows = page.locator("table.timeline tbody tr").count()
    form = page.locator("#decide-deny")
    form.locator("textarea").evaluate("el => el.removeAttribute('required')")  # past the browser's own check
    form.locator("textarea").fill("   ")
    form.get_by_role("button", name=t("console.decide_deny")).click()
    page.wait_for_load_state()
    assert (
        t("field.required", field=t("console.deny_reason"))
        in page.locator("#decide-deny [role=alert]").inner_text()
    )
    assert page.locator("table.timeline tbody tr").count() == rows
    assert page.locator("#case-state").inner_text().startswith(t("state.accepted"))
    # with a reason: the confirmation names the decision, 确认 records it with the user's name
    page.locator("#decide-deny textarea").fill("经营场所不符合规划要求")
    page.locator("#decide-deny").get_by_role("button", name=t("console.decide_deny")).click()
    page.wait_for_load_state()
    assert "经营场所不符合规划要求" in page.content()
    page.get_by_role("button", name=t("console.case_confirm")).click()
    page.wait_for_load_state()
    assert page.locator("#case-state").inner_text().startswith(t("state.denied"))
    last = page.locator("table.timeline tbody tr").last
    assert last.get_attribute("data-kind") == "case.denied" and "甲" in last.inner_text()


def test_the_keyboard_alone_takes_a_case_from_the_queue_to_a_decision(synced, page):
    hub, accepted, depts, _all, _sha = synced
    number = accepted[2]
    dept = depts[number][0]
    hub.add_user("甲", depts=(dept,))
    login(page, hub, "甲")
    page.goto(hub.console(f"/queue?department={dept}&q={number}"))
    page.locator(f"tr[data-number='{number}'] a").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/console/cases/{number}")
    # Tab from the top of the page to the 审批中 button (it carries accesskey r too), then Enter
    label = t("console.decide_in_review")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON" and page.evaluate(
            "document.activeElement.textContent"
        ).startswith(label):
            break
    else:
        raise AssertionError("the 审批中 button is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/decide")
    assert page.evaluate("document.activeElement.id") == "confirm"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/console/cases/{number}?done=in_review")
    assert page.locator("#case-state").inner_text().startswith(t("state.in_review"))
