"""The back office console's accounts and sessions, in the hub's database (migration h0006).

Users: a name, a role (``backoffice`` or ``admin``), the departments they decide for, an
argon2id hash (app.domain.passwords, the same rules as the window's operators) and the lockout
state. Sessions: a random cookie value whose SHA-256 is kept with its user, CSRF token and expiry
(the cookie alone is never stored). Uses the HubStore's engines and write lock: one database,
one writer at a time.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Table,
    delete,
    insert,
    select,
    update,
)

from app.domain import passwords
from sync.hub.departments import departments
from sync.hub.principal import Principal
from sync.hub.schema import NAME_MAX, address_t, lock_log_t, session_t, user_dept_t, user_t
from sync.hub.store import HubStore

USER_ROLES = ("backoffice", "admin")
SESSION_IDLE = timedelta(minutes=30)  # a session unused this long is over
SESSION_MAX = timedelta(hours=10)  # and none lasts longer than a working day


# One client address gets this many password checks (real, or the stand-in of an unknown or
# locked name) per ADDRESS_WINDOW, then is held back for ADDRESS_HOLD without any check: a
# stranger can lock two accounts in a quarter of an hour, not every account. A right password
# gives its own count back. Refusals of a held address cost nothing and tell nothing of names.
ADDRESS_MAX_ATTEMPTS = 2 * passwords.MAX_FAILURES
ADDRESS_WINDOW = timedelta(minutes=passwords.LOCK_MINUTES)
ADDRESS_HOLD = timedelta(minutes=passwords.LOCK_MINUTES)
# argon2 takes 64 MiB a check: a flood of logins queues here instead of taking the server's memory
_CHECKS = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(when: datetime | None) -> str:
    return when.isoformat(timespec="seconds") if when else ""


def _iso_exact(when: datetime | None) -> str:
    """A lock's end as stored: exact, so a login can tell the lock its own attempt set."""
    return when.isoformat(timespec="microseconds") if when else ""


