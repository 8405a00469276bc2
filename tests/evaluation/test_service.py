"""好差评 on a real store: a rating and its events in one transaction, the follow-up a bad
rating opens (due in working days), overdue, closing with a note (service and CLI), the
supervisor's summary against counts made by hand."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.services import evaluation as ev
from app.services.sync import outbox
from app.store.evaluation_models import EvaluationFollowup, EvaluationRating
from app.store.models import CaseEvent
from tests.evaluation.helpers import accepted_case
from tests.hubs import ycli
from tests.services.test_handover import APPLICANT_ID, decided_case


def events(ws, number: str) -> list[tuple[str, dict]]:
    with ws.store.read() as s:
        rows = s.execute(select(CaseEvent).where(CaseEvent.case_number == number).order_by(CaseEvent.id))
        return [(e.kind, json.loads(e.payload_json)) for e in rows.scalars()]


def test_dissatisfied_opens_a_follow_up_due_in_working_days(ws, clock):
    clock.value = datetime(2026, 9, 30, 15, 0)  # Wed before 国庆
    number = accepted_case(ws)
    done = ev.rate(ws, number, "accepted", "dissatisfied", ["slow", "wait_long"], "排队一个小时")
    f = done.followup
    assert f is not None and f.state == "open" and f.level == "dissatisfied"
    assert f.opened_on == date(2026, 9, 30) and f.due_on == date(2026, 10, 13)  # 5 working days
    kinds = [k for k, _ in events(ws, number)]
    assert kinds[-2:] == ["evaluation.rated", "followup.opened"]
    rated, opened = dict(events(ws, number)[-2:][0][1]), events(ws, number)[-1][1]
    assert rated["level"] == "dissatisfied" and rated["reasons"] == ["slow", "wait_long"]
    assert rated["comment"] == "排队一个小时" and rated["stage"] == "accepted"
    assert opened["due"] == "2026-10-13" and opened["followup"] == f.uid and opened["days"] == 5
    # both are in the outbox, as events of the case, for the hub
    batch = [w["kind"] for w in outbox.next_batch(ws.store) if w["case"] == number]
    assert batch[-2:] == ["evaluation.rated", "followup.opened"]


def test_followup_days_is_a_setting(ws, clock):
    clock.value = datetime(2026, 9, 30, 15, 0)
    ws.config.set("evaluation.followup_days", "2")
    number = accepted_case(ws)
    assert ev.rate(ws, number, "accepted", "very_dissatisfied").followup.due_on == date(2026, 10, 9)


def test_good_ratings_open_nothing_and_a_rating_is_given_once(ws):
    number = accepted_case(ws)
    assert ev.rate(ws, number, "accepted", "basically_satisfied", ["wait_long"]).followup is None
    with pytest.raises(ev.EvaluationRefused, match="已评价"):
        ev.rate(ws, number, "accepted", "very_dissatisfied")
    with ws.store.read() as s:
        assert s.execute(select(EvaluationFollowup)).first() is None
    assert [k for k, _ in events(ws, number)].count("evaluation.rated") == 1


def test_a_refused_rating_saves_nothing(ws):
    number = accepted_case(ws)
    before = events(ws, number)
    with pytest.raises(ev.EvaluationRefused):
        ev.rate(ws, number, "accepted", "dissatisfied", ["friendly"])  # not a reason of that level
    with pytest.raises(ev.EvaluationRefused):
        ev.rate(ws, number, "delivered", "satisfied")  # not handed out yet
    assert events(ws, number) == before
    with ws.store.read() as s:
        assert s.execute(select(EvaluationRating)).first() is None


def test_declined_is_recorded_and_may_still_be_rated(ws):
    number = accepted_case(ws)
    row = ev.decline(ws, number, "accepted")
    assert row.declined == "declined" and row.level == ""
    assert events(ws, number)[-1] == (
        "evaluation.declined",
        {"stage": "accepted", "how": "declined", "source": "window", "clerk": ws.clerk, "window": ws.window},
    )
    ev.rate(ws, number, "accepted", "satisfied")
    assert ev.rating_of(ws, number, "accepted").level == "satisfied"


def test_the_handover_is_rated_apart_from_the_acceptance(ws):
    number = decided_case(ws)
    ev.rate(ws, number, "accepted", "satisfied")
    from app.services.handover import hand_over

    hand_over(ws, number, APPLICANT_ID)
    assert ev.stage_of(ws, number) == "delivered"
    assert ev.last_case(ws) == (number, "delivered")
    ev.rate(ws, number, "delivered", "very_satisfied", ["one_trip"])
    assert ev.rating_of(ws, number, "delivered").level == "very_satisfied"


def test_overdue_is_flagged_and_closing_needs_a_note(ws, clock):
    clock.value = datetime(2026, 9, 30, 15, 0)
    number = accepted_case(ws)
    fid = ev.rate(ws, number, "accepted", "dissatisfied").followup.id
    clock.value = datetime(2026, 10, 13, 17, 0)  # the due day: not yet overdue
    [row] = ev.followups(ws)
    assert not row["overdue"] and row["days_left"] == 0
    assert ev.overdue_count(ws) == 0
    clock.value = datetime(2026, 10, 14, 9, 0)
    [row] = ev.followups(ws)
    assert row["overdue"] and row["days_left"] == -1 and ev.overdue_count(ws) == 1
    with pytest.raises(ev.EvaluationRefused, match="整改说明"):
        ev.close_followup(ws, fid, "  \n ")
    assert ev.followups(ws)[0]["state"] == "open"
    closed = ev.close_followup(ws, fid, "已回访申请人，调整窗口排班")
    assert closed.state == "closed" and closed.note == "已回访申请人，调整窗口排班"
    assert events(ws, number)[-1] == (
        "followup.closed",
        {"followup": closed.uid, "note": "已回访申请人，调整窗口排班", "by": ws.clerk, "overdue": True},
    )
    assert ev.followups(ws) == [] and ev.overdue_count(ws) == 0
    with pytest.raises(ev.EvaluationRefused):
        ev.close_followup(ws, fid, "again")


def test_summary_against_counts_made_by_hand(ws, clock):
    clock.value = datetime(2026, 11, 2, 10, 0)  # Mon
    plan = [  # (level or None for a decline, day)
        ("very_satisfied", 2),
        ("very_satisfied", 2),
        ("satisfied", 3),
        ("basically_satisfied", 3),
        ("dissatisfied", 4),
        ("very_dissatisfied", 4),
        (None, 5),
        ("satisfied", 30),  # outside the period asked for
    ]
    fids = []
    for i, (level, day) in enumerate(plan):
        clock.value = datetime(2026, 11, day, 10, 0)
        number = accepted_case(ws, name=f"申请人{i}")
        if level is None:
            ev.decline(ws, number, "accepted")
        else:
            f = ev.rate(ws, number, "accepted", level).followup
            if f is not None:
                fids.append(f.id)
    clock.value = datetime(2026, 11, 6, 10, 0)
    ev.close_followup(ws, fids[0], "已整改")
    got = ev.summary(ws.store, date(2026, 11, 1), date(2026, 11, 20), today=date(2026, 11, 20))
    assert got["levels"] == {
        "very_satisfied": 2,
        "satisfied": 1,
        "basically_satisfied": 1,
        "dissatisfied": 1,
        "very_dissatisfied": 1,
    }
    assert got["rated"] == 6 and got["declined"] == 1 and got["good"] == 4 and got["bad"] == 2
    assert got["satisfaction_rate"] == pytest.approx(4 / 6)
    # opened 4 Nov with 5 working days: due 11 Nov; the open one is overdue on the 20th
    assert got["followups_opened"] == 2 and got["followups_closed"] == 1
    assert got["followups_open"] == 1 and got["followups_overdue"] == 1
    early = ev.summary(ws.store, date(2026, 11, 1), date(2026, 11, 3), today=date(2026, 11, 5))
    assert early["rated"] == 4 and early["followups_opened"] == 0 and early["followups_overdue"] == 0


def test_followup_cli_lists_flags_and_closes_with_a_note(ws, clock, data_dir):
    clock.value = datetime(2026, 9, 30, 15, 0)  # long past: overdue by the real date
    number = accepted_case(ws)
    fid = ev.rate(ws, number, "accepted", "very_dissatisfied", ["attitude"], "态度差").followup.id
    ws.close()
    listed = ycli("followup", "list", "--data-dir", str(data_dir))
    line = next(ln for ln in listed.stdout.splitlines() if ln.startswith(f"{fid}\t"))
    assert number in line and "非常不满意" in line and "已超期" in line and "服务态度差" in line
    assert "超期" in listed.stderr
    rows = json.loads(ycli("followup", "list", "--json", "--data-dir", str(data_dir)).stdout)
    assert rows[0]["id"] == fid and rows[0]["overdue"] is True and rows[0]["due_on"] == "2026-10-13"
    refused = ycli("followup", "close", str(fid), "--data-dir", str(data_dir), check=False)
    assert refused.returncode == 1 and "整改说明" in refused.stderr
    done = ycli("followup", "close", str(fid), "--note", "已当面致歉并回访", "--data-dir", str(data_dir))
    assert str(fid) in done.stdout
    assert "没有待整改" in ycli("followup", "list", "--data-dir", str(data_dir)).stdout
    closed = json.loads(ycli("followup", "list", "--all", "--json", "--data-dir", str(data_dir)).stdout)
    assert closed[0]["state"] == "closed" and closed[0]["note"] == "已当面致歉并回访"
    again = ycli("followup", "close", str(fid), "--note", "x", "--data-dir", str(data_dir), check=False)
    assert again.returncode == 1


def test_a_rating_at_the_counter_is_written_for_the_operator_who_asked(ws, data_dir):
    """The counter terminal is its own process with nobody logged in: its events used to carry
    the configured clerk instead of the operator at the window who asked for the rating."""
    from sqlalchemy import select

    from app.services import operators
    from app.services.workstation import open_workstation
    from app.store.models import CaseEvent
    from tests.evaluation.helpers import accepted_case

    operators.add_operator(ws, "王芳", "clerk", "窗口abc123", actor="test")
    ws.operator = operators.login(ws, "王芳", "窗口abc123")
    number = accepted_case(ws)
    req = ev.ask_counter(ws, number, "accepted")
    assert req.clerk == "王芳"
    counter_ws = open_workstation(data_dir)  # the counter's own process: no one logged in there
    try:
        assert counter_ws.clerk != "王芳"
        ev.rate(
            counter_ws,
            number,
            "accepted",
            "dissatisfied",
            source="counter",
            request_id=req.id,
            clerk=req.clerk,
        )
    finally:
        counter_ws.close()
    with ws.store.read() as s:
        kinds = dict(
            s.execute(
                select(CaseEvent.kind, CaseEvent.actor).where(
                    CaseEvent.case_number == number,
                    CaseEvent.kind.in_(["evaluation.rated", "followup.opened"]),
                )
            ).all()
        )
    assert kinds == {"evaluation.rated": "王芳", "followup.opened": "王芳"}
