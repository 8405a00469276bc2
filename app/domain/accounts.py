"""Operator accounts: each operator's key, the signed form of an account change, and who may
make which change (issue 16 §2). Plain Python, shared by the window, the CLI and the hub.

**Keys.** Every operator has an Ed25519 key pair derived from their password: argon2id (the
parameters of app.domain.passwords) over the password with a salt of the account's own gives
the 32-byte seed. The private half is never stored: the window derives it in memory when the
operator logs in, and that derivation *is* the password check (one argon2id run per login, as
before). The hub and the windows keep the public half with the account, as a key string:

    $ed25519-argon2id$v=19$m=65536,t=8,p=2$<salt>$<public key>     (base64, no padding)

A key string is as costly to attack as an argon2id hash: each guess costs one argon2id run.

**Changes.** An account change made at a window (add, passwd, disable) is signed by the acting
operator's key over its canonical content (``canonical``), which names the office, the change's
id, the target account and its new key. The hub checks the signature against its own copy of
the actor's key, then ``refusal``; it applies nothing else. A window's token alone proves no
operator: an unsigned change, or one signed by a key the hub does not hold for the actor, is
refused. Supervisor and admin accounts change only at the hub (its `hub` commands), except
that every operator may change their own password (the signature proves the old one).

**Who may.** At a window of office O, an enabled operator of O (or of every office) with the
``operators_admin`` permission (app.domain.roles: the supervisor and the admin) may add a clerk
or courier account of O, reset its password and disable it; anyone may change their own
password. Nobody re-enables an account or raises a role at a window.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from app.domain import roles

SCHEME: Final = "ed25519-argon2id"
SALT_BYTES: Final = 16
# What a key string may ask of a window at login (a hostile string must not exhaust it) and at
# least what makes it as slow to attack as a password hash.
MIN_MEMORY_KIB, MAX_MEMORY_KIB = 16 * 1024, 1024 * 1024
MAX_TIME_COST, MAX_PARALLELISM = 64, 16
MAX_KEY_LENGTH: Final = 200

# The accounts a window may make, reset and disable; supervisors and admins are the hub's.
WINDOW_ROLES: Final = (roles.CLERK, roles.COURIER)
OPS: Final = ("add", "passwd", "disable")
# What the signature covers, in this order of meaning (canonical() sorts them).
SIGNED_FIELDS: Final = ("v", "id", "op", "name", "role", "office", "key", "actor", "at")
_CONTEXT: Final = b"yichuang operator change v1\n"  # a signature over something else never fits

_KEY_RE = re.compile(
    r"^\$ed25519-argon2id\$v=19\$m=(\d{1,8}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{43})$"
)


class KeyFormatError(ValueError):
    """A key string that is not of our format (the message says what)."""


@dataclass(frozen=True)
class Key:
    memory_kib: int
    time_cost: int
    parallelism: int
    salt: bytes
    public: bytes

    def text(self) -> str:
        return (
            f"${SCHEME}$v=19$m={self.memory_kib},t={self.time_cost},p={self.parallelism}"
            f"${_b64(self.salt)}${_b64(self.public)}"
        )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def parse_key(text: object) -> Key:
    """The key string's parts, or KeyFormatError saying why it is not one."""
    if not isinstance(text, str) or len(text) > MAX_KEY_LENGTH:
        raise KeyFormatError("a key is a string of at most 200 characters")
    m = _KEY_RE.match(text)
    if m is None:
        raise KeyFormatError(f"a key is ${SCHEME}$v=19$m=…,t=…,p=…$SALT$PUBLIC")
    memory, time_cost, par = int(m[1]), int(m[2]), int(m[3])
    if not (
        MIN_MEMORY_KIB <= memory <= MAX_MEMORY_KIB
        and 1 <= time_cost <= MAX_TIME_COST
        and 1 <= par <= MAX_PARALLELISM
        and memory >= 8 * par
    ):
        raise KeyFormatError("the key's argon2id parameters are out of range")
    try:
        salt, public = _unb64(m[4]), _unb64(m[5])
    except ValueError:
        raise KeyFormatError("the key's salt or public key is not base64") from None
    if len(salt) < SALT_BYTES or len(public) != 32:
        raise KeyFormatError("the key's salt is too short or its public key is not 32 bytes")
    return Key(memory, time_cost, par, salt, public)


def is_key(text: object) -> bool:
    try:
        parse_key(text)
    except KeyFormatError:
        return False
    return True


def _seed(password: str, salt: bytes, memory_kib: int, time_cost: int, parallelism: int) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(password.encode("utf-8"), salt, time_cost, memory_kib, parallelism, 32, Type.ID)


