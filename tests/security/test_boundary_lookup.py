"""Issue 16 §1: the hub never tells a window what another office holds.

The attack: with one township window's token, push events that name the ID numbers of another
office's applicants (in ``p.applicant``), then pull. Before the fix the hub answered each with a
``case.note`` holding the other office's name, phone, address and case number, overwrote the
county-wide applicant record and injected a note into the other office's case. Real hub
processes on SQLite and PostgreSQL, the other office's cases made by a real workstation.
"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from app.services.sync.cycle import run_cycle
from app.store.models import Case
from tests.hubs import make_workstation
from tests.sync.helpers import case_events, decoded, get, number, push

pytestmark = pytest.mark.slow

ATTACKER, VICTIM = "320724100", "320724101"


def _event(num: str, kind: str, lc: int, p: dict, office: str = ATTACKER, ws: str = "01") -> dict:
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


def _victims(tmp_path, hub):
    """Another office's window with real cases synced to the hub: its applicants and cases."""
    token = hub.token("workstation", VICTIM, "01")
    ws = make_workstation(tmp_path / "victim", hub.url, token, cases=12, seed=16, office=VICTIM)
    assert run_cycle(ws).ok
    with ws.store.read() as s:
        cases = list(s.execute(select(Case)).scalars())
    secrets = set()
    for c in cases:
        secrets |= {c.number, c.applicant_name, c.applicant_phone, c.applicant_address}
    secrets.discard("")
    people = {(c.applicant_kind, c.applicant_id_number) for c in cases}
    return ws, cases, secrets, people


def _case_views(hub, bo: str, numbers) -> dict:
    """What the hub shows of each case (events, state, lc, version, conflicts) to the back office."""
    return {n: decoded(get(hub.url, bo, f"/api/v1/cases/{n}")) for n in numbers}


def _leaks(text: str, secrets: set[str]) -> list[str]:
    return sorted(s for s in secrets if s in text)


def test_the_lookup_attack_returns_nothing_of_another_office(tmp_path, hub):
    bo = hub.token("backoffice")
    victim_ws, cases, secrets, people = _victims(tmp_path, hub)
    before = _case_views(hub, bo, [c.number for c in cases])
    thief = hub.token("workstation", ATTACKER, "01")
    own = number(1, office=ATTACKER)
    assert decoded(push(hub.url, thief, case_events(own, office=ATTACKER)))["ok"] == 2

    # 1. 5,000 notes on its own case, each naming another office's applicant by ID number
    ids = sorted(people)
    notes = [
        _event(
            own,
            "case.note",
            3,
            {
                "text": "核对",
                "applicant": {"kind": k, "id_number": i, "name": "某", "phone": "1", "address": "x"},
            },
        )
        for n in range(5000)
        for k, i in [ids[n % len(ids)]]
    ]
    noted = decoded(push(hub.url, thief, notes))

    # 2. the same through the kinds that do carry an applicant: its own new cases, accepted
    #    with the other office's ID numbers and made-up details
    forged: list[dict] = []
    for n, (k, i) in enumerate(ids, start=2):
        evs = case_events(number(n, office=ATTACKER), office=ATTACKER)
        evs[1]["p"]["applicant"] = {
            "kind": k,
            "id_number": i,
            "name": "假名",
            "phone": "110",
            "address": "假",
        }
        forged += evs
    assert decoded(push(hub.url, thief, forged))["ok"] == len(forged)

    # what the attacker can read: its pull, its cases (list and one by one)
    pulled = get(hub.url, thief, "/api/v1/sync/pull", after=0)
    assert pulled.status_code == 200
    assert decoded(pulled)["events"] == []  # its own events never come back; nothing else is its
    seen = pulled.content.decode("utf-8")
    listed = get(hub.url, thief, "/api/v1/cases", per_page=500)
    seen += listed.text
    for c in decoded(listed)["items"]:
        detail = get(hub.url, thief, f"/api/v1/cases/{c['number']}")
        assert detail.status_code == 200
        assert all(k["rule"] != "applicant_details" for k in detail.json()["conflicts"])
        seen += detail.text
    assert {c["office"] for c in decoded(listed)["items"]} == {ATTACKER}
    assert _leaks(seen, secrets) == []

    # the other office's cases are untouched: events, state, lc, version and conflicts
    assert _case_views(hub, bo, [c.number for c in cases]) == before
    # and its window pulls nothing new
    rep = run_cycle(victim_ws)
    assert rep.ok and rep.pulled == 0
    # a note carries no applicant: each of them was refused, saying why
    # (the first is refused, the later ones of the same case wait behind it, as every refusal)
    assert noted["ok"] == 0 and len(noted["refused"]) == 5000
    assert noted["refused"][0]["code"] == "bad_payload" and "applicant" in noted["refused"][0]["reason"]
    assert {x["code"] for x in noted["refused"][1:]} == {"blocked"}


