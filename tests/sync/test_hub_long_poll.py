"""The idle pull that waits at the hub (``GET /api/v1/sync/pull?wait=S``) and the pull's caches,
on a real hub process (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import threading
import time

import httpx
import pytest

from sync import protocol
from sync.sealing import fingerprint
from tests.hubs import HubProcess
from tests.sync.helpers import case_events, decide, decoded, number, push

pytestmark = pytest.mark.slow  # real hub processes


def _pull(url: str, token: str, timeout: float = 40, **params) -> tuple[httpx.Response, dict, float]:
    t0 = time.monotonic()
    r = httpx.get(
        url + "/api/v1/sync/pull",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeout,
    )
    took = time.monotonic() - t0
    return r, (decoded_zstd(r) if r.status_code == 200 else {}), took


def decoded_zstd(r: httpx.Response) -> dict:
    return protocol.loads(r.content)


HELD: dict[str, str] = {}


def _setup(hub) -> tuple[str, str, int]:
    """A window's token with a case at the hub, a back office's token, the window's cursor; the
    versions the window holds go in HELD (a window names them: the hub answers at once when
    they differ)."""
    ws = hub.token("workstation", "320724100", "01")
    bo = hub.token("backoffice", name="市场监管局")
    assert decoded(push(hub.url, ws, case_events(number(1))))["ok"] == 2
    _r, doc, _t = _pull(hub.url, ws)
    HELD.clear()
    HELD.update(cat=doc["cat"], cal=doc["cal"], bk=fingerprint(base64.b64decode(doc["bk"])))
    return ws, bo, doc["cursor"]


def test_a_decision_wakes_a_waiting_pull_within_two_seconds(hub):
    ws, bo, cursor = _setup(hub)
    got: dict = {}

    def wait() -> None:
        got["r"], got["doc"], got["took"] = _pull(hub.url, ws, after=cursor, **HELD, wait=25)

    th = threading.Thread(target=wait)
    th.start()
    time.sleep(1.5)  # the pull is now held at the hub
    assert th.is_alive()
    t0 = time.monotonic()
    assert decide(hub.url, bo, number(1), "case.in_review").status_code == 201
    th.join(10)
    woke = time.monotonic() - t0
    assert got["r"].status_code == 200
    assert [e["kind"] for e in got["doc"]["events"]] == ["case.in_review"]
    assert woke < 2.0, woke
    assert got["doc"]["cursor"] > cursor


def test_a_waiting_pull_is_bounded_and_answers_empty(hub):
    ws, _bo, cursor = _setup(hub)
    r, doc, took = _pull(hub.url, ws, after=cursor, **HELD, wait=2)
    assert r.status_code == 200
    assert doc["events"] == [] and doc["more"] is False and doc["cursor"] == cursor
    assert doc.get("w") == 2  # the hub says it held the pull (an older hub does not)
    assert 1.8 <= took < 6, took
    # the bound: more than the hub's limit is refused, as any bad parameter is
    r, _doc, _t = _pull(hub.url, ws, after=cursor, **HELD, wait=protocol.MAX_PULL_WAIT + 1)
    assert r.status_code == 400


def test_a_waiting_pull_with_news_answers_at_once(sqlite_hub):
    ws, bo, cursor = _setup(sqlite_hub)
    assert decide(sqlite_hub.url, bo, number(1), "case.in_review").status_code == 201
    r, doc, took = _pull(sqlite_hub.url, ws, after=cursor, **HELD, wait=25)
    assert [e["kind"] for e in doc["events"]] == ["case.in_review"]
    assert took < 2


def test_another_windows_decision_does_not_answer_a_waiting_pull(sqlite_hub):
    ws, bo, cursor = _setup(sqlite_hub)
    other = sqlite_hub.token("workstation", "320724100", "02")
    assert decoded(push(sqlite_hub.url, other, case_events(number(1, ws="02"), ws="02")))["ok"] == 2
    got: dict = {}
    th = threading.Thread(
        target=lambda: got.update(
            zip(("r", "doc", "took"), _pull(sqlite_hub.url, ws, after=cursor, **HELD, wait=3))
        )
    )
    th.start()
    time.sleep(0.5)
    assert decide(sqlite_hub.url, bo, number(1, ws="02"), "case.in_review").status_code == 201
    th.join(10)
    assert got["doc"]["events"] == [] and got["took"] >= 2.8


def test_a_token_revoked_by_another_process_is_refused_at_the_next_pull(hub):
    """The token's identity is cached by the hub; a revocation made by the CLI's process (another
    process on the same database) is seen at the very next pull."""
    ws = hub.token("workstation", "320724100", "01")
    for _ in range(3):  # warm the cache
        assert _pull(hub.url, ws)[0].status_code == 200
    st = hub.store()
    try:
        [row] = [t for t in st.list_tokens() if t["workstation"] == "01"]
        st.revoke_token(row["id"])
    finally:
        st.close()
    r, _doc, _t = _pull(hub.url, ws)
    assert r.status_code == 401 and r.json()["error"] == "token_revoked"


def test_a_published_calendar_is_named_at_the_next_pull(hub):
    ws = hub.token("workstation", "320724100", "01")
    _r, doc, _t = _pull(hub.url, ws)
    cal = doc["cal"]
    assert "cal" not in _pull(hub.url, ws, cal=cal)[1]  # cached and unchanged
    st = hub.store()
    try:
        body = st.current_document("calendar")[1]
        body = {**body, "version": "2099.1"}
        st.publish_document("calendar", body)
    finally:
        st.close()
    assert _pull(hub.url, ws, cal=cal)[1].get("cal") == "2099.1"


def held_pull(url: str, ws: str, cursor: int) -> tuple[threading.Thread, dict]:
    """A window's pull (``wait=25``, the versions it holds and the bundle key of the hub at
    ``url``) held at that hub, in a thread: (the thread, what it got: r, doc, took)."""
    HELD["bk"] = fingerprint(base64.b64decode(_pull(url, ws)[1]["bk"]))
    got: dict = {}
    th = threading.Thread(
        target=lambda: got.update(zip(("r", "doc", "took"), _pull(url, ws, after=cursor, **HELD, wait=25)))
    )
    th.start()
    time.sleep(1.5)
    assert th.is_alive()
    return th, got


def test_a_decision_through_one_process_wakes_a_pull_held_by_another(tmp_path, pg_cluster):
    """Two hub processes on one PostgreSQL: the decision is written through the first, the
    window's pull waits at the second (LISTEN/NOTIFY)."""
    url = pg_cluster.create_db()
    a = HubProcess(tmp_path / "a", url).start()
    b = HubProcess(tmp_path / "b", url).start()
    try:
        ws, bo, cursor = _setup(a)
        th, got = held_pull(b.url, ws, cursor)  # at b, with b's own key
        t0 = time.monotonic()
        assert decide(a.url, bo, number(1), "case.in_review").status_code == 201
        th.join(10)
        assert [e["kind"] for e in got["doc"]["events"]] == ["case.in_review"]
        assert time.monotonic() - t0 < 2.0
    finally:
        a.stop()
        b.stop()
