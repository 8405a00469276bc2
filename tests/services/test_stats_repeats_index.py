"""The 受理 figure's repeats (a case accepted again after its 补正) are read from the index of
acceptances by time (migration 0014_first), not by scanning every event of the store (issue 18):
the supervisor's view asks this once per figure and period. Real store, SQLite's own plan."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from app.services.stats import repeats_params, repeats_sql


def test_the_repeat_acceptances_come_from_their_index(ws):
    sql = repeats_sql("c.subject_kind, c.subject_code")
    with ws.store.read() as s:
        plan = [
            str(r[-1])
            for r in s.execute(
                text("EXPLAIN QUERY PLAN " + sql), repeats_params(date(2026, 11, 1), date(2026, 11, 30))
            )
        ]
    assert any("ix_case_event_accepted_at" in p for p in plan), plan
    assert not any(p.startswith("SCAN e") for p in plan), plan  # no pass over every event
