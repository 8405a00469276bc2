"""The console's queues and decisions against the hub store (SQLite and PostgreSQL), with cases
a real workstation store decided (demo seed goes through the window's decision writer)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from app.domain.workdays import load_calendar
from app.services.sync import outbox as local
from sync import protocol
from sync.hub import console_decisions as cd
from sync.hub import console_queries as cq
from sync.hub.store import Principal, open_hub
from tests.hubs import OFFICE, WSID, make_workstation


@pytest.fixture
def seeded(tmp_path: Path, hub_db):
    ws = make_workstation(tmp_path / "ws", "http://127.0.0.1:9", "none", cases=40, seed=11)
    hub = open_hub(tmp_path / "hub", hub_db)
    batch = local.next_batch(ws.store, max_events=100_000, max_bytes=10**9)
    res = hub.push(Principal("workstation", OFFICE, WSID, ""), [protocol.parse_event(e) for e in batch])
    assert not res.refused
    yield ws, hub
    hub.close()


def _accepted(hub) -> list[dict]:
    from sqlalchemy import select

    from sync.hub.store import case_t

    with hub.ro() as c:
        rows = c.execute(select(case_t).where(case_t.c.state == "accepted").order_by(case_t.c.number)).all()
    return [dict(r._mapping) for r in rows]


def _page(hub, dept: str = "", **kw) -> cq.QueuePage:
    return cq.queue_page(
        hub, cq.QueueFilter(department=dept, **kw), today=date.today(), calendar=load_calendar()
    )


def test_queue_lists_each_departments_accepted_cases_oldest_first(seeded):
    ws, hub = seeded
    accepted = _accepted(hub)
    assert accepted, "the seed accepts some cases"
    seen: set[str] = set()
    for dept in cq.departments(hub):
        page = _page(hub, dept, per_page=200)
        keys = [(i.received_on, i.number) for i in page.items]
        assert keys == sorted(keys)
        assert page.total == len(page.items)
        for it in page.items:
            assert it.stage == cq.NEW and it.state == "accepted"
            assert it.due_date and it.days_left is not None
            assert dept in cq.case_departments(hub, it.number)
            seen.add(it.number)
    # every accepted case is in the queue of at least one department, nothing else is
    assert seen == {c["number"] for c in accepted}


def test_queue_paging_filters_and_search(seeded):
    ws, hub = seeded
    accepted = _accepted(hub)
    case = accepted[0]
    dept = sorted(cq.case_departments(hub, case["number"]))[0]
    full = _page(hub, dept, per_page=200)
    if full.total >= 2:
        p1, p2 = _page(hub, dept, per_page=1), _page(hub, dept, per_page=1, page=2)
        assert p1.pages == full.total and p1.items[0].number != p2.items[0].number
    assert [i.number for i in _page(hub, dept, query=case["number"]).items] == [case["number"]]
    assert case["number"] in [i.number for i in _page(hub, dept, query=case["applicant_id_number"]).items]
    assert case["number"] in [i.number for i in _page(hub, dept, query=case["applicant_name"][:1]).items]
    assert _page(hub, dept, query="320724100-99-").total == 0
    assert _page(hub, dept, office="999999999").total == 0
    assert _page(hub, dept, subject=case["subject_code"]).total >= 1
    assert _page(hub, dept, stage=cq.REVIEW).total == 0


def test_overdue_and_warning_against_the_promised_date(seeded):
    ws, hub = seeded
    cal = load_calendar()
    for dept in cq.departments(hub):
        page = _page(hub, dept, per_page=200)
        if page.items:
            break
    it = page.items[0]
    due = date.fromisoformat(it.due_date)
    late = cq.queue_page(
        hub, cq.QueueFilter(department=dept, per_page=200), today=due + timedelta(days=10), calendar=cal
    )
    got = next(i for i in late.items if i.number == it.number)
    assert got.days_left < 0 and got.urgency == "overdue"
    on_due = cq.queue_page(hub, cq.QueueFilter(department=dept, per_page=200), today=due, calendar=cal)
    got = next(i for i in on_due.items if i.number == it.number)
    assert got.days_left == 0 and got.urgency == "warn"


def test_decisions_move_the_case_through_the_queue_and_record_the_user(seeded):
    ws, hub = seeded
    case = _accepted(hub)[0]
    num = case["number"]
    depts = sorted(cq.case_departments(hub, num))
    sheet = cq.case_sheet(hub, num)
    assert sheet.checklist and sheet.decisions == ["in_review", "correction", "complete", "deny"]
    cd.decide(
        hub,
        user_name="李审批",
        departments=depts,
        number=num,
        form=cd.DecisionForm("in_review", sheet.version),
    )
    sheet = cq.case_sheet(hub, num)
    assert sheet.stage == cq.REVIEW and sheet.case["state"] == "in_review"
    last = sheet.timeline[-1]
    assert last["by"] == "backoffice:李审批" and last["actor"] == "李审批" and last["side"] == "backoffice"
    assert num in [i.number for i in _page(hub, depts[0], stage=cq.REVIEW).items]
    keys = [m["key"] for m in sheet.checklist[:2]]
    form = cd.DecisionForm(
        "correction", sheet.version, "请补充", ((keys[0], "复印件不清晰"), (keys[1], "缺少签字"))
    )
    cd.decide(hub, user_name="李审批", departments=depts, number=num, form=form)
    sheet = cq.case_sheet(hub, num)
    assert sheet.case["state"] == "correction" and sheet.stage == cq.CORRECTION
    p = sheet.timeline[-1]["payload"]
    assert [m["k"] for m in p["materials"]] == keys and p["materials"][0]["note"] == "复印件不清晰"
    assert num not in [i.number for i in _page(hub, depts[0], per_page=200).items]
    assert num in [i.number for i in _page(hub, depts[0], stage=cq.CORRECTION).items]


def test_a_decision_on_a_changed_case_is_refused_and_nothing_is_written(seeded):
    ws, hub = seeded
    case = _accepted(hub)[0]
    num = case["number"]
    depts = sorted(cq.case_departments(hub, num))
    seen = cq.case_sheet(hub, num).version
    cd.decide(hub, user_name="甲", departments=depts, number=num, form=cd.DecisionForm("in_review", seen))
    n = len(cq.case_sheet(hub, num).timeline)
    with pytest.raises(cd.DecisionRefused) as exc:
        cd.decide(hub, user_name="乙", departments=depts, number=num, form=cd.DecisionForm("complete", seen))
    assert exc.value.code == "changed" and "审批中" in exc.value.message
    after = cq.case_sheet(hub, num)
    assert len(after.timeline) == n and after.case["state"] == "in_review"


def test_bad_input_and_foreign_departments_write_nothing(seeded):
    ws, hub = seeded
    case = _accepted(hub)[0]
    num = case["number"]
    depts = sorted(cq.case_departments(hub, num))
    sheet = cq.case_sheet(hub, num)
    with pytest.raises(cd.DecisionInvalid) as exc:
        cd.decide(
            hub,
            user_name="甲",
            departments=depts,
            number=num,
            form=cd.DecisionForm("deny", sheet.version, "  "),
        )
    assert "reason" in exc.value.errors
    with pytest.raises(cd.DecisionInvalid) as exc:
        cd.decide(
            hub,
            user_name="甲",
            departments=depts,
            number=num,
            form=cd.DecisionForm("correction", sheet.version),
        )
    assert "materials" in exc.value.errors
    key = sheet.checklist[0]["key"]
    with pytest.raises(cd.DecisionInvalid) as exc:
        cd.decide(
            hub,
            user_name="甲",
            departments=depts,
            number=num,
            form=cd.DecisionForm("correction", sheet.version, "", ((key, ""),)),
        )
    assert f"note_{key}" in exc.value.errors
    with pytest.raises(cd.DecisionRefused) as exc2:
        cd.decide(
            hub,
            user_name="甲",
            departments=["不相干局"],
            number=num,
            form=cd.DecisionForm("complete", sheet.version),
        )
    assert exc2.value.code == "forbidden"
    assert cq.case_sheet(hub, num).version == sheet.version


def test_queue_is_rebuilt_for_cases_from_before_the_console(seeded):
    ws, hub = seeded
    from sqlalchemy import delete, func, select

    with hub.ro() as c:
        before = c.execute(select(func.count()).select_from(cq.queue_t)).scalar()
    assert before > 0
    with hub.tx() as c:
        c.execute(delete(cq.queue_t))
        c.execute(
            delete(__import__("sync.hub.store", fromlist=["meta_t"]).meta_t).where(
                __import__("sync.hub.store", fromlist=["meta_t"]).meta_t.c.key == "console_queue"
            )
        )
    hub.init()
    with hub.ro() as c:
        assert c.execute(select(func.count()).select_from(cq.queue_t)).scalar() == before


def _count_rows(hub) -> dict:
    from sqlalchemy import select

    qc = cq.queue_count_t
    with hub.ro() as c:  # summed over the parts (a writer adds to its connection's part)
        rows = c.execute(select(qc.c.department, qc.c.departments, qc.c.stage, qc.c.n)).all()
    out: dict = {}
    for r in rows:
        out[tuple(r[:3])] = out.get(tuple(r[:3]), 0) + int(r[3])
    return {k: n for k, n in out.items() if n}


def test_the_queue_counts_follow_every_stage_change_in_its_transaction(seeded):
    """hub_queue_count (the tabs' and departments' counts at a province's size) is kept by the
    queue's own writes: after pushes and decisions it equals a recount of hub_queue, and the page's
    counts agree with the rows it lists."""
    from sync.hub.queue import rebuild_queue_counts

    ws, hub = seeded
    nums = [k["number"] for k in _accepted(hub)[:3]]
    for num, decision in zip(nums, ("in_review", "complete", "deny"), strict=False):
        sheet = cq.case_sheet(hub, num)
        extra = "理由" if decision == "deny" else ""
        cd.decide(
            hub,
            user_name="李审批",
            departments=sorted(cq.case_departments(hub, num)),
            number=num,
            form=cd.DecisionForm(decision, sheet.version, extra),
        )
    kept = _count_rows(hub)
    assert kept
    with hub.tx() as c:
        rebuild_queue_counts(c)
    assert _count_rows(hub) == kept
    for dept in cq.departments(hub):
        page = _page(hub, dept, stage=cq.ALL, per_page=200)
        assert page.total == len(page.items)
        for stage in cq.WAITING:
            assert page.counts.get(stage, 0) == sum(1 for i in page.items if i.stage == stage)


def test_next_and_previous_pages_by_key_are_the_numbered_pages(seeded):
    """Keyset paging (the next/previous links carry the key of the last/first row shown): each
    page read at its key is the page counted from the start, for one department and for all."""
    ws, hub = seeded
    every = tuple(cq.departments(hub))
    big = max(every, key=lambda d: _page(hub, d, stage=cq.ALL).total)
    for dept, kw in ((big, {}), ("", {"departments": every})):
        whole = [i.number for i in _page(hub, dept, stage=cq.ALL, per_page=200, **kw).items]
        assert len(whole) >= 6
        pages, after = [], ""
        for n in range(1, 4):
            p = _page(hub, dept, stage=cq.ALL, per_page=2, page=n, after=after, **kw)
            pages.append([i.number for i in p.items])
            after = cq.QueueFilter.cursor(p.items[-1])
        assert pages == [whole[0:2], whole[2:4], whole[4:6]]
        third = _page(hub, dept, stage=cq.ALL, per_page=2, page=3, **kw)
        back = _page(
            hub, dept, stage=cq.ALL, per_page=2, page=2, before=cq.QueueFilter.cursor(third.items[0]), **kw
        )
        assert [i.number for i in back.items] == whole[2:4]


def test_a_search_lists_the_newest_matches_first_and_pages_by_key(seeded, monkeypatch):
    """A search's matches are listed newest first (the case's arrival at the hub), over all of
    them, not over the COUNT_CAP + 1 read for the total; next/previous pages by the key of the
    last/first row shown go on past those (here with the cap made small)."""
    from sqlalchemy import select

    from sync.hub.schema import case_t, queue_t

    ws, hub = seeded
    every = tuple(cq.departments(hub))
    with hub.ro() as c:
        newest = list(
            c.execute(
                select(case_t.c.number)
                .where(case_t.c.number.in_(select(queue_t.c.number)))
                .order_by(case_t.c.created_seq.desc())
            ).scalars()
        )
        office = list(
            c.execute(
                select(case_t.c.number).where(case_t.c.office == OFFICE).order_by(case_t.c.created_seq.desc())
            ).scalars()
        )
    assert len(newest) >= 12
    monkeypatch.setattr(cq, "COUNT_CAP", 5)
    kw = {"departments": every, "stage": cq.ALL, "query": OFFICE, "per_page": 3}
    first = _page(hub, **kw)
    # the total: those in the queue among the office's 6 newest cases, a lower bound
    assert first.capped and first.total == len(set(office[:6]) & set(newest)) and first.more
    assert [i.number for i in first.items] == newest[:3]
    flt = cq.QueueFilter(department="", **kw)
    shown, pages = first.items, [[i.number for i in first.items]]
    for n in range(2, 5):  # past the 6 read for the total
        shown = _page(hub, page=n, after=flt.key_of(shown[-1]), **kw).items
        pages.append([i.number for i in shown])
    assert pages == [newest[0:3], newest[3:6], newest[6:9], newest[9:12]]
    back = _page(hub, page=3, before=flt.key_of(shown[0]), **kw)
    assert [i.number for i in back.items] == newest[6:9]
    assert [i.number for i in _page(hub, page=2, **kw).items] == newest[3:6]
    monkeypatch.setattr(cq, "COUNT_CAP", 1000)
    whole = _page(hub, **{**kw, "per_page": 200})
    assert not whole.capped and not whole.more and whole.total == len(newest)
    assert [i.number for i in whole.items] == newest


def test_a_search_by_a_numbers_end_finds_it(seeded):
    ws, hub = seeded
    case = _accepted(hub)[0]
    dept = sorted(cq.case_departments(hub, case["number"]))[0]
    for part in (case["number"][-6:], case["number"][-13:], case["number"][-6:].lower()):
        found = _page(hub, dept, query=part, per_page=200)
        assert case["number"] in [i.number for i in found.items]
        assert all(i.number.endswith(part.upper()) for i in found.items)


def test_the_page_says_when_the_newest_matches_read_hold_none_of_the_filter(seeded, monkeypatch, tmp_path):
    """A search counted among its newest COUNT_CAP + 1 matching cases says "at least N" when
    more match, and says that none of those read is in the filter rather than "at least 0"."""
    from app.messages import t
    from sync.hub.console_store import ConsoleStore
    from tests.bench import bench_console

    ws, hub = seeded
    every = sorted(cq.departments(hub))
    ConsoleStore(hub).add_user("bench", "backoffice", bench_console.PASSWORD, every)
    client = bench_console._client(hub, tmp_path / "hub")
    try:
        monkeypatch.setattr(cq, "COUNT_CAP", 2)
        some = client.get("/console/queue", params={"q": OFFICE, "stage": "all"}).text
        assert t("console.queue_total_capped", n=2) in some or t("console.queue_total_capped", n=3) in some
        none = client.get("/console/queue", params={"q": OFFICE, "stage": "correction"}).text
        assert t("console.queue_total_capped_none", n=3) in none
    finally:
        client.__exit__(None, None, None)
