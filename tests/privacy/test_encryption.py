"""Encryption at rest: `yichuang db encrypt`, a store created encrypted, the key from the
keyring or a passphrase, and the parts that open the store (Alembic, backup/restore, doctor)
on an encrypted store. The bytes on disk are checked for the applicant's name."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.services.cases import CaseService
from app.services.workstation import open_workstation
from app.store.cipher import is_encrypted
from tests.privacy.common import NAME, PERSON_ID, accept_case, run

PASS = "正确的口令-correct horse"
KEYRING = {"PYTHON_KEYRING_BACKEND": "tests.privacy.file_keyring.FileKeyring"}


def disk_bytes(data: Path) -> bytes:
    """The store and its WAL / journal as they are on disk."""
    return b"".join(p.read_bytes() for p in sorted(data.glob("yichuang.db*")) if p.is_file())


def clear_text_found(blob: bytes) -> list[str]:
    found = []
    for word in (NAME, PERSON_ID, "case_record", "SQLite format 3"):
        for enc in ("utf-8", "utf-16-le", "gb18030"):
            if word.encode(enc) in blob:
                found.append(f"{word} ({enc})")
    return found


def make_plain_store(data: Path, clock=None) -> str:
    ws = open_workstation(data, clock=clock)
    try:
        return accept_case(ws).case.number
    finally:
        ws.close()


def test_db_encrypt_with_a_passphrase_round_trip(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    number = make_plain_store(data)
    assert NAME.encode() in disk_bytes(data)  # the test can see a name in clear when it is there

    # no keyring on this machine: a passphrase is needed, and refused when it is missing
    r = run(data, "db", "encrypt")
    assert r.returncode == 1 and "YICHUANG_DB_PASSPHRASE" in r.stderr
    assert not is_encrypted(data / "yichuang.db")
    r = run(data, "db", "encrypt", env={"YICHUANG_DB_PASSPHRASE": PASS})
    assert r.returncode == 0, r.stderr
    assert is_encrypted(data / "yichuang.db")
    assert clear_text_found(disk_bytes(data)) == []
    assert PASS not in (data / "config.toml").read_text(encoding="utf-8")
    assert list((data / "backups").glob("yichuang-before-encrypt-*")) == []  # the plain copy is gone

    # open, close, open again: the case is there, read through the key
    for _ in range(2):
        r = run(data, "case", "show", number, "--json", env={"YICHUANG_DB_PASSPHRASE": PASS})
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["applicant"]["name"] == NAME
    # a new case written to the encrypted store (the window's write path) stays encrypted
    monkeypatch.setenv("YICHUANG_DB_PASSPHRASE", PASS)
    ws = open_workstation(data)
    try:
        second = accept_case(ws, name="司马相如").case.number
    finally:
        ws.close()
    blob = disk_bytes(data)
    assert clear_text_found(blob) == [] and "司马相如".encode() not in blob
    monkeypatch.delenv("YICHUANG_DB_PASSPHRASE")

    # a wrong passphrase, or none, is refused with a clear message
    r = run(data, "case", "show", second, env={"YICHUANG_DB_PASSPHRASE": "wrong passphrase"})
    assert r.returncode == 1 and "口令不对" in r.stderr and "Traceback" not in r.stderr
    r = run(data, "case", "list")
    assert r.returncode == 1 and "没有密钥" in r.stderr and "Traceback" not in r.stderr
    # the plain sqlite3 module reads nothing
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(data / "yichuang.db").execute("select * from case_record").fetchall()

    # converting again, or declaring the store plain, is refused and changes nothing
    r = run(data, "db", "encrypt", env={"YICHUANG_DB_PASSPHRASE": PASS})
    assert r.returncode == 1 and "已经加密" in r.stderr
    r = run(data, "config", "set", "store.encrypted", "false")
    assert r.returncode == 1


def test_db_encrypt_with_the_keyring_keeps_the_key_out_of_the_config(tmp_path: Path) -> None:
    data = tmp_path / "data"
    number = make_plain_store(data)
    ring = {**KEYRING, "YICHUANG_TEST_KEYRING": str(tmp_path / "keyring.json")}
    r = run(data, "db", "encrypt", env=ring)
    assert r.returncode == 0, r.stderr
    [secret] = json.loads((tmp_path / "keyring.json").read_text()).values()
    assert len(secret) == 64  # a random 256-bit key, used raw
    for path in data.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert clear_text_found(disk_bytes(data)) == []
    r = run(data, "case", "show", number, env=ring)  # no passphrase asked: the keyring has it
    assert r.returncode == 0 and NAME in r.stdout, r.stderr
    # without the keyring entry the store does not open
    (tmp_path / "keyring.json").write_text("{}")
    r = run(data, "case", "show", number, env=ring)
    assert r.returncode == 1 and "没有密钥" in r.stderr


def test_refusals_leave_the_plain_store_untouched(tmp_path: Path) -> None:
    data = tmp_path / "data"
    r = run(data, "db", "encrypt", env={"YICHUANG_DB_PASSPHRASE": PASS})
    assert r.returncode == 1 and "没有可加密的数据库" in r.stderr
    make_plain_store(data)
    before = (data / "yichuang.db").read_bytes()
    r = run(data, "db", "encrypt", env={"YICHUANG_DB_PASSPHRASE": "short"})
    assert r.returncode == 1 and "至少" in r.stderr
    r = run(data, "config", "set", "store.encrypted", "true")
    assert r.returncode == 1 and "db encrypt" in r.stderr
    # the window (another process) has the store open: refused
    holder = sqlite3.connect(data / "yichuang.db")
    holder.execute("begin immediate")
    try:
        r = run(data, "db", "encrypt", env={"YICHUANG_DB_PASSPHRASE": PASS})
    finally:
        holder.rollback()
        holder.close()
    assert r.returncode == 1 and "正在使用" in r.stderr
    assert (data / "yichuang.db").read_bytes() == before
    assert not is_encrypted(data / "yichuang.db")


def test_new_encrypted_store_migrations_backup_restore_doctor(tmp_path: Path, monkeypatch, clock) -> None:
    from app.services import doctor
    from app.services.backup import make_backup
    from app.services.restore import restore_backup
    from app.store.db import SCHEMA_VERSION

    data = tmp_path / "data"
    monkeypatch.setenv("YICHUANG_DB_PASSPHRASE", PASS)
    ws = open_workstation(data, clock=clock)
    ws.config.set("store.encrypted", "true")  # a new PC: no store yet, made encrypted
    ws.config.save()
    number = accept_case(ws).case.number  # Alembic ran every migration on the keyed store
    assert is_encrypted(data / "yichuang.db")
    wal = data / "yichuang.db-wal"
    assert wal.exists() and wal.stat().st_size > 0  # the store is open: the case is in the WAL
    assert clear_text_found(disk_bytes(data)) == []  # WAL pages are encrypted too
    with ws.store.read() as s:
        assert s.connection().exec_driver_sql("PRAGMA user_version").scalar() == SCHEMA_VERSION

    findings = {f.key: f for f in doctor.check_database(ws)}
    assert not [f for f in findings.values() if f.level == "error"], findings

    made = make_backup(ws, tmp_path / "backups")
    key = ws.db_key
    ws.close()
    # the backup is sealed with the store's key (issue 16 §5); inside, the store stays SQLCipher
    assert made.path.read_bytes().startswith(b"YCSEAL1\n") and clear_text_found(made.path.read_bytes()) == []
    from app.services.backup import read_backup

    read_backup(made.path, tmp_path / "opened", key)
    blob = (tmp_path / "opened" / "yichuang.db").read_bytes()
    assert clear_text_found(blob) == [] and blob[:16] != b"SQLite format 3\x00"

    ws = open_workstation(data, clock=clock)
    restore_backup(ws, made.path, use_hub=False)
    assert CaseService(ws).detail(number).case.applicant_name == NAME
    ws.close()
    assert clear_text_found(disk_bytes(data)) == []

    # doctor with the wrong passphrase: a clear error, no traceback, nothing changed
    monkeypatch.setenv("YICHUANG_DB_PASSPHRASE", "not the passphrase")
    ws = open_workstation(data, clock=clock)
    errors = [f for f in doctor.check_database(ws) if f.level == "error"]
    ws.close()
    assert errors and "口令不对" in errors[0].message


def test_a_new_store_with_a_keyring_is_made_with_a_key_kept_there(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ring = {**KEYRING, "YICHUANG_TEST_KEYRING": str(tmp_path / "keyring.json")}
    assert run(data, "config", "set", "store.encrypted", "true").returncode == 0
    r = run(data, "demo", "seed", "--cases", "3", env=ring)
    assert r.returncode == 0, r.stderr
    [secret] = json.loads((tmp_path / "keyring.json").read_text()).values()
    assert is_encrypted(data / "yichuang.db") and secret not in (data / "config.toml").read_text()
    r = run(data, "case", "list", "--json", env=ring)  # opened again with the keyring's key
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 3, r.stderr
    assert b"case_record" not in disk_bytes(data)
