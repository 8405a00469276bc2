from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.workdays import (
    DueDate,
    WorkCalendar,
    add_working_days,
    load_calendar,
    working_days_between,
)

ROOT = Path(__file__).resolve().parents[2]
CAL = load_calendar()

announced_dates = st.dates(min_value=date(CAL.first_year, 1, 1), max_value=date(CAL.last_year, 12, 31))
any_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
pause_ranges = st.lists(
    st.tuples(st.dates(date(2025, 6, 1), date(2027, 6, 30)), st.integers(0, 30)).map(
        lambda t: (t[0], t[0] + timedelta(days=t[1]))
    ),
    max_size=3,
)


# ---------------------------------------------------------------- data file


def test_shipped_calendar_metadata() -> None:
    raw = json.loads((ROOT / "forms/calendar/cn_workdays.json").read_text(encoding="utf-8"))
    assert raw["format"] == "yichuang-calendar/1"
    assert raw["version"] == "2026.1"
    assert raw["source"] == "chinesecalendar 1.11.0"
    assert (raw["first_year"], raw["last_year"]) == (2004, 2026)
    assert raw["holidays"] == sorted(raw["holidays"])
    assert raw["workdays"] == sorted(raw["workdays"])
    assert CAL.version == "2026.1"


def test_shipped_calendar_is_what_the_generator_makes(tmp_path: Path) -> None:
    out = tmp_path / "cal.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "build/tools/make_calendar.py"),
            "--output",
            str(out),
            "--version",
            "2026.1",
        ],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == (ROOT / "forms/calendar/cn_workdays.json").read_bytes()


