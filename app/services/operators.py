"""Operator accounts: add, change password, disable, list, log in (with lockout), and the
store side of their sync with the hub.

Passwords are checked against the local copy of each account, so login works with no link
at all: deriving the operator's key from the password is the check (app.domain.accounts), and
the session keeps the key in memory to sign account changes. Accounts made at the hub arrive by
sync (``apply_pulled``); changes made here are checked by the rule the hub applies, signed by
the operator who made them and go up from the ``operator_change`` outbox (``pending_changes`` /
``mark_changes``). The hub is the authority: what it sends down replaces the local account (a
disable there wins), a change it refuses is undone here, only this window's lockout counters
stay local.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.domain import accounts, roles
from app.messages import t
from app.services.workstation import Workstation

# argon2 (cffi) and uuid are imported where used: the window checks for accounts at start-up,
# before its first frame, and pays only for sqlite3 there.

OPERATOR_CURSOR = "operator_rev"  # sync_state key: the hub's operator revision applied here


class OperatorError(Exception):
    """A refused operator command or login; the message is for the user."""


@dataclass(frozen=True)
class Session:
    """Who is at the keyboard. ``role`` None is the embedded demo's clerk (no accounts yet).
    ``key``: the private seed of the operator's key (app.domain.accounts), derived from the
    password at login and kept only in memory, for signing account changes; None for an
    account made before keys."""

    name: str
    role: str | None
    key: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def demo(self) -> bool:
        return self.role is None

    def may(self, action: str) -> bool:
        return roles.allowed(self.role, action)


def _utc(ws: Workstation) -> datetime:
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
    return accounts_in_store(db_path, key) != "none"


def accounts_of(ws: Workstation) -> str:
    """accounts_in_store of the workstation's store, read without creating or migrating it
    (a fresh data dir has none: `config set` before the first start stays open)."""
    from app.store.cipher import is_encrypted
    from app.store.db import StoreError

    path = ws.config.db_path
    if not path.exists():
        return "none"
    try:
        key = ws.db_key if is_encrypted(path) else None
    except StoreError:  # no key, or a wrong one: cannot tell
        return "unknown"
    return accounts_in_store(path, key)


def accounts_in_store(db_path, key=None) -> str:
    """ "some", "none" (no file, no table, an empty one), or "unknown" (the store cannot be read:
    no key for an encrypted one, a wrong key, a damaged or locked file)."""
    from pathlib import Path

    from app.store.cipher import connect, is_encrypted

    if not Path(db_path).exists():
        return "none"
    encrypted = is_encrypted(Path(db_path))
    if encrypted and key is None:
        return "unknown"
    try:
        con = connect(f"file:{db_path}?mode=ro", key if encrypted else None, uri=True, timeout=10)
    except Exception:  # noqa: BLE001  (sqlite3's or sqlcipher3's error, a wrong key)
        return "unknown"  # cannot tell: the login screen, never the demo
    try:
        return "some" if con.execute("SELECT 1 FROM operator LIMIT 1").fetchone() is not None else "none"
    except Exception as exc:  # noqa: BLE001
        # no such table: a store older than the accounts; anything else (locked, damaged):
        # cannot tell, so the login screen, never the demo's open door
        return "none" if "no such table" in str(exc) else "unknown"
    finally:
        con.close()


def _change_doc(
    ws: Workstation, op: str, name: str, *, role: str = "", key: str = "", actor: str = ""
) -> dict:
    """An account change as it travels (app.domain.accounts.SIGNED_FIELDS), not yet signed."""
    import uuid

    return {
        "v": 1,
        "id": str(uuid.uuid4()),
        "op": op,
        "name": name,
        "role": role,
        "office": ws.office_code,
        "key": key,
        "actor": actor,
        "at": _utc(ws).isoformat(timespec="milliseconds"),
    }


def _queue(s, ws: Workstation, change: dict, signature: str | None, made_by: str = "") -> None:
    """Put the change in the outbox, exactly as signed (None: unsigned; the hub refuses it).
    `made_by`: who made an unsigned one (the computer's user), for the record."""
    import json

    from app.store.operator_models import OperatorChange

    signed = json.dumps({**change, "sig": signature}, ensure_ascii=False) if signature else ""
    s.add(
        OperatorChange(
            id=change["id"],
            name=change["name"],
            op=change["op"],
            role=change["role"],
            office=change["office"],
            actor=change["actor"] or made_by[:100],
            at=_utc(ws),
            signed=signed,
        )
    )


def _account(row) -> accounts.Account | None:
    if row is None:
        return None
    return accounts.Account(row.name, row.role, row.office, bool(row.disabled), row.public_key or "")


def refusal_text(code: str, reason: str = "") -> str:
    """The words for a refusal code (app.domain.accounts.REFUSALS), the hub's reason for one
    this version does not know."""
    text = t(f"accounts.refused_{code}")
    return reason or code if text == f"accounts.refused_{code}" else text


def refused_line(r: dict) -> str:
    """One refused account change (mark_changes / refused_changes) in words, for the window's
    message, `sync --once` and `sync status`."""
    from app.domain.text import visible

    return t(
        "accounts.refused_line",
        op=t(f"accounts.op_{r['op']}") if r.get("op") in accounts.OPS else visible(str(r.get("op"))),
        name=visible(str(r.get("name", "")), single_line=True),
        actor=visible(str(r.get("actor") or "-"), single_line=True),
        reason=visible(refusal_text(str(r.get("code", "")), str(r.get("reason", ""))), single_line=True),
    )


def _signer(by: Session) -> bytes:
    if by.demo:
        raise OperatorError(t("accounts.need_login"))
    if by.key is None:
        raise OperatorError(t("accounts.refused_actor_no_key"))
    return by.key


def _signed_change(s, ws: Workstation, by: Session, change: dict, target) -> str:
    """Check `change` against this window's copy of the accounts by the rule the hub applies,
    and sign it with the acting operator's key; OperatorError with the reason when refused."""
    from app.store.operator_models import Operator

    code = accounts.refusal(change, _account(s.get(Operator, by.name)), _account(target), ws.office_code)
    if code is not None:
        raise OperatorError(refusal_text(code))
    return accounts.sign(_signer(by), change)


def add_operator(ws: Workstation, name: str, role: str, password: str, *, actor: Session | str) -> None:
    """A new account of this office, signed by the logged-in operator `actor` (a Session):
    a clerk or courier, made by a supervisor or admin (app.domain.accounts). The hub learns of
    it at the next sync and sends it to the office's other windows.

    The first account of a store with none (the demo) needs no login: `actor` is then who
    made it (a string, e.g. the computer's user). It goes up unsigned, so a hub refuses it and
    this window then disables it: a window connected to a hub gets its accounts from the hub."""
    from app.store.operator_models import Operator

    name, role = check_name(name), check_role(role)
    key, _seed = accounts.new_key(check_password(password))  # slow: outside the transaction
    by = actor if isinstance(actor, Session) else None
    if by is not None:
        _signer(by)
    change = _change_doc(ws, "add", name, role=role, key=key, actor=by.name if by else "")
    now = _utc(ws)
    with ws.store.write() as s:
        from sqlmodel import select

        if s.get(Operator, name) is not None:
            raise OperatorError(t("operator.exists", name=name))
        if by is None:
            if s.exec(select(Operator.name).limit(1)).first() is not None:
                raise OperatorError(t("accounts.need_login"))
            change["actor"] = ""  # unsigned: the bootstrap of a store without accounts
            signature = None
        else:
            signature = _signed_change(s, ws, by, change, None)
        s.add(
            Operator(
                name=name,
                role=role,
                public_key=key,
                office=ws.office_code,
                created_at=now,
                updated_at=now,
            )
        )
        _queue(s, ws, change, signature, made_by="" if by else str(actor))


def _existing(s, name: str):
    from app.store.operator_models import Operator

    op = s.get(Operator, name)
    if op is None:
        raise OperatorError(t("operator.unknown", name=name))
    return op


def set_password(ws: Workstation, name: str, password: str, *, actor: Session) -> None:
    """A new password (and key) for `name`: one's own, or a clerk's or courier's of this
    office reset by a supervisor or admin; signed by `actor`. Ends a lock."""
    _signer(actor)
    key, _seed = accounts.new_key(check_password(password))  # slow: outside the transaction
    change = _change_doc(ws, "passwd", name, key=key, actor=actor.name)
    with ws.store.write() as s:
        op = _existing(s, name)
        if op.disabled:
            raise OperatorError(t("operator.is_disabled", name=name))
        signature = _signed_change(s, ws, actor, change, op)
        op.public_key, op.password_hash, op.updated_at = key, "", _utc(ws)
        op.failures, op.locked_until = 0, None  # a new password ends a lock
        s.add(op)
        _queue(s, ws, change, signature)


def disable_operator(ws: Workstation, name: str, *, actor: Session) -> bool:
    """Disable a clerk's or courier's account of this office (signed by `actor`, a supervisor
    or admin); False when it already was (nothing changes, nothing is sent)."""
    _signer(actor)
    change = _change_doc(ws, "disable", name, actor=actor.name)
    with ws.store.write() as s:
        op = _existing(s, name)
        if op.disabled:
            return False
        signature = _signed_change(s, ws, actor, change, op)
        op.disabled, op.updated_at = True, _utc(ws)
        s.add(op)
        _queue(s, ws, change, signature)
    return True


def list_operators(ws: Workstation) -> list[dict]:
    """Every account, without its hash or key: name, role, disabled, office, lock, sync state,
    whether it has a key (accounts made before keys get one when their password is reset), and
    the hub's refusal of the last change made here, if it refused it."""
    from sqlmodel import select

    from app.store.operator_models import Operator, OperatorChange

    now = _utc(ws)
    with ws.store.read() as s:
        pending = {c.name for c in s.exec(select(OperatorChange).where(OperatorChange.status == "pending"))}
        last: dict[str, OperatorChange] = {}
        for c in s.exec(
            select(OperatorChange).where(OperatorChange.status != "pending").order_by(OperatorChange.at)
        ):
            last[c.name] = c
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
            "has_key": bool(op.public_key),
            "refused": (
                last[op.name].reason
                if op.name in last and last[op.name].status == "refused" and op.hub_rev is None
                else None
            ),
        }
        for op in rows
    ]