def _public(seed: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return (
        Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )


def new_key(password: str) -> tuple[str, bytes]:
    """A fresh key for `password`: (the key string to store, the private seed to keep in memory).
    Slow (one argon2id run): call it outside a store transaction."""
    from app.domain import passwords

    salt = os.urandom(SALT_BYTES)
    seed = _seed(password, salt, passwords.MEMORY_COST_KIB, passwords.TIME_COST, passwords.PARALLELISM)
    key = Key(passwords.MEMORY_COST_KIB, passwords.TIME_COST, passwords.PARALLELISM, salt, _public(seed))
    return key.text(), seed


def unlock(key_text: str, password: str) -> bytes | None:
    """The private seed when `password` is the one the key was made from, else None (also for
    a damaged key string). One argon2id run: this is the login's password check."""
    try:
        key = parse_key(key_text)
    except KeyFormatError:
        return None
    seed = _seed(password, key.salt, key.memory_kib, key.time_cost, key.parallelism)
    return seed if hmac.compare_digest(_public(seed), key.public) else None


# --- signed changes -------------------------------------------------------------------------------
def canonical(change: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: every signed field (missing ones as ""), sorted, compact
    JSON, UTF-8, after a context line. Any other field (the signature itself, a legacy hash)
    is not covered and is ignored by whoever checks."""
    doc = {k: change.get(k, "") for k in SIGNED_FIELDS}
    return _CONTEXT + json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sign(seed: bytes, change: Mapping[str, Any]) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return base64.b64encode(Ed25519PrivateKey.from_private_bytes(seed).sign(canonical(change))).decode(
        "ascii"
    )


def verify(key_text: str, change: Mapping[str, Any], signature: object) -> bool:
    """Was `change` signed by the private half of `key_text`? False for anything malformed."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not isinstance(signature, str) or len(signature) > 100:
        return False
    try:
        key = parse_key(key_text)
        raw = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(key.public).verify(raw, canonical(change))
    except (KeyFormatError, ValueError, InvalidSignature):
        return False
    return True


def malformed(change: Mapping[str, Any]) -> str | None:
    """Why `change` is not a well-formed change (the signed fields' types), or None."""
    if change.get("v") != 1:
        return "v must be 1"
    for k in SIGNED_FIELDS[1:]:
        if not isinstance(change.get(k, ""), str) or len(change.get(k, "")) > MAX_KEY_LENGTH:
            return f"{k} must be a string of at most {MAX_KEY_LENGTH} characters"
    if change.get("op") not in OPS:
        return f"unknown change {change.get('op')!r}"
    return None


# --- who may -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Account:
    """An account as the checker (the hub, or a window) holds it."""

    name: str
    role: str
    office: str  # "" = every office
    disabled: bool
    key: str  # "" = none yet (an account made before keys)


# Every reason a change is refused; the hub answers with the code, the window says it in words
# (app.messages "accounts.refused_<code>").
REFUSALS: Final = {
    "unsigned": "the change carries no operator's signature; a window's token alone changes no account",
    "unknown_actor": "the operator who signed is not an account of the hub",
    "actor_no_key": "the operator who signed has no key at the hub yet (reset their password at the hub)",
    "bad_signature": "the signature does not verify with the hub's key of that operator",
    "actor_disabled": "the operator who signed is disabled",
    "actor_office": "the operator who signed belongs to another office",
    "office": "the change names another office than the window's",
    "not_allowed": "the operator's role may not change other accounts",
    "role": "supervisor and admin accounts change only at the hub",
    "not_yours": "the account belongs to another office or to every office",
    "exists": "an account of that name exists already",
    "unknown": "no account of that name",
    "disabled": "the account is disabled",
    "no_key": "the change carries no valid key for the account",
    "malformed": "the change is malformed",
}


# complexity: one early refusal per rule an account change must meet, in their order
def refusal(  # noqa: C901
    change: Mapping[str, Any], actor: Account | None, target: Account | None, office: str
) -> str | None:
    """The code (a key of REFUSALS) why `change`, made at a window of `office` and signed by
    `actor`, must not be applied, or None when it may. `target` is the account the change
    names as the checker holds it (None: no such account). The signature is checked apart
    (``verify``); this is the rule alone, the same at the window and the hub."""
    if malformed(change) is not None:
        return "malformed"
    if not change.get("actor"):
        return "unsigned"
    if actor is None or actor.name != change.get("actor"):
        return "unknown_actor"
    if not actor.key:
        return "actor_no_key"
    if actor.disabled:
        return "actor_disabled"
    if actor.office not in ("", office):
        return "actor_office"
    if change.get("office") != office:
        return "office"
    op = change["op"]
    if op in ("add", "passwd") and not is_key(change.get("key")):
        return "no_key"
    if op == "add":
        if not roles.allowed(actor.role, "operators_admin"):
            return "not_allowed"
        if change.get("role") not in WINDOW_ROLES:
            return "role"
        return "exists" if target is not None else None
    if target is None:
        return "unknown"
    if target.disabled and op == "passwd":
        return "disabled"
    if op == "passwd" and target.name == actor.name:
        return None  # one's own password: the signature proves the old one
    if not roles.allowed(actor.role, "operators_admin"):
        return "not_allowed"
    if target.role not in WINDOW_ROLES:
        return "role"
    if target.office != office:
        return "not_yours"
    return None
