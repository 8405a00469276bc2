"""即办 (promised in 0 working days): due the day of acceptance, or the next working day."""

from __future__ import annotations

from datetime import datetime

from app.services.cases import CaseService
from app.services.intake import IntakeService
from tests.services.test_cli import run
from tests.services.test_intake import applicant, receive_all

ON_THE_SPOT = "320724-SCJG-0002"  # 个体工商户注册登记: promised 0, legal 15 working days


def _accept(ws):
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("matter", ON_THE_SPOT))
    draft.applicant = applicant()
    return svc.accept(draft).case


def test_accepted_on_a_saturday_is_due_on_monday_not_saturday(ws, clock):
    clock.value = datetime(2026, 11, 21, 10, 0)  # a Saturday (weekend service)
    case = _accept(ws)
    assert case.promised_days == 0
    assert case.accepted_on.isoformat() == "2026-11-21"
    assert case.due_date.isoformat() == "2026-11-23"  # Monday
    assert ws.calendar.is_working_day(case.due_date)


def test_accepted_on_a_working_day_is_due_that_day(ws, clock):
    case = _accept(ws)  # the clock fixture: Friday 2026-11-20
    assert case.due_date == case.accepted_on


def test_case_show_says_on_the_spot(ws, data_dir):
    case = _accept(ws)
    shown = run(data_dir, "case", "show", case.number)
    assert shown.returncode == 0, shown.stderr
    assert "即办" in shown.stdout and "2026-11-20" in shown.stdout
    assert CaseService(ws).get(case.number).promised_days == 0