def login(ws: Workstation, name: str, password: str) -> Session:
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
        digest, key, locked_until = (
            (op.password_hash, op.public_key, op.locked_until) if found else ("", "", None)
        )
    if not found:  # as slow as a wrong password: the time does not tell which names exist
        passwords.verify_password(_dummy_hash(), password)
        raise OperatorError(t("login.wrong"))
    if disabled:
        raise OperatorError(t("login.disabled", name=name))
    if admitted is None:  # locked: refused without checking the password
        raise OperatorError(t("login.locked", name=name, until=_local_hm(locked_until)))
    # slow (one argon2id run), outside the transaction: with a key, deriving it is the check
    seed = accounts.unlock(key, password) if key else None
    ok = seed is not None if key else passwords.verify_password(digest, password)
    if not ok:
        if admitted.locked(now):
            raise OperatorError(t("login.locked", name=name, until=_local_hm(admitted.locked_until)))
        raise OperatorError(t("login.wrong_left", left=passwords.failures_left(admitted)))
    with ws.store.write() as s:
        row = s.get(Operator, name)
        if row is None or row.disabled:  # removed or disabled meanwhile (a sync)
            raise OperatorError(t("login.disabled", name=name))
        if row.password_hash != digest or row.public_key != key:
            raise OperatorError(t("login.wrong"))  # changed while this one was checked: that was the old one
        if not passwords.may_log_in(passwords.LockState(row.failures, row.locked_until), admitted, _utc(ws)):
            # another attempt locked the account while this one was being checked
            raise OperatorError(t("login.locked", name=name, until=_local_hm(row.locked_until)))
        new = passwords.after_success()
        row.failures, row.locked_until = new.failures, new.locked_until
        s.add(row)
        role = row.role
    return Session(name, role, seed)


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    from app.domain import passwords

    if not _DUMMY:
        _DUMMY.append(passwords.hash_password("not a password of anyone"))
    return _DUMMY[0]


