"""Parts of the window that read the store on their own, on an encrypted store: the check for
accounts before the first frame, and `audit verify`'s worker processes."""

from __future__ import annotations

from pathlib import Path

from app.services import audit
from app.services.operators import add_operator, any_operators
from app.services.workstation import open_workstation
from app.store.cipher import is_encrypted
from app.ui.app import YichuangApp
from app.ui.screens.intake import IntakeScreen
from app.ui.screens.login import LoginScreen
from tests.privacy.common import accept_case
from tests.ui.test_intake_flow import SIZE, wait_for

PASS = "正确的口令-correct horse"


def encrypted_ws(data: Path, monkeypatch, clock):
    monkeypatch.setenv("YICHUANG_DB_PASSPHRASE", PASS)
    ws = open_workstation(data, clock=clock)
    ws.config.set("store.encrypted", "true")
    ws.config.save()
    return ws


async def test_accounts_in_an_encrypted_store_still_mean_login_first(tmp_path: Path, monkeypatch, clock):
    """The check ran with plain sqlite3, could not read the encrypted store and answered "no
    accounts": the window opened as the demo, whose clerk may do everything without a login."""
    data = tmp_path / "data"
    ws = encrypted_ws(data, monkeypatch, clock)
    add_operator(ws, "王芳", "clerk", "窗口abc123", actor="test")
    ws.close()
    assert is_encrypted(data / "yichuang.db")
    assert any_operators(data / "yichuang.db")  # without the key: cannot tell, so yes
    ws = open_workstation(data, clock=clock)
    assert any_operators(data / "yichuang.db", ws.db_key)
    app = YichuangApp(ws)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, (LoginScreen, IntakeScreen)))
            assert isinstance(app.screen, LoginScreen) and app.gate_closed
    finally:
        ws.close()


def test_audit_verify_in_parts_reads_an_encrypted_store(tmp_path: Path, monkeypatch, clock):
    ws = encrypted_ws(tmp_path / "data", monkeypatch, clock)
    try:
        for i in range(3):
            accept_case(ws, name=f"张{i}")
        one = audit.verify(ws.store, workers=1)
        parts = audit.verify(ws.store, workers=2)  # worker processes open the store themselves
        assert one.ok and parts.ok and parts.events == one.events > 0
    finally:
        ws.close()


def test_a_store_that_cannot_be_read_opens_the_login_screen_never_the_demo(tmp_path: Path):
    """Only a store without the accounts' table means "no accounts"; a damaged or locked one
    must not open the window as the demo, whose clerk acts without a login."""
    import sqlite3

    db = tmp_path / "yichuang.db"
    con = sqlite3.connect(db)
    con.execute("create table case_record (id integer)")  # an older store: no accounts yet
    con.commit()
    con.close()
    assert any_operators(db) is False
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"damaged" * 100)
    assert any_operators(db) is True
