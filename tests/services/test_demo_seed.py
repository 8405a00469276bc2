"""`demo seed` decides through the window's writer, on working days, any number of times."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import select

import app.store.sync_models  # noqa: F401  (registers the sync tables the outbox reads)
from app.domain import case_state
from app.domain.numbering import parse_case_number
from app.services.demo import seed_cases
from app.services.intake import ApplicantInput, IntakeService
from app.services.sync import outbox
from app.store.models import Applicant, Case, CaseEvent, NumberCounter
from tests.services.test_intake import applicant, bundle_code, receive_all

ROOT = Path(__file__).resolve().parents[2]


def local(dt: datetime) -> datetime:
    """A stored UTC instant as the clerk's local wall-clock time."""
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone().replace(tzinfo=None)


def all_cases(ws) -> list[Case]:
    with ws.store.read() as s:
        return list(s.exec(select(Case).order_by(Case.id)).scalars())


def events_of(ws) -> dict[int, list[CaseEvent]]:
    out: dict[int, list[CaseEvent]] = {}
    with ws.store.read() as s:
        for e in s.exec(select(CaseEvent).order_by(CaseEvent.id)).scalars():
            out.setdefault(e.case_id, []).append(e)
    return out


def assert_consistent(ws) -> None:
    """Unique numbers and ids, counters at the top sequence, events that derive to the state."""
    cases = all_cases(ws)
    numbers = [c.number for c in cases]
    assert len(set(numbers)) == len(numbers)
    assert len({c.uid for c in cases}) == len(cases)
    evs = events_of(ws)
    ids = [e.event_id for es in evs.values() for e in es]
    assert len(set(ids)) == len(ids)
    top: dict[date, int] = {}
    for n in numbers:
        p = parse_case_number(n)
        top[p.day] = max(top.get(p.day, 0), p.seq)
    with ws.store.read() as s:
        counters = {c.day: c.last_seq for c in s.exec(select(NumberCounter)).scalars()}
        for c in cases:
            view = case_state.derive(outbox.case_events(s, c.id))
            assert view.state == c.state, c.number
            p = view.last_payload
            assert p["applicant"]["id_number"] == c.applicant_id_number
            assert p["applicant"]["name"] == c.applicant_name
            assert p["revision"] == c.revision
    assert counters == top


def test_seed_twice_on_the_same_data_dir_adds_up(ws):
    assert seed_cases(ws, 60, seed=3, days=10) == 60
    first = {c.number for c in all_cases(ws)}
    assert seed_cases(ws, 60, seed=3, days=10) == 60  # same seed: same people come back
    cases = all_cases(ws)
    assert len(cases) == 120
    assert first < {c.number for c in cases}
    with ws.store.read() as s:
        people = s.exec(select(Applicant.kind, Applicant.id_number)).all()
    assert len(people) == len(set(people))  # a returning applicant is one row, as at the window
    assert {(c.applicant_kind, c.applicant_id_number) for c in cases} == set(people)
    assert seed_cases(ws, 5, seed=4, days=10) == 5
    assert len(all_cases(ws)) == 125
    assert_consistent(ws)


