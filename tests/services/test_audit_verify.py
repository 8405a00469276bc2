"""The audit chain on a real store: `yichuang audit verify` as a real process finds a row changed,
deleted or moved with sqlite3 and names the first broken link; SM3 and SHA-256; the chain
survives two writers at once and chains the events of an older store when it is migrated."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.domain import audit_chain as ac
from app.services import audit
from app.services.demo import seed_cases
from app.services.workstation import open_workstation

ROOT = Path(__file__).resolve().parents[2]


def verify_cli(data_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "audit", "verify", "--data-dir", str(data_dir), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def seeded(data_dir: Path, cases: int = 20, alg: str | None = None) -> list[tuple]:
    """A data dir with ``cases`` cases decided through the intake service; the events' rows."""
    ws = open_workstation(data_dir)
    if alg:
        ws.config.set("audit.hash", alg)
        ws.config.save()
        ws = open_workstation(data_dir)
    seed_cases(ws, cases, seed=3, days=5)
    ws.close()
    return rows(data_dir)


def rows(data_dir: Path) -> list[tuple]:
    con = sqlite3.connect(data_dir / "yichuang.db")
    try:
        return con.execute("select id, event_id, chain_n, chain_hash from case_event order by id").fetchall()
    finally:
        con.close()


def tamper(data_dir: Path, *sql: str) -> None:
    """What someone with the file and the sqlite3 shell could do."""
    con = sqlite3.connect(data_dir / "yichuang.db")
    with con:
        for stmt in sql:
            con.execute(stmt)
    con.close()


def as_json(r: subprocess.CompletedProcess) -> dict:
    return json.loads(r.stdout)


