"""The console's queue and case page say what the window says (issue 18, the console): one masking
rule (a credit code stays whole, a person's ID is masked), a 不予许可 labelled as such, a search
that keeps the 状态 filter and finds a case number's tail, the queue open on all of the user's
departments with a count per department, the materials after a 补正 and a scanned 容缺 material,
and the back office's remark on its decision. A real hub process, read with httpx."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.messages import t
from app.services.cases import CaseService
from app.services.sync import attachments
from app.services.sync.cycle import run_cycle
from sync.hub import console_decisions as cd
from sync.hub import console_queries as cq
from sync.hub.schema import case_t, queue_t
from tests.hubs import OFFICE, PASSWORD, WSID, make_workstation

pytestmark = pytest.mark.slow  # a hub process


def _session(hub, name: str) -> httpx.Client:
    client = httpx.Client(base_url=hub.url + "/console", timeout=30)
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = client.post("/login", data={"csrf": csrf, "name": name, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return client


@pytest.fixture
def office(tmp_path: Path, console_hub):
    """A hub with 24 synced cases and a back-office user of every department."""
    hub = console_hub
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=24, seed=5)
    assert run_cycle(ws).ok
    st = hub.store()
    try:
        depts = sorted(cq.departments(st))
    finally:
        st.close()
    hub.add_user("全能", "backoffice", depts=depts)
    client = _session(hub, "全能")
    yield hub, ws, client, depts
    client.close()
    ws.close()


def _rows(hub, *where):
    """One row per case (with its first department's queue row): a bundle's case waits in
    several departments, and two rows of one case read as two cases (which case sorts first
    depends on the day the seed's numbers were made)."""
    st = hub.store()
    try:
        with st.ro() as c:
            rows = c.execute(
                select(case_t, queue_t.c.department, queue_t.c.stage)
                .join(queue_t, queue_t.c.number == case_t.c.number)
                .where(*where)
                .order_by(case_t.c.number, queue_t.c.department)
            ).all()
    finally:
        st.close()
    return list({r.number: r for r in reversed(rows)}.values())[::-1]


def _decide(hub, number: str, decision: str, reason: str = "", materials=()) -> None:
    st = hub.store()
    try:
        sheet = cq.case_sheet(st, number)
        cd.decide(
            st,
            user_name="全能",
            departments=sheet.departments,
            number=number,
            form=cd.DecisionForm(decision, sheet.version, reason, tuple(materials)),
        )
    finally:
        st.close()


def _row_html(page: str, number: str) -> str:
    m = re.search(r'<tr[^>]*data-number="' + re.escape(number) + r'".*?</tr>', page, re.S)
    assert m, number
    return html.unescape(m.group(0))


def _material_html(page: str, key: str) -> str:
    m = re.search(r'<tr data-key="' + re.escape(key) + r'".*?</tr>', page, re.S)
    assert m, key
    return html.unescape(re.sub(r"\s+", " ", m.group(0)))


def test_a_credit_code_stays_whole_and_a_persons_id_is_masked(office):
    hub, _ws, client, _depts = office
    firm = _rows(hub, case_t.c.applicant_kind == "enterprise")[0]
    person = _rows(hub, case_t.c.applicant_kind == "person")[0]
    queue = client.get("/queue", params={"department": firm.department, "stage": firm.stage}).text
    assert firm.applicant_id_number in _row_html(queue, firm.number)
    queue = client.get("/queue", params={"department": person.department, "stage": person.stage}).text
    row = _row_html(queue, person.number)
    assert person.applicant_id_number not in row and person.applicant_id_number[-4:] in row
    assert firm.applicant_id_number in client.get(f"/cases/{firm.number}").text
    page = client.get(f"/cases/{person.number}").text
    assert person.applicant_id_number not in page and "*" in page


def test_a_denied_case_is_labelled_as_denied_in_the_queue(office):
    hub, _ws, client, _depts = office
    case = _rows(hub, case_t.c.state == "accepted")[0]
    _decide(hub, case.number, "deny", "不符合法定条件")
    queue = client.get("/queue", params={"department": case.department, "stage": "done"}).text
    row = _row_html(queue, case.number)
    assert t("state.denied") in row and t("console.stage_done") not in row


def test_the_search_keeps_the_state_filter_and_finds_a_numbers_tail(office):
    hub, _ws, client, _depts = office
    waiting = _rows(hub, case_t.c.state == "accepted")
    done = waiting[0]
    _decide(hub, done.number, "complete")
    # the default filter (待办) holds for a search: a decided case is not among the waiting
    found = client.get("/queue", params={"department": done.department, "q": done.applicant_name}).text
    assert f'data-number="{done.number}"' not in found
    found = client.get(
        "/queue", params={"department": done.department, "q": done.applicant_name, "stage": "all"}
    ).text
    assert f'data-number="{done.number}"' in found
    # the tail of a number, as a clerk reads it off a receipt
    other = waiting[1]
    for tail in (other.number[-6:], other.number[-11:], other.number[-6:].lower()):
        found = client.get("/queue", params={"department": other.department, "q": tail}).text
        assert f'data-number="{other.number}"' in found, tail


def test_a_search_lists_the_newest_cases_first_and_goes_on_at_a_key(office):
    """A search's page lists its matches newest first (their arrival at the hub), and the page
    at a next link's key (the last row's) goes on with the older ones."""
    hub, _ws, client, _depts = office
    newest = [
        r.number for r in sorted({r.number: r for r in _rows(hub)}.values(), key=lambda r: -r.created_seq)
    ]
    seqs = {r.number: r.created_seq for r in _rows(hub)}
    assert len(newest) >= 8
    found = client.get("/queue", params={"q": OFFICE, "stage": "all"}).text
    listed = list(dict.fromkeys(re.findall(r'data-number="([^"]+)"', found)))
    assert listed == newest
    on = client.get(
        "/queue", params={"q": OFFICE, "stage": "all", "page": "2", "after": str(seqs[newest[4]])}
    ).text
    assert list(dict.fromkeys(re.findall(r'data-number="([^"]+)"', on))) == newest[5:]


def test_the_queue_opens_on_all_of_the_users_departments_with_a_count_each(office):
    hub, _ws, client, depts = office
    st = hub.store()
    try:
        with st.ro() as c:
            per_dept = dict(
                c.execute(
                    select(queue_t.c.department, func.count())
                    .where(queue_t.c.waiting.is_(True))
                    .group_by(queue_t.c.department)
                ).all()
            )
            waiting = set(c.execute(select(queue_t.c.number).where(queue_t.c.waiting.is_(True))).scalars())
    finally:
        st.close()
    assert len([d for d in per_dept if per_dept[d]]) >= 2  # the data set spans departments
    page = client.get("/queue").text
    shown = set(re.findall(r'<tr[^>]*data-number="([^"]+)"', page))
    assert shown == waiting
    for d in depts:
        m = re.search(r'<option value="' + re.escape(d) + r'"[^>]*data-waiting="(\d+)"', page)
        assert m and int(m.group(1)) == per_dept.get(d, 0), d
    assert t("console.queue_total", n=len(waiting)) in html.unescape(page)


def test_a_correction_and_a_scanned_tolerated_material_read_as_at_the_window(office, tmp_path):
    hub, ws, client, _depts = office
    accepted = [r for r in _rows(hub, case_t.c.state == "accepted")]
    case = accepted[0]
    sheet_store = hub.store()
    try:
        sheet = cq.case_sheet(sheet_store, case.number)
        tolerated = next(
            (r.number, m["key"])
            for r in accepted
            for m in cq.case_sheet(sheet_store, r.number).checklist
            if m["status"] == "tolerated"
        )
    finally:
        sheet_store.close()
    key = next(m["key"] for m in sheet.checklist if m["status"] == "received")
    _decide(hub, case.number, "correction", "", [(key, "复印件不清晰，请重新复印")])
    row = _material_html(client.get(f"/cases/{case.number}").text, key)
    assert "复印件不清晰，请重新复印" in row
    assert (
        t("console.mat_received") not in row and t("console.mat_defective") in row
    )  # as the window marks it

    number, mat = tolerated
    jpeg = tmp_path / "scan.jpg"
    from PIL import Image

    Image.new("RGB", (300, 200), "gray").save(jpeg, "JPEG")
    attachments.add(ws, number, jpeg, name="容缺件.jpg", extra={"material": mat})
    assert run_cycle(ws).ok
    assert any(c.number == number for c in CaseService(ws).list())
    row = _material_html(client.get(f"/cases/{number}").text, mat)
    assert t("scans.electronic") in row and t("console.mat_tolerated") not in row


def test_the_back_offices_remark_on_its_decision_is_on_the_case_page(office):
    hub, _ws, client, _depts = office
    done, denied = _rows(hub, case_t.c.state == "accepted")[:2]
    _decide(hub, done.number, "complete", "请携带身份证原件领取")
    _decide(hub, denied.number, "deny", "经营场所不符合要求")
    page = html.unescape(client.get(f"/cases/{done.number}").text)
    m = re.search(r'id="decision-remarks">(.*?)<', page, re.S)
    assert m and "请携带身份证原件领取" in m.group(1)
    page = html.unescape(client.get(f"/cases/{denied.number}").text)
    assert "经营场所不符合要求" in page


def test_a_scans_caption_names_its_material_and_the_local_time(tmp_path):
    """Issue 18, one language: the caption read ``food_safety_rules · 2026-12-06T07:30`` (the
    material's code and a UTC ISO time); it names the material as the checklist does and the
    time as the hub's clock reads it (a hub in China, UTC+8)."""
    from datetime import datetime, timedelta, timezone

    from PIL import Image

    from tests.hubs import ConsoleHub

    hub = ConsoleHub(tmp_path / "hub", env={"TZ": "Asia/Shanghai"}).start()
    try:
        ws = make_workstation(
            tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=6, seed=5
        )
        assert run_cycle(ws).ok
        st = hub.store()
        try:
            depts = sorted(cq.departments(st))
            number = _rows(hub, case_t.c.state == "accepted")[0].number
            material = cq.case_sheet(st, number).checklist[0]
        finally:
            st.close()
        jpeg = tmp_path / "scan.jpg"
        Image.new("RGB", (300, 200), "gray").save(jpeg, "JPEG")
        attachments.add(ws, number, jpeg, name="营业执照.jpg", extra={"material": material["key"]})
        assert run_cycle(ws).ok
        ws.close()
        hub.add_user("全能", "backoffice", depts=depts)
        client = _session(hub, "全能")
        st = hub.store()
        try:
            at = next(s["at"] for s in cq.case_sheet(st, number).scans)
        finally:
            st.close()
        page = html.unescape(client.get(f"/cases/{number}").text)
        caption = re.sub(r"<[^>]+>", "", re.search(r"<figcaption>(.*?)</figcaption>", page, re.S).group(1))
        local = datetime.fromisoformat(at).astimezone(timezone(timedelta(hours=8)))
        assert caption.split(" · ") == ["营业执照.jpg", material["name"], local.strftime("%Y-%m-%d %H:%M")]
        assert material["key"] not in caption and "T" not in caption
        client.close()
    finally:
        hub.stop()
