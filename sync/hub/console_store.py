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
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from app.domain import passwords
from sync.hub.store import HubStore, Principal

USER_ROLES = ("backoffice", "admin")
SESSION_IDLE = timedelta(minutes=30)  # a session unused this long is over
SESSION_MAX = timedelta(hours=10)  # and none lasts longer than a working day
NAME_MAX = 40

md = MetaData()
user_t = Table(
    "hub_user",
    md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(NAME_MAX), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("locked_until", String(40), nullable=False, default=""),
    Column("disabled_at", String(40), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
    Column("password_set_at", String(40), nullable=False),
    Column("last_login_at", String(40), nullable=False, default=""),
)
user_dept_t = Table(
    "hub_user_department",
    md,
    Column("user_id", Integer, ForeignKey("hub_user.id", ondelete="CASCADE"), primary_key=True),
    Column("department", String(40), primary_key=True),
)
session_t = Table(
    "hub_session",
    md,
    Column("hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("hub_user.id", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("seen_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Index("ix_hub_session_user", "user_id"),
)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(when: datetime | None) -> str:
    return when.isoformat(timespec="seconds") if when else ""


def _when(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# --- departments: a matter's code is REGION-DEPT-NNNN; REGION-DEPT names its department ------------------
def department_code(matter_code: str) -> str:
    """``320724-SCJG-0001`` -> ``320724-SCJG`` (the department that decides the matter)."""
    return matter_code.rsplit("-", 1)[0]


def departments(catalogue) -> dict[str, str]:
    """{department code: department name} of every matter in the catalogue, in catalogue order."""
    return {department_code(m.code): m.department for m in catalogue.matters.values()}


def subject_departments(catalogue, kind: str, code: str) -> tuple[str, ...]:
    """The department codes that decide a case's subject (a bundle: each of its matters')."""
    try:
        matters = catalogue.bundle_matters(code) if kind == "bundle" else (catalogue.matter(code),)
    except KeyError:
        return ()
    return tuple(dict.fromkeys(department_code(m.code) for m in matters))


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
    """``session_token`` (the cookie value) when the password was right; else ``refused`` is
    ``"bad"`` (unknown name or wrong password, not told apart), ``"locked"`` or ``"disabled"``."""

    session_token: str = ""
    session: Session | None = None
    refused: str = ""
    locked_until: datetime | None = None


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
                .values(password_hash=digest, password_set_at=_iso(_now()), failures=0, locked_until="")
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
    def login(self, name: str, password: str) -> LoginResult:
        """Check a password with the lockout rule (app.domain.passwords): the fifth wrong one in a
        row locks the account for LOCK_MINUTES; while locked, even the right one is refused."""
        name = (name or "").strip()
        with self.hub.ro() as c:
            r = c.execute(select(user_t).where(user_t.c.name == name)).first() if name else None
        if r is None:
            passwords.verify_password(_dummy_hash(), password)  # the same time as a known name
            return LoginResult(refused="bad")
        now = _now()
        state = passwords.LockState(r.failures, _when(r.locked_until))
        if state.locked(now):
            return LoginResult(refused="locked", locked_until=state.locked_until)
        ok = passwords.verify_password(r.password_hash, password)
        if r.disabled_at and ok:
            return LoginResult(refused="disabled")
        if not ok:  # a disabled account's wrong guesses count too: no unlimited guessing there
            with self.hub.tx() as c:
                # read again under the lock: two wrong passwords at once both count
                cur = c.execute(select(user_t).where(user_t.c.id == r.id)).one()
                after = passwords.after_failure(
                    passwords.LockState(cur.failures, _when(cur.locked_until)), now
                )
                c.execute(
                    update(user_t)
                    .where(user_t.c.id == r.id)
                    .values(failures=after.failures, locked_until=_iso(after.locked_until))
                )
            if after.locked(now):
                return LoginResult(refused="locked", locked_until=after.locked_until)
            return LoginResult(refused="bad")
        rehash = passwords.hash_password(password) if passwords.needs_rehash(r.password_hash) else None
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        expires = now + SESSION_IDLE
        with self.hub.tx() as c:
            values = {"failures": 0, "locked_until": "", "last_login_at": _iso(now)}
            if rehash:
                values["password_hash"] = rehash
            c.execute(update(user_t).where(user_t.c.id == r.id).values(**values))
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


@functools.cache
def _dummy_hash() -> str:
    """Checked for an unknown name, so a wrong name costs what a wrong password does."""
    return passwords.hash_password(secrets.token_hex(16))
