"""Issue 11: authorship comes from the token, a case is its number and its uid, refusal codes.

Real hub processes on SQLite and PostgreSQL; events built by hand, as a hostile window would.
"""

from __future__ import annotations

import uuid

import pytest

from tests.sync.helpers import case_events, decide, decoded, get, number, push

pytestmark = pytest.mark.slow

OFFICE = "320724100"


def _event(num: str, kind: str, lc: int, ws: str, office: str = OFFICE, **p) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "case": num,
        "kind": kind,
        "lc": lc,
        "p": p,
        "actor": "值班人员",
        "office": office,
        "ws": ws,
        "at": "2026-11-20T02:00:00.000+00:00",
    }


def test_a_window_cannot_write_as_another_window(hub):
    t01 = hub.token("workstation", OFFICE, "01")
    t02 = hub.token("workstation", OFFICE, "02")
    bo = hub.token("backoffice")
    theirs = number(1, ws="02")
    assert decoded(push(hub.url, t02, case_events(theirs, ws="02")))["ok"] == 2
    before_case = decoded(get(hub.url, bo, f"/api/v1/cases/{theirs}"))
    st = hub.store()
    before = st.counts()
    st.close()

    # 01 pretends to be 02: withdraws 02's case, and takes 02's next numbers
    forged = [_event(theirs, "case.withdrawn", 3, "02", reason="申请人撤回")]
    forged += case_events(number(2, ws="02"), ws="02")
    forged += case_events(number(3, ws="02"), ws="01")  # its own id, but 02's number
    r = decoded(push(hub.url, t01, forged))
    assert r["ok"] == 0 and r["dup"] == 0
    codes = {x["id"]: x["code"] for x in r["refused"]}
    assert codes[forged[0]["id"]] == "not_your_workstation"
    assert codes[forged[1]["id"]] == "not_your_workstation"
    assert codes[forged[3]["id"]] == "not_your_workstation"
    reason = next(x["reason"] for x in r["refused"] if x["id"] == forged[0]["id"])
    assert f"{OFFICE}/02" in reason and f"{OFFICE}/01" in reason

    # nothing changed at the hub, and 02's real cases still flow
    st = hub.store()
    assert st.counts() == before
    st.close()
    assert decoded(get(hub.url, bo, f"/api/v1/cases/{theirs}")) == before_case
    assert decoded(get(hub.url, t02, "/api/v1/sync/pull", after=0))["events"] == []
    real = decoded(push(hub.url, t02, case_events(number(2, ws="02"), ws="02")))
    assert (real["ok"], real["refused"]) == (2, [])

    # an applicant who returns to another window: 01 may act on 02's case, as itself
    own = _event(theirs, "case.withdrawn", 3, "01", reason="申请人撤回")
    assert decoded(push(hub.url, t01, [own]))["ok"] == 1
    down = decoded(get(hub.url, t02, "/api/v1/sync/pull", after=0))["events"]
    assert [(e["id"], e["by"]) for e in down] == [(own["id"], f"{OFFICE}/01")]


def test_refusal_codes_name_the_right_kind_and_office(hub):
    t01 = hub.token("workstation", OFFICE, "01")
    mine = case_events(number(1))
    assert decoded(push(hub.url, t01, mine))["ok"] == 2
    foo = _event(number(1), "case.foo", 3, "01")
    foreign = _event(number(1), "case.note", 3, "01", office="320724101")
    # one by one: in one batch, the second event of a case would be "blocked" by the first
    got = {x["id"]: x for e in (foo, foreign) for x in decoded(push(hub.url, t01, [e]))["refused"]}
    assert got[foo["id"]]["code"] == "unknown_kind"
    assert got[foreign["id"]]["code"] == "forbidden_office"
    assert "320724101" in got[foreign["id"]]["reason"]


def test_a_reused_event_id_with_other_content_is_a_conflict(hub):
    t01, bo = hub.token("workstation", OFFICE, "01"), hub.token("backoffice")
    created, accepted = case_events(number(1))
    assert decoded(push(hub.url, t01, [created, accepted]))["ok"] == 2
    same = decoded(push(hub.url, t01, [accepted]))
    assert (same["ok"], same["dup"], same["refused"]) == (0, 1, [])
    other = dict(accepted, kind="case.refused", p={"state": "refused", "reason": "材料不全"})
    r = decoded(push(hub.url, t01, [other]))
    assert r["dup"] == 0 and [x["code"] for x in r["refused"]] == ["duplicate_id"]
    detail = decoded(get(hub.url, bo, f"/api/v1/cases/{number(1)}"))
    assert detail["state"] == "accepted"
    assert [(k["rule"], k["event_id"]) for k in detail["conflicts"]] == [("duplicate_id", accepted["id"])]


def test_one_number_two_uids_is_a_conflict_and_pulls_carry_the_uid(hub):
    t01, bo = hub.token("workstation", OFFICE, "01"), hub.token("backoffice")
    first = case_events(number(1))
    uid = first[0]["p"]["uid"]
    assert decoded(push(hub.url, t01, first))["ok"] == 2
    second = case_events(number(1))  # the same number made again elsewhere, with another uid
    r = decoded(push(hub.url, t01, second))
    assert r["ok"] == 0 and {x["code"] for x in r["refused"]} == {"number_conflict", "blocked"}
    detail = decoded(get(hub.url, bo, f"/api/v1/cases/{number(1)}"))
    assert detail["uid"] == uid and len(detail["events"]) == 2
    assert [k["rule"] for k in detail["conflicts"]] == ["uid_mismatch"]
    # an event naming another uid for a known number is refused too
    stray = dict(_event(number(1), "case.note", 3, "01", text="备注"), case_uid=str(uuid.uuid4()))
    assert [x["code"] for x in decoded(push(hub.url, t01, [stray]))["refused"]] == ["number_conflict"]
    assert decide(hub.url, bo, number(1), "case.completed").status_code == 201
    down = decoded(get(hub.url, t01, "/api/v1/sync/pull", after=0))["events"]
    assert [(e["kind"], e["case_uid"]) for e in down] == [("case.completed", uid)]
