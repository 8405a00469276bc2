"""The screens show the store's times (UTC) in the office's local time, at a UTC+8 counter.

Pins the screens' times across issue 19's merge of five `_local(dt)` copies into one helper
(app/ui/widgets/times.py)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from textual.widgets import DataTable

from app.services.demo import seed_cases
from app.store.models import Case, CaseEvent
from app.ui.app import YichuangApp
from app.ui.screens.cases import CaseListScreen
from tests.ui.test_intake_flow import SIZE, start, wait_for
from tests.ui.test_timeline_who import timeline_rows


@pytest.fixture
def shanghai(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _local(dt, fmt: str) -> str:
    assert dt.tzinfo is not None and dt.utcoffset().total_seconds() == 0  # the store's UTC
    local = dt.astimezone()
    assert local.utcoffset().total_seconds() == 8 * 3600
    return local.strftime(fmt)


async def test_the_case_list_shows_local_time(ws, shanghai):
    seed_cases(ws, 1, seed=3, days=1)
    with ws.store.read() as s:
        case = s.execute(select(Case)).scalars().one()
    app = YichuangApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseListScreen))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        row = [str(c) for c in table.get_row_at(0)]
    assert row[4] == _local(case.created_at, "%m-%d %H:%M"), row


async def test_the_timeline_shows_local_time(ws, shanghai):
    seed_cases(ws, 1, seed=3, days=1)
    with ws.store.read() as s:
        case = s.execute(select(Case)).scalars().one()
        ats = [e.at for e in s.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalars()]
    shown = {row[0] for row in await timeline_rows(ws, case.number)}
    assert shown == {_local(at, "%Y-%m-%d %H:%M") for at in ats}