@pytest.mark.parametrize("alg", ["sm3", "sha256"])
def test_a_whole_chain_verifies_with_the_configured_algorithm(tmp_path: Path, alg: str):
    evs = seeded(tmp_path / "d", 10, alg)
    assert len(evs) == 20
    assert [n for _i, _e, n, _h in evs] == list(range(1, 21))
    assert all(h.startswith(alg + ":") and len(h) == len(alg) + 65 for *_x, h in evs)
    r = verify_cli(tmp_path / "d", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    doc = as_json(r)
    assert doc["ok"] is True and doc["checked"] == 20 and doc["algorithms"] == {alg: 20}
    assert doc["last"] == {"n": 20, "hash": evs[-1][3]}
    r = verify_cli(tmp_path / "d")
    assert r.returncode == 0 and "审计链完好：20 条事件" in r.stdout


@pytest.mark.parametrize("alg", ["sm3", "sha256"])
def test_a_row_changed_with_sqlite3_is_found_and_named(tmp_path: Path, alg: str):
    evs = seeded(tmp_path / "d", 10, alg)
    row_id, event_id = evs[6][0], evs[6][1]
    tamper(tmp_path / "d", f"update case_event set actor = '冒名' where id = {row_id}")
    r = verify_cli(tmp_path / "d", "--json")
    assert r.returncode == 1
    b = as_json(r)["first_break"]
    assert (b["position"], b["event_id"], b["n"], b["problem"]) == (7, event_id, 7, "content")
    assert b["found"] == evs[6][3] and b["expected"].startswith(alg + ":") and b["expected"] != b["found"]
    r = verify_cli(tmp_path / "d")
    assert r.returncode == 1
    assert f"第 7 条事件（事件 {event_id}" in r.stdout and "记录被改动" in r.stdout


def test_a_changed_payload_and_a_recomputed_hash_are_found_at_the_next_link(tmp_path: Path):
    """Someone who knows the rule rehashes the row they changed: the next event's prev differs."""
    evs = seeded(tmp_path / "d", 5)
    con = sqlite3.connect(tmp_path / "d" / "yichuang.db")
    r = con.execute(
        "select event_id, case_number, kind, actor, office_code, workstation_id, at, payload_json, chain_prev"
        " from case_event where id = ?",
        (evs[3][0],),
    ).fetchone()
    p = json.loads(r[7])
    p["reason"] = "改过的理由"
    p_text = ac.payload_text(p)
    at = r[6][:10] + "T" + r[6][11:23] + "+00:00"
    new = ac.link("sm3", r[8], ac.canonical(4, *r[:6], at, p_text))
    with con:
        con.execute(
            "update case_event set payload_json = ?, chain_hash = ? where id = ?", (p_text, new, evs[3][0])
        )
    con.close()
    b = as_json(verify_cli(tmp_path / "d", "--json"))["first_break"]
    assert (b["position"], b["event_id"], b["problem"]) == (5, evs[4][1], "link")
    assert (b["expected"], b["found"]) == (new, evs[3][3])


def test_a_deleted_row_is_found(tmp_path: Path):
    evs = seeded(tmp_path / "d", 6)
    tamper(tmp_path / "d", f"delete from case_event where id = {evs[4][0]}")
    r = verify_cli(tmp_path / "d", "--json")
    assert r.returncode == 1
    b = as_json(r)["first_break"]
    assert (b["position"], b["event_id"], b["problem"], b["expected"], b["found"]) == (
        5,
        evs[5][1],
        "sequence",
        "5",
        "6",
    )
    assert "删除" in verify_cli(tmp_path / "d").stdout


def test_reordered_rows_are_found(tmp_path: Path):
    """Two events swap places in the table (their ids): the local order, which the window
    derives a case from, is not the chain's order."""
    evs = seeded(tmp_path / "d", 6)
    a, b_ = evs[2][0], evs[3][0]
    tamper(
        tmp_path / "d",
        f"update case_event set id = -1 where id = {a}",
        f"update case_event set id = {a} where id = {b_}",
        f"update case_event set id = {b_} where id = -1",
    )
    r = verify_cli(tmp_path / "d", "--json")
    assert r.returncode == 1
    b = as_json(r)["first_break"]
    assert (b["position"], b["event_id"], b["problem"], b["expected"], b["found"]) == (
        3,
        evs[3][1],
        "sequence",
        "3",
        "4",
    )


def test_an_event_moved_to_another_case_is_found(tmp_path: Path):
    evs = seeded(tmp_path / "d", 4)
    tamper(tmp_path / "d", f"update case_event set case_id = case_id + 1 where id = {evs[1][0]}")
    b = as_json(verify_cli(tmp_path / "d", "--json"))["first_break"]
    assert (b["position"], b["problem"]) == (2, "case")


def test_an_event_inserted_past_the_chain_is_refused(tmp_path: Path):
    seeded(tmp_path / "d", 2)
    with pytest.raises(sqlite3.IntegrityError, match="audit chain"):
        tamper(
            tmp_path / "d",
            "insert into case_event (event_id, case_id, case_number, kind, payload_json, actor,"
            " office_code, workstation_id, at) select 'x', case_id, case_number, kind, payload_json,"
            " actor, office_code, workstation_id, at from case_event where id = 1",
        )


def test_the_algorithm_can_change_mid_chain(tmp_path: Path):
    seeded(tmp_path / "d", 3, "sha256")
    ws = open_workstation(tmp_path / "d")
    ws.config.set("audit.hash", "sm3")
    ws.config.save()
    ws = open_workstation(tmp_path / "d")
    seed_cases(ws, 2, seed=9, days=5)
    rep = audit.verify(ws.store)
    ws.close()
    assert rep.ok and rep.algorithms == {"sha256": 6, "sm3": 4}


def test_window_events_courier_and_pulled_events_are_chained(tmp_path: Path):
    """Every writer of events goes through the chain (a note and a withdrawal here, after intake)."""
    from app.services.sync import actions, outbox

    seeded(tmp_path / "d", 3)
    ws = open_workstation(tmp_path / "d")
    with ws.store.read() as s:
        number = s.execute(text("select number from case_record where state = 'accepted' limit 1")).scalar()
    actions.withdraw(ws, number, "申请人撤回")
    outbox.apply_pulled(
        ws.store,
        [
            {
                "id": "0b7c1a52-5d0e-4a43-9d5e-0f3d7f6c1a11",
                "case": number,
                "kind": "case.note",
                "lc": 50,
                "p": {"text": "平台备注"},
                "actor": "审批局",
                "office": "320724100",
                "ws": "",
                "at": "2026-11-20T09:00:00.123456+08:00",
                "seq": 9,
                "by": "backoffice:审批局",
            }
        ],
        9,
    )
    rep = audit.verify(ws.store)
    ws.close()
    assert rep.ok, rep.first_break
    assert rep.events == 8


def _writer(data_dir: str, seed: int, n: int) -> None:
    ws = open_workstation(Path(data_dir))
    for i in range(n):
        seed_cases(ws, 1, seed=seed * 1000 + i, days=5)
    ws.close()


def test_two_writers_at_once_do_not_fork_the_chain(tmp_path: Path):
    """The window and a CLI process append at the same moment: BEGIN IMMEDIATE serialises them."""
    data_dir = tmp_path / "d"
    open_workstation(data_dir).store.close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(data_dir), s, 25)) for s in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    evs = rows(data_dir)
    assert len(evs) == 100 and [n for _i, _e, n, _h in evs] == list(range(1, 101))
    r = verify_cli(data_dir, "--json")
    assert r.returncode == 0, r.stdout