def test_every_announced_day_agrees_with_chinese_calendar() -> None:
    d = date(CAL.first_year, 1, 1)
    end = date(CAL.last_year, 12, 31)
    while d <= end:
        assert CAL.is_working_day(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


@given(announced_dates)
def test_is_working_day_matches_chinese_calendar(d: date) -> None:
    assert CAL.is_working_day(d) == chinese_calendar.is_workday(d)


def test_chinese_calendar_itself_stops_at_2026() -> None:
    # The reason the calendar is data: the package refuses unannounced years.
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


def test_round_trip_to_dict() -> None:
    assert WorkCalendar.from_dict(CAL.to_dict()) == CAL


def test_is_announced() -> None:
    assert CAL.is_announced(date(2004, 1, 1))
    assert CAL.is_announced(date(2026, 12, 31))
    assert not CAL.is_announced(date(2027, 1, 1))
    assert not CAL.is_announced(date(2003, 12, 31))


def test_unannounced_years_follow_weekend_rule() -> None:
    assert CAL.is_working_day(date(2027, 1, 1))  # a Friday; holiday not announced yet
    assert not CAL.is_working_day(date(2027, 1, 2))  # Saturday


def test_known_2026_days() -> None:
    assert not CAL.is_working_day(date(2026, 9, 25))  # 中秋 (Friday)
    assert not CAL.is_working_day(date(2026, 10, 5))  # 国庆 (Monday)
    assert CAL.is_working_day(date(2026, 9, 20))  # 调休上班 (Sunday)
    assert CAL.is_working_day(date(2026, 10, 10))  # 调休上班 (Saturday)
    assert CAL.is_working_day(date(2026, 2, 14))  # 春节调休 (Saturday)


# ---------------------------------------------------------------- loading


def _write(tmp_path: Path, data: object) -> Path:
    p = tmp_path / "cal.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


def _minimal(**over: object) -> dict:
    data = {
        "format": "yichuang-calendar/1",
        "version": "2027.1",
        "first_year": 2027,
        "last_year": 2027,
        "holidays": ["2027-01-01"],
        "workdays": ["2027-02-20"],
    }
    data.update(over)
    return data


def test_load_override_file(tmp_path: Path) -> None:
    cal = load_calendar(_write(tmp_path, _minimal()))
    assert cal.version == "2027.1"
    assert not cal.is_working_day(date(2027, 1, 1))
    assert cal.is_working_day(date(2027, 2, 20))  # Saturday made a workday
    assert load_calendar(str(tmp_path / "cal.json")) == cal  # str paths work too


@pytest.mark.parametrize(
    ("over", "fragment"),
    [
        ({"format": "other/1"}, "格式标识"),
        ({"version": ""}, "version"),
        ({"first_year": "2027"}, "first_year"),
        ({"first_year": 2028}, "晚于"),
        ({"holidays": "2027-01-01"}, "holidays"),
        ({"holidays": ["2027-13-01"]}, "2027-13-01"),
        ({"holidays": ["2028-01-03"]}, "不在"),
        ({"holidays": ["2027-01-02"]}, "周末"),  # Saturday listed as a holiday
        ({"workdays": ["2027-01-04"]}, "不是周末"),  # Monday listed as make-up day
        ({"holidays": ["2027-01-01", "2027-01-01"]}, "重复"),
    ],
)
def test_load_rejects_bad_data(tmp_path: Path, over: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        load_calendar(_write(tmp_path, _minimal(**over)))


def test_load_rejects_bad_json(tmp_path: Path) -> None:
    p = tmp_path / "cal.json"
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="JSON"):
        load_calendar(p)


def test_load_rejects_non_object(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="JSON 对象"):
        load_calendar(_write(tmp_path, []))


# ---------------------------------------------------------------- counting


def test_zero_days_on_a_working_day_is_that_day() -> None:
    # 即办: decided on the spot, due the day of acceptance.
    assert add_working_days(date(2026, 9, 24), 0, CAL) == DueDate(date(2026, 9, 24), False)
    assert add_working_days(date(2026, 10, 10), 0, CAL) == DueDate(date(2026, 10, 10), False)  # make-up Sat


def test_zero_days_on_a_day_off_is_the_next_working_day() -> None:
    # Accepted on a Saturday (weekend service) or a holiday: never due on that day off.
    assert add_working_days(date(2026, 9, 25), 0, CAL) == DueDate(date(2026, 9, 28), False)  # 中秋, Fri
    assert add_working_days(date(2026, 9, 26), 0, CAL) == DueDate(date(2026, 9, 28), False)
    assert add_working_days(date(2026, 11, 22), 0, CAL) == DueDate(date(2026, 11, 23), False)  # Sunday
    assert add_working_days(date(2026, 10, 1), 0, CAL) == DueDate(date(2026, 10, 8), False)  # National Day
    assert add_working_days(date(2026, 12, 31), 0, CAL).date == date(2026, 12, 31)
    after = add_working_days(date(2027, 1, 2), 0, CAL)  # a Saturday in a year not announced yet
    assert after == DueDate(date(2027, 1, 4), True)


@given(any_dates, st.integers(0, 150))
def test_a_due_date_is_always_a_working_day(start: date, n: int) -> None:
    due = add_working_days(start, n, CAL).date
    assert CAL.is_working_day(due)
    assert due >= start
    if n == 0:  # the first working day on or after the day of acceptance
        assert all(not CAL.is_working_day(start + timedelta(days=i)) for i in range((due - start).days))


def test_acceptance_day_does_not_count() -> None:
    # Monday 2026-03-02 + 1 working day = Tuesday.
    assert add_working_days(date(2026, 3, 2), 1, CAL).date == date(2026, 3, 3)
    # Friday + 1 = next Monday.
    assert add_working_days(date(2026, 3, 6), 1, CAL).date == date(2026, 3, 9)


def test_mid_autumn_and_national_day_2026() -> None:
    # Accepted on Friday 2026-09-25 (itself 中秋 in 2026). Working days after it:
    # Mon 28, Tue 29, Wed 30; Oct 1-7 off (国庆); Thu Oct 8, Fri Oct 9.
    due = add_working_days(date(2026, 9, 25), 5, CAL)
    assert due == DueDate(date(2026, 10, 9), False)
    # The 6th working day is the make-up Saturday 2026-10-10.
    assert add_working_days(date(2026, 9, 25), 6, CAL).date == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 25), 7, CAL).date == date(2026, 10, 12)


