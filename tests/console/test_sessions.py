"""Server-side sessions and the lockout rule at the hub's store (a real SQLite database): a session
ends when idle too long, after the longest working day, with logout; a lock ends by itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from sync.hub.console_store import SESSION_IDLE, SESSION_MAX, ConsoleStore, session_t, user_t
from sync.hub.store import open_hub

PASSWORD = "Secret-pass1"


@pytest.fixture
def accounts(tmp_path):
    st = open_hub(tmp_path / "hub")
    acc = ConsoleStore(st)
    acc.add_user("王芳", "backoffice", PASSWORD, ["320724-SCJG"])
    yield acc
    st.close()


def _age(accounts, **values) -> None:
    with accounts.hub.tx() as c:
        c.execute(update(session_t).values(**values))


def test_a_session_lives_on_the_server_and_ends_when_idle_too_long(accounts):
    res = accounts.login("王芳", PASSWORD)
    assert res.session_token and accounts.session(res.session_token).user.name == "王芳"
    assert accounts.session(res.session_token + "x") is None  # only the exact value opens it
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat(timespec="seconds")
    _age(accounts, expires_at=past)
    assert accounts.session(res.session_token) is None
    assert SESSION_IDLE <= timedelta(hours=1)


def test_no_session_outlives_a_working_day_however_busy(accounts):
    res = accounts.login("王芳", PASSWORD)
    long_ago = datetime.now(UTC) - SESSION_MAX - timedelta(minutes=1)
    _age(accounts, created_at=long_ago.isoformat(timespec="seconds"))
    assert accounts.session(res.session_token) is None


def test_logout_ends_the_session(accounts):
    res = accounts.login("王芳", PASSWORD)
    accounts.logout(res.session_token)
    assert accounts.session(res.session_token) is None


def test_the_lock_ends_by_itself_and_a_right_password_then_clears_the_count(accounts):
    for _ in range(5):  # the fifth is counted (and locks) before it is checked, and found wrong
        assert accounts.login("王芳", "wrong-pass9").refused == "bad"
    assert accounts.user_by_name("王芳").locked_until > datetime.now(UTC) + timedelta(minutes=14)
    assert accounts.login("王芳", PASSWORD).refused == "locked"
    with accounts.hub.tx() as c:  # the fifteen minutes have passed
        c.execute(update(user_t).values(locked_until=(datetime.now(UTC) - timedelta(seconds=1)).isoformat()))
    assert accounts.login("王芳", PASSWORD).session_token
    assert accounts.user_by_name("王芳").failures == 0


def test_a_disabled_account_cannot_be_guessed_without_limit(accounts):
    """Wrong passwords on a disabled account count like any other: it used to answer "bad" with
    no count and "disabled" for the right one, an unlimited oracle for its password."""
    user = accounts.user_by_name("王芳")
    accounts.set_disabled(user.id, True)
    assert accounts.login("王芳", PASSWORD).refused == "disabled"
    for _ in range(4):
        assert accounts.login("王芳", "wrong-pass9").refused == "bad"
    assert accounts.login("王芳", "wrong-pass9").refused == "locked"
    assert accounts.login("王芳", PASSWORD).refused == "locked"  # the right one tells nothing now
