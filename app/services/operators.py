"""Operator accounts: add, change password, disable, list, log in (with lockout), and the
store side of their sync with the hub.

Passwords are checked against the local copy of each account, so login works with no link
at all; accounts made at the hub arrive by sync (``apply_pulled``) and changes made here go
up from the ``operator_change`` outbox (``pending_changes`` / ``mark_changes``). The hub is
the authority: what it sends down replaces the local account (a disable there wins), only
this window's lockout counters stay local.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.domain import roles
from app.messages import t

# argon2 (cffi) and uuid are imported where used: the window checks for accounts at start-up,
# before its first frame, and pays only for sqlite3 there.

OPERATOR_CURSOR = "operator_rev"  # sync_state key: the hub's operator revision applied here


class OperatorError(Exception):
    """A refused operator command or login; the message is for the user."""


@dataclass(frozen=True)
class Session:
    """Who is at the keyboard. ``role`` None is the embedded demo's clerk (no accounts yet)."""

    name: str
    role: str | None

    @property
    def demo(self) -> bool:
        return self.role is None

    def may(self, action: str) -> bool:
        return roles.allowed(self.role, action)


def _utc(ws) -> datetime:
    """Now, timezone-aware in UTC: what the store keeps (and gives back)."""
    return ws.utcnow().astimezone(UTC)


def check_name(name: str) -> str:
    """The login name, cleaned, or OperatorError: it is written on every event and receipt."""
    from app.domain.text import FieldError, clean_text

    try:
        name = clean_text(name, t("operator.field_name"), required=True, max_len=32)
    except FieldError as exc:
        raise OperatorError(exc.message) from None
    if any(ch.isspace() or ch in "@/:\\" for ch in name):
        raise OperatorError(t("operator.bad_name", name=name))
    return name


def check_role(role: str) -> str:
    if not roles.is_role(role):
        raise OperatorError(t("operator.bad_role", role=role, known=", ".join(roles.ROLES)))
    return role


def check_password(password: str) -> str:
    from app.domain import passwords

    problem = passwords.password_problem(password)
    if problem:
        raise OperatorError(
            t({"password.too_short": "password.too_short"}.get(problem, "password.too_simple"))
        )
    return password


def any_operators(db_path, key=None) -> bool:
    """Is there any account? Read with sqlite3 at start-up (SQLAlchemy is not loaded yet); a
    store without the table (new, or older than the accounts) has none: the demo clerk.

    An encrypted store is read with its key (`key`: app.store.cipher.DbKey). Without the key
    the answer is yes: a store that cannot be read must not open as the demo, whose clerk may
    do all of the window's business without logging in."""
    from pathlib import Path

    from app.store.cipher import connect, is_encrypted

    if not Path(db_path).exists():
        return False
    encrypted = is_encrypted(Path(db_path))
    if encrypted and key is None:
        return True
    try:
        con = connect(f"file:{db_path}?mode=ro", key if encrypted else None, uri=True, timeout=10)
    except Exception:  # noqa: BLE001  (sqlite3's or sqlcipher3's error, a wrong key)
        return True  # cannot tell: the login screen, never the demo
    try:
        return con.execute("SELECT 1 FROM operator LIMIT 1").fetchone() is not None
    except Exception as exc:  # noqa: BLE001
        # no such table: a store older than the accounts; anything else (locked, damaged):
        # cannot tell, so the login screen, never the demo's open door
        return "no such table" not in str(exc)
    finally:
        con.close()


def _queue(s, ws, op, name: str, actor: str, **fields: str) -> None:
    import uuid

    from app.store.operator_models import OperatorChange

    s.add(OperatorChange(id=str(uuid.uuid4()), name=name, op=op, actor=actor, at=_utc(ws), **fields))


def add_operator(ws, name: str, role: str, password: str, *, actor: str) -> None:
    """A new account of this office; the hub learns of it at the next sync."""
    from app.domain import passwords
    from app.store.operator_models import Operator

    name, role = check_name(name), check_role(role)
    digest = passwords.hash_password(check_password(password))  # slow: outside the transaction
    now = _utc(ws)
    with ws.store.write() as s:
        if s.get(Operator, name) is not None:
            raise OperatorError(t("operator.exists", name=name))
        s.add(
            Operator(
                name=name,
                role=role,
                password_hash=digest,
                office=ws.office_code,
                created_at=now,
                updated_at=now,
            )
        )
        _queue(s, ws, "add", name, actor, role=role, password_hash=digest, office=ws.office_code)


