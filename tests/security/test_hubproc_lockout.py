"""The console's login lockout under attack (issue 16 §6), against real hub processes on SQLite and
PostgreSQL, through HTTP as a browser would send it.

* An attempt is counted before its password is checked, in one transaction: 20 wrong passwords
  sent at once get 5 checks, the other 15 are refused unchecked (the stored counts say so),
  also when the 20 are split between two hub processes on one database.
* A right password that arrives while the account is locked neither logs in nor lifts the lock.
* Unknown, locked, disabled and wrong: one answer (status, body, time), so names cannot be
  enumerated; one client address may make only so many checks, so a stranger cannot lock
  every user.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from tests.hubs import PASSWORD, HubProcess

pytestmark = pytest.mark.slow

WRONG = "Wrong-pass-0"


def client(hub: HubProcess, source: str = "127.0.0.1") -> tuple[httpx.Client, str]:
    """A browser-like client from `source` (any 127.0.0.0/8 address reaches the hub on
    127.0.0.1) holding the login form's CSRF cookie; returns it and the form's value."""
    c = httpx.Client(
        base_url=hub.url,
        transport=httpx.HTTPTransport(local_address=source),
        timeout=120,
        follow_redirects=False,
    )
    c.get("/console/login").raise_for_status()
    return c, c.cookies["yc_login"]


@contextmanager
def browser_at(hub: HubProcess, source: str = "127.0.0.1"):
    c, csrf = client(hub, source)
    try:
        yield c, csrf
    finally:
        c.close()


def attempt(c: httpx.Client, csrf: str, name: str, password: str) -> httpx.Response:
    return c.post("/console/login", data={"name": name, "password": password, "csrf": csrf, "next": ""})


def add_user(hub: HubProcess, name: str, role: str = "backoffice", disabled: bool = False):
    from sync.hub.console_store import ConsoleStore

    st = hub.store()
    try:
        accounts = ConsoleStore(st)
        user = accounts.add_user(name, role, PASSWORD, ["320724-SCJG"] if role == "backoffice" else [])
        if disabled:
            accounts.set_disabled(user.id, True)
        return user
    finally:
        st.close()


def stored(hub: HubProcess, name: str):
    from sync.hub.console_store import ConsoleStore

    st = hub.store()
    try:
        return ConsoleStore(st).user_by_name(name)
    finally:
        st.close()


def sessions_of(hub: HubProcess, name: str) -> int:
    from sqlalchemy import func, select

    from sync.hub.console_store import session_t, user_t

    st = hub.store()
    try:
        with st.ro() as c:
            return c.execute(
                select(func.count())
                .select_from(session_t.join(user_t, session_t.c.user_id == user_t.c.id))
                .where(user_t.c.name == name)
            ).scalar_one()
    finally:
        st.close()


def burst(
    hubs: list[HubProcess],
    name: str,
    passwords: list[str],
    sources: list[str],
    released: threading.Event | None = None,
) -> list[httpx.Response]:
    """Every attempt from its own client, all released at once (a barrier, which sets
    `released`), spread over `hubs`."""
    clients = [client(hubs[i % len(hubs)], sources[i % len(sources)]) for i in range(len(passwords))]
    gate = threading.Barrier(len(passwords), action=released.set if released else None)

    def one(i: int) -> httpx.Response:
        c, csrf = clients[i]
        gate.wait()
        return attempt(c, csrf, name, passwords[i])

    try:
        with ThreadPoolExecutor(len(passwords)) as pool:
            return list(pool.map(one, range(len(passwords))))
    finally:
        for c, _ in clients:
            c.close()


SOURCES = [f"127.0.0.{n}" for n in range(20, 40)]  # one address per attempt: the address limit stays out


def test_concurrent_wrong_passwords_past_the_limit_are_never_checked(hub):
    add_user(hub, "韩梅梅")
    answers = burst([hub], "韩梅梅", [WRONG] * 20, SOURCES)
    assert {r.status_code for r in answers} == {401}
    user = stored(hub, "韩梅梅")
    assert user.locked()
    # 5 attempts were counted (and so checked) before the lock; 15 were refused without a check
    assert (user.failures, user.refused) == (5, 15)


def test_two_hub_processes_on_one_database_count_in_one_transaction(hub, tmp_path):
    add_user(hub, "李雷")
    second = HubProcess(hub.data_dir, hub.db_url).start()  # the same database (SQLite file or PostgreSQL)
    try:
        answers = burst([hub, second], "李雷", [WRONG] * 20, SOURCES)
    finally:
        second.stop()
    assert {r.status_code for r in answers} == {401}
    user = stored(hub, "李雷")
    assert user.locked() and (user.failures, user.refused) == (5, 15)


def test_a_right_password_arriving_while_locked_neither_logs_in_nor_lifts_the_lock(hub):
    add_user(hub, "周八")
    wrong: list[httpx.Response] = []
    released = threading.Event()
    flood = threading.Thread(
        target=lambda: wrong.extend(burst([hub], "周八", [WRONG] * 20, SOURCES, released))
    )
    flood.start()
    assert released.wait(120)
    # the lock is stored as soon as the fifth attempt is counted, long before their checks end
    # (before the fix it came only after five slow checks: the right password then got through)
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline and not stored(hub, "周八").locked():
        time.sleep(0.02)
    with browser_at(hub, "127.0.0.2") as (c, csrf):
        right = attempt(c, csrf, "周八", PASSWORD)
    flood.join()
    assert right.status_code == 401 and "yc_session" not in right.cookies
    assert sessions_of(hub, "周八") == 0
    user = stored(hub, "周八")
    assert user.locked() and user.failures == 5
    assert len(wrong) == 20 and {r.status_code for r in wrong} == {401}


def _body(r: httpx.Response, name: str) -> str:
    return r.text.replace(name, "NAME")


def test_unknown_locked_disabled_and_wrong_password_answer_alike(hub):
    add_user(hub, "甲")
    add_user(hub, "乙")
    add_user(hub, "丙", disabled=True)
    with browser_at(hub, "127.0.0.3") as (c, csrf):
        for _ in range(5):
            attempt(c, csrf, "乙", WRONG)
    assert stored(hub, "乙").locked()
    cases = {
        "wrong": ("甲", WRONG),
        "unknown": ("没有此人", PASSWORD),
        "locked": ("乙", PASSWORD),  # even the right password
        "disabled_right": ("丙", PASSWORD),
        "disabled_wrong": ("丙", WRONG),
    }
    times: dict[str, list[float]] = {k: [] for k in cases}
    answers: dict[str, httpx.Response] = {}
    for round_ in range(4):  # interleaved, each round from an address of its own
        with browser_at(hub, f"127.0.0.{50 + round_}") as (c, csrf):
            for kind, (name, password) in cases.items():
                start = time.perf_counter()
                answers[kind] = attempt(c, csrf, name, password)
                times[kind].append(time.perf_counter() - start)
    statuses = {kind: r.status_code for kind, r in answers.items()}
    assert set(statuses.values()) == {401}, statuses
    bodies = {kind: _body(r, cases[kind][0]) for kind, r in answers.items()}
    assert len(set(bodies.values())) == 1, "the answers tell the cases apart"
    assert len({r.headers.get("www-authenticate") for r in answers.values()}) == 1
    # the same timing class: every refusal costs one password check (a locked account's a
    # stand-in's); a refusal without any check would answer 10-100 times faster
    wrong = statistics.median(times["wrong"])
    for kind, measured in times.items():
        assert statistics.median(measured) > 0.4 * wrong, (kind, measured, wrong)
    # "甲" has 4 failures now (one more is the lock): what it was told is what the others were
    assert stored(hub, "甲").failures == 4
    assert re.search(r'id="login-error"', answers["wrong"].text)


def test_one_stranger_cannot_lock_every_user(sqlite_hub):
    hub = sqlite_hub
    names = ["用户一", "用户二", "用户三", "用户四"]
    for n in names:
        add_user(hub, n)
    with browser_at(hub, "127.0.0.9") as (c, csrf):  # the stranger's one address
        answers = [attempt(c, csrf, n, WRONG) for n in names for _ in range(5)]
    assert {r.status_code for r in answers} == {401}
    assert len({_body(r, n) for r, n in zip(answers, [n for n in names for _ in range(5)])}) == 1
    locked = [n for n in names if stored(hub, n).locked()]
    # an address gets 10 password checks per 15 minutes: two accounts' worth, not every account
    assert locked == names[:2]
    assert stored(hub, "用户三").failures == 0 and stored(hub, "用户四").failures == 0
    # the stranger's address is held back, the users' own are not
    with browser_at(hub, "127.0.0.1") as (c, csrf):
        ok = attempt(c, csrf, "用户三", PASSWORD)
    assert ok.status_code == 303 and "yc_session" in ok.cookies


def test_a_right_password_after_four_wrong_still_logs_in_and_clears_the_count(sqlite_hub):
    """The fifth attempt is the last allowed one: right, it logs in (the rule as before)."""
    add_user(sqlite_hub, "吴九")
    with browser_at(sqlite_hub, "127.0.0.4") as (c, csrf):
        for _ in range(4):
            assert attempt(c, csrf, "吴九", WRONG).status_code == 401
        r = attempt(c, csrf, "吴九", PASSWORD)
    assert r.status_code == 303 and "yc_session" in r.cookies
    user = stored(sqlite_hub, "吴九")
    assert not user.locked() and user.failures == 0


def test_addresses_whose_window_is_over_are_forgotten(tmp_path, hub_db):
    """The per-address table does not grow with every address that ever tried (in-process on the
    real database: the pruning statement runs on SQLite and PostgreSQL alike)."""
    from sqlalchemy import insert, select

    from sync.hub.console_store import ConsoleStore, address_t
    from sync.hub.store import open_hub

    st = open_hub(tmp_path / "hub", hub_db)
    try:
        with st.tx() as c:
            c.execute(
                insert(address_t),
                [
                    {
                        "address": "192.0.2.1",
                        "attempts": 3,
                        "since": "2026-01-01T00:00:00+00:00",
                        "held_until": "",
                    },
                    {
                        "address": "192.0.2.2",
                        "attempts": 10,
                        "since": "2026-01-01T00:00:00+00:00",
                        "held_until": "2999-01-01T00:00:00+00:00",  # held: kept
                    },
                ],
            )
        assert ConsoleStore(st).login("没有此人", WRONG, "2001:db8::1").refused == "bad"
        with st.ro() as c:
            left = dict(c.execute(select(address_t.c.address, address_t.c.attempts)).all())
        assert left == {"192.0.2.2": 10, "2001:db8::/64": 1}
    finally:
        st.close()
