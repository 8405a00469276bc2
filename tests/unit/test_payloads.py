"""app.domain.payloads: one schema per event kind (issue 16 §6). Everything the window's own
services write passes; what a hostile window could send is refused with the field named."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.domain import lifecycle
from app.domain.payloads import APPLICANT_KINDS, compact_marks, is_sha256, payload_problem


def test_every_event_the_window_writes_fits_its_kind(ws, tmp_path):
    from app.services.cases import record_unmask
    from app.services.demo import seed_cases
    from app.services.sync import actions, attachments
    from app.store.models import Case, CaseEvent

    seed_cases(ws, 40, seed=16, days=5)
    with ws.store.read() as s:
        cases = list(s.execute(select(Case)).scalars())
    accepted = [c.number for c in cases if c.state == "accepted"]
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(b"\xff\xd8\xff" + bytes(100))
    attachments.add(ws, accepted[0], scan, name="身份证.jpg", extra={"material": "m1", "pages": 1})
    actions.withdraw(ws, accepted[1], "申请人撤回")
    record_unmask(ws, accepted[2], screen="case")
    with ws.store.read() as s:
        events = list(s.execute(select(CaseEvent)).scalars())
    kinds = {e.kind for e in events}
    assert {lifecycle.EVENT_CREATED, lifecycle.EVENT_ACCEPTED, lifecycle.EVENT_ATTACHMENT_ADDED} <= kinds
    assert {lifecycle.EVENT_WITHDRAWN, lifecycle.EVENT_UNMASKED} <= kinds
    problems = [(e.kind, payload_problem(e.kind, json.loads(e.payload_json))) for e in events]
    assert [p for p in problems if p[1]] == []


@pytest.mark.parametrize(
    ("kind", "payload", "field"),
    [
        ("case.accepted", {"marks": "zzz"}, "marks"),
        ("case.accepted", {"marks": [1, 2, 3]}, "marks"),
        ("case.accepted", {"marks": [{"k": "m1", "s": "lost"}]}, "marks"),
        ("case.accepted", {"marks": [{"k": "m1", "c": 10**6}]}, "marks"),
        ("case.accepted", {"applicant": {"kind": "person", "id_number": "../x"}}, "applicant"),
        ("case.accepted", {"applicant": {"kind": "alien", "id_number": "1"}}, "applicant"),
        (
            "case.accepted",
            {"applicant": {"kind": "person", "id_number": "1", "name": "x" * 201}},
            "applicant",
        ),
        ("case.accepted", {"due_date": "2026-13-01"}, "due_date"),
        ("case.accepted", {"revision": True}, "revision"),
        ("case.note", {"applicant": {"kind": "person", "id_number": "1"}}, "applicant"),
        ("case.delivered", {"applicant": {"kind": "person", "id_number": "1"}}, "applicant"),
        ("case.note", {"text": 5}, "text"),
        ("attachment.added", {"sha256": "../../../workstations?x=1"}, "sha256"),
        ("attachment.added", {"sha256": "A" * 64}, "sha256"),
        ("attachment.added", {}, "sha256"),
        ("case.created", {"uid": "u", "catalogue_version": "v" * 65}, "catalogue_version"),
        ("case.created", {}, "uid"),
        ("case.correction_requested", {"materials": "zzz"}, "materials"),
        ("courier.pickup", {"waybill": ["EA1"]}, "waybill"),
        ("evaluation.rated", {"stage": "accepted", "level": "great"}, "level"),
    ],
)
def test_a_payload_that_does_not_fit_is_named(kind, payload, field):
    problem = payload_problem(kind, payload)
    assert problem.startswith(kind) and field in problem


def test_only_the_intake_decisions_carry_an_applicant():
    assert APPLICANT_KINDS == {"case.notified", "case.accepted", "case.refused"}
    applicant = {"kind": "person", "id_number": "320724199001011234", "name": "王伟"}
    assert payload_problem("case.accepted", {"applicant": applicant}) == ""
    assert payload_problem("case.refused", {"applicant": applicant, "newer_field": [1]}) == ""


def test_readers_keep_only_what_is_well_formed():
    good = {"k": "m1", "s": "received", "c": 2}
    assert compact_marks("zzz") == [] and compact_marks(None) == []
    assert compact_marks([1, good, {"k": ["x"]}, {"s": "received"}]) == [good]
    assert is_sha256("a" * 64) and not is_sha256("../../x") and not is_sha256(None)