def check_still_allowed(ws: Workstation, session: Session) -> str | None:
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
def pending_changes(ws: Workstation) -> list[dict]:
    """This window's account changes the hub has not answered, oldest first, as they travel:
    exactly as signed (an unsigned one, the bootstrap of a store without accounts, as it is)."""
    import json

    from sqlmodel import select

    from app.store.operator_models import OperatorChange

    with ws.store.read() as s:
        rows = s.exec(
            select(OperatorChange).where(OperatorChange.status == "pending").order_by(OperatorChange.at)
        ).all()
    out = []
    for c in rows:
        if c.signed:
            out.append(json.loads(c.signed))
            continue
        out.append(
            {
                "v": 1,
                "id": c.id,
                "name": c.name,
                "op": c.op,
                "role": c.role,
                "office": c.office,
                "actor": c.actor,
                "at": c.at.astimezone(UTC).isoformat(timespec="milliseconds"),
            }
        )
    return out


def mark_changes(ws: Workstation, results: list[dict]) -> list[dict]:
    """Record the hub's answer to pushed changes. A refused change is undone here: the account
    it added is disabled (never removed: a store that had accounts must not fall back to the
    demo), and the next pull starts from the beginning so the hub's version of every account
    comes down. Returns the refused changes (name, op, code, reason) for the report."""
    from app.services.sync import state  # deferred: the login gate imports this module at start-up
    from app.store.operator_models import Operator, OperatorChange

    refused: list[dict] = []
    with ws.store.write() as s:
        for r in results:
            change = s.get(OperatorChange, str(r.get("id", "")))
            if change is None or change.status != "pending":
                continue
            if r.get("status") != "refused":
                change.status = "sent"
                s.add(change)
                continue
            code = str(r.get("code", ""))[:40]
            change.status, change.reason = "refused", f"{code}: {r.get('reason', '')}"[:200]
            s.add(change)
            if change.op == "add":
                row = s.get(Operator, change.name)
                if row is not None and row.hub_rev is None:  # made here, unknown to the hub
                    row.disabled, row.updated_at = True, _utc(ws)
                    s.add(row)
            refused.append(
                {
                    "id": change.id,
                    "name": change.name,
                    "op": change.op,
                    "actor": change.actor,
                    "code": code,
                    "reason": str(r.get("reason", ""))[:200],
                }
            )
        if refused:
            state.set_state(s, OPERATOR_CURSOR, "0")
    return refused


