"""Issue 16 §6: malformed payloads never reach the store, and the console survives what an older
hub already stored.

Before the fix ``marks: "zzz"`` or ``[1, 2, 3]`` made the console's case page answer 500, an
attachment's ``sha256`` of ``../../../workstations?x=…`` was rendered as a link, and a lone
``\\ud800``, a 5,000-digit integer or a chain number of 2**63-1 in a push answered 500. Real hub
processes on SQLite and PostgreSQL; the bodies are written byte by byte, as a hostile window would.
"""

from __future__ import annotations

import json
import re
import uuid

import httpx
import pytest
import zstandard
from sqlalchemy import select, update

from sync.hub.console_store import ConsoleStore
from sync.hub.store import event_t
from tests.sync.helpers import case_events, decoded, get, number, push

pytestmark = pytest.mark.slow

OFFICE = "320724100"
PASSWORD = "Secret-pass1"
EVIL_SHA = "../../../workstations?x=1"


def _raw_push(url: str, token: str, text: str) -> httpx.Response:
    """A push whose body is exactly ``text`` (JSON as the attacker wrote it), zstd-compressed."""
    return httpx.post(
        url + "/api/v1/sync/push",
        content=zstandard.ZstdCompressor().compress(text.encode("utf-8")),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Encoding": "zstd",
            "Content-Type": "application/json",
        },
        timeout=30,
    )


def _batch(events: list[dict]) -> str:
    # ensure_ascii: a lone surrogate travels as the escape \ud800, the only way JSON can carry it
    return json.dumps({"v": 1, "batch": str(uuid.uuid4()), "events": events}, ensure_ascii=True)


def _note(num: str, lc: int = 3, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "case": num,
        "kind": "case.note",
        "lc": lc,
        "p": {"text": "备注"},
        "actor": "值班人员",
        "office": OFFICE,
        "ws": "01",
        "at": "2026-11-20T02:00:00.000+00:00",
        **extra,
    }


def _ok_after(hub, token: str, seq: int) -> None:
    """The hub still works: a good event is applied after the bad body."""
    r = push(hub.url, token, [_note(number(1), lc=3 + seq)])
    assert r.status_code == 200 and decoded(r)["ok"] == 1


def test_unrepresentable_values_in_a_push_answer_400_with_the_reason(hub):
    token = hub.token("workstation", OFFICE, "01")
    assert decoded(push(hub.url, token, case_events(number(1))))["ok"] == 2
    st = hub.store()
    before = st.counts()
    st.close()

    surrogate_p = _batch([_note(number(1), p={"text": "\ud800"})])
    surrogate_actor = _batch([_note(number(1), actor="王\udfff")])
    surrogate_key = _batch([_note(number(1), p={"\ud800": "x"})])
    huge = _batch([_note(number(1), p={"text": "x", "size": 7})]).replace(
        '"size": 7', '"size": ' + "9" * 5000
    )
    huge_lc = _batch([_note(number(1), lc=7)]).replace('"lc": 7', '"lc": ' + "1" * 5000)
    chain = _batch([_note(number(1), n=2**63 - 1, hash="sm3:" + "0" * 64, prev="")])
    nan = _batch([_note(number(1))]).replace('"text": "\\u5907\\u6ce8"', '"text": NaN')
    cases = {
        "lone surrogate in the payload": (surrogate_p, "surrogate"),
        "lone surrogate in the actor": (surrogate_actor, "surrogate"),
        "lone surrogate in a key": (surrogate_key, "surrogate"),
        "5,000-digit integer": (huge, "integer"),
        "5,000-digit lc": (huge_lc, "integer"),
        "chain number 2**63-1": (chain, "chain number"),
        "NaN": (nan, "NaN"),
    }
    for name, (body, word) in cases.items():
        r = _raw_push(hub.url, token, body)
        assert r.status_code == 400, (name, r.status_code, r.text[:300])
        assert r.json()["error"] == "malformed", name
        assert word in r.json()["message"], (name, r.json())
    st = hub.store()
    assert st.counts() == before  # nothing of any of them was kept
    st.close()
    _ok_after(hub, token, 1)


def _accepted(num: str, **changes) -> list[dict]:
    evs = case_events(num)
    evs[1]["p"].update(changes)
    return evs


def _scan(num: str, sha: str, lc: int = 3) -> dict:
    return {
        **_note(num, lc),
        "kind": "attachment.added",
        "p": {"sha256": sha, "size": 10, "name": "身份证.jpg"},
    }