def test_cli_demo_seed_runs_any_number_of_times(tmp_path: Path):
    def seed(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "app",
                "--data-dir",
                str(tmp_path),
                "demo",
                "seed",
                "--cases",
                "20",
                *extra,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    for extra in ((), (), ("--seed", "9")):
        r = seed(*extra)
        assert r.returncode == 0, r.stderr
        assert "Traceback" not in r.stderr
    from app.services.workstation import open_workstation

    ws = open_workstation(tmp_path)
    try:
        assert len(all_cases(ws)) == 60
        assert_consistent(ws)
    finally:
        ws.close()


def test_seeded_events_carry_what_the_window_writes(ws):
    # A case accepted at the window, with a tolerated material: the reference.
    svc = IntakeService(ws)
    code = next(
        m.code for m in ws.catalogue.matters.values() if any(x.required and x.tolerable for x in m.materials)
    )
    draft = receive_all(svc.new_draft("matter", code))
    i = next(i for i, m in enumerate(draft.marks) if m.item.required and m.item.tolerable)
    draft.marks[i] = replace(draft.marks[i], status="tolerated")
    draft.applicant = applicant()
    window = svc.accept(draft).case
    seed_cases(ws, 400, seed=5, days=20)
    evs = events_of(ws)
    window_keys = {k: set(json.loads(e.payload_json)) for k, e in ((e.kind, e) for e in evs[window.id])}
    seen = Counter()
    tolerated = 0
    for c in all_cases(ws):
        if c.id == window.id:
            continue
        for e in evs[c.id]:
            p = json.loads(e.payload_json)
            seen[e.kind] += 1
            if e.kind in window_keys:
                assert set(p) == window_keys[e.kind], e.kind
            assert e.actor == ws.clerk and (e.office_code, e.workstation_id) == (
                c.office_code,
                c.workstation_id,
            )
            if e.kind == "case.accepted":
                assert p["accepted_on"] == str(c.accepted_on) == str(c.created_on)
                assert p["due_date"] == str(c.due_date) and p["due_provisional"] == c.due_provisional
                assert p["tolerated_until"] == (str(c.tolerated_until) if c.tolerated_until else None)
                marked = any(m["s"] == "tolerated" for m in p["marks"])
                assert marked == (c.tolerated_until is not None)
                tolerated += marked
                if marked:
                    assert c.accepted_on < c.tolerated_until <= max(c.due_date, c.tolerated_until)
    assert seen["case.created"] == 400 and seen["case.accepted"] > 200
    assert seen["case.notified"] > 0 and seen["case.refused"] > 0
    assert tolerated > 0  # some seeded cases carry 容缺 items, with a date
    assert_consistent(ws)


def test_seeded_cases_fall_on_working_days_within_office_hours(ws, clock):
    clock.value = datetime(2026, 10, 12, 10, 15)  # a Monday after the National Day holiday
    seed_cases(ws, 300, seed=8, days=30)
    cal = ws.calendar
    cases = all_cases(ws)
    days = {c.created_on for c in cases}
    assert all(cal.is_working_day(d) for d in days), sorted(d for d in days if not cal.is_working_day(d))
    assert len(days) > 10
    morning, afternoon = (time(8, 30), time(12, 0)), (time(14, 0), time(17, 30))
    for c in cases:
        at = local(c.created_at)
        assert at.date() == c.created_on
        assert morning[0] <= at.time() < morning[1] or afternoon[0] <= at.time() < afternoon[1], at
        assert at <= clock.value  # never in the future
    # The National Day holiday (10-01..10-07) has no cases; the weekends around it neither.
    assert not any(date(2026, 10, 1) <= d <= date(2026, 10, 7) for d in days)


def test_seed_and_window_share_one_counter(ws):
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开便利店")))
    draft.applicant = applicant()
    first = svc.accept(draft).case.number
    seed_cases(ws, 30, seed=1, days=1)  # today only (the clock is a Friday, 9:30)
    draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开便利店")))
    draft.applicant = applicant()
    last = svc.accept(draft).case.number
    seqs = sorted(parse_case_number(c.number).seq for c in all_cases(ws))
    assert seqs == list(range(1, 33))
    assert parse_case_number(first).seq == 1 and parse_case_number(last).seq == 32
    assert_consistent(ws)


def test_a_bulk_decision_is_validated_as_at_the_window_and_saves_nothing_when_bad(ws):
    from app.services.intake import DecisionInput, ValidationFailed

    svc = IntakeService(ws)
    good = receive_all(svc.new_draft("bundle", bundle_code(ws, "开便利店")))
    good.applicant = applicant()
    bad = receive_all(svc.new_draft("bundle", bundle_code(ws, "开便利店")))
    bad.applicant = ApplicantInput(kind="person", id_number="320724199003071230", name="李四")
    try:
        svc.decide_many([DecisionInput(good, "accept"), DecisionInput(bad, "accept")], print_documents=False)
    except ValidationFailed as exc:
        assert set(exc.errors) == {"id_number"}
    else:
        raise AssertionError("a bad ID number was accepted")
    assert all_cases(ws) == []


def test_before_the_office_opens_today_has_no_seeded_cases(ws, clock):
    clock.value = datetime(2026, 11, 20, 7, 40)  # a Friday, before 8:30
    assert seed_cases(ws, 20, seed=2, days=1) == 20
    assert {c.created_on for c in all_cases(ws)} == {date(2026, 11, 19)}
    clock.value = datetime(2026, 11, 22, 11, 0)  # a Sunday: the Friday before
    seed_cases(ws, 20, seed=2, days=2)
    assert {c.created_on for c in all_cases(ws)} == {date(2026, 11, 19), date(2026, 11, 20)}
    assert_consistent(ws)