def test_make_up_sunday_counts() -> None:
    # Friday 2026-09-18: Saturday 19 off, Sunday 20 is 调休上班.
    assert add_working_days(date(2026, 9, 18), 1, CAL).date == date(2026, 9, 20)


def test_spring_festival_2026() -> None:
    # Friday 2026-02-13; Sat 14 works (调休); 15-23 off; Mon 24 ...
    assert add_working_days(date(2026, 2, 13), 1, CAL).date == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2, CAL).date == date(2026, 2, 24)


def test_promise_running_into_2027_is_provisional() -> None:
    due = add_working_days(date(2026, 12, 21), 20, CAL)
    assert due.provisional
    # Dec 22-25 (4), Dec 28-31 (8), then weekend rule: Jan 1 (9), Jan 4-8 (14), Jan 11-15 (19), Jan 18 (20)
    assert due.date == date(2027, 1, 18)


def test_promise_inside_2026_is_not_provisional() -> None:
    assert not add_working_days(date(2026, 12, 21), 8, CAL).provisional
    assert add_working_days(date(2026, 12, 21), 8, CAL).date == date(2026, 12, 31)
    assert add_working_days(date(2026, 12, 21), 9, CAL).provisional


def test_pause_extends_due_date() -> None:
    start = date(2026, 3, 2)  # Monday
    plain = add_working_days(start, 5, CAL)
    assert plain.date == date(2026, 3, 9)
    # Waiting for 补正 from Wed 4 to Thu 5 inclusive: 2 working days stop the clock.
    paused = add_working_days(start, 5, CAL, paused=[(date(2026, 3, 4), date(2026, 3, 5))])
    assert paused.date == date(2026, 3, 11)
    assert working_days_between(start, paused.date, CAL, paused=[(date(2026, 3, 4), date(2026, 3, 5))]) == 5


def test_pause_over_weekend_changes_nothing() -> None:
    start = date(2026, 3, 2)
    assert add_working_days(start, 5, CAL, paused=[(date(2026, 3, 7), date(2026, 3, 8))]).date == date(
        2026, 3, 9
    )


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1, CAL)
    with pytest.raises(ValueError, match="暂停区间"):
        add_working_days(date(2026, 3, 2), 3, CAL, paused=[(date(2026, 3, 5), date(2026, 3, 4))])


def test_between_basic_and_negative() -> None:
    assert working_days_between(date(2026, 9, 25), date(2026, 10, 9), CAL) == 5
    assert working_days_between(date(2026, 10, 9), date(2026, 9, 25), CAL) == -5
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 2), CAL) == 0


@given(any_dates, st.integers(0, 120), st.integers(0, 120))
def test_monotonic_in_days(start: date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert add_working_days(start, lo, CAL).date <= add_working_days(start, hi, CAL).date


@given(any_dates, st.integers(1, 150))
def test_result_is_a_working_day_after_start(start: date, n: int) -> None:
    due = add_working_days(start, n, CAL)
    assert due.date > start
    assert CAL.is_working_day(due.date)
    assert due.provisional == (due.date.year > CAL.last_year)


@given(any_dates, st.integers(1, 150))
def test_between_inverts_add(start: date, n: int) -> None:
    assert working_days_between(start, add_working_days(start, n, CAL).date, CAL) == n


@settings(max_examples=60)
@given(st.dates(date(2025, 6, 1), date(2027, 3, 1)), st.integers(0, 60), pause_ranges)
def test_pauses_only_push_later(start: date, n: int, pauses: list[tuple[date, date]]) -> None:
    plain = add_working_days(start, n, CAL)
    paused = add_working_days(start, n, CAL, paused=pauses)
    assert paused.date >= plain.date
    assert CAL.is_working_day(paused.date)
    if n:
        assert working_days_between(start, paused.date, CAL, paused=pauses) == n
    elif paused.date > start:  # 即办 on a day off: the first working day not paused after it
        assert working_days_between(start, paused.date - timedelta(days=1), CAL, paused=pauses) == 0
