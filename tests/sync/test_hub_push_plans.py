"""A push reads what it needs by its keys (issue 20, ≥ 5,000 events/s pushed on PostgreSQL).

On a PostgreSQL hub holding some thousand cases, every SELECT a push issues is EXPLAINed. Found
by profiling the push benchmark: ``number IN (...)`` on hub_case was answered through the
console's trigram index on the case number (``ix_hub_case_number_trgm``, made for searches by a
part of a number): every number's trigrams are shared by every case of its office, so one
batch's lookup read the whole index (about 2 s at 6,000 cases, growing with the cases); and the
office records of a batch's applicants were read by a chain of ORs filtered over every record of
the office."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from sync import protocol
from sync.hub.store import open_hub
from tests.bench import hub_push_load as hp

pytestmark = pytest.mark.slow


def _push_statements(store, who, doc) -> tuple[list[tuple[str, object]], object]:
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "pg_" not in statement:
            seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        _batch, events = protocol.parse_batch(doc)
        result = store.push(who, events)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    return seen, result


def test_a_push_reads_cases_and_applicants_by_their_keys(pg_cluster, tmp_path):
    store = open_hub(tmp_path / "hub", pg_cluster.create_db())
    try:
        windows = [hp.ws_id(i) for i in range(6)]
        tokens = {ws: store.add_token("workstation", hp.OFFICE, ws, f"窗口{ws}") for ws in windows}
        docs = {ws: hp.window_docs(ws, 3, 200, date(2026, 11, 2)) for ws in windows}
        for ws in windows:  # 1,800 cases, each with its applicant
            who = store.principal(tokens[ws])
            for doc in docs[ws][:2]:
                assert store.push(who, protocol.parse_batch(doc)[1]).applied == 200
        with store.engine.begin() as c:
            c.exec_driver_sql("ANALYZE")
        who = store.principal(tokens[windows[0]])
        statements, result = _push_statements(store, who, docs[windows[0]][2])
        assert result.applied == 200 and not result.refused
        bad = []
        with store.ro() as c:
            for sql, params in statements:
                plan = "\n".join(r[0] for r in c.exec_driver_sql("EXPLAIN " + sql, params).all())
                if "number_trgm" in plan or " OR " in plan:
                    bad.append(f"{sql[:300]}\n{plan[:1500]}")
        assert bad == [], "\n\n".join(bad)
    finally:
        store.close()


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_events_on_cases_the_hub_holds_cost_statements_per_batch_not_per_case(db, tmp_path, request):
    """A batch of a note and a withdrawal on each of 100 cases the hub holds: the cases' rows,
    their conflicts and their queue rows are written a statement per table for the batch (it
    was about 5 a case), and what is written is what case-by-case writing gave: each case
    withdrawn, its queue rows in the done stage, the queue's counts equal to a recount."""
    url = request.getfixturevalue("pg_cluster").create_db() if db == "postgresql" else None
    store = open_hub(tmp_path / "hub", url)
    try:
        ws = hp.ws_id(0)
        who = store.principal(store.add_token("workstation", hp.OFFICE, ws, "窗口"))
        first, follow = hp.window_docs(ws, 2, 200, date(2026, 11, 2), follow=True)
        assert store.push(who, protocol.parse_batch(first)[1]).applied == 200
        with store.ro() as c:  # a new case's version is its last event's seq; its queue rows say it
            from sqlalchemy import func, select

            from sync.hub.schema import case_t, event_t, queue_t

            last = dict(
                c.execute(
                    select(event_t.c.case_number, func.max(event_t.c.seq)).group_by(event_t.c.case_number)
                ).all()
            )
            made = {r.number: r for r in c.execute(select(case_t))}
            assert {n: (r.created_seq, r.updated_seq) for n, r in made.items()} == {
                n: (s, s) for n, s in last.items()
            }
            firsts = dict(c.execute(select(queue_t.c.number, queue_t.c.first_seq)).all())
            assert firsts == {n: s for n, s in last.items()}
        count = []

        def capture(conn, cursor, statement, params, context, executemany):
            count.append(statement)

        event.listen(store.engine, "before_cursor_execute", capture)
        try:
            result = store.push(who, protocol.parse_batch(follow)[1])
        finally:
            event.remove(store.engine, "before_cursor_execute", capture)
        assert result.applied == 200 and not result.refused
        assert len(count) <= 30, "\n".join(s[:120] for s in count[:60])
        numbers = {e["case"] for e in follow["events"]}
        with store.ro() as c:
            from sqlalchemy import func, select

            from sync.hub.schema import case_t, queue_count_t, queue_t

            states = dict(c.execute(select(case_t.c.number, case_t.c.state)).all())
            assert {states[n] for n in numbers} == {"withdrawn"}
            events = dict(c.execute(select(case_t.c.number, case_t.c.n_events)).all())
            assert {events[n] for n in numbers} == {4}
            stages = {
                r.stage for r in c.execute(select(queue_t.c.stage).where(queue_t.c.number.in_(numbers)))
            }
            assert stages == {"done"}
            recount = dict(c.execute(select(queue_t.c.stage, func.count()).group_by(queue_t.c.stage)).all())
            counted = dict(
                c.execute(
                    select(queue_count_t.c.stage, func.sum(queue_count_t.c.n))
                    .group_by(queue_count_t.c.stage)
                    .having(func.sum(queue_count_t.c.n) != 0)
                ).all()
            )
            assert counted == recount and recount == {"done": len(numbers)}
    finally:
        store.close()
