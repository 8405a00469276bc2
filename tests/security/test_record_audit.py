"""Issue 16 §7: the window's own record. `case_record` (what the screens and receipts show) is
checked against the case's events, which the audit chain covers: a record changed with sqlite3
is named by `yichuang audit verify` (case, field, stored and derived; exit 1; --json) and by
`yichuang doctor`, while every honest store verifies clean — one seeded by `demo seed`, one
decided at the window in every way (notes on materials, 容缺, 补正 and back, refusal), one synced
with a real hub that sent back-office decisions down, and older stores the program migrated."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from app.domain.identifiers import ric_check_char
from app.services import audit
from app.services.demo import seed_cases
from app.services.intake import ApplicantInput, IntakeService
from app.services.workstation import open_workstation
from tests.conftest import Clock
from tests.hubs import OFFICE, ROOT, WSID, make_workstation, ycli

MASK_OK = "320724********"  # an ID number as output shows it


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def sql(data_dir: Path, *stmts: str, params=()) -> list:
    con = sqlite3.connect(data_dir / "yichuang.db")
    try:
        with con:
            out = []
            for s in stmts:
                out = con.execute(s, params).fetchall()
            return out
    finally:
        con.close()


def record_of(data_dir: Path, number: str) -> dict:
    con = sqlite3.connect(data_dir / "yichuang.db")
    con.row_factory = sqlite3.Row
    try:
        return dict(con.execute("select * from case_record where number = ?", (number,)).fetchone())
    finally:
        con.close()


def person(body17: str) -> str:
    return body17 + ric_check_char(body17)


def window_day(data_dir: Path, cases: int = 30) -> dict[str, str]:
    """A window's day through the real intake service: cases by `demo seed`, then decisions a
    clerk makes by hand — materials with notes, forms and copies, 容缺, 一次性告知 and the
    applicant back with a new phone, a refusal — and window events (a withdrawal, a note)."""
    from app.services.sync import actions

    clock = Clock(datetime(2026, 11, 20, 9, 30))
    ws = open_workstation(data_dir, clock=clock)
    seed_cases(ws, cases, seed=5, days=10)
    svc = IntakeService(ws)
    bundle = next(b.code for b in ws.catalogue.bundles.values() if b.name == "开餐馆")
    who = ApplicantInput(
        "person", person("32072419900307123"), "欧阳娜娜", "13812345678", "新安镇人民中路8号"
    )

    draft = svc.new_draft("bundle", bundle)
    draft.applicant = who
    draft.marks = [replace(m, status="received") for m in draft.marks]
    first = draft.marks[0]
    draft.marks[0] = replace(first, form="copy" if first.item.form != "copy" else "original", copies=3)
    required = [i for i, m in enumerate(draft.marks) if m.item.required]
    draft.marks[required[1]] = replace(draft.marks[required[1]], status="defective", note="照片模糊，“重拍”")
    notified = svc.notify(draft, "请补齐后再来").case.number

    clock.value = datetime(2026, 11, 23, 10, 0)  # the applicant comes back, with a new phone
    again = svc.resume(notified)
    again.marks = [replace(m, status="received", note="") for m in again.marks]
    tolerable = [i for i, m in enumerate(again.marks) if m.item.required and m.item.tolerable]
    if tolerable:
        again.marks[tolerable[0]] = replace(again.marks[tolerable[0]], status="tolerated")
    again.applicant = replace(who, phone="13900001111")
    svc.accept(again)

    draft = svc.new_draft("bundle", bundle)
    draft.applicant = replace(who, id_number=person("32072419850101002"), name="李四")
    refused = svc.refuse(draft, "申请事项依法不需要取得行政许可").case.number

    with ws.store.read() as s:
        accepted = [
            n
            for (n,) in s.connection().exec_driver_sql(
                "select number from case_record where state = 'accepted'"
            )
        ]
    actions.withdraw(ws, accepted[0], "申请人撤回")
    actions.record(ws, accepted[1], "case.note", {"text": "申请人来电询问进度"})
    ws.close()
    return {"resumed": notified, "refused": refused, "withdrawn": accepted[0], "noted": accepted[1]}


def verify(data_dir: Path, workers: int | None = None) -> audit.Verification:
    ws = open_workstation(data_dir)
    try:
        return audit.verify_all(ws.store, workers=workers)
    finally:
        ws.close()


# --- the attack ------------------------------------------------------------------------------------------
def test_the_issue_tampering_is_reported_by_audit_verify_and_doctor(tmp_path: Path):
    data = tmp_path / "d"
    window_day(data, 10)
    assert cli("audit", "verify", "--data-dir", str(data)).returncode == 0
    number, name = sql(
        data, "select number, applicant_name from case_record where state = 'accepted' limit 1"
    )[0]
    sql(
        data,
        "update case_record set applicant_name='王某某', state='refused' where number = ?",
        params=(number,),
    )

    r = cli("audit", "verify", "--json", "--data-dir", str(data))
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["ok"] is False and doc["chain_ok"] is True and doc["first_break"] is None  # the chain is whole
    assert doc["records"]["mismatch_count"] == 2
    assert doc["records"]["mismatches"] == [
        {"case": number, "field": "state", "stored": "refused", "derived": "accepted"},
        {"case": number, "field": "applicant_name", "stored": "王某某", "derived": name},
    ]

    r = cli("audit", "verify", "--data-dir", str(data))
    assert r.returncode == 1
    assert "审计链完好" in r.stdout and "办件记录与其事件不符：2 处" in r.stdout
    assert f"办件 {number} 的“状态”（state）：存的是 refused，按事件应为 accepted" in r.stdout
    assert f"办件 {number} 的“申请人”（applicant_name）：存的是 王某某，按事件应为 {name}" in r.stdout

    r = cli("doctor", "--json", "--data-dir", str(data))
    found = {f["key"]: f for f in json.loads(r.stdout)["findings"]}
    assert r.returncode == 1 and found["records.mismatch"]["level"] == "error", r.stdout[-3000:]
    assert found["records.mismatch"]["data"]["mismatches"] == 2
    assert found["records.mismatch"]["data"]["first"] == {"case": number, "field": "state"}


# every field the screens and receipts show, changed on a case of each kind of history
TAMPER = [
    ("plain", "state", "'completed'"),
    ("plain", "reason", "'伪造的理由'"),
    ("plain", "applicant_kind", "CASE applicant_kind WHEN 'person' THEN 'enterprise' ELSE 'person' END"),
    ("plain", "applicant_id_number", "'320724199001019999'"),
    ("plain", "applicant_phone", "'13900000000'"),
    ("plain", "applicant_address", "'别处'"),
    ("plain", "uid", "'00000000-0000-0000-0000-000000000000'"),
    ("plain", "subject_kind", "CASE subject_kind WHEN 'matter' THEN 'bundle' ELSE 'matter' END"),
    ("plain", "subject_code", "'320724-XX-0001'"),
    ("plain", "subject_name", "'别的事项'"),
    ("plain", "catalogue_version", "'2099.1'"),
    ("plain", "promised_days", "promised_days + 1"),
    ("plain", "legal_days", "legal_days + 1"),
    ("plain", "office_code", "'320724101'"),
    ("plain", "workstation_id", "'02'"),
    ("plain", "clerk", "'冒名'"),
    ("plain", "created_at", "'2026-01-01 00:00:00.000000'"),
    ("plain", "created_on", "'2026-01-01'"),
    ("plain", "accepted_on", "'2026-01-01'"),
    ("plain", "due_date", "'2099-01-01'"),
    ("plain", "due_provisional", "1 - due_provisional"),
    ("plain", "tolerated_until", "'2099-01-01'"),
    ("plain", "marks_json", "'[]'"),
    ("resumed", "applicant_phone", "'13812345678'"),  # the phone of the first visit, not the last
    ("resumed", "marks_json", "replace(marks_json, '\"received\"', '\"missing\"')"),
    ("refused", "reason", "'申请人不具备申请资格'"),
    ("refused", "state", "'accepted'"),
    ("withdrawn", "state", "'accepted'"),
    ("noted", "applicant_name", "'王某某'"),
]


def test_every_field_changed_is_named_whatever_the_history(tmp_path: Path):
    data = tmp_path / "d"
    named = window_day(data, 40)
    plain = [n for (n,) in sql(data, "select number from case_record where state = 'accepted' order by id")]
    plain = [n for n in plain if n not in named.values()]
    expected = set()
    for i, (kind, column, value) in enumerate(TAMPER):
        number = plain[i] if kind == "plain" else named[kind]
        sql(data, f"update case_record set {column} = {value} where number = ?", params=(number,))
        expected.add((number, "marks" if column == "marks_json" else column))
    one, parts = verify(data, workers=1), verify(data, workers=3)
    assert one.chain.ok and not one.records.ok
    assert {(m.case, m.field) for m in one.records.mismatches} == expected
    assert one.records.count == len(expected)
    assert [m.to_json() for m in parts.records.mismatches] == [m.to_json() for m in one.records.mismatches]


def test_output_masks_id_and_phone_numbers(tmp_path: Path):
    data = tmp_path / "d"
    window_day(data, 3)
    number, idn = sql(
        data, "select number, applicant_id_number from case_record where applicant_kind = 'person'"
    )[0]
    sql(
        data,
        "update case_record set applicant_id_number = '320724199001019999' where number = ?",
        params=(number,),
    )
    r = cli("audit", "verify", "--json", "--data-dir", str(data))
    [m] = json.loads(r.stdout)["records"]["mismatches"]
    assert m["stored"] == "320724********9999" and m["derived"] == idn[:6] + "********" + idn[-4:]
    assert idn not in r.stdout and "320724199001019999" not in r.stdout


def test_a_value_of_another_type_is_named_not_a_crash(tmp_path: Path):
    """A BLOB where text belongs (SQLite's JSON refuses it), an integer for a date."""
    data = tmp_path / "d"
    window_day(data, 4)
    a, b = [
        n for (n,) in sql(data, "select number from case_record where state = 'accepted' order by id limit 2")
    ]
    sql(data, "update case_record set applicant_name = X'e78e8be69f90ff' where number = ?", params=(a,))
    sql(data, "update case_record set due_date = 20991231 where number = ?", params=(b,))
    r = cli("audit", "verify", "--json", "--data-dir", str(data))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    found = {(m["case"], m["field"]): m["stored"] for m in json.loads(r.stdout)["records"]["mismatches"]}
    assert found == {(a, "applicant_name"): "0xe78e8be69f90ff", (b, "due_date"): 20991231}


def test_a_record_without_events_is_named(tmp_path: Path):
    data = tmp_path / "d"
    window_day(data, 3)
    row = record_of(data, sql(data, "select number from case_record limit 1")[0][0])
    cols = [c for c in row if c != "id"]
    row["uid"], row["number"] = "forged", "320724100-01-261120-9999-X"
    sql(
        data,
        f"insert into case_record ({', '.join(cols)}) values ({', '.join('?' for _ in cols)})",
        params=tuple(row[c] for c in cols),
    )
    v = verify(data)
    assert [(m.case, m.field) for m in v.records.mismatches] == [("320724100-01-261120-9999-X", "events")]


# --- honest stores verify clean ------------------------------------------------------------------------------
def test_a_store_of_demo_seed_and_a_day_at_the_window_verifies_clean(tmp_path: Path):
    data = tmp_path / "d"
    window_day(data, 60)
    r = cli("audit", "verify", "--json", "--data-dir", str(data))
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["ok"], r.stdout[-3000:]
    assert doc["records"]["checked"] == 62 and doc["records"]["mismatches"] == []
    assert "办件记录与其事件相符：62 件" in cli("audit", "verify", "--data-dir", str(data)).stdout
    r = cli("doctor", "--json", "--data-dir", str(data))
    found = {f["key"]: f for f in json.loads(r.stdout)["findings"]}
    assert found["records.ok"]["data"]["checked"] == 62 and "records.mismatch" not in found


@pytest.mark.slow
def test_a_store_synced_with_a_hub_verifies_clean(tmp_path: Path, sqlite_hub):
    """Back-office decisions pulled (审批中, 办结, 不予许可, 补正 with its materials marked), a
    withdrawal that crossed a decision, the applicant back after 补正, a hand-out: all honest."""
    from app.services.sync import actions
    from app.services.sync.cycle import run_cycle
    from tests.sync.helpers import decide

    hub = sqlite_hub
    token, bo = hub.token("workstation", OFFICE, WSID), hub.token("backoffice", name="市场监管局")
    ws = make_workstation(tmp_path / "ws", hub.url, token, cases=16, seed=11)
    assert run_cycle(ws).ok
    with ws.store.read() as s:
        accepted = [
            n
            for (n,) in s.connection().exec_driver_sql(
                "select number from case_record where state = 'accepted'"
            )
        ]
        mark = (
            s.connection()
            .exec_driver_sql(
                "select json_extract(marks_json, '$[0].k') from case_record where number = ?", (accepted[3],)
            )
            .scalar()
        )
    done, denied, clash, corrected = accepted[:4]
    assert decide(hub.url, bo, done, "case.in_review").status_code == 201
    assert decide(hub.url, bo, done, "case.completed", result="食品经营许可证").status_code == 201
    assert decide(hub.url, bo, denied, "case.denied", reason="选址不符合规划").status_code == 201
    actions.withdraw(ws, clash, "申请人撤回")  # crosses the back office's decision
    assert decide(hub.url, bo, clash, "case.completed").status_code == 201
    r = decide(
        hub.url,
        bo,
        corrected,
        "case.correction_requested",
        reason="照片不清",
        materials=[{"k": mark, "note": "重拍"}],
    )
    assert r.status_code == 201, r.text
    rep = run_cycle(ws)
    assert rep.ok and rep.pulled == 5, rep.error
    svc = IntakeService(ws)  # the applicant is back with the photo
    again = svc.resume(corrected)
    again.marks = [replace(m, status="received", note="") for m in again.marks]
    svc.accept(again)
    actions.deliver(ws, done)
    assert run_cycle(ws).ok
    ws.close()

    data = tmp_path / "ws"
    r = cli("audit", "verify", "--json", "--data-dir", str(data))
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["ok"] and doc["records"]["checked"] == 16, r.stdout[-3000:]
    states = dict(sql(data, "select number, state from case_record"))
    assert (states[done], states[denied], states[clash], states[corrected]) == (
        "delivered",
        "denied",
        "completed",
        "accepted",
    )
    # and the decisions that came down are checked too
    sql(data, "update case_record set reason = '伪造' where number = ?", params=(denied,))
    sql(data, "update case_record set state = 'completed' where number = ?", params=(done,))
    doc = json.loads(cli("audit", "verify", "--json", "--data-dir", str(data)).stdout)
    assert {(m["case"], m["field"], m["derived"]) for m in doc["records"]["mismatches"]} == {
        (denied, "reason", "选址不符合规划"),
        (done, "state", "delivered"),
    }


def test_stores_of_older_releases_verify_clean_after_the_upgrade(tmp_path: Path):
    """The upgrade test's stores (events with the payloads of their time, '{}'), migrated by the
    program: what their events say is checked (the state, who and when), nothing else invented."""
    from alembic import command

    from app.store.db import open_store
    from tests.services.test_backup_upgrade import add_cases, alembic_config, older_heads

    for head in older_heads():
        db = tmp_path / head / "yichuang.db"
        db.parent.mkdir()
        command.upgrade(alembic_config(db), head)
        numbers = add_cases(db, 4)
        open_store(db).close()  # the current program migrates it
        v = verify(db.parent)
        assert v.ok and v.records.cases == 4, (head, v.records.mismatches)
        sql(
            db.parent,
            "update case_record set state = 'refused', clerk = '冒名' where number = ?",
            params=(numbers[1],),
        )
        v = verify(db.parent)
        assert [(m.case, m.field) for m in v.records.mismatches] == [
            (numbers[1], "state"),
            (numbers[1], "clerk"),
        ]


def test_a_long_store_is_checked_in_parts_with_the_same_answer(tmp_path: Path):
    data = tmp_path / "d"
    window_day(data, 120)
    numbers = [n for (n,) in sql(data, "select number from case_record order by id")]
    for n in numbers[::17]:
        sql(data, "update case_record set applicant_address = '别处' where number = ?", params=(n,))
    one, parts = verify(data, workers=1), verify(data, workers=4)
    assert one.records.count == len(numbers[::17]) == parts.records.count
    assert [m.to_json() for m in parts.records.mismatches] == [m.to_json() for m in one.records.mismatches]
    assert ycli("audit", "verify", "--data-dir", str(data), check=False).returncode == 1


def test_the_record_check_reads_an_encrypted_store_in_parts(tmp_path: Path, monkeypatch, clock):
    """Worker processes open an encrypted store themselves, and the quick check's scratch table
    lives in memory on that keyed connection."""
    from sqlalchemy import text

    from tests.privacy.common import accept_case
    from tests.privacy.test_encrypted_store_parts import encrypted_ws

    ws = encrypted_ws(tmp_path / "data", monkeypatch, clock)
    try:
        for i in range(4):
            accept_case(ws, name=f"张{i}")
        assert audit.verify_all(ws.store, workers=1).ok and audit.verify_all(ws.store, workers=2).ok
        with ws.store.write() as s:
            number = s.execute(text("select number from case_record order by id limit 1")).scalar()
            s.execute(
                text("update case_record set applicant_name = '王某某' where number = :n"), {"n": number}
            )
        for workers in (1, 2):
            v = audit.verify_all(ws.store, workers=workers)
            assert [(m.case, m.field, m.stored) for m in v.records.mismatches] == [
                (number, "applicant_name", "王某某")
            ]
    finally:
        ws.close()
