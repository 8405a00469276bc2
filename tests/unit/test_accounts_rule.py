"""app.domain.accounts on its own: operators' keys, signed changes, and who may change which
account (the rule the window and the hub share; issue 16 §2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import accounts
from app.domain.accounts import Account, refusal

OFFICE = "320724100"
SUP = Account("zhuren", "supervisor", OFFICE, False, "k")
ADMIN = Account("guanli", "admin", OFFICE, False, "k")
CLERK = Account("li", "clerk", OFFICE, False, "k")
COURIER = Account("wang", "courier", OFFICE, False, "k")
COUNTY_SUP = Account("county", "supervisor", "", False, "k")
OTHER_CLERK = Account("zhao", "clerk", "320724101", False, "k")


@pytest.fixture(scope="module")
def key_and_seed():
    return accounts.new_key("window-pass-1")


def change(op: str, name: str, actor: str, **f) -> dict:
    return {
        "v": 1,
        "id": "0b8a3f7e-0000-4000-8000-000000000001",
        "op": op,
        "name": name,
        "role": f.get("role", ""),
        "office": f.get("office", OFFICE),
        "key": f.get("key", ""),
        "actor": actor,
        "at": "2026-12-01T08:00:00.000+00:00",
    }


def test_the_key_unlocks_with_its_password_only(key_and_seed):
    key, seed = key_and_seed
    assert key.startswith("$ed25519-argon2id$v=19$m=65536,t=8,p=2$")
    assert accounts.unlock(key, "window-pass-1") == seed
    assert accounts.unlock(key, "window-pass-2") is None
    assert accounts.unlock("$argon2id$v=19$m=65536,t=8,p=2$c2FsdHNhbHQ$aGFzaA", "window-pass-1") is None
    # the same password makes another key (its own salt)
    assert accounts.new_key("window-pass-1")[0] != key


def test_a_signature_covers_every_signed_field_and_nothing_else_counts(key_and_seed):
    key, seed = key_and_seed
    other_key, _ = accounts.new_key("other-pass-1")
    ch = change("add", "wang", "zhuren", role="courier", key=other_key)
    sig = accounts.sign(seed, ch)
    assert accounts.verify(key, ch, sig)
    assert accounts.verify(key, {**ch, "sig": sig, "hash": "anything"}, sig)  # unsigned extras ignored
    for field, value in (
        ("id", "0b8a3f7e-0000-4000-8000-000000000002"),
        ("op", "passwd"),
        ("name", "wang2"),
        ("role", "admin"),
        ("office", "320724101"),
        ("key", key),
        ("actor", "guanli"),
        ("at", "2026-12-02T08:00:00.000+00:00"),
    ):
        assert not accounts.verify(key, {**ch, field: value}, sig), field
    assert not accounts.verify(other_key, ch, sig)
    assert not accounts.verify(key, ch, "not base64!")
    assert not accounts.verify(key, ch, None)


@given(st.text(max_size=300))
def test_parse_key_refuses_anything_else_with_its_own_error(text):
    try:
        accounts.parse_key(text)
    except accounts.KeyFormatError:
        pass


def test_key_parameters_a_hostile_string_could_ask_for_are_refused(key_and_seed):
    key, _ = key_and_seed
    head, salt, pub = key.rsplit("$", 2)
    for params in ("m=4194304,t=8,p=2", "m=1024,t=8,p=2", "m=65536,t=999,p=2", "m=65536,t=8,p=99"):
        bad = f"$ed25519-argon2id$v=19${params}${salt}${pub}"
        assert not accounts.is_key(bad), params
    assert not accounts.is_key(f"{head}${salt}$AAAA")


RULE = [
    # (change, actor, target, expected code)
    (change("add", "new", "zhuren", role="clerk", key="K"), SUP, None, None),
    (change("add", "new", "guanli", role="courier", key="K"), ADMIN, None, None),
    (change("add", "new", "county", role="clerk", key="K"), COUNTY_SUP, None, None),
    (change("add", "new", "zhuren", role="supervisor", key="K"), SUP, None, "role"),
    (change("add", "new", "guanli", role="admin", key="K"), ADMIN, None, "role"),
    (change("add", "new", "li", role="clerk", key="K"), CLERK, None, "not_allowed"),
    (change("add", "li", "zhuren", role="clerk", key="K"), SUP, CLERK, "exists"),
    (change("add", "new", "zhuren", role="clerk"), SUP, None, "no_key"),
    (change("add", "new", "zhuren", role="clerk", key="K", office="320724101"), SUP, None, "office"),
    (
        change("add", "new", "zhao", role="clerk", key="K"),
        Account("zhao", "supervisor", "320724101", False, "k"),
        None,
        "actor_office",
    ),
    (change("add", "new", "", role="clerk", key="K"), SUP, None, "unsigned"),
    (change("add", "new", "zhuren", role="clerk", key="K"), None, None, "unknown_actor"),
    (
        change("add", "new", "zhuren", role="clerk", key="K"),
        Account("zhuren", "supervisor", OFFICE, True, "k"),
        None,
        "actor_disabled",
    ),
    (
        change("add", "new", "zhuren", role="clerk", key="K"),
        Account("zhuren", "supervisor", OFFICE, False, ""),
        None,
        "actor_no_key",
    ),
    (change("passwd", "li", "zhuren", key="K"), SUP, CLERK, None),
    (change("passwd", "li", "li", key="K"), CLERK, CLERK, None),  # one's own
    (change("passwd", "zhuren", "zhuren", key="K"), SUP, SUP, None),  # one's own, a supervisor too
    (change("passwd", "county", "county", key="K"), COUNTY_SUP, COUNTY_SUP, None),
    (change("passwd", "zhuren", "li", key="K"), CLERK, SUP, "not_allowed"),
    (change("passwd", "guanli", "zhuren", key="K"), SUP, ADMIN, "role"),
    (change("passwd", "county", "zhuren", key="K"), SUP, COUNTY_SUP, "role"),
    (change("passwd", "zhao", "zhuren", key="K"), SUP, OTHER_CLERK, "not_yours"),
    (change("passwd", "x", "zhuren", key="K"), SUP, Account("x", "clerk", "", False, ""), "not_yours"),
    (change("passwd", "nobody", "zhuren", key="K"), SUP, None, "unknown"),
    (change("passwd", "li", "zhuren", key="K"), SUP, Account("li", "clerk", OFFICE, True, "k"), "disabled"),
    (change("passwd", "li", "zhuren"), SUP, CLERK, "no_key"),
    (change("disable", "wang", "zhuren"), SUP, COURIER, None),
    (change("disable", "wang", "guanli"), ADMIN, COURIER, None),
    (change("disable", "zhuren", "zhuren"), SUP, SUP, "role"),
    (change("disable", "guanli", "zhuren"), SUP, ADMIN, "role"),
    (change("disable", "wang", "li"), CLERK, COURIER, "not_allowed"),
    (change("disable", "zhao", "zhuren"), SUP, OTHER_CLERK, "not_yours"),
    ({**change("disable", "wang", "zhuren"), "op": "enable"}, SUP, COURIER, "malformed"),
    ({**change("disable", "wang", "zhuren"), "v": 2}, SUP, COURIER, "malformed"),
    ({**change("disable", "wang", "zhuren"), "role": 7}, SUP, COURIER, "malformed"),
]


@pytest.mark.parametrize("ch, actor, target, code", RULE)
def test_who_may_change_which_account(ch, actor, target, code, key_and_seed):
    key, _ = key_and_seed
    if ch.get("key") == "K":
        ch = {**ch, "key": key}
    assert refusal(ch, actor, target, OFFICE) == code
    assert code is None or code in accounts.REFUSALS
