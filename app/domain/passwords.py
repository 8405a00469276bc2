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
    """An account's lockout: the attempts counted since its last success (or the end of its last
    lock) and, once MAX_FAILURES are counted, the moment the lock ends."""

    failures: int
    locked_until: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


# The rule, in the order a login applies it (issue 16 §6). A check is slow (argon2) and several
# may run at once, in one process or several on the same store; so an attempt is counted *before*
# its password is checked, in the same write transaction that reads the state:
#   1. admit(state) -> the state to store now, or None: locked, refused without any check;
#   2. check the password (slow, outside any transaction);
#   3. a wrong one changes nothing more (it was counted); a right one logs in only if
#      may_log_in(the state stored now, what admit returned) and then stores after_success().
# So however many attempts arrive together, at most MAX_FAILURES are checked per lock, and a
# right password that arrives while the account is locked neither logs in nor lifts the lock.


def admit(state: LockState, now: datetime) -> LockState | None:
    """The state to store before checking one more attempt, which is counted as a failure until
    it proves right; the MAX_FAILURES-th attempt sets the lock (and is still checked: the last
    allowed try). None: the account is locked, the attempt is refused unchecked."""
    if state.locked(now):
        return None
    # a lock that has run out starts a fresh count
    failures = (0 if state.locked_until is not None else state.failures) + 1
    until = now + timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
    return LockState(failures, until)


def may_log_in(current: LockState, admitted: LockState, now: datetime) -> bool:
    """May a right password, admitted as `admitted`, log in now that the store holds `current`?
    Not while a lock stands that another attempt set meanwhile; the lock its own admission set
    (it was the last allowed try) does not stop it."""
    if not current.locked(now):
        return True
    return admitted.locked_until is not None and current.locked_until == admitted.locked_until


def failures_left(admitted: LockState) -> int:
    """How many more wrong passwords the account takes before it locks."""
    return max(0, MAX_FAILURES - admitted.failures)


def after_success() -> LockState:
    return LockState(0, None)
