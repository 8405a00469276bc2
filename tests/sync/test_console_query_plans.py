"""The console's queue, search and case page read through indexes at a province's size (issue 20
§4): on a PostgreSQL hub of 50,000 cases (a template of cases pushed as windows push them, then
copied in the database as bench_console_scale does, ANALYZEd), every statement the queue page,
its searches, its office list and the case page issue is EXPLAINed; none may read the cases or
the queue table whole (a Seq Scan on hub_case, hub_queue or hub_event), which is what makes
their time grow with the number of cases."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import event, func, select

from app.domain.workdays import load_calendar
from sync.hub import console_queries as cq
from sync.hub.schema import queue_count_t
from sync.hub.store import open_hub

pytestmark = pytest.mark.slow

CASES = 50_000
BIG_TABLES = ("hub_case", "hub_queue", "hub_event")
SEQ = re.compile(r"Seq Scan on (\w+)")


@pytest.fixture(scope="module")
def province(pg_cluster, tmp_path_factory):
    from tests.bench import bench_console, bench_console_scale

    tmp = tmp_path_factory.mktemp("province")
    store = open_hub(tmp / "hub", pg_cluster.create_db())
    bench_console._seed(tmp, store, 400, 4)
    template = store.counts()["cases"]
    bench_console_scale._copy_rows(store, -(-CASES // template) - 1)
    assert store.counts()["cases"] >= CASES
    yield store
    store.close()


def _statements(store, run) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    engines = {store.engine, store.read_engine}
    for eng in engines:
        event.listen(eng, "before_cursor_execute", capture)
    try:
        run()
    finally:
        for eng in engines:
            event.remove(eng, "before_cursor_execute", capture)
    assert seen
    return seen


def _seq_scans(store, statements) -> list[str]:
    found = []
    with store.ro() as c:
        # Priced as on the SSD a hub runs on (random reads cost about what sequential ones do):
        # with the default 4.0, at 50,000 rows the planner may prefer a Seq Scan of hub_queue to
        # a few hundred index lookups, a choice it never makes at 10,000,000 rows.
        c.exec_driver_sql("SET random_page_cost = 1.1")
        try:
            for sql, params in statements:
                plan = "\n".join(r[0] for r in c.exec_driver_sql("EXPLAIN " + sql, params).all())
                found += [f"{t} in: {sql[:300]}\n{plan}" for t in SEQ.findall(plan) if t in BIG_TABLES]
        finally:
            c.exec_driver_sql("RESET random_page_cost")
    return found


def test_the_queue_its_search_and_the_case_page_use_indexes(province, monkeypatch):
    store = province
    with store.ro() as c:
        qc = queue_count_t
        by = dict(
            c.execute(
                select(qc.c.department, func.sum(qc.c.n))
                .where(qc.c.stage.in_(cq.WAITING))
                .group_by(qc.c.department)
            ).all()
        )
    big = max(by, key=by.get)
    with store.ro() as c:
        number, name, idn = c.execute(
            select(cq.case_t.c.number, cq.case_t.c.applicant_name, cq.case_t.c.applicant_id_number)
            .join(cq.queue_t, cq.queue_t.c.number == cq.case_t.c.number)
            .where(cq.queue_t.c.department == big, cq.queue_t.c.stage == cq.NEW)
            .limit(1)
        ).one()
    seven = tuple(sorted(by, key=lambda d: -by[d])[:7])
    office = cq.queue_offices(store, big)[5]
    cal = load_calendar()
    filters = [
        cq.QueueFilter(department=big, departments=(big,), page=3),
        cq.QueueFilter(department="", departments=seven, page=3),
        cq.QueueFilter(department=big, departments=(big,), office=office, stage="done"),
        cq.QueueFilter(department="", departments=seven, office=office, stage=cq.ALL),
        cq.QueueFilter(department="", departments=seven, stage="review", page=2),
    ]
    for q in (number, number[-6:], number[10:24], idn, name[:2], name):
        filters += [
            cq.QueueFilter(department=big, departments=(big,), query=q),
            cq.QueueFilter(department="", departments=seven, query=q),
        ]
    # a name's first character, a number's end from its day, an office's filter, a page at a key
    for q in (name[:1], number[-13:]):
        filters.append(cq.QueueFilter(department="", departments=seven, query=q))
    filters += [
        cq.QueueFilter(department=big, departments=(big,), query=name[:2], office=office, stage=cq.ALL),
        cq.QueueFilter(department=big, departments=(big,), query=name[:2], page=2, after="9" * 9),
        cq.QueueFilter(department="", departments=seven, query=number[-6:], page=2, before="1"),
    ]
    pages = []

    def run():
        for flt in filters:
            pages.append(cq.queue_page(store, flt, today=date.today(), calendar=cal))
        cq.queue_offices(store, seven)
        assert cq.case_sheet(store, number) is not None
        # a search's page past the matches read for its total (its window on the index)
        with monkeypatch.context() as m:
            m.setattr(cq, "COUNT_CAP", 3)
            for flt in filters[-2:]:
                cq.queue_page(store, flt, today=date.today(), calendar=cal)
            cq.queue_page(store, replace(filters[-1], before=""), today=date.today(), calendar=cal)

    scans = _seq_scans(store, _statements(store, run))
    assert scans == [], "\n\n".join(scans)
    # and they found what they were asked for
    assert pages[0].total == by[big] and len(pages[0].items) == 50
    searched = pages[5:]
    for i in (0, 2, 4, 6, 10):  # the number, its tail, its middle, the ID, the name (one department)
        flt, page, seen = filters[5 + i], searched[i], []
        while number not in seen and page.items:  # newest first: it may be on a later page
            seen += [it.number for it in page.items]
            if not page.more:
                break
            flt = replace(flt, page=flt.page + 1, after=flt.key_of(page.items[-1]))
            page = cq.queue_page(store, flt, today=date.today(), calendar=cal)
        assert number in seen, (flt.query, len(seen))


def test_a_search_of_more_than_1000_matches_lists_the_newest_first(province):
    """A search that matches more than COUNT_CAP cases (shown "1000+") lists the newest matches
    of all first (the case's created_seq at the hub, descending), not some 1,001 read in an
    index's order; the next and previous links (by key) go on from there, past the 1,001st."""
    store = province
    with store.ro() as c:
        rows = c.execute(
            select(cq.case_t.c.number, cq.case_t.c.created_seq, cq.case_t.c.applicant_name)
            .where(cq.case_t.c.number.in_(select(cq.queue_t.c.number)))
            .order_by(cq.case_t.c.created_seq.desc())
        ).all()
        every = tuple(sorted(c.execute(select(cq.queue_t.c.department).distinct()).scalars()))
    counts: dict[str, int] = {}
    for r in rows:  # a name's first 2 characters (its index), else its first (a range)
        for q in (r.applicant_name[:2], r.applicant_name[:1]):
            counts[q] = counts.get(q, 0) + 1
    query = next(q for q in sorted(counts, key=lambda q: (-len(q), -counts[q])) if counts[q] > 1100)
    newest = [r.number for r in rows if r.applicant_name.startswith(query)]
    cal = load_calendar()
    flt = cq.QueueFilter(department="", departments=every, stage=cq.ALL, query=query)

    def page(**kw) -> cq.QueuePage:
        return cq.queue_page(store, replace(flt, **kw), today=date.today(), calendar=cal)

    first = page()
    assert first.capped and first.more
    assert [it.number for it in first.items] == newest[:50]
    shown = first.items
    for n in range(2, 4):
        shown = page(page=n, after=flt.key_of(shown[-1])).items
        assert [it.number for it in shown] == newest[(n - 1) * 50 : n * 50]
    back = page(page=2, before=flt.key_of(shown[0]))
    assert [it.number for it in back.items] == newest[50:100]
    # past the COUNT_CAP + 1 matches read for the total: from the index at the key
    deep = page(page=22, after=str(_seq_of(store, newest[1049])))
    assert [it.number for it in deep.items] == newest[1050:1100]
    assert page(page=21, before=flt.key_of(deep.items[0])).items[-1].number == newest[1049]


def _seq_of(store, number: str) -> int:
    with store.ro() as c:
        return int(c.execute(select(cq.case_t.c.created_seq).where(cq.case_t.c.number == number)).scalar())
