"""A case's record derived from its events (app.domain.case_record): the rules `audit verify`
and `doctor` check case_record by, on histories an honest window leaves."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import case_record as cr
from app.domain import case_state as cs

NUMBER = "320724100-01-261120-0001-7"
OFFICE, WS = "320724100", "01"
APPLICANT = {
    "kind": "person",
    "id_number": "320724199001011234",
    "name": "王伟",
    "phone": "13812345678",
    "address": "新安镇",
}
MARKS = [{"k": "m1", "s": "received"}, {"k": "m2", "s": "missing"}]


def ev(kind: str, *, lc: int | None = None, status: str = "", origin: str = "", **payload) -> cr.RecordEvent:
    return cr.RecordEvent(
        str(uuid.uuid4()),
        kind,
        lc,
        origin,
        status,
        payload,
        "值班人员",
        OFFICE,
        WS,
        "2026-11-20T01:30:00.000+00:00",
    )


def created() -> cr.RecordEvent:
    return ev(
        cs.CREATED,
        uid="u-1",
        subject_kind="matter",
        subject_code="320724-CG-0001",
        subject_name="食品经营许可",
        catalogue_version="2020.2",
        promised_days=5,
        legal_days=20,
    )


def decision(
    kind: str = cs.ACCEPTED, applicant=APPLICANT, marks=MARKS, reason: str = "", **extra
) -> cr.RecordEvent:
    state = {cs.ACCEPTED: "accepted", cs.NOTIFIED: "correction", cs.REFUSED: "refused"}[kind]
    p = {"state": state, "applicant": applicant, "marks": marks, "reason": reason, "revision": 1, **extra}
    if kind == cs.ACCEPTED and "accepted_on" not in extra:
        p.update(accepted_on="2026-11-20", due_date="2026-11-27", due_provisional=False, tolerated_until=None)
    return ev(kind, **p)


def record(**over) -> dict:
    """The record the window writes for created() + decision()."""
    r = {
        "state": "accepted",
        "reason": "",
        "applicant_kind": "person",
        "applicant_name": "王伟",
        "applicant_id_number": "320724199001011234",
        "applicant_phone": "13812345678",
        "applicant_address": "新安镇",
        "uid": "u-1",
        "subject_kind": "matter",
        "subject_code": "320724-CG-0001",
        "subject_name": "食品经营许可",
        "catalogue_version": "2020.2",
        "promised_days": 5,
        "legal_days": 20,
        "office_code": OFFICE,
        "workstation_id": WS,
        "clerk": "值班人员",
        "created_at": "2026-11-20T01:30:00.000+00:00",
        "created_on": "2026-11-20",
        "accepted_on": "2026-11-20",
        "due_date": "2026-11-27",
        "due_provisional": 0,
        "tolerated_until": None,
        "marks": '[{"k":"m1","s":"received"},{"k":"m2","s":"missing"}]',
    }
    return {**r, **over}


def fields(found: list[cr.Mismatch]) -> list[str]:
    return [m.field for m in found]


def test_the_record_the_window_wrote_matches():
    assert cr.check(NUMBER, record(), [created(), decision()]) == []


def test_the_issue_tampering_is_named_field_by_field():
    found = cr.check(NUMBER, record(applicant_name="王某某", state="refused"), [created(), decision()])
    assert [(m.case, m.field, m.stored, m.derived) for m in found] == [
        (NUMBER, "state", "refused", "accepted"),
        (NUMBER, "applicant_name", "王某某", "王伟"),
    ]


def test_every_checked_field_is_covered():
    events = [created(), decision()]
    changed = {
        "reason": "改过",
        "applicant_kind": "enterprise",
        "applicant_name": "李四",
        "applicant_id_number": "320724199001015678",
        "applicant_phone": "13900000000",
        "applicant_address": "别处",
        "uid": "u-2",
        "subject_kind": "bundle",
        "subject_code": "X",
        "subject_name": "别的事项",
        "catalogue_version": "2099.1",
        "promised_days": 1,
        "legal_days": 2,
        "office_code": "320724101",
        "workstation_id": "02",
        "clerk": "冒名",
        "created_at": "2026-11-21T01:30:00.000+00:00",
        "created_on": "2026-11-21",
        "accepted_on": "2026-11-21",
        "due_date": "2026-12-27",
        "due_provisional": 1,
        "tolerated_until": "2026-11-25",
        "marks": '[{"k":"m1","s":"received"},{"k":"m2","s":"received"}]',
    }
    assert set(changed) | {"state"} == set(cr.FIELDS)
    for name, value in changed.items():
        assert fields(cr.check(NUMBER, record(**{name: value}), events)) == [name], name


def test_materials_in_another_key_order_or_as_a_list_match():
    events = [created(), decision(marks=[{"k": "m1", "s": "received", "f": "copy", "c": 2}])]
    stored = record(marks='[{"k": "m1", "s": "received", "f": "copy", "c": 2}]')  # as json.dumps wrote it
    assert cr.check(NUMBER, stored, events) == []
    assert cr.check(NUMBER, record(marks=[{"k": "m1", "s": "received", "f": "copy", "c": 2}]), events) == []
    assert fields(cr.check(NUMBER, record(marks="not json"), events)) == ["marks"]


def test_a_record_without_events_is_named():
    assert fields(cr.check(NUMBER, record(), [])) == [cr.EVENTS]


def test_an_old_store_without_payloads_checks_what_its_events_say():
    """Stores older than these payloads ('{}'): the state, author and times are still checked."""
    events = [ev(cs.CREATED), ev(cs.ACCEPTED)]
    assert cr.check(NUMBER, record(applicant_name="谁都行"), events) == []
    assert fields(cr.check(NUMBER, record(state="refused", clerk="冒名"), events)) == ["state", "clerk"]


def test_back_office_decisions_pulled_and_their_reasons():
    bo = "backoffice:市场监管局"
    events = [
        created(),
        decision(),
        ev(cs.IN_REVIEW, lc=3, status="pulled", origin=bo),
        ev(cs.DENIED, lc=4, status="pulled", origin=bo, reason="选址不符合规划"),
    ]
    assert cr.check(NUMBER, record(state="denied", reason="选址不符合规划"), events) == []
    assert fields(cr.check(NUMBER, record(state="completed", reason="选址不符合规划"), events)) == ["state"]
    assert fields(cr.check(NUMBER, record(state="denied", reason="别的理由"), events)) == ["reason"]


def test_a_correction_marks_its_materials_and_either_form_is_honest():
    bo = "backoffice:市场监管局"
    asked = ev(
        cs.CORRECTION_REQUESTED,
        lc=3,
        status="pulled",
        origin=bo,
        reason="照片不清",
        materials=[{"k": "m1", "note": "重拍"}],
    )
    events = [created(), decision(), asked]
    marked = [{"k": "m1", "s": "defective", "n": "重拍"}, {"k": "m2", "s": "missing"}]
    assert cr.apply_correction(MARKS, asked.payload) == marked
    for marks in (marked, MARKS):  # marked as it came, or (a test store, no window) not
        assert cr.check(NUMBER, record(state="correction", reason="照片不清", marks=marks), events) == []
    wrong = [{"k": "m1", "s": "received"}, {"k": "m2", "s": "received"}]
    assert fields(cr.check(NUMBER, record(state="correction", reason="照片不清", marks=wrong), events)) == [
        "marks"
    ]
    # the applicant comes back: the new decision's applicant and materials are the record's
    again = decision(applicant={**APPLICANT, "phone": "13900000000"}, marks=wrong)
    assert cr.check(NUMBER, record(applicant_phone="13900000000", marks=wrong), [*events, again]) == []


def test_crossing_withdrawal_and_correction_leave_either_reason():
    """The window withdrew (its record keeps the old reason) while the back office asked for 补正."""
    bo = "backoffice:市场监管局"
    events = [
        created(),
        decision(),
        ev(cs.WITHDRAWN_EVENT, reason="申请人撤回"),
        ev(cs.CORRECTION_REQUESTED, lc=3, status="pulled", origin=bo, reason="照片不清", materials=[]),
    ]
    assert cr.fold(events).state == "withdrawn"
    for reason in ("", "照片不清"):
        assert cr.check(NUMBER, record(state="withdrawn", reason=reason), events) == []
    assert fields(cr.check(NUMBER, record(state="withdrawn", reason="伪造"), events)) == ["reason"]


def test_an_event_set_aside_leaves_either_state_until_the_case_is_refreshed():
    events = [created(), decision(), ev(cs.WITHDRAWN_EVENT, lc=3, status="set_aside")]
    for state in ("accepted", "withdrawn"):
        assert cr.check(NUMBER, record(state=state), events) == []
    assert fields(cr.check(NUMBER, record(state="refused"), events)) == ["state"]


# --- the plain fold is the window's fold -------------------------------------------------------------
KINDS = [cs.CREATED, cs.NOTIFIED, cs.ACCEPTED, cs.REFUSED, cs.IN_REVIEW, cs.CORRECTION_REQUESTED]
KINDS += [
    cs.COMPLETED,
    cs.DENIED,
    cs.DELIVERED,
    cs.WITHDRAWN_EVENT,
    cs.NOTE,
    "courier.pickup",
    "case.unknown",
]
one = st.tuples(
    st.sampled_from(KINDS),
    st.one_of(st.none(), st.integers(1, 12)),
    st.sampled_from(["", "", "acked", "pulled", "refused", "set_aside"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(one, max_size=12))
def test_the_plain_fold_agrees_with_the_windows_fold(history):
    events = [
        ev(k, lc=lc, status=status, origin="backoffice:x" if status == "pulled" else "")
        for k, lc, status in history
    ]
    view = cr.fold(events)
    plain = cr._fold_in_order(events)
    if plain is not None:
        state, applied, last = plain
        assert (state, [events[i].event_id for i in applied], last) == (
            view.state,
            list(view.applied),
            view.last_kind,
        )
    derived = cr.derive(NUMBER, events)
    if view.state is not None:
        assert derived.values["state"] == view.state


@settings(max_examples=400, deadline=None)
@given(st.lists(one, max_size=12))
def test_a_plain_shape_names_what_the_full_derivation_reads(history):
    """Where shape() sends a case to the quick check, it names the events derive() reads: the
    state it gives, the last own decision, the acceptance (only that one), the reason's event."""
    events = [
        ev(k, lc=lc, status=status, origin="backoffice:x" if status == "pulled" else "")
        for k, lc, status in history
    ]
    found = cr.shape(tuple((e.kind, e.lc, e.status) for e in events))
    if found is None:
        return
    view = cr.fold(events)
    assert found.state == view.state
    own = [i for i, e in enumerate(events) if e.kind in cr.DECISIONS and e.status != "pulled"]
    assert found.decision == own[-1]
    accepts = [i for i in own if events[i].kind == cs.ACCEPTED]
    assert accepts == ([found.decision] if found.accepted else [])
    assert events[found.created].kind == cs.CREATED
    assert found.reason == found.decision or events[found.reason].status == "pulled"
    applied = {e.event_id for e in events if e.event_id in view.applied}
    assert events[found.reason].event_id in applied
    setters = [
        i
        for i, e in enumerate(events)
        if e.event_id in applied and (i in own or e.kind in cr.REASON_FROM_FOLD)
    ]
    assert setters[-1] == found.reason