def test_each_kind_payload_is_checked_at_the_push(hub):
    """Per event, as every refusal of meaning is: the rest of the batch is applied, the clerk sees
    the refused event with its reason, and nothing of it is stored."""
    token = hub.token("workstation", OFFICE, "01")
    bad = {
        "marks as text": _accepted(number(1), marks="zzz"),
        "marks as numbers": _accepted(number(2), marks=[1, 2, 3]),
        "a mark with a bad status": _accepted(number(3), marks=[{"k": "m1", "s": "<b>"}]),
        "applicant as a list": _accepted(number(4), applicant=["王伟"]),
        "reason as an object": _accepted(number(5), reason={"a": 1}),
        "a date that is not one": _accepted(number(6), due_date="tomorrow"),
    }
    good = case_events(number(9))
    other = case_events(number(10))
    batch = [e for evs in bad.values() for e in evs] + good + other
    batch.append(_scan(number(9), EVIL_SHA))
    batch.append({**_note(number(10)), "p": {"text": 5}})
    r = decoded(push(hub.url, token, batch))
    assert r["ok"] == len(bad) + 4  # each bad case's case.created, and the good cases
    refused = {x["id"]: x for x in r["refused"]}
    for name, evs in bad.items():
        assert refused[evs[1]["id"]]["code"] == "bad_payload", name
    assert refused[batch[-2]["id"]]["code"] == "bad_payload"
    assert "sha256" in refused[batch[-2]["id"]]["reason"]
    assert refused[batch[-1]["id"]]["code"] == "bad_payload"
    bo = hub.token("backoffice")
    for evs in bad.values():
        kinds = [e["kind"] for e in decoded(get(hub.url, bo, f"/api/v1/cases/{evs[0]['case']}"))["events"]]
        assert kinds == ["case.created"]
    kinds = [e["kind"] for e in decoded(get(hub.url, bo, f"/api/v1/cases/{number(9)}"))["events"]]
    assert kinds == ["case.created", "case.accepted"]


def _session(hub) -> httpx.Client:
    st = hub.store()
    try:
        ConsoleStore(st).add_user("管理员", "admin", PASSWORD, [])
    finally:
        st.close()
    client = httpx.Client(base_url=hub.url, timeout=30)
    form = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    r = client.post("/console/login", data={"csrf": csrf, "name": "管理员", "password": PASSWORD})
    assert r.status_code == 303, r.text
    return client


def _store_as_an_older_hub(hub, event_id: str, payload: dict) -> None:
    """What a hub before the fix accepted and kept: the event's payload, as stored."""
    st = hub.store()
    try:
        with st.tx() as c:
            n = c.execute(
                update(event_t)
                .where(event_t.c.event_id == event_id)
                .values(payload=json.dumps(payload, ensure_ascii=False))
            ).rowcount
            assert n == 1
            assert c.execute(select(event_t.c.payload).where(event_t.c.event_id == event_id)).scalar()
    finally:
        st.close()


def test_the_console_case_page_survives_what_an_older_hub_stored(hub):
    token = hub.token("workstation", OFFICE, "01")
    shown = {}
    variants = ("zzz", [1, 2, 3], [{"k": ["x"], "s": 5, "c": "many"}], None)  # None: only the scan's sha
    for i, marks in enumerate(variants, start=1):
        evs = case_events(number(i))
        evs.append(_scan(number(i), "a" * 64))
        assert decoded(push(hub.url, token, evs))["ok"] == 3
        if marks is not None:
            _store_as_an_older_hub(hub, evs[1]["id"], {**evs[1]["p"], "marks": marks, "materials": 7})
        _store_as_an_older_hub(hub, evs[2]["id"], {"sha256": EVIL_SHA, "name": "身份证.jpg"})
        shown[number(i)] = marks
    client = _session(hub)
    for num in shown:
        page = client.get(f"/console/cases/{num}")
        assert page.status_code == 200, (num, page.status_code)
        assert "身份证.jpg" in page.text  # the scan is listed, as text
        hrefs = re.findall(r'(?:href|src)="([^"]*)"', page.text)
        assert not [h for h in hrefs if "/scans/" in h or ".." in h or "x=1" in h], hrefs
        assert client.get(f"/console/cases/{num}/scans/{'a' * 64}").status_code == 404


def test_a_back_office_decision_is_checked_against_its_kind_too(hub):
    """The same schemas hold for POST /api/v1/cases/{number}/events (422 bad_payload)."""
    from tests.sync.helpers import decide

    token, bo = hub.token("workstation", OFFICE, "01"), hub.token("backoffice")
    assert decoded(push(hub.url, token, case_events(number(1))))["ok"] == 2
    for payload in ({"materials": "zzz"}, {"materials": [1, 2]}, {"reason": ["x"]}, {"applicant": {}}):
        r = decide(hub.url, bo, number(1), "case.correction_requested", **payload)
        assert r.status_code == 422 and r.json()["error"] == "bad_payload", (payload, r.text)
    kinds = [e["kind"] for e in decoded(get(hub.url, bo, f"/api/v1/cases/{number(1)}"))["events"]]
    assert kinds == ["case.created", "case.accepted"]
    ok = decide(hub.url, bo, number(1), "case.correction_requested", materials=[{"k": "m1", "note": "模糊"}])
    assert ok.status_code == 201
