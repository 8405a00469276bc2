"""Upgrades: a newer program migrates an older data dir after an automatic backup (issue 9)."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory

import migrations
from app.domain.numbering import make_case_number
from app.store.db import SCHEMA_VERSION, StoreError, open_store


def alembic_config(db: Path) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{db}")
    cfg.attributes["configure_logger"] = False
    return cfg


def older_heads() -> list[str]:
    """Every revision before the current head (0002, the previous release's head, among them)."""
    script = ScriptDirectory.from_config(alembic_config(Path("unused.db")))
    head = script.get_current_head()
    return [r.revision for r in script.walk_revisions() if r.revision != head]


def add_cases(db: Path, n: int) -> list[str]:
    """Cases as the older release wrote them: only the columns its schema has (since 0001)."""
    from datetime import date

    con = sqlite3.connect(db)
    day = date(2026, 11, 20)
    numbers = []
    # from 0006 on, case_event refuses rows without their audit-chain link
    chained = any(r[1] == "chain_n" for r in con.execute("PRAGMA table_info(case_event)"))
    events: list[tuple[int, str, str]] = []
    with con:
        for seq in range(1, n + 1):
            number = str(make_case_number("320724100", "01", day, seq))
            numbers.append(number)
            cur = con.execute(
                "insert into case_record (uid, number, office_code, workstation_id, subject_kind, subject_code,"
                " subject_name, catalogue_version, applicant_kind, applicant_name, applicant_id_number,"
                " applicant_phone, applicant_address, state, created_at, created_on, updated_at,"
                " due_provisional, promised_days, legal_days, marks_json, pauses_json, reason, clerk,"
                " window, revision) values (?, ?, '320724100', '01', 'matter', '320724-CG-0001', '测试',"
                " '2020.2', 'person', '王伟', '320724199001011234', '', '', 'accepted',"
                " '2026-11-20 01:30:00', '2026-11-20', '2026-11-20 01:30:00', 0, 5, 20, '[]', '[]',"
                " '', '值班人员', '1号', 1)",
                (str(uuid.uuid4()), number),
            )
            for kind in ("case.created", "case.accepted"):
                events.append((cur.lastrowid, number, kind))
                if chained:  # that release wrote events only through the audit chain's writer
                    continue
                con.execute(
                    "insert into case_event (event_id, case_id, case_number, kind, payload_json, actor,"
                    " office_code, workstation_id, at) values (?, ?, ?, ?, '{}', '值班人员', '320724100',"
                    " '01', '2026-11-20 01:30:00')",
                    (str(uuid.uuid4()), cur.lastrowid, number, kind),
                )
        con.execute(
            "insert into number_counter values ('320724100', '01', '2026-11-20', ?)",
            (n,),
        )
    con.close()
    if chained:
        from datetime import datetime

        from sqlalchemy import create_engine
        from sqlmodel import Session

        from app.store import audit

        engine = create_engine(f"sqlite:///{db}")
        with Session(engine) as s, s.begin():
            audit.insert_rows(
                s,
                [
                    {
                        "event_id": str(uuid.uuid4()),
                        "case_id": case_id,
                        "case_number": number,
                        "kind": kind,
                        "payload_json": "{}",
                        "actor": "值班人员",
                        "office_code": "320724100",
                        "workstation_id": "01",
                        "at": datetime(2026, 11, 20, 1, 30),
                    }
                    for case_id, number, kind in events
                ],
            )
        engine.dispose()
    return numbers


@pytest.mark.parametrize("old_head", older_heads())
def test_an_older_data_dir_is_backed_up_then_migrated(tmp_path: Path, old_head: str):
    db = tmp_path / "data" / "yichuang.db"
    db.parent.mkdir()
    command.upgrade(alembic_config(db), old_head)  # the older release's real migrations
    old_version = sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0]
    assert 0 < old_version < SCHEMA_VERSION
    numbers = add_cases(db, 7)

    store = open_store(db)  # the current program
    store.close()

    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [n for (n,) in con.execute("select number from case_record order by number")] == numbers
    assert con.execute("select count(*) from case_event").fetchone()[0] == 14
    con.close()
    (copy,) = (db.parent / "backups").glob(f"yichuang-before-v{old_version}-to-v{SCHEMA_VERSION}-*.db")
    con = sqlite3.connect(copy)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA user_version").fetchone()[0] == old_version  # as it was, untouched
    assert [n for (n,) in con.execute("select number from case_record order by number")] == numbers
    con.close()

    open_store(db).close()  # opening the current version again takes no second copy
    assert len(list((db.parent / "backups").glob("*.db"))) == 1


def test_a_new_store_takes_no_pre_upgrade_copy(tmp_path: Path):
    open_store(tmp_path / "y.db").close()
    assert not (tmp_path / "backups").exists()


def test_an_older_program_refuses_a_newer_store_and_changes_nothing(tmp_path: Path):
    db = tmp_path / "y.db"
    open_store(db).close()
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    listing = sorted(p.name for p in tmp_path.iterdir())
    before = db.read_bytes()
    with pytest.raises(StoreError, match="更新版本"):
        open_store(db)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no copy, no journal left behind
