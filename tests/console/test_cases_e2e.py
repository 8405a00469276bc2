"""The back office at work, end to end: a real workstation store syncs to a real hub process, a
back-office user finds the case in the console (Debian chromium, headless), opens its scan,
decides 补正 with two materials; the window syncs and prints the 补正材料通知书 to a real TCP
listener; the applicant comes back, the window accepts again, the case returns to the queue and
the user decides 办结: the window lists it ready for pickup. A decision on a case that changed
in between is refused with a message. Screenshots of the queue and the case page are kept."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

from app.messages import t
from app.services.cases import CaseService
from app.services.intake import IntakeService
from app.services.printing import PrintSpool
from app.services.sync import attachments
from app.services.sync import outbox as local
from app.services.sync.cycle import run_cycle
from sync.hub import console_decisions as cd
from sync.hub import console_queries as cq
from tests.browsers import login, shot
from tests.hubs import OFFICE, WSID, make_workstation
from tests.printing.listener import PrinterListener
from tests.printing.paper import read_paper

pytestmark = pytest.mark.slow  # a hub process and a browser


def _png(path: Path) -> Path:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 560), "white")
    ImageDraw.Draw(img).rectangle((40, 40, 360, 120), outline="black", width=4)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def _hub_departments(hub, number: str) -> list[str]:
    st = hub.store()
    try:
        return sorted(cq.case_departments(st, number))
    finally:
        st.close()


def test_console_case_flow_with_the_window(tmp_path: Path, console_hub, page):
    hub = console_hub
    ws = make_workstation(tmp_path / "ws", hub.url, hub.token("workstation", OFFICE, WSID), cases=14, seed=5)
    accepted = sorted(
        (c for c in CaseService(ws).list() if c.state == "accepted" and c.subject_kind == "matter"),
        key=lambda c: c.number,
    )
    case, other = accepted[0], accepted[1]
    scan_sha = attachments.add(ws, case.number, _png(tmp_path / "scan.png"), name="营业执照扫描.png")
    rep = run_cycle(ws)
    assert rep.ok and rep.attachments == 1, rep.error
    dept = _hub_departments(hub, case.number)[0]
    other_dept = _hub_departments(hub, other.number)
    hub.add_user("王审批", depts=sorted({dept, *other_dept}))

    # --- find the case in the queue -------------------------------------------------------------
    login(page, hub, "王审批")
    page.goto(hub.console(f"/queue?department={dept}"))
    assert page.locator(f"tr[data-number='{case.number}']").count() == 1
    page.fill("#queue-search", case.applicant_id_number)
    page.press("#queue-search", "Enter")
    page.wait_for_load_state()
    row = page.locator(f"tr[data-number='{case.number}']")
    assert row.count() == 1
    # a person's ID is masked in the list; an enterprise's credit code is public and stays whole
    shown = case.applicant_id_number in page.locator("#queue").inner_text()
    assert shown == (case.applicant_kind == "enterprise")
    shot(page, "queue")
    row.locator("a").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == t("console.case_title", number=case.number)

    # --- its scan, shown in the page from the hub's attachment store -------------------------------------
    img = page.locator("figure.scan img")
    assert img.count() == 1
    page.wait_for_function("document.querySelector('figure.scan img').naturalWidth > 0")
    assert page.evaluate("document.querySelector('figure.scan img').naturalWidth") == 400
    scan_url = page.locator("figure.scan figcaption a").get_attribute("href")
    assert scan_url.endswith(scan_sha)
    r = page.request.get(hub.url + scan_url)
    assert r.status == 200 and r.headers["content-type"] == "image/png"
    shot(page, "case_page")

    # --- 补正 with two materials, then 确认 ----------------------------------------------------------------
    form = page.locator("#decide-correction")
    form.locator("summary").click()  # the list of materials is folded until asked
    keys = [form.locator("input[name=material]").nth(i).get_attribute("value") for i in (0, 1)]
    names = [page.locator(f"tr[data-key='{k}'] td").first.inner_text().split("（")[0].strip() for k in keys]
    for k, note in zip(keys, ("复印件模糊不清", "缺少单位公章"), strict=True):
        form.locator(f"input[name=material][value='{k}']").check()
        form.locator(f"input[name='note_{k}']").fill(note)
    form.get_by_role("button", name=t("console.decide_correction")).click()
    page.wait_for_load_state()
    assert "复印件模糊不清" in page.content()
    page.get_by_role("button", name=t("console.case_confirm")).click()
    page.wait_for_load_state()
    assert page.locator("#notice").inner_text() == t("console.decide_correction_done")
    assert page.locator("#case-state").inner_text().startswith(t("state.correction"))
    last = page.locator("table.timeline tbody tr").last
    assert last.get_attribute("data-side") == "backoffice" and "王审批" in last.inner_text()

    # --- the window syncs: 待补正, and the notice comes out of the printer ----------------------------------
    with PrinterListener("accept") as printer:
        ws.config.set("printer.url", printer.url)
        ws.config.save()
        assert run_cycle(ws).ok
        now = CaseService(ws).get(case.number)
        assert t(f"state.{now.state}") == "待补正"
        _results, left = PrintSpool(ws).drain()
        assert left == 0
        (job,) = printer.wait_jobs(1)
    paper = read_paper(job)
    assert "补正材料通知书" in paper.text and case.number in paper.text
    for name, note in zip(names, ("复印件模糊不清", "缺少单位公章"), strict=True):
        assert name[:6] in paper.text and note in paper.text

    # --- the applicant comes back; the window accepts again; the case returns to the queue ------------------
    svc = IntakeService(ws)
    draft = svc.resume(case.number)
    draft.marks = [
        dataclasses.replace(m, status="received", note="") if m.status == "defective" else m
        for m in draft.marks
    ]
    svc.accept(draft)
    ws.config.set("printer.url", f"dir://{tmp_path / 'prints'}")
    ws.config.save()
    assert run_cycle(ws).ok
    page.goto(hub.console(f"/queue?department={dept}&stage=returned"))
    page.locator(f"tr[data-number='{case.number}'] a").click()
    page.wait_for_load_state()
    page.locator("#decide-complete").get_by_role("button", name=t("console.decide_complete")).click()
    page.wait_for_load_state()
    page.get_by_role("button", name=t("console.case_confirm")).click()
    page.wait_for_load_state()
    assert page.locator("#case-state").inner_text().startswith(t("state.completed"))
    assert run_cycle(ws).ok
    assert case.number in [c.number for c in local.ready_for_pickup(ws.store)]

    # --- a case that changed in between: refused with a message, nothing written -----------------------------
    page.goto(hub.console(f"/cases/{other.number}"))
    page.locator("#decide-complete").get_by_role("button", name=t("console.decide_complete")).click()
    page.wait_for_load_state()
    st = hub.store()  # meanwhile, a colleague puts the case in review
    try:
        sheet = cq.case_sheet(st, other.number)
        cd.decide(
            st,
            user_name="李同事",
            departments=sheet.departments,
            number=other.number,
            form=cd.DecisionForm("in_review", sheet.version),
        )
    finally:
        st.close()
    page.get_by_role("button", name=t("console.case_confirm")).click()
    page.wait_for_load_state()
    message = page.locator("#decision-error").inner_text()
    assert message == t("console.case_changed", number=other.number, state=t("state.in_review"))
    assert page.locator("#case-state").inner_text().startswith(t("state.in_review"))
    kinds = [r.get_attribute("data-kind") for r in page.locator("table.timeline tbody tr").all()]
    assert kinds.count("case.completed") == 0
    shot(page, "case_changed")
    ws.close()
