"""The hub as a real process, on SQLite and on PostgreSQL: exactly-once, authorisation, API."""

from __future__ import annotations

import random

import httpx
import pytest
import zstandard

from sync import protocol
from tests.sync.helpers import case_events, decide, decoded, get, number, push

pytestmark = pytest.mark.slow  # real hub processes, on SQLite and PostgreSQL


def _tokens(hub):
    return (
        hub.token("workstation", "320724100", "01"),
        hub.token("workstation", "320724101", "01"),
        hub.token("backoffice", name="市场监管局"),
    )


def test_exactly_once_whatever_the_delivery(hub):
    ws_a, _ws_b, bo = _tokens(hub)
    events = [e for i in range(1, 21) for e in case_events(number(i))]
    first = decoded(push(hub.url, ws_a, events))
    assert (first["ok"], first["dup"], first["refused"]) == (40, 0, [])
    before = decoded(get(hub.url, bo, "/api/v1/cases", per_page=500))
    # the same batch again, shuffled, in pieces, with duplicates inside one batch
    rnd = random.Random(4)
    again = events[:] + events[:10]
    rnd.shuffle(again)
    for i in range(0, len(again), 7):
        r = decoded(push(hub.url, ws_a, again[i : i + 7]))
        assert r["ok"] == 0 and r["refused"] == []
    after = decoded(get(hub.url, bo, "/api/v1/cases", per_page=500))
    assert after == before
    assert after["total"] == 20
    assert {c["state"] for c in after["items"]} == {"accepted"}


def test_events_of_one_case_in_any_order_within_a_batch(hub):
    ws_a, _, bo = _tokens(hub)
    evs = case_events(number(1))
    assert decoded(push(hub.url, ws_a, list(reversed(evs))))["ok"] == 2
    assert decoded(get(hub.url, bo, f"/api/v1/cases/{number(1)}"))["state"] == "accepted"


def test_an_office_cannot_write_another_offices_cases_and_the_rest_flows(hub):
    ws_a, ws_b, bo = _tokens(hub)
    mine = case_events(number(1))
    theirs = case_events(number(1, office="320724101"), office="320724101")
    r = decoded(push(hub.url, ws_a, theirs + mine))
    assert r["ok"] == 2
    assert {x["code"] for x in r["refused"]} == {"forbidden_office", "blocked"}
    assert get(hub.url, bo, f"/api/v1/cases/{number(1, office='320724101')}").status_code == 404
    # and the same office's token cannot read it either
    assert get(hub.url, ws_b, f"/api/v1/cases/{number(1)}").status_code == 404
    assert get(hub.url, ws_a, f"/api/v1/cases/{number(1)}").status_code == 200


def test_refused_event_blocks_only_its_case(hub):
    ws_a, _, bo = _tokens(hub)
    orphan = case_events(number(2))[1:]  # a decision whose case.created never came
    ok = case_events(number(3))
    r = decoded(push(hub.url, ws_a, orphan + ok))
    assert r["ok"] == 2
    assert [x["code"] for x in r["refused"]] == ["unknown_case"]
    assert "case.created" in r["refused"][0]["reason"]


def test_no_token_no_access(hub):
    for method, path in (
        ("GET", "/api/v1/sync/pull"),
        ("POST", "/api/v1/sync/push"),
        ("GET", "/api/v1/cases"),
        ("GET", f"/api/v1/cases/{number(1)}"),
        ("POST", f"/api/v1/cases/{number(1)}/events"),
    ):
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
            assert httpx.request(method, hub.url + path, headers=headers).status_code == 401
    assert httpx.get(hub.url + "/healthz").status_code == 200