def address_key(client: str | None) -> str:
    """The key a client address is counted under: an IPv4 address itself, an IPv6 one by its
    /64 (one household or office holds a whole /64); "" when there is none (no limit then)."""
    try:
        ip = ipaddress.ip_address((client or "").strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _check(stored_hash: str, password: str) -> bool:
    with _CHECKS:
        return passwords.verify_password(stored_hash, password)


def _when(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class User:
    """A console user as the pages see it."""

    id: int
    name: str
    role: str
    departments: tuple[str, ...] = ()
    disabled: bool = False
    locked_until: datetime | None = None
    failures: int = 0
    created_at: str = ""
    last_login_at: str = ""
    refused: int = 0  # attempts refused unchecked while the current lock stands
    last_attempt_at: str = ""
    last_attempt_from: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and (now or _now()) < self.locked_until

    def principal(self) -> Principal:
        """Who acts at the hub's store on this user's behalf: events are authored
        ``backoffice:NAME`` (every decision records the user by name)."""
        return Principal("backoffice", "", "", self.name)


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires_at: datetime
    token_hash: str = field(repr=False, default="")


class AccountError(ValueError):
    """A refused account change, with its message (``text``) from the catalogue."""

    def __init__(self, key: str, **fields) -> None:
        from app.messages import t

        self.key, self.text = key, t(key, **fields)
        super().__init__(self.text)


def _password_error(problem: str) -> AccountError:
    # the two keys password_problem() returns, spelled out (the message-key test reads them here)
    return AccountError("password.too_short" if problem == "password.too_short" else "password.too_simple")


@dataclass(frozen=True)
class LoginResult:
    """``session_token`` (the cookie value) when the password was right; else ``refused`` says
    why, for the hub's own use: ``"bad"`` (unknown name or wrong password), ``"locked"``,
    ``"disabled"`` or ``"held"`` (the client's address). The login page answers them all alike."""

    session_token: str = ""
    session: Session | None = None
    refused: str = ""


@dataclass(frozen=True)
class _Gate:
    """What the admitting transaction decided: ``held`` (the address: no check at all), no
    ``row`` (no such user), no ``admitted`` (locked: a stand-in check), else a real check."""

    held: bool = False
    row: Any = None
    admitted: passwords.LockState | None = None


@dataclass(frozen=True)
class LockRecord:
    at: str
    action: str
    actor: str
    detail: str


@dataclass(frozen=True)
class HeldAddress:
    address: str
    attempts: int
    held_until: datetime


class ConsoleStore:
    def __init__(self, hub: HubStore) -> None:
        self.hub = hub

    # --- users ------------------------------------------------------------------------------------
    def _user(self, c, row) -> User:
        depts = c.execute(
            select(user_dept_t.c.department)
            .where(user_dept_t.c.user_id == row.id)
            .order_by(user_dept_t.c.department)
        ).scalars()
        return User(
            id=row.id,
            name=row.name,
            role=row.role,
            departments=tuple(depts),
            disabled=bool(row.disabled_at),
            locked_until=_when(row.locked_until),
            failures=row.failures,
            created_at=row.created_at,
            last_login_at=row.last_login_at,
            refused=row.refused,
            last_attempt_at=row.last_attempt_at,
            last_attempt_from=row.last_attempt_from,
        )

    @staticmethod
    def check_name(name: str) -> str:
        name = (name or "").strip()
        if not name:
            raise AccountError("console.user_name_required")
        if len(name) > NAME_MAX or any(not ch.isprintable() or ch.isspace() for ch in name):
            raise AccountError("console.user_name_bad", max=NAME_MAX)
        return name

    def check_departments(self, codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """The codes, each one a department of the hub's current catalogue (AccountError if not)."""
        known = departments(self.hub.catalogue_obj())
        out = tuple(dict.fromkeys(c.strip().upper() for c in codes if c.strip()))
        unknown = [c for c in out if c not in known]
        if unknown:
            raise AccountError("console.department_unknown", codes=", ".join(unknown))
        return out

    def add_user(self, name: str, role: str, password: str, depts: list[str] | tuple[str, ...]) -> User:
        name = self.check_name(name)
        if role not in USER_ROLES:
            raise AccountError("console.role_bad")
        problem = passwords.password_problem(password)
        if problem:
            raise _password_error(problem)
        depts = self.check_departments(depts)
        if role == "backoffice" and not depts:
            raise AccountError("console.department_required")
        digest = passwords.hash_password(password)  # slow: outside the write lock
        now = _iso(_now())
        with self.hub.tx() as c:
            if c.execute(select(user_t.c.id).where(user_t.c.name == name)).first() is not None:
                raise AccountError("console.user_exists", name=name)
            uid = c.execute(
                insert(user_t).values(
                    name=name,
                    role=role,
                    password_hash=digest,
                    failures=0,
                    locked_until="",
                    disabled_at="",
                    created_at=now,
                    password_set_at=now,
                    last_login_at="",
                    refused=0,
                    last_attempt_at="",
                    last_attempt_from="",
                )
            ).inserted_primary_key[0]
            if depts:
                c.execute(insert(user_dept_t), [{"user_id": uid, "department": d} for d in depts])
            return self._user(c, c.execute(select(user_t).where(user_t.c.id == uid)).one())

    def users(self) -> list[User]:
        with self.hub.ro() as c:
            return [self._user(c, r) for r in c.execute(select(user_t).order_by(user_t.c.name)).all()]

    def user(self, user_id: int) -> User | None:
        with self.hub.ro() as c:
            r = c.execute(select(user_t).where(user_t.c.id == user_id)).first()
            return None if r is None else self._user(c, r)

    def user_by_name(self, name: str) -> User | None:
        with self.hub.ro() as c:
            r = c.execute(select(user_t).where(user_t.c.name == name)).first()
            return None if r is None else self._user(c, r)

    def set_disabled(self, user_id: int, disabled: bool) -> User:
        """Disable (every session ends) or enable again."""
        with self.hub.tx() as c:
            n = c.execute(
                update(user_t)
                .where(user_t.c.id == user_id)
                .values(disabled_at=_iso(_now()) if disabled else "")
            ).rowcount
            if not n:
                raise AccountError("console.user_unknown")
            if disabled:
                c.execute(delete(session_t).where(session_t.c.user_id == user_id))
            return self._user(c, c.execute(select(user_t).where(user_t.c.id == user_id)).one())

    def set_password(self, user_id: int, password: str) -> User:
        """A new password (admin reset): the lock is lifted, every session ends."""
        problem = passwords.password_problem(password)
        if problem:
            raise _password_error(problem)
        digest = passwords.hash_password(password)
        with self.hub.tx() as c:
            n = c.execute(
                update(user_t)
                .where(user_t.c.id == user_id)
                .values(
                    password_hash=digest, password_set_at=_iso(_now()), failures=0, locked_until="", refused=0
                )
            ).rowcount
            if not n:
                raise AccountError("console.user_unknown")
            c.execute(delete(session_t).where(session_t.c.user_id == user_id))
            return self._user(c, c.execute(select(user_t).where(user_t.c.id == user_id)).one())

    def set_departments(self, user_id: int, depts: list[str] | tuple[str, ...]) -> User:
        depts = self.check_departments(depts)
        with self.hub.tx() as c:
            r = c.execute(select(user_t).where(user_t.c.id == user_id)).first()
            if r is None:
                raise AccountError("console.user_unknown")
            if r.role == "backoffice" and not depts:
                raise AccountError("console.department_required")
            c.execute(delete(user_dept_t).where(user_dept_t.c.user_id == user_id))
            if depts:
                c.execute(insert(user_dept_t), [{"user_id": user_id, "department": d} for d in depts])
            return self._user(c, r)

    # --- login and sessions --------------------------------------------------------------------------
    def login(self, name: str, password: str, client: str = "") -> LoginResult:
        """Check a password under the lockout rule (app.domain.passwords: the attempt is counted
        before its check, in one transaction; the fifth in a row locks the account for
        LOCK_MINUTES; while locked even the right one is refused, unchecked) and the limit of the
        client's address (ADDRESS_MAX_ATTEMPTS). Every refusal but a held address's costs one
        password check, a stand-in's for an unknown or locked name: the time tells nothing."""
        name = (name or "").strip()
        gate = self._admit(name, address_key(client), _now())
        if gate.held:
            return LoginResult(refused="held")
        if gate.row is None or gate.admitted is None:
            _check(_dummy_hash(), password)  # as slow as a real check
            return LoginResult(refused="bad" if gate.row is None else "locked")
        r = gate.row
        if not _check(r.password_hash, password):
            return LoginResult(refused="bad")  # counted already
        if r.disabled_at:
            return LoginResult(refused="disabled")
        rehash = passwords.hash_password(password) if passwords.needs_rehash(r.password_hash) else None
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = _now()
        expires = now + SESSION_IDLE
        address = address_key(client)
        with self.hub.tx() as c:
            # rows locked in the admitting transaction's order (address, then user): two hub
            # processes on one PostgreSQL database never wait for each other in a circle
            held_row = self._address_row(c, address)
            cur = c.execute(select(user_t).where(user_t.c.id == r.id).with_for_update()).first()
            if (
                cur is None
                or cur.disabled_at
                or cur.password_hash != r.password_hash  # reset meanwhile: the old one is no more
                or not passwords.may_log_in(
                    passwords.LockState(cur.failures, _when(cur.locked_until)), gate.admitted, now
                )
            ):
                return LoginResult(refused="locked")
            values = {"failures": 0, "locked_until": "", "refused": 0, "last_login_at": _iso(now)}
            if rehash:
                values["password_hash"] = rehash
            c.execute(update(user_t).where(user_t.c.id == r.id).values(**values))
            self._give_back(c, held_row)
            c.execute(delete(session_t).where(session_t.c.expires_at < _iso(now)))  # old ones go
            c.execute(
                insert(session_t).values(
                    hash=_sha(token),
                    user_id=r.id,
                    csrf=csrf,
                    created_at=_iso(now),
                    seen_at=_iso(now),
                    expires_at=_iso(expires),
                )
            )
            user = self._user(c, c.execute(select(user_t).where(user_t.c.id == r.id)).one())
        return LoginResult(session_token=token, session=Session(user, csrf, expires, _sha(token)))

    def _admit(self, name: str, address: str, now: datetime) -> _Gate:
        """Count the attempt against its address and its account, in one write transaction with
        the rows locked (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE on PostgreSQL), before
        any password is checked: concurrent attempts, in this process or another on the same
        database, are counted one after the other."""
        with self.hub.tx() as c:
            if address and self._count_address(c, address, now):
                return _Gate(held=True)
            r = (
                c.execute(select(user_t).where(user_t.c.name == name).with_for_update()).first()
                if name
                else None
            )
            if r is None:
                return _Gate()
            state = passwords.LockState(r.failures, _when(r.locked_until))
            admitted = passwords.admit(state, now)
            seen = {"last_attempt_at": _iso(now), "last_attempt_from": address}
            if admitted is None:
                c.execute(
                    update(user_t).where(user_t.c.id == r.id).values(refused=user_t.c.refused + 1, **seen)
                )
                return _Gate(row=r)
            values = {
                "failures": admitted.failures,
                "locked_until": _iso_exact(admitted.locked_until),
                **seen,
            }
            if state.locked_until is not None:  # the last lock ran out: its tally goes with it
                values["refused"] = 0
            c.execute(update(user_t).where(user_t.c.id == r.id).values(**values))
            if admitted.locked_until is not None:
                self._log(c, now, "user", r.name, "locked", "", address)
            # what is stored, exactly: may_log_in compares this lock with the one read later
            admitted = passwords.LockState(admitted.failures, _when(_iso_exact(admitted.locked_until)))
            return _Gate(row=r, admitted=admitted)

    def _count_address(self, c, address: str, now: datetime) -> bool:
        """Count one attempt from `address`; True when the address is held back (not counted)."""
        _insert_ignore(
            c, address_t, {"address": address, "attempts": 0, "since": _iso(now), "held_until": ""}
        )
        a = c.execute(select(address_t).where(address_t.c.address == address).with_for_update()).one()
        held = _when(a.held_until)
        if held is not None and now < held:
            return True
        attempts, since = a.attempts, _when(a.since)
        if held is not None or since is None or now - since >= ADDRESS_WINDOW:
            attempts, since = 0, now  # a new window
        attempts += 1
        hold = now + ADDRESS_HOLD if attempts >= ADDRESS_MAX_ATTEMPTS else None
        c.execute(
            update(address_t)
            .where(address_t.c.address == address)
            .values(attempts=attempts, since=_iso(since), held_until=_iso(hold))
        )
        if hold is not None:
            self._log(c, now, "address", address, "held", "", str(attempts))
        # addresses whose window and hold are over are forgotten; rows another transaction
        # holds are left for the next time (SKIP LOCKED: never a wait, so never a deadlock)
        stale = (
            select(address_t.c.address)
            .where(
                address_t.c.address != address,
                address_t.c.since < _iso(now - ADDRESS_WINDOW),
                address_t.c.held_until < _iso(now),
            )
            .with_for_update(skip_locked=True)
        )
        c.execute(delete(address_t).where(address_t.c.address.in_(stale)))
        return False

    @staticmethod
    def _address_row(c, address: str):
        if not address:
            return None
        return c.execute(select(address_t).where(address_t.c.address == address).with_for_update()).first()

    @staticmethod
    def _give_back(c, a) -> None:
        """A right password gives its address (row `a`, locked) the attempt it was counted as."""
        if a is None:
            return
        attempts = max(0, a.attempts - 1)
        values: dict[str, Any] = {"attempts": attempts}
        if attempts < ADDRESS_MAX_ATTEMPTS:
            values["held_until"] = ""
        c.execute(update(address_t).where(address_t.c.address == a.address).values(**values))

    @staticmethod
    def _log(c, now: datetime, subject: str, name: str, action: str, actor: str, detail: str) -> None:
        c.execute(
            insert(lock_log_t).values(
                at=_iso(now),
                subject=subject,
                name=name[:64],
                action=action,
                actor=actor[:80],
                detail=detail[:200],
            )
        )

    # --- locks, for the admin (users page) and `yichuang hub unlock-user` -----------------------------
    def lift_lock(self, user_id: int, actor: str) -> User:
        """End the user's lock and failure count now; recorded with who did it."""
        now = _now()
        with self.hub.tx() as c:
            r = c.execute(select(user_t).where(user_t.c.id == user_id).with_for_update()).first()
            if r is None:
                raise AccountError("console.user_unknown")
            if not (r.failures or r.locked_until):
                raise AccountError("console.user_not_locked", name=r.name)
            was = passwords.LockState(r.failures, _when(r.locked_until))
            detail = f"failures={r.failures} refused={r.refused}" + (
                f" until={r.locked_until}" if was.locked(now) else ""
            )
            c.execute(
                update(user_t).where(user_t.c.id == user_id).values(failures=0, locked_until="", refused=0)
            )
            self._log(c, now, "user", r.name, "lifted", actor, detail)
            return self._user(c, c.execute(select(user_t).where(user_t.c.id == user_id)).one())

    def lock_log(self, name: str, subject: str = "user", limit: int = 20) -> list[LockRecord]:
        """The latest lock records of a user (or an address), newest first."""
        with self.hub.ro() as c:
            rows = c.execute(
                select(lock_log_t)
                .where(lock_log_t.c.subject == subject, lock_log_t.c.name == name)
                .order_by(lock_log_t.c.id.desc())
                .limit(limit)
            ).all()
        return [LockRecord(r.at, r.action, r.actor, r.detail) for r in rows]

    def held_addresses(self) -> list[HeldAddress]:
        """Client addresses held back now, soonest free first."""
        now = _now()
        with self.hub.ro() as c:
            rows = c.execute(
                select(address_t).where(address_t.c.held_until > _iso(now)).order_by(address_t.c.held_until)
            ).all()
        return [HeldAddress(r.address, r.attempts, datetime.fromisoformat(r.held_until)) for r in rows]

    def release_address(self, address: str, actor: str) -> None:
        """Let a held address try again now (its count starts afresh); recorded."""
        with self.hub.tx() as c:
            n = c.execute(delete(address_t).where(address_t.c.address == address)).rowcount
            if not n:
                raise AccountError("console.address_unknown", address=address)
            self._log(c, _now(), "address", address, "released", actor, "")

    def session(self, token: str) -> Session | None:
        """The live session of a cookie value (its idle expiry moves on), or None."""
        if not token or len(token) > 100:
            return None
        h = _sha(token)
        now = _now()
        with self.hub.ro() as c:
            s = c.execute(select(session_t).where(session_t.c.hash == h)).first()
            if s is None:
                return None
            u = c.execute(select(user_t).where(user_t.c.id == s.user_id)).first()
            if u is None or u.disabled_at:
                return None
            user = self._user(c, u)
        expires = datetime.fromisoformat(s.expires_at)
        if expires <= now or now - datetime.fromisoformat(s.created_at) > SESSION_MAX:
            return None
        # slide the idle expiry, at most once a minute, never waiting behind a sync push
        if (now - datetime.fromisoformat(s.seen_at)).total_seconds() >= 60 and self.hub._write_lock.acquire(
            blocking=False
        ):
            try:
                expires = now + SESSION_IDLE
                with self.hub.engine.begin() as c:
                    c.execute(
                        update(session_t)
                        .where(session_t.c.hash == h)
                        .values(seen_at=_iso(now), expires_at=_iso(expires))
                    )
            finally:
                self.hub._write_lock.release()
        return Session(user, s.csrf, expires, h)

    def logout(self, token: str) -> None:
        with self.hub.tx() as c:
            c.execute(delete(session_t).where(session_t.c.hash == _sha(token or "")))


def _insert_ignore(c, table: Table, values: dict) -> None:
    """INSERT a row unless its key is there (two processes may add the same row at once)."""
    if c.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        c.execute(pg_insert(table).values(**values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        c.execute(sqlite_insert(table).values(**values).on_conflict_do_nothing())


@functools.cache
def _dummy_hash() -> str:
    """Checked for an unknown name, so a wrong name costs what a wrong password does."""
    return passwords.hash_password(secrets.token_hex(16))
