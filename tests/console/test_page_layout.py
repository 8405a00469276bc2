"""The console's pages as a back-office user sees them at 1366×768 (issue 21, the console): an
overdue case reads 超期48个工作日 with the queue's total above the table, not a red ``-48``; the
补正 form is a compact aligned list, folded until asked; the statistics page pages its overdue
list; every page gives each access key to one control and stays within a bounded height. A real
hub process seeded by two real workstations (one of them ten weeks behind), Debian's chromium."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.messages import t
from app.services.cases import CaseService
from app.services.sync.cycle import run_cycle
from sync.hub import console_queries as cq
from sync.hub.schema import queue_t
from tests.browsers import chromium, login, new_page, shot
from tests.conftest import Clock
from tests.hubs import OFFICE, WSID, ConsoleHub, make_workstation

pytestmark = pytest.mark.slow  # a hub process and a browser

OLD_OFFICE = "320724101"
WIDTH, HEIGHT = 1366, 768
MAX_PAGE_HEIGHT = 5 * HEIGHT  # a page is read in a few screens (the statistics' was 11)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A hub with 30 cases of this week and 90 of ten weeks ago (their promises long past), and
    an admin (every department) and a back-office user."""
    root = tmp_path_factory.mktemp("layout")
    hub = ConsoleHub(root / "hub").start()
    try:
        old = make_workstation(
            root / "old",
            hub.url,
            hub.token("workstation", OLD_OFFICE, "01"),
            cases=90,
            seed=11,
            office=OLD_OFFICE,
            clock=Clock(datetime.now() - timedelta(days=70)),
        )
        assert run_cycle(old).ok
        old.close()
        ws = make_workstation(root / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=30, seed=5)
        assert run_cycle(ws).ok
        cases = CaseService(ws).list()
        ws.close()
        st = hub.store()
        try:
            depts = sorted(cq.departments(st))
        finally:
            st.close()
        hub.add_user("管理员", "admin", depts=depts)
        hub.add_user("全能", "backoffice", depts=depts)
        yield hub, cases, depts
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def browser():
    yield from chromium()


@pytest.fixture
def page(browser, request):
    yield from new_page(browser, request, WIDTH, HEIGHT)


def _overdue_in_queue(hub, depts) -> int:
    """Waiting cases of the departments past their promise, counted here from the queue table."""
    st = hub.store()
    try:
        with st.ro() as c:
            return int(
                c.execute(
                    select(func.count(func.distinct(queue_t.c.number))).where(
                        queue_t.c.department.in_(depts),
                        queue_t.c.stage.in_(cq.WAITING),
                        queue_t.c.due_date != "",
                        queue_t.c.due_date < date.today().isoformat(),
                    )
                ).scalar()
            )
    finally:
        st.close()


def test_an_overdue_case_reads_as_days_over_with_the_total_above_the_table(seeded, page):
    hub, _cases, depts = seeded
    login(page, hub, "全能")
    page.goto(hub.console("/queue"))
    overdue = _overdue_in_queue(hub, depts)
    assert overdue >= 20, overdue
    total = page.locator("#overdue-total")
    assert total.inner_text().strip() == t("console.queue_overdue_total", n=overdue)
    # the total stands above the table
    assert total.bounding_box()["y"] < page.locator("#queue").bounding_box()["y"]
    rows = page.locator("#queue tbody tr[data-urgency='overdue']")
    assert rows.count() >= 1
    for i in range(rows.count()):
        cell = rows.nth(i).locator("td").last.inner_text().strip()
        assert not re.search(r"-\d", cell), cell  # no minus sign for the clerk to decode
        assert re.fullmatch(t("console.overdue_days", n=r"(\d+)"), cell), cell
    # a case still in time reads as days left
    for cell in page.locator("#queue tbody tr[data-urgency='']").all():
        text = cell.locator("td").last.inner_text().strip()
        assert text == "" or re.fullmatch(r"\d+", text), text
    shot(page, "queue_1366")