def test_malformed_and_oversize_batches_are_refused_whole(hub):
    ws_a, _, bo = _tokens(hub)
    good = case_events(number(5))
    bad = dict(good[1], lc="two")
    r = push(hub.url, ws_a, [good[0], bad])
    assert r.status_code == 400 and "lc" in r.json()["message"]
    assert get(hub.url, bo, f"/api/v1/cases/{number(5)}").status_code == 404  # nothing half-applied
    h = {"Authorization": f"Bearer {ws_a}", "Content-Encoding": "zstd"}
    assert (
        httpx.post(hub.url + "/api/v1/sync/push", content=b"\x28\xb5\x2f\xfdnot zstd", headers=h).status_code
        == 400
    )
    assert (
        httpx.post(
            hub.url + "/api/v1/sync/push", content=b"{}", headers=h | {"Content-Encoding": "br"}
        ).status_code
        == 415
    )
    bomb = zstandard.ZstdCompressor().compress(b" " * (protocol.MAX_DECODED + 10))
    assert httpx.post(hub.url + "/api/v1/sync/push", content=bomb, headers=h).status_code == 413
    many = protocol.compress({"v": 1, "batch": "x", "events": [good[0]] * (protocol.MAX_EVENTS + 1)})
    r = httpx.post(hub.url + "/api/v1/sync/push", content=many, headers=h)
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    big = httpx.post(hub.url + "/api/v1/sync/push", content=b"0" * (protocol.MAX_BODY + 1), headers=h)
    assert big.status_code == 413


def test_read_and_back_office_api(hub):
    ws_a, _, bo = _tokens(hub)
    for i in range(1, 8):
        push(hub.url, ws_a, case_events(number(i)))
    page = decoded(get(hub.url, bo, "/api/v1/cases", per_page=3, page=3))
    assert page["total"] == 7 and len(page["items"]) == 1 and page["page"] == 3
    r = decide(hub.url, bo, number(1), "case.in_review")
    assert r.status_code == 201 and r.json()["case"]["state"] == "in_review"
    r = decide(hub.url, bo, number(1), "case.completed", result="许可证 JY123")
    assert r.json()["case"]["state"] == "completed"
    assert (
        decide(hub.url, bo, number(1), "case.denied", reason="不符合条件").status_code == 409
    )  # not from completed
    for reason in ({}, {"reason": ""}, {"reason": "  "}, {"reason": 7}):  # 不予许可 says why, or is refused
        r = decide(hub.url, bo, number(3), "case.denied", **reason)
        assert (r.status_code, r.json()["error"]) == (422, "bad_payload"), r.text
        assert "reason" in r.json()["message"]
    assert decoded(get(hub.url, bo, f"/api/v1/cases/{number(3)}"))["state"] == "accepted"
    assert decide(hub.url, bo, number(99), "case.completed").status_code == 404
    assert decide(hub.url, bo, number(2), "case.accepted").status_code == 422  # a window's decision
    assert decide(hub.url, ws_a, number(2), "case.completed").status_code == 403  # a window token
    detail = decoded(get(hub.url, bo, f"/api/v1/cases/{number(1)}"))
    assert [e["kind"] for e in detail["events"]] == [
        "case.created",
        "case.accepted",
        "case.in_review",
        "case.completed",
    ]
    assert decoded(get(hub.url, bo, "/api/v1/cases", state="completed"))["total"] == 1


def test_pull_by_cursor_brings_only_the_windows_decisions(hub):
    ws_a, _, bo = _tokens(hub)
    ws_a2 = hub.token("workstation", "320724100", "02")
    push(hub.url, ws_a, case_events(number(1)) + case_events(number(2)))
    push(hub.url, ws_a2, case_events(number(1, ws="02"), ws="02"))
    first = decoded(get(hub.url, ws_a, "/api/v1/sync/pull", after=0))
    assert first["events"] == [] and first["more"] is False
    decide(hub.url, bo, number(2), "case.completed")
    decide(hub.url, bo, number(1, ws="02"), "case.denied", reason="不符合条件")
    page = decoded(get(hub.url, ws_a, "/api/v1/sync/pull", after=first["cursor"]))
    assert [(e["case"], e["kind"]) for e in page["events"]] == [(number(2), "case.completed")]
    assert page["events"][0]["by"] == "backoffice:市场监管局"
    assert decoded(get(hub.url, ws_a, "/api/v1/sync/pull", after=page["cursor"]))["events"] == []
    other = decoded(get(hub.url, ws_a2, "/api/v1/sync/pull", after=0))
    assert [e["kind"] for e in other["events"]] == ["case.denied"]