def refused_changes(ws: Workstation) -> list[dict]:
    """Account changes of this window the hub refused (undone here), newest first."""
    from sqlmodel import select

    from app.store.operator_models import OperatorChange

    with ws.store.read() as s:
        rows = s.exec(
            select(OperatorChange)
            .where(OperatorChange.status == "refused")
            .order_by(OperatorChange.at.desc())
            .limit(100)
        ).all()
    return [
        {
            "id": c.id,
            "name": c.name,
            "op": c.op,
            "actor": c.actor,
            "at": c.at.astimezone(UTC).isoformat(timespec="seconds"),
            "code": c.reason.split(":", 1)[0],
            "reason": c.reason.split(": ", 1)[-1],
        }
        for c in rows
    ]


def pulled_cursor(ws: Workstation) -> int:
    from app.services.sync import state  # deferred: the login gate imports this module at start-up

    return int(state.read_state(ws.store, OPERATOR_CURSOR, "0") or 0)


def apply_pulled(ws: Workstation, accounts_down: list[dict], rev: int) -> int:
    """Accounts as the hub holds them replace the local ones (with the cursor, in one
    transaction); this window's lockout counters are kept. Returns how many changed."""
    from sqlmodel import select

    from app.services.sync import state  # deferred: the login gate imports this module at start-up
    from app.store.operator_models import Operator, OperatorChange

    now = _utc(ws)
    changed = 0
    with ws.store.write() as s:
        # a change made here after this cycle's push goes up next time; until then it stands
        pending = {c.name for c in s.exec(select(OperatorChange).where(OperatorChange.status == "pending"))}
        for a in accounts_down:
            name, role, digest = str(a["name"]), str(a["role"]), str(a.get("hash") or "")
            key = str(a.get("key") or "")
            if not roles.is_role(role) or not name or name in pending:
                continue  # a role this version does not know: never guess its rights
            if key and not accounts.is_key(key):
                continue  # a key this version cannot use would only lock the account out
            row = s.get(Operator, name)
            if row is None:
                row = Operator(name=name, role=role, created_at=now, updated_at=now)
            row.role, row.password_hash, row.public_key = role, digest, key
            row.disabled, row.office = bool(a.get("disabled")), str(a.get("office", ""))
            row.hub_rev, row.updated_at = int(a["rev"]), now
            s.add(row)
            changed += 1
        state.set_state(s, OPERATOR_CURSOR, str(int(rev)))
    return changed
