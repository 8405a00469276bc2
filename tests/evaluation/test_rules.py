"""The 好差评 rules in app.domain.evaluation: levels and keys, which ratings open a follow-up,
its due date in working days (the shipped calendar, 国庆 2026), overdue, 好评率, payloads."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import evaluation as rules
from app.domain import lifecycle
from app.domain.case_state import KNOWN_KINDS, WINDOW_KINDS, fits
from app.domain.workdays import load_calendar

CAL = load_calendar()


def test_five_levels_best_first_under_keys_1_to_5():
    assert [rules.level_label(rules.level_for_key(str(k))) for k in range(1, 6)] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    assert rules.level_for_key("0") is None and rules.level_for_key("6") is None


def test_dissatisfied_or_worse_opens_a_follow_up():
    assert [rules.opens_followup(level) for level in rules.LEVELS] == [False, False, False, True, True]


def test_due_date_counts_working_days_across_national_day():
    # rated Wed 30 Sep 2026; 1-7 Oct holidays, Sat 10 Oct a make-up working day:
    # 8, 9, 10, 12, 13 Oct are the five working days (by calendar days it would be 5 Oct)
    due = rules.followup_due(date(2026, 9, 30), 5, CAL)
    assert due.date == date(2026, 10, 13) and not due.provisional
    assert rules.followup_due(date(2026, 11, 20), 5, CAL).date == date(2026, 11, 27)  # Fri -> next Fri
    assert rules.followup_due(date(2027, 3, 1), 5, CAL).provisional  # past the announced years


def test_overdue_only_after_the_due_day_and_only_while_open():
    due = date(2026, 10, 13)
    assert not rules.is_overdue(due, date(2026, 10, 13), closed=False)
    assert rules.is_overdue(due, date(2026, 10, 14), closed=False)
    assert not rules.is_overdue(due, date(2026, 10, 14), closed=True)
    assert rules.working_days_left(due, date(2026, 10, 8), CAL) == 4  # 9, 10 (调休), 12, 13
    assert rules.working_days_left(due, date(2026, 10, 15), CAL) == -2


def test_satisfaction_rate_counts_good_ratings_over_ratings_given():
    counts = {
        "very_satisfied": 3,
        "satisfied": 2,
        "basically_satisfied": 1,
        "dissatisfied": 1,
        "very_dissatisfied": 1,
    }
    assert rules.satisfaction_rate(counts) == pytest.approx(6 / 8)
    assert rules.satisfaction_rate({}) is None


def test_a_rating_is_checked_reasons_of_its_level_only():
    r = rules.check_rating("dissatisfied", ["slow", "slow", "attitude"], " 排队太久 ")
    assert r == rules.Rating("dissatisfied", ("slow", "attitude"), "排队太久")
    with pytest.raises(rules.RatingError):
        rules.check_rating("dissatisfied", ["friendly"])
    with pytest.raises(rules.RatingError):
        rules.check_rating("great")
    with pytest.raises(rules.RatingError):
        rules.check_rating("satisfied", [], "x" * 201)
    with pytest.raises(rules.RatingError):
        rules.check_note("   ")


def test_evaluation_events_are_window_events_that_change_no_state():
    for kind in lifecycle.EVALUATION_KINDS:
        assert kind in KNOWN_KINDS and kind in WINDOW_KINDS
        assert fits("accepted", kind) and fits("delivered", kind)


def test_payload_problems_the_hub_refuses():
    ok = {"stage": "accepted", "level": "satisfied", "reasons": ["friendly"], "comment": ""}
    assert rules.payload_problem("evaluation.rated", ok) == ""
    assert rules.payload_problem("evaluation.rated", {**ok, "level": "meh"})
    assert rules.payload_problem("evaluation.rated", {**ok, "stage": "refused"})
    assert rules.payload_problem("evaluation.rated", {**ok, "reasons": ["attitude"]})
    assert rules.payload_problem("evaluation.declined", {"stage": "delivered", "how": "declined"}) == ""
    assert rules.payload_problem(
        "followup.opened", {"followup": "f", "level": "satisfied", "due": "2026-10-13"}
    )
    assert rules.payload_problem("followup.closed", {"followup": "f", "note": " "})
    assert rules.payload_problem("followup.closed", {"followup": "f", "note": "已回访"}) == ""


def test_the_timeline_says_what_was_rated():
    from app.ui.screens.timeline import event_detail

    rated = {"stage": "delivered", "level": "dissatisfied", "reasons": ["slow"], "comment": "等了很久"}
    assert event_detail("evaluation.rated", rated) == "出件：不满意 办理速度慢 等了很久"
    assert (
        event_detail("evaluation.declined", {"stage": "accepted", "how": "no_answer"}) == "受理：申请人未作答"
    )
    assert event_detail("followup.opened", {"due": "2026-10-13"}) == "须在 2026-10-13 前整改"
    assert event_detail("followup.closed", {"note": "已回访"}) == "已回访"