def test_the_correction_form_is_folded_and_its_note_boxes_line_up(seeded, page):
    hub, cases, _depts = seeded
    login(page, hub, "全能")
    # the accepted case of this week with the longest checklist (a bundle: 开餐馆 has 26)
    best, most = "", 0
    for c in cases:
        if c.state != "accepted":
            continue
        page.goto(hub.console(f"/cases/{c.number}"))
        n = page.locator("table.checklist tbody tr[data-key]").count()
        if n > most and page.locator("#decide-correction").count():
            best, most = c.number, n
    assert most >= 10, most
    page.goto(hub.console(f"/cases/{best}"))
    form = page.locator("#decide-correction")
    # folded: the form is a line or two until the user opens the list
    assert form.bounding_box()["height"] <= 200, form.bounding_box()
    assert not form.locator("input[name=material]").first.is_visible()
    form.locator("summary").focus()
    page.keyboard.press("Enter")  # by keyboard, as the rest of the console
    boxes = form.locator("input[type=text][name^=note_]")
    assert boxes.count() == most
    lefts = {round(boxes.nth(i).bounding_box()["x"]) for i in range(most)}
    widths = {round(boxes.nth(i).bounding_box()["width"]) for i in range(most)}
    assert len(lefts) == 1 and len(widths) == 1, (lefts, widths)  # one aligned column
    # each material is one compact row: its checkbox and its box on the same line
    for i in range(most):
        row = form.locator("tbody tr").nth(i)
        box = row.bounding_box()
        assert box["height"] <= 40, (i, box)
        check = row.locator("input[type=checkbox]").bounding_box()
        note = row.locator("input[type=text]").bounding_box()
        assert abs((check["y"] + check["height"] / 2) - (note["y"] + note["height"] / 2)) < box["height"] / 2
    shot(page, "correction_form_open")
    # and it still sends what was chosen
    key = form.locator("input[name=material]").first.get_attribute("value")
    form.locator(f"input[name=material][value='{key}']").check()
    form.locator(f"input[name='note_{key}']").fill("复印件模糊不清")
    form.get_by_role("button", name=t("console.decide_correction")).click()
    page.wait_for_load_state()
    assert "复印件模糊不清" in page.content()


def test_the_statistics_page_pages_its_overdue_list(seeded, page):
    hub, _cases, _depts = seeded
    login(page, hub, "管理员")
    page.goto(hub.console("/stats"))
    total = int(page.locator("#kpi-overdue").inner_text())
    assert total > 60, total  # more than two pages
    rows = page.locator("#table-overdue tbody tr[data-case]")
    first = [rows.nth(i).get_attribute("data-case") for i in range(rows.count())]
    assert 0 < len(first) <= 20, len(first)
    # each row links to its case page
    href = rows.first.locator("a").get_attribute("href")
    assert href == f"/console/cases/{first[0]}"
    # the next page by its access key's link; the period and office filters are kept
    nxt = page.locator("#overdue-pages a[rel=next]")
    assert nxt.get_attribute("accesskey") == "n"
    nxt.click()
    page.wait_for_load_state()
    assert "overdue_page=2" in page.url and "#overdue" in page.url
    second = [rows.nth(i).get_attribute("data-case") for i in range(rows.count())]
    assert second and not set(first) & set(second)
    assert page.locator("#overdue-pages a[rel=prev]").get_attribute("accesskey") == "p"


def test_every_page_at_1366x768_has_unique_access_keys_and_a_bounded_height(seeded, page):
    hub, cases, _depts = seeded
    number = next(c.number for c in cases if c.state == "accepted")
    login(page, hub, "管理员")
    pages = ["/", "/queue", f"/cases/{number}", "/workstations", "/stats", "/users", "/tokens"]
    heights = {}
    for path in pages:
        page.goto(hub.console(path))
        assert page.locator("h1").count() == 1, path
        keys = page.eval_on_selector_all("[accesskey]", "els => els.map(e => e.accessKey.toLowerCase())")
        assert keys, path
        assert len(keys) == len(set(keys)), (path, sorted(keys))
        heights[path] = page.evaluate("document.documentElement.scrollHeight")
        shot(page, f"page_1366{path.replace('/', '_') or '_home'}")
    print("page heights at 1366x768:", heights)
    assert {p: h for p, h in heights.items() if h > MAX_PAGE_HEIGHT} == {}, heights