def test_another_office_cannot_overwrite_an_offices_applicant_record(tmp_path, hub):
    """The victim office's record of its applicant is its own: after an attacker accepted a case
    with the same ID number and other details, the victim's next case with its own details is
    no disagreement (before the fix the county record was the attacker's, and the victim's
    case got a note with the attacker's details)."""
    from tests.sync.helpers import case_events as evs_of

    bo = hub.token("backoffice")
    victim = hub.token("workstation", VICTIM, "01")
    thief = hub.token("workstation", ATTACKER, "01")
    applicant = {"kind": "person", "id_number": "320724199001011234", "name": "王伟", "phone": "13800000000"}
    applicant["address"] = "灌南县新安镇人民路1号"
    first = evs_of(number(1, office=VICTIM), office=VICTIM)
    first[1]["p"]["applicant"] = dict(applicant)
    assert decoded(push(hub.url, victim, first))["ok"] == 2

    fake = evs_of(number(1, office=ATTACKER), office=ATTACKER)
    fake[1]["p"]["applicant"] = {**applicant, "name": "冒名", "phone": "110", "address": "别处"}
    assert decoded(push(hub.url, thief, fake))["ok"] == 2
    assert decoded(get(hub.url, thief, "/api/v1/sync/pull", after=0))["events"] == []
    thief_case = decoded(get(hub.url, thief, f"/api/v1/cases/{number(1, office=ATTACKER)}"))
    assert "王伟" not in json.dumps(thief_case, ensure_ascii=False)

    again = evs_of(number(2, office=VICTIM), office=VICTIM)
    again[1]["p"]["applicant"] = dict(applicant)
    assert decoded(push(hub.url, victim, again))["ok"] == 2
    for n in (number(1, office=VICTIM), number(2, office=VICTIM)):
        view = decoded(get(hub.url, bo, f"/api/v1/cases/{n}"))
        assert view["conflicts"] == [] and view["lc"] == 2
        assert [e["kind"] for e in view["events"]] == ["case.created", "case.accepted"]
    assert decoded(get(hub.url, victim, "/api/v1/sync/pull", after=0))["events"] == []


def test_a_reused_event_id_names_nothing_of_another_office(tmp_path, hub):
    """An event id already used on another office's case: refused without naming that case, and
    nothing is recorded on it (before the fix the refusal named its number and kind, and a
    conflict was added to it)."""
    bo = hub.token("backoffice")
    victim = hub.token("workstation", VICTIM, "01")
    thief = hub.token("workstation", ATTACKER, "01")
    theirs = number(1, office=VICTIM)
    assert decoded(push(hub.url, victim, case_events(theirs, office=VICTIM)))["ok"] == 2
    before = decoded(get(hub.url, bo, f"/api/v1/cases/{theirs}"))
    known_id = before["events"][1]["id"]

    own = number(1, office=ATTACKER)
    evs = case_events(own, office=ATTACKER)
    evs.append(_event(own, "case.note", 3, {"text": "x"}))
    evs[2]["id"] = known_id
    r = decoded(push(hub.url, thief, evs))
    assert r["ok"] == 2
    [refusal] = r["refused"]
    assert refusal["code"] == "duplicate_id"
    assert theirs not in json.dumps(r, ensure_ascii=False) and "case.accepted" not in refusal["reason"]
    assert decoded(get(hub.url, bo, f"/api/v1/cases/{theirs}")) == before


def test_a_disagreement_within_an_office_is_shown_in_the_console_and_told_to_no_window(tmp_path, hub):
    import re

    import httpx

    from sync.hub.console_store import ConsoleStore

    t1, t2 = hub.token("workstation", ATTACKER, "01"), hub.token("workstation", ATTACKER, "02")
    applicant = {"kind": "person", "id_number": "320724199001011234", "name": "王伟", "phone": "13800000000"}
    first = case_events(number(1, office=ATTACKER), office=ATTACKER)
    first[1]["p"]["applicant"] = {**applicant, "address": "人民路1号"}
    second = case_events(number(1, office=ATTACKER, ws="02"), office=ATTACKER, ws="02")
    second[1]["p"]["applicant"] = {**applicant, "phone": "13900000000", "address": "人民路1号"}
    assert decoded(push(hub.url, t1, first))["ok"] == 2
    assert decoded(push(hub.url, t2, second))["ok"] == 2
    for token in (t1, t2):
        assert decoded(get(hub.url, token, "/api/v1/sync/pull", after=0))["events"] == []

    st = hub.store()
    try:
        ConsoleStore(st).add_user("管理员", "admin", "Secret-pass1", [])
    finally:
        st.close()
    client = httpx.Client(base_url=hub.url, timeout=30)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/login").text).group(1)
    r = client.post("/console/login", data={"csrf": csrf, "name": "管理员", "password": "Secret-pass1"})
    assert r.status_code == 303
    page = client.get(f"/console/cases/{second[0]['case']}").text
    shown = re.search(r'<li class="applicant-conflict".*?</li>\s*</ul>', page, re.S)
    assert shown is not None and first[0]["case"] in shown.group(0)
    assert re.findall(r'data-field="(\w+)"', shown.group(0)) == ["phone"]  # only what differs
    assert "13800000000" not in page and "13900000000" not in page  # phones masked
    assert "applicant-conflict" not in client.get(f"/console/cases/{first[0]['case']}").text