def _existing(s, name: str):
    from app.store.operator_models import Operator

    op = s.get(Operator, name)
    if op is None:
        raise OperatorError(t("operator.unknown", name=name))
    return op


def set_password(ws, name: str, password: str, *, actor: str) -> None:
    from app.domain import passwords

    digest = passwords.hash_password(check_password(password))
    with ws.store.write() as s:
        op = _existing(s, name)
        if op.disabled:
            raise OperatorError(t("operator.is_disabled", name=name))
        op.password_hash, op.updated_at = digest, _utc(ws)
        op.failures, op.locked_until = 0, None  # a new password ends a lock
        s.add(op)
        _queue(s, ws, "passwd", name, actor, password_hash=digest)


def disable_operator(ws, name: str, *, actor: str) -> bool:
    """Disable the account; False when it already was (nothing changes, nothing is sent)."""
    with ws.store.write() as s:
        op = _existing(s, name)
        if op.disabled:
            return False
        op.disabled, op.updated_at = True, _utc(ws)
        s.add(op)
        _queue(s, ws, "disable", name, actor)
    return True


def list_operators(ws) -> list[dict]:
    """Every account, without its hash: name, role, disabled, office, lock, sync state."""
    from sqlmodel import select

    from app.store.operator_models import Operator, OperatorChange

    now = _utc(ws)
    with ws.store.read() as s:
        pending = {c.name for c in s.exec(select(OperatorChange).where(OperatorChange.status == "pending"))}
        rows = s.exec(select(Operator).order_by(Operator.name)).all()
    return [
        {
            "name": op.name,
            "role": op.role,
            "disabled": op.disabled,
            "office": op.office,
            "locked_until": (
                op.locked_until.astimezone(UTC).isoformat(timespec="seconds")
                if op.locked_until is not None and op.locked_until > now
                else None
            ),
            "synced": op.hub_rev is not None and op.name not in pending,
        }
        for op in rows
    ]


def login(ws, name: str, password: str) -> Session:
    """The session of `name`, or OperatorError saying why not. Five wrong passwords in a row
    lock the account for a while (app.domain.passwords); the count is kept in the store, so
    quitting the window does not reset it. The attempt is counted before its password is
    checked, in one write transaction (BEGIN IMMEDIATE: the window, `yichuang evaluate` or any
    other process on this store counts one attempt after another), so attempts made at once
    get no more checks than attempts made in turn."""
    from app.domain import passwords
    from app.store.operator_models import Operator

    name = (name or "").strip()
    now = _utc(ws)
    admitted = None
    with ws.store.write() as s:
        op = s.get(Operator, name) if name else None
        if op is not None and not op.disabled:
            admitted = passwords.admit(passwords.LockState(op.failures, op.locked_until), now)
            if admitted is not None:
                op.failures, op.locked_until = admitted.failures, admitted.locked_until
                s.add(op)
        found = op is not None
        disabled = found and op.disabled
        digest, locked_until = (op.password_hash, op.locked_until) if found else ("", None)
    if not found:  # as slow as a wrong password: the time does not tell which names exist
        passwords.verify_password(_dummy_hash(), password)
        raise OperatorError(t("login.wrong"))
    if disabled:
        raise OperatorError(t("login.disabled", name=name))
    if admitted is None:  # locked: refused without checking the password
        raise OperatorError(t("login.locked", name=name, until=_local_hm(locked_until)))
    if not passwords.verify_password(digest, password):  # slow: outside the transaction
        if admitted.locked(now):
            raise OperatorError(t("login.locked", name=name, until=_local_hm(admitted.locked_until)))
        raise OperatorError(t("login.wrong_left", left=passwords.failures_left(admitted)))
    with ws.store.write() as s:
        row = s.get(Operator, name)
        if row is None or row.disabled:  # removed or disabled meanwhile (a sync)
            raise OperatorError(t("login.disabled", name=name))
        if row.password_hash != digest:  # changed while this one was checked: that was the old one
            raise OperatorError(t("login.wrong"))
        if not passwords.may_log_in(passwords.LockState(row.failures, row.locked_until), admitted, _utc(ws)):
            # another attempt locked the account while this one was being checked
            raise OperatorError(t("login.locked", name=name, until=_local_hm(row.locked_until)))
        new = passwords.after_success()
        row.failures, row.locked_until = new.failures, new.locked_until
        if passwords.needs_rehash(row.password_hash):  # parameters changed: keep up
            row.password_hash = passwords.hash_password(password)
            _queue(s, ws, "passwd", name, name, password_hash=row.password_hash)
        s.add(row)
        role = row.role
    return Session(name, role)


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    from app.domain import passwords

    if not _DUMMY:
        _DUMMY.append(passwords.hash_password("not a password of anyone"))
    return _DUMMY[0]


