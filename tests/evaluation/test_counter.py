"""The counter terminal (`yichuang evaluate`) as a real second process on the window's data
dir, in a pseudo-terminal: it announces itself, the window sends it the rating after 受理, the
applicant answers with its keys, and both processes see the one rating. Unanswered asks are
recorded as no answer; an ask the clerk takes back to the window disappears from the counter."""

from __future__ import annotations

import os
import sys
import time

import pytest
from sqlalchemy import select

from app.services import evaluation as ev
from app.store.evaluation_models import EvaluationRequest
from app.ui.app import YichuangApp
from app.ui.screens.dialogs import DocumentDialog
from app.ui.screens.evaluation import RatingScreen
from tests.evaluation.helpers import accepted_case
from tests.ptys import ROOT, PtyProgram
from tests.ui.test_intake_flow import SIZE, fill_applicant, pick, start, tick_all, wait_for

pytestmark = pytest.mark.slow  # a second process


def counter(data_dir) -> PtyProgram:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YICHUANG_")}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color")
    return PtyProgram([sys.executable, "-m", "app", "evaluate", "--data-dir", str(data_dir)], env)


def request(ws, number: str) -> EvaluationRequest | None:
    with ws.store.read() as s:
        return (
            s.execute(
                select(EvaluationRequest)
                .where(EvaluationRequest.case_number == number)
                .order_by(EvaluationRequest.id.desc())
            )
            .scalars()
            .first()
        )


async def test_the_window_sends_the_rating_to_the_counter_terminal(ws, data_dir):
    _ = ws.store
    term = counter(data_dir)
    try:
        term.wait_for(lambda: ev.counter_alive(ws), what="the counter's heartbeat")
        assert ev.route(ws, automatic=True) == "counter"
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            screen = await start(app, pilot)
            await pick(app, pilot, "kcg")
            await fill_applicant(app, pilot)
            await tick_all(app, pilot, len(screen.draft.marks))
            await pilot.press("f5")
            await wait_for(pilot, lambda: isinstance(app.screen, DocumentDialog))
            await pilot.press("enter")
            number = ev.last_case(ws)[0]
            await wait_for(pilot, lambda: request(ws, number) is not None)
            assert app.screen is screen  # the clerk goes on; the applicant rates at the counter
            term.wait_for(lambda: request(ws, number).state == "showing", what="the counter to take the ask")
            term.wait_for(lambda: "非常不满意" in term.text(), what="the rating screen at the counter")
            term.send(b"2")  # 满意
            term.wait_for(lambda: "您的评价" in term.text(), what="the reasons step")
            term.send(b"1")  # 服务热情
            time.sleep(0.3)
            term.send(b"\r")
            await wait_for(pilot, lambda: request(ws, number).state == "rated", timeout=30)
            # the window learns it (it polls the ask) and says so
            await wait_for(
                pilot, lambda: any("满意" in str(n.message) for n in app._notifications), timeout=10
            )
        term.wait_for(lambda: "感谢" in term.text(), what="the thanks")
    finally:
        term.stop()
    row = ev.rating_of(ws, number, "accepted")
    assert row.level == "satisfied" and row.source == "counter" and row.reasons_json == '["friendly"]'
    assert row.clerk == ws.clerk
    assert not ev.counter_alive(ws)  # signed off when it closed: the window rates on its own screen
    assert ev.route(ws, automatic=True) == "window"


async def test_an_ask_taken_back_to_the_window_leaves_the_counter(ws, data_dir):
    number = accepted_case(ws)
    term = counter(data_dir)
    try:
        term.wait_for(lambda: ev.counter_alive(ws), what="the counter's heartbeat")
        ev.ask_counter(ws, number, "accepted")
        term.wait_for(lambda: request(ws, number).state == "showing", what="the counter to take the ask")
        app = YichuangApp(ws)
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            assert ev.route(ws, automatic=False) == "counter"
            await pilot.press("ctrl+e")  # asked already: the clerk takes it back to the window
            await wait_for(pilot, lambda: isinstance(app.screen, RatingScreen))
            assert request(ws, number).state == "cancelled"
            await pilot.press("3", "enter")
            await wait_for(pilot, lambda: ev.rating_of(ws, number, "accepted") is not None)
        # the counter dropped the withdrawn ask and records nothing of its own
        term.wait_for(lambda: "欢迎" in term.text()[-3000:], what="the counter back to its welcome")
        term.send(b"5\r")
        time.sleep(1.0)
    finally:
        term.stop()
    row = ev.rating_of(ws, number, "accepted")
    assert row.level == "basically_satisfied" and row.source == "window"


def test_an_unanswered_ask_is_recorded_as_no_answer(ws, data_dir):
    number = accepted_case(ws)
    ws.config.set("evaluation.counter_timeout", "10")
    ws.config.save()
    term = counter(data_dir)
    try:
        term.wait_for(lambda: ev.counter_alive(ws), what="the counter's heartbeat")
        ev.ask_counter(ws, number, "accepted")
        term.wait_for(lambda: request(ws, number).state == "showing", what="the counter to take the ask")
        term.wait_for(lambda: request(ws, number).state == "no_answer", timeout=40, what="the timeout")
    finally:
        term.stop()
    row = ev.rating_of(ws, number, "accepted")
    assert row.declined == "no_answer" and row.source == "counter" and row.level == ""
