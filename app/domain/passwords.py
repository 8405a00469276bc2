"""Passwords and lockout, shared by the window's operators and the hub's back-office users.

argon2id through argon2-cffi. The parameters are chosen so that one check takes roughly
0.2-0.5 s on an office PC (see tests/bench for the measured figure): slow enough to make a
stolen hash table expensive to attack, fast enough that a clerk does not wait at login.
The lockout rule is plain data in, decision out, so the window and the hub apply the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# RFC 9106's "second recommended" profile scaled to a 2-core office PC: 64 MiB, 8 passes (about 0.25 s here).
TIME_COST = 8
MEMORY_COST_KIB = 64 * 1024
PARALLELISM = 2

MAX_FAILURES = 5  # wrong passwords in a row before the account locks
LOCK_MINUTES = 15  # how long a lock lasts
MIN_LENGTH = 8

_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM)


def hash_password(password: str) -> str:
    """An argon2id PHC string ($argon2id$v=19$...), salt included."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches; False for a mismatch or a damaged/foreign hash."""
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters (rehash after a successful login)."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def password_problem(password: str) -> str | None:
    """A message key when the password is too weak to accept, else None."""
    if len(password) < MIN_LENGTH:
        return "password.too_short"
    if password.isdigit() or password.isalpha():
        return "password.too_simple"
    return None


@dataclass(frozen=True)
class LockState:
    failures: int
    locked_until: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def after_failure(state: LockState, now: datetime) -> LockState:
    """The state after one more wrong password: the MAX_FAILURES-th locks the account."""
    if state.locked(now):
        return state
    failures = state.failures + 1
    if failures >= MAX_FAILURES:
        return LockState(0, now + timedelta(minutes=LOCK_MINUTES))
    return LockState(failures, None)


def after_success() -> LockState:
    return LockState(0, None)
