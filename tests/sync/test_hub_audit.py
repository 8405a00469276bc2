"""The hub checks each workstation's audit chain as batches arrive (real hub process, real
stores, real HTTP): a row changed with sqlite3 before sync, a history rewritten after it, an
older window without links; it keeps accepting and flags the break in GET /api/v1/workstations."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from app.domain import audit_chain as ac
from tests.hubs import OFFICE, WSID, make_workstation, ycli
from tests.sync.helpers import case_events, get, number, push

pytestmark = pytest.mark.slow  # real hub processes


def workstations(hub, token) -> dict[str, dict]:
    r = get(hub.url, token, "/api/v1/workstations")
    assert r.status_code == 200, r.text
    return {f"{w['office']}/{w['ws']}": w for w in r.json()["workstations"]}


def sync_once(data_dir: Path) -> None:
    r = ycli("sync", "--once", "--data-dir", str(data_dir), check=False)
    assert r.returncode == 0, r.stdout + r.stderr


def local_events(data_dir: Path) -> list[tuple]:
    con = sqlite3.connect(data_dir / "yichuang.db")
    try:
        return con.execute("select id, event_id, chain_n, chain_hash from case_event order by id").fetchall()
    finally:
        con.close()


def test_a_row_changed_with_sqlite3_is_flagged_at_the_hub_which_keeps_working(tmp_path: Path, sqlite_hub):
    hub = sqlite_hub
    bo = hub.token("backoffice", name="县政务办")
    for wsid, data in ((WSID, tmp_path / "ws1"), ("02", tmp_path / "ws2")):
        make_workstation(data, hub.url, hub.token("workstation", OFFICE, wsid), cases=6, wsid=wsid).close()
    evs = local_events(tmp_path / "ws1")
    row, event_id = evs[5][0], evs[5][1]
    con = sqlite3.connect(tmp_path / "ws1" / "yichuang.db")
    with con:  # before it was sent: the hub never saw the true record
        con.execute("update case_event set actor = '他人' where id = ?", (row,))
    con.close()
    for data in (tmp_path / "ws1", tmp_path / "ws2"):
        sync_once(data)
    seen = workstations(hub, bo)
    broken, clean = seen[f"{OFFICE}/{WSID}"], seen[f"{OFFICE}/02"]
    assert broken["chain"]["state"] == "broken"
    first = broken["chain"]["first_break"]
    assert (first["event_id"], first["n"], first["problem"]) == (event_id, 6, "content")
    assert evs[5][3].startswith(first["found"])  # within a run the window sends the hash's tag
    assert broken["chain"]["links"] == 12 and broken["chain"]["breaks"] == 1
    assert broken["cases"] == 6  # accepted and stored all the same
    assert clean["chain"]["state"] == "ok" and clean["chain"]["links"] == 12
    assert clean["chain"]["last_n"] == 12 and clean["chain"]["first_break"] is None
    assert clean["last_seen"] and clean["active_tokens"] == 1
    # a window's token may not read the list
    assert get(hub.url, hub.token("workstation", OFFICE, "03"), "/api/v1/workstations").status_code == 403


def test_a_history_rewritten_after_sync_forks_the_chain_at_the_hub(tmp_path: Path, sqlite_hub):
    """The last events are deleted once they reached the hub (the local chain still verifies:
    only the hub can tell); the next event takes their number with other content."""
    hub = sqlite_hub
    bo = hub.token("backoffice")
    data, token = tmp_path / "ws", hub.token("workstation", OFFICE, WSID)
    ws = make_workstation(data, hub.url, token, cases=3)
    ws.close()
    sync_once(data)
    assert workstations(hub, bo)[f"{OFFICE}/{WSID}"]["chain"]["state"] == "ok"
    evs = local_events(data)
    con = sqlite3.connect(data / "yichuang.db")
    with con:
        gone = con.execute("select case_number from case_event where id = ?", (evs[4][0],)).fetchone()[0]
        con.execute("delete from case_event where id >= ?", (evs[4][0],))
    con.close()
    from app.services.demo import seed_cases

    ws = make_workstation(data, hub.url, token)
    seed_cases(ws, 1, seed=99, days=5)
    ws.close()
    doc = json.loads(ycli("audit", "verify", "--json", "--data-dir", str(data), check=False).stdout)
    assert doc["chain_ok"] and doc["first_break"] is None  # the chain alone cannot tell
    # the records can (issue 16 §7): the case whose events went has a record with none behind it
    assert [(m["case"], m["field"]) for m in doc["records"]["mismatches"]] == [(gone, "events")]
    sync_once(data)
    chain = workstations(hub, bo)[f"{OFFICE}/{WSID}"]["chain"]
    assert chain["state"] == "broken"
    assert (chain["first_break"]["n"], chain["first_break"]["problem"]) == (5, "fork")
    assert evs[4][1] in chain["first_break"]["expected"]


def _linked(events: list[dict], tip: ac.Tip, alg: str = "sm3") -> list[dict]:
    out = []
    for e in events:
        n, prev, h = tip.append(alg, lambda n, e=e: ac.wire_canonical(n, e))
        out.append({**e, "n": n, "prev": prev, "hash": h})
    return out


def test_an_older_window_without_links_is_accepted_until_its_chain_begins(sqlite_hub):
    hub = sqlite_hub
    bo, token = hub.token("backoffice"), hub.token("workstation", OFFICE, WSID)
    r = push(hub.url, token, case_events(number(1)))  # as a window before the chain sends
    assert r.status_code == 200
    chain = workstations(hub, bo)[f"{OFFICE}/{WSID}"]["chain"]
    assert (chain["state"], chain["unchained_events"], chain["links"]) == ("unchained", 2, 0)
    tip = ac.Tip()
    assert push(hub.url, token, _linked(case_events(number(2)), tip, "sha256")).status_code == 200
    chain = workstations(hub, bo)[f"{OFFICE}/{WSID}"]["chain"]
    assert (chain["state"], chain["links"], chain["last_n"]) == ("ok", 2, 2)
    # once chained, an event without its link is a break (never a silent gap)
    assert push(hub.url, token, case_events(number(3))).status_code == 200
    chain = workstations(hub, bo)[f"{OFFICE}/{WSID}"]["chain"]
    assert chain["state"] == "broken" and chain["first_break"]["problem"] == "missing"


def test_batches_out_of_order_and_gaps_are_not_breaks_but_a_bad_link_is(sqlite_hub):
    hub = sqlite_hub
    bo, token = hub.token("backoffice"), hub.token("workstation", OFFICE, WSID)
    tip = ac.Tip()
    first = _linked(case_events(number(1)), tip)  # n 1, 2
    second = _linked(case_events(number(2)), tip)  # n 3, 4
    tip.append("sm3", lambda n: b"a pulled event, never sent back")  # n 5: a gap at the hub
    third = _linked(case_events(number(3)), tip)  # n 6, 7
    for batch in (second, third, first):  # pipelined batches may arrive in any order
        assert push(hub.url, token, batch).status_code == 200
    chain = workstations(hub, bo)[f"{OFFICE}/{WSID}"]["chain"]
    assert (chain["state"], chain["links"], chain["last_n"]) == ("ok", 6, 7)
    # a link whose prev is not its predecessor's hash (content of its own hashed correctly)
    bad = case_events(number(4))[:1]
    wrong_prev = "sm3:" + "0" * 64
    h = ac.link("sm3", wrong_prev, ac.wire_canonical(8, bad[0]))
    assert push(hub.url, token, [{**bad[0], "n": 8, "prev": wrong_prev, "hash": h}]).status_code == 200
    chain = workstations(hub, bo)[f"{OFFICE}/{WSID}"]["chain"]
    assert chain["state"] == "broken"
    assert (chain["first_break"]["n"], chain["first_break"]["problem"]) == (8, "link")
    assert chain["first_break"]["expected"] == third[-1]["hash"]


def test_a_malformed_link_is_refused_with_the_batch(sqlite_hub):
    token = sqlite_hub.token("workstation", OFFICE, WSID)
    ev = {**case_events(number(1))[0], "n": 1, "prev": "", "hash": "not-a-hash"}
    r = push(sqlite_hub.url, token, [ev], batch=str(uuid.uuid4()))
    assert r.status_code == 400 and "chain hash" in r.json()["message"]


@pytest.mark.parametrize("changed", [0, 2, 5])
def test_a_compact_run_names_the_changed_event_first_middle_or_last(sqlite_hub, changed: int):
    """Within a run only the first event carries prev and only the last the full hash (tags
    between): a change anywhere is found and named, at full strength at the run's end."""
    from app.services.sync.outbox import compact_links

    hub = sqlite_hub
    bo, token = hub.token("backoffice"), hub.token("workstation", OFFICE, WSID)
    tip = ac.Tip()
    batch = [e for k in range(1, 4) for e in _linked(case_events(number(k)), tip)]  # n 1..6
    wire = compact_links([dict(e) for e in batch])
    assert [("prev" in w, "hash" in w, "tag" in w) for w in wire] == [(True, False, True)] + [
        (False, False, True)
    ] * 4 + [(False, True, False)]
    wire[changed]["actor"] = "别人"
    assert push(hub.url, token, wire).status_code == 200
    chain = workstations(hub, bo)[f"{OFFICE}/{WSID}"]["chain"]
    assert chain["state"] == "broken" and chain["breaks"] == 1
    first = chain["first_break"]
    assert (first["n"], first["event_id"], first["problem"]) == (changed + 1, batch[changed]["id"], "content")