def check_still_allowed(ws, session: Session) -> str | None:
    """A message key when the session's account was disabled (or removed) meanwhile, else None."""
    from app.store.operator_models import Operator

    if session.demo:
        return None
    with ws.store.read() as s:
        op = s.get(Operator, session.name)
    return "login.disabled" if op is None or op.disabled else None


def _local_hm(when: datetime | None) -> str:
    if when is None:
        return ""
    return when.astimezone().strftime("%H:%M")


# --- sync with the hub (app.services.sync.cycle calls these) ---------------------------------------
def pending_changes(ws) -> list[dict]:
    """This window's account changes the hub has not answered, oldest first, as they travel."""
    from sqlmodel import select

    from app.store.operator_models import OperatorChange

    with ws.store.read() as s:
        rows = s.exec(
            select(OperatorChange).where(OperatorChange.status == "pending").order_by(OperatorChange.at)
        ).all()
    return [
        {
            "id": c.id,
            "name": c.name,
            "op": c.op,
            "role": c.role,
            "hash": c.password_hash,
            "office": c.office,
            "actor": c.actor,
            "at": c.at.astimezone(UTC).isoformat(timespec="milliseconds"),
        }
        for c in rows
    ]


def mark_changes(ws, results: list[dict]) -> bool:
    """Record the hub's answer to pushed changes; True when one was refused (then the next
    pull starts from the beginning, so the hub's version of that account comes down)."""
    from app.services.sync.outbox import set_state
    from app.store.operator_models import OperatorChange

    refused = False
    with ws.store.write() as s:
        for r in results:
            change = s.get(OperatorChange, str(r.get("id", "")))
            if change is None or change.status != "pending":
                continue
            if r.get("status") == "refused":
                change.status, change.reason, refused = "refused", str(r.get("reason", ""))[:200], True
            else:
                change.status = "sent"
            s.add(change)
        if refused:
            set_state(s, OPERATOR_CURSOR, "0")
    return refused


def pulled_cursor(ws) -> int:
    from app.services.sync.outbox import read_state

    return int(read_state(ws.store, OPERATOR_CURSOR, "0") or 0)


def apply_pulled(ws, accounts: list[dict], rev: int) -> int:
    """Accounts as the hub holds them replace the local ones (with the cursor, in one
    transaction); this window's lockout counters are kept. Returns how many changed."""
    from sqlmodel import select

    from app.services.sync.outbox import set_state
    from app.store.operator_models import Operator, OperatorChange

    now = _utc(ws)
    changed = 0
    with ws.store.write() as s:
        # a change made here after this cycle's push goes up next time; until then it stands
        pending = {c.name for c in s.exec(select(OperatorChange).where(OperatorChange.status == "pending"))}
        for a in accounts:
            name, role, digest = str(a["name"]), str(a["role"]), str(a["hash"])
            if not roles.is_role(role) or not name or name in pending:
                continue  # a role this version does not know: never guess its rights
            row = s.get(Operator, name)
            if row is None:
                row = Operator(name=name, role=role, password_hash=digest, created_at=now, updated_at=now)
            row.role, row.password_hash = role, digest
            row.disabled, row.office = bool(a.get("disabled")), str(a.get("office", ""))
            row.hub_rev, row.updated_at = int(a["rev"]), now
            s.add(row)
            changed += 1
        set_state(s, OPERATOR_CURSOR, str(int(rev)))
    return changed
