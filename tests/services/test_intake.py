"""Intake decisions through the real services on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date, datetime

import pytest

from app.domain.identifiers import ric_check_char
from app.domain.numbering import parse_case_number
from app.services.cases import CaseService, detail_to_dict
from app.services.intake import ApplicantInput, IntakeService, ValidationFailed
from app.services.printing import PrintSpool


def person_id(body17: str = "32072419900307123") -> str:
    return body17 + ric_check_char(body17)


def bundle_code(ws, name: str) -> str:
    return next(b.code for b in ws.catalogue.bundles.values() if b.name == name)


def receive_all(draft):
    draft.marks = [replace(m, status="received") for m in draft.marks]
    return draft


def applicant(**kw) -> ApplicantInput:
    base = dict(
        kind="person",
        id_number=person_id(),
        name="张秀英",
        phone="13812345678",
        address="灌南县新安镇人民中路8号",
    )
    base.update(kw)
    return ApplicantInput(**base)


def test_accept_a_bundle_writes_case_event_and_print_job_together(ws):
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开餐馆")))
    draft.applicant = applicant()
    result = svc.accept(draft)

    case = result.case
    number = parse_case_number(case.number)
    assert (number.office, number.workstation, number.day, number.seq) == (
        "320724100",
        "01",
        date(2026, 11, 20),
        1,
    )
    assert case.state == "accepted"
    assert case.accepted_on == date(2026, 11, 20)
    assert case.due_date is not None and case.due_date > case.accepted_on
    assert case.catalogue_version == ws.catalogue.version

    detail = CaseService(ws).detail(case.number)
    assert [e.kind for e in detail.events] == ["case.created", "case.accepted"]
    assert len(detail.marks) == len(draft.marks)
    assert all(m.status == "received" for m in detail.marks)
    assert [j.doc_kind for j in detail.jobs] == ["receipt"]
    assert "张秀英" in detail.jobs[0].text and case.number in detail.jobs[0].text


def test_accept_refused_while_a_required_material_is_missing(ws):
    svc = IntakeService(ws)
    draft = svc.new_draft("bundle", bundle_code(ws, "开餐馆"))
    draft.applicant = applicant()
    with pytest.raises(ValidationFailed) as err:
        svc.accept(draft)
    assert "checklist" in err.value.errors
    assert CaseService(ws).list() == []


def test_tolerated_material_allows_acceptance_with_a_promised_date(ws):
    svc = IntakeService(ws)
    code = next(
        m.code for m in ws.catalogue.matters.values() if any(x.required and x.tolerable for x in m.materials)
    )
    draft = receive_all(svc.new_draft("matter", code))
    i = next(i for i, m in enumerate(draft.marks) if m.item.required and m.item.tolerable)
    draft.marks[i] = replace(draft.marks[i], status="tolerated")
    draft.applicant = applicant()
    case = svc.accept(draft).case
    assert case.tolerated_until is not None and case.tolerated_until > case.accepted_on


def test_bad_applicant_saves_nothing_and_names_every_field(ws):
    assert ws.store  # open (create) the database first, so we can look inside
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开便利店")))
    bad_id = person_id()[:-1] + ("0" if person_id()[-1] != "0" else "1")
    draft.applicant = applicant(id_number=bad_id, name="", phone="12", address="地址\x1b@")
    with pytest.raises(ValidationFailed) as err:
        svc.accept(draft)
    assert set(err.value.errors) == {"id_number", "name", "phone", "address"}
    con = sqlite3.connect(ws.config.db_path)
    assert con.execute("select count(*) from case_record").fetchone()[0] == 0
    assert con.execute("select count(*) from case_event").fetchone()[0] == 0
    assert con.execute("select count(*) from applicant").fetchone()[0] == 0


def test_enterprise_with_credit_code_starting_with_n(ws):
    from app.domain.identifiers import uscc_check_char

    body = "N2320724MA1XY2123"  # 17 chars: authority N (农业), county 320724
    code = body + uscc_check_char(body)
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开理发店")))
    draft.applicant = applicant(kind="enterprise", id_number=code, name="灌南县新安镇美发工作室")
    assert svc.accept(draft).case.applicant_id_number == code


def test_notify_then_resume_and_accept_keeps_the_number(ws, clock):
    svc = IntakeService(ws)
    draft = svc.new_draft("bundle", bundle_code(ws, "开餐馆"))
    draft.marks = [replace(m, status="received") for m in draft.marks]
    missing = [i for i, m in enumerate(draft.marks) if m.item.required][:3]
    for i in missing:
        draft.marks[i] = replace(draft.marks[i], status="missing")
    draft.applicant = applicant()
    notified = svc.notify(draft, "请补齐后再来").case
    assert notified.state == "correction" and notified.due_date is None
    notice = CaseService(ws).detail(notified.number).jobs[-1]
    assert notice.doc_kind == "notice"
    for i in missing:  # every missing material is on the one notice
        assert draft.marks[i].item.name[:6] in notice.text

    clock.value = datetime(2026, 11, 25, 10, 0)  # the applicant comes back
    resumed = svc.resume(notified.number)
    assert resumed.case_number == notified.number
    assert [m.status for m in resumed.marks] == [m.status for m in draft.marks]
    resumed.marks = [replace(m, status="received") for m in resumed.marks]
    accepted = svc.accept(resumed).case
    assert accepted.number == notified.number
    assert accepted.accepted_on == date(2026, 11, 25)  # the limit counts from acceptance
    detail = CaseService(ws).detail(accepted.number)
    assert [e.kind for e in detail.events] == ["case.created", "case.notified", "case.accepted"]
    assert [j.doc_kind for j in detail.jobs] == ["notice", "receipt"]
    with pytest.raises(ValueError):
        svc.resume(accepted.number)  # no longer awaiting correction


def test_refuse_needs_a_reason(ws):
    svc = IntakeService(ws)
    draft = svc.new_draft("bundle", bundle_code(ws, "开便利店"))
    draft.applicant = applicant()
    with pytest.raises(ValidationFailed):
        svc.refuse(draft, "   ")
    case = svc.refuse(draft, "申请事项不属于本机关职权范围").case
    assert case.state == "refused" and case.reason == "申请事项不属于本机关职权范围"
    assert CaseService(ws).detail(case.number).jobs[-1].doc_kind == "refusal"


def test_numbers_continue_across_restarts(data_dir, clock):
    from app.services.workstation import open_workstation

    numbers = []
    for _ in range(3):
        w = open_workstation(data_dir, clock=clock)
        svc = IntakeService(w)
        draft = receive_all(svc.new_draft("bundle", bundle_code(w, "开便利店")))
        draft.applicant = applicant()
        numbers.append(svc.accept(draft).case.number)
        w.close()
    assert [parse_case_number(n).seq for n in numbers] == [1, 2, 3]


def test_returning_applicant_is_offered(ws):
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开便利店")))
    draft.applicant = applicant(phone="13900001111")
    svc.accept(draft)
    found = svc.find_applicant("person", person_id().lower())
    assert found is not None and found.phone == "13900001111" and found.name == "张秀英"
    assert svc.find_applicant("person", person_id("32072419850101002")) is None


def test_find_cases_by_number_name_and_id(ws):
    svc = IntakeService(ws)
    made = []
    for i, name in enumerate(["李四", "王五", "李小龙"]):
        draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开便利店")))
        draft.applicant = applicant(name=name, id_number=person_id(f"3207241990030712{i}"))
        made.append(svc.accept(draft).case)
    cases = CaseService(ws)
    assert [c.number for c in cases.find(made[1].number.replace("-", "").lower())] == [made[1].number]
    assert {c.applicant_name for c in cases.find("李")} == {"李四", "李小龙"}
    assert [c.applicant_name for c in cases.find(made[2].applicant_id_number)] == ["李小龙"]
    assert len(cases.list(day=date(2026, 11, 20))) == 3
    assert cases.list(day=date(2026, 11, 19)) == []
    data = detail_to_dict(cases.detail(made[0].number))
    json.dumps(data, ensure_ascii=False)
    assert data["applicant"]["name"] == "李四" and len(data["events"]) == 2


def test_spool_sends_to_the_dir_printer(ws):
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开便利店")))
    draft.applicant = applicant()
    result = svc.accept(draft)
    spool = PrintSpool(ws)
    assert [r.ok for r in spool.send_due()] == [True]
    files = list(ws.config.prints_dir.glob("*"))
    assert len(files) == 1 and files[0].read_bytes().startswith(b"\x1b@")
    assert spool.pending() == []
    assert CaseService(ws).detail(result.case.number).jobs[0].state == "sent"


def test_spool_keeps_a_job_when_the_printer_refuses(ws):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    ws.config.set("printer.url", f"tcp://127.0.0.1:{port}")
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开便利店")))
    draft.applicant = applicant()
    svc.accept(draft)
    spool = PrintSpool(ws)
    [res] = spool.send_due()
    assert not res.ok
    [job] = spool.pending()
    assert job.attempts == 1 and job.last_error


def test_a_promise_past_the_last_announced_year_is_provisional_on_screen_and_paper(ws, clock):
    clock.value = datetime(2026, 12, 29, 9, 0)  # 5 working days land in 2027
    svc = IntakeService(ws)
    draft = receive_all(svc.new_draft("bundle", bundle_code(ws, "开餐馆")))
    draft.applicant = applicant()
    case = svc.accept(draft).case
    assert case.due_date.year == 2027 and case.due_provisional
    receipt = CaseService(ws).detail(case.number).jobs[-1]
    assert "推定" in receipt.text
    from printing.preview import decode_text
    from printing.profiles import get_profile

    assert "推定" in decode_text(receipt.data, get_profile(receipt.profile))