def test_migrating_an_older_store_chains_its_events_deterministically(tmp_path: Path):
    import shutil

    from alembic import command

    from app.store.db import open_store
    from tests.services.test_backup_upgrade import add_cases, alembic_config

    old = tmp_path / "old.db"
    command.upgrade(alembic_config(old), "0004")
    add_cases(old, 5)
    con = sqlite3.connect(old)
    with con:  # a payload as older releases wrote it: not in canonical form
        con.execute("""update case_event set payload_json = '{"b": 1, "a": "受理"}' where id = 2""")
    con.close()
    hashes = []
    for name in ("a", "b"):  # the same store migrated twice gives the same chain
        db = tmp_path / name / "yichuang.db"
        db.parent.mkdir()
        shutil.copy(old, db)
        store = open_store(db)
        rep = audit.verify(store)
        store.close()
        assert rep.ok and rep.events == 10, rep.first_break
        con = sqlite3.connect(db)
        hashes.append(con.execute("select chain_hash from case_event order by id").fetchall())
        assert con.execute("select payload_json from case_event where id = 2").fetchone()[0] == (
            '{"a":"受理","b":1}'
        )
        con.close()
    assert hashes[0] == hashes[1]


@pytest.mark.parametrize("tampered", [None, 3, 9, 17])
def test_checking_in_parts_finds_the_same_first_break(tmp_path: Path, tampered: int | None):
    """Several processes check parts of a long chain: the same answer as one walk."""
    evs = seeded(tmp_path / "d", 10)
    if tampered is not None:
        tamper(tmp_path / "d", f"update case_event set kind = 'case.note' where id = {evs[tampered - 1][0]}")
        tamper(tmp_path / "d", f"delete from case_event where id = {evs[-2][0]}")  # a later break too
    ws = open_workstation(tmp_path / "d")
    one = audit.verify(ws.store, workers=1)
    parts = audit.verify(ws.store, workers=3)
    ws.close()
    assert parts.to_json() == one.to_json()
    if tampered is None:
        assert one.ok and one.events == 20
    else:
        assert (one.first_break.position, one.first_break.problem) == (tampered, "content")


def test_a_time_stored_in_another_form_or_mangled(tmp_path: Path):
    evs = seeded(tmp_path / "d", 3)
    con = sqlite3.connect(tmp_path / "d" / "yichuang.db")
    at = con.execute("select at from case_event where id = ?", (evs[1][0],)).fetchone()[0]
    con.close()
    # the same instant written another way is the same event; another instant is not
    tamper(tmp_path / "d", f"update case_event set at = '{at.replace(' ', 'T')}' where id = {evs[1][0]}")
    assert verify_cli(tmp_path / "d").returncode == 0
    tamper(tmp_path / "d", f"update case_event set at = 'yesterday' where id = {evs[3][0]}")
    b = as_json(verify_cli(tmp_path / "d", "--json"))["first_break"]
    assert (b["position"], b["problem"]) == (4, "content")
