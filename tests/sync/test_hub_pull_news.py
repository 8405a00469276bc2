"""News that a held pull (``GET /api/v1/sync/pull?wait=S``) must not wait out: a published
catalogue or calendar, an operator account changed through the `hub` CLI, on a real hub
process (SQLite and PostgreSQL); and the console's view of each window's last pull, kept
within seconds although the pulls' status writes are batched (sync.hub.ws_status)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.security.accounts_helpers import hub_ok
from tests.sync.test_hub_long_poll import HELD, _pull, _setup

pytestmark = pytest.mark.slow  # real hub processes


def _held(hub, token: str, cursor: int, wait: int = 25, **extra) -> tuple[threading.Thread, dict]:
    got: dict = {}

    def run() -> None:
        got["r"], got["doc"], _took = _pull(hub.url, token, after=cursor, **{**HELD, **extra}, wait=wait)
        got["at"] = time.monotonic()

    th = threading.Thread(target=run)
    th.start()
    time.sleep(1.5)  # the pull is now held at the hub
    assert th.is_alive(), got
    return th, got


@pytest.mark.parametrize("kind", ["catalogue", "calendar"])
def test_a_published_document_wakes_a_held_pull(hub, kind):
    """Published by another process (the CLI's or another hub's): the held pull names the new
    version within 2 s, not at the end of its wait."""
    ws, _bo, cursor = _setup(hub)
    th, got = _held(hub, ws, cursor)
    st = hub.store()
    try:
        body = st.current_document(kind)[1]
        st.publish_document(kind, {**body, "version": "2099.7"})
    finally:
        st.close()
    t0 = time.monotonic()
    th.join(10)
    assert got["r"].status_code == 200
    assert got["doc"][{"catalogue": "cat", "calendar": "cal"}[kind]] == "2099.7"
    assert got["at"] - t0 < 2.0, got["at"] - t0


def test_an_operator_added_through_the_cli_wakes_the_pulls_of_its_office(hub):
    """`yichuang hub add-operator` (another process): the held pulls of the account's office
    name the new account revision within 2 s; a window of another office keeps waiting."""
    ws, _bo, cursor = _setup(hub)
    other = hub.token("workstation", "320724101", "01")
    _r, doc, _t = _pull(hub.url, other)
    ops = doc.get("ops", 0)
    th, got = _held(hub, ws, cursor, ops=ops)
    th2, got2 = _held(hub, other, doc["cursor"], wait=6, ops=ops)
    hub_ok(hub, "add-operator", "陈静", "--role", "clerk", "--office", "320724100", password="county-pass-9")
    t0 = time.monotonic()
    th.join(10)
    assert got["r"].status_code == 200
    assert got["doc"]["ops"] > ops
    assert got["at"] - t0 < 2.0, got["at"] - t0
    th2.join(10)
    assert got2["doc"]["events"] == [] and "ops" not in got2["doc"]  # waited its 6 s out


def test_the_console_sees_a_windows_last_pull_within_seconds(hub):
    """Each pull's time reaches the console's workstations page within a few seconds (written
    in batches, not once a minute)."""
    ws, _bo, cursor = _setup(hub)
    _pull(hub.url, ws, after=cursor, **HELD)
    time.sleep(2.5)
    t_second = time.time()
    assert _pull(hub.url, ws, after=cursor, **HELD)[0].status_code == 200
    deadline = time.monotonic() + 6
    seen = ""
    while time.monotonic() < deadline:
        st = hub.store()
        try:
            [row] = [r for r in st_overview(st) if r["ws"] == "01"]
        finally:
            st.close()
        seen = row["last_pull"]
        if seen and _epoch(seen) >= t_second - 0.5:
            return
        time.sleep(0.5)
    raise AssertionError(f"last pull shown {seen}, the pull was at {t_second}")


def st_overview(st) -> list[dict]:
    from sync.hub.ws_status import WorkstationLog

    return WorkstationLog(st).overview()


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()


def test_a_token_revoked_by_another_process_is_refused_at_an_idle_pull(hub):
    """An idle pull (cursor at the top, every version held) is answered from the hub's memory
    (sync.hub.pull.quick_page); a revocation by another process (the CLI's) still refuses the
    token at the next pull: on SQLite the file's data_version moved, on PostgreSQL the
    revocation's NOTIFY reached the hub (milliseconds: the test allows it 0.5 s)."""
    ws, _bo, cursor = _setup(hub)
    for _ in range(5):  # the identity and the versions are in memory now
        r, doc, _t = _pull(hub.url, ws, after=cursor, **HELD)
        assert r.status_code == 200 and doc["events"] == [] and doc["cursor"] == cursor
    st = hub.store()
    try:
        [row] = [t for t in st.list_tokens() if t["workstation"] == "01"]
        st.revoke_token(row["id"])
    finally:
        st.close()
    if hub.db_url:
        time.sleep(0.5)
    r, _doc, _t = _pull(hub.url, ws, after=cursor, **HELD)
    assert r.status_code == 401 and r.json()["error"] == "token_revoked"


def test_an_idle_pull_names_what_another_process_published(hub):
    """The same for a published catalogue: the idle pull's next answer names it (and its cursor
    moves past the document's seq)."""
    ws, _bo, cursor = _setup(hub)
    for _ in range(5):
        assert "cat" not in _pull(hub.url, ws, after=cursor, **HELD)[1]
    st = hub.store()
    try:
        st.publish_document("catalogue", {**st.current_document("catalogue")[1], "version": "2099.8"})
    finally:
        st.close()
    if hub.db_url:
        time.sleep(0.5)
    _r, doc, _t = _pull(hub.url, ws, after=cursor, **HELD)
    assert doc.get("cat") == "2099.8" and doc["cursor"] > cursor


def test_an_idle_pull_from_memory_keeps_the_roles_rule(sqlite_hub):
    """A back office's token is refused at the pull however often it asks: its identity is in
    the hub's memory after the first refusal, and memory judges it as the read does."""
    ws, bo, cursor = _setup(sqlite_hub)
    for _ in range(4):
        r, _doc, _t = _pull(sqlite_hub.url, bo, after=cursor, **HELD)
        assert r.status_code == 403 and r.json()["error"] == "forbidden"
    assert _pull(sqlite_hub.url, ws, after=cursor, **HELD)[0].status_code == 200
